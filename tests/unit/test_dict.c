/*
** test_dict.c -- string dictionaries: dense codes in insertion order,
** lookups, byte-exact round trips (empty, UTF-8, embedded NUL), 200k
** entries against a generator that knows each string's code, arena growth,
** ranks against an independent qsort/strcmp, reference counts and
** allocation failures (which must leave the dictionary as it was).
*/
#include "tg_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_dict.h"
#include "tg_err.h"
#include "tg_mem.h"

/* A string literal and its length in bytes, embedded NULs included. */
#define BYTES(lit) \
    { lit, sizeof lit - 1 }

static uint32_t intern_n(tg_dict *d, const char *s, size_t n) {
    uint32_t code = 0xdeadbeef;
    assert_int_equal(tg_dict_intern(d, s, n, &code), TG_OK);
    return code;
}

static uint32_t intern(tg_dict *d, const char *s) {
    return intern_n(d, s, strlen(s));
}

static void assert_entry(const tg_dict *d, uint32_t code, const char *s, size_t n) {
    size_t len = 99999;
    const char *got = tg_dict_str(d, code, &len);
    if (len != n) fail_msg("code %u: length %zu, expected %zu", code, len, n);
    if (memcmp(got, s, n) != 0) fail_msg("code %u: bytes differ", code);
    if (got[n] != '\0') fail_msg("code %u: not NUL-terminated", code);
    if (tg_dict_find(d, s, n) != code) fail_msg("code %u: find gave another code", code);
}

/* Key i: a prefix of 'q'/'æ' (never '-'), a '-', then the hex of a bijection
** of i, sometimes followed by a long '/z...' tail. Everything after the first
** '-' is unique to i, so keys are distinct; their code is their index. */
static size_t make_key(uint32_t i, char *buf, size_t size) {
    size_t n = 0;
    for (uint32_t k = 0; k < i % 7; k++)
        n += (size_t)snprintf(buf + n, size - n, "%s", k % 2 ? "æ" : "q");
    n += (size_t)snprintf(buf + n, size - n, "-%x", i * 2654435761u);
    if (i % 5000 == 17) {
        buf[n++] = '/';
        while (n < 300) buf[n++] = 'z';
        buf[n] = '\0';
    }
    return n;
}

static void test_dict_new_empty(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_dict *d = tg_dict_new();
    assert_non_null(d);
    assert_int_equal(tg_dict_size(d), 0);
    assert_int_equal(tg_dict_find(d, "x", 1), TG_DICT_NONE);
    assert_int_equal(tg_dict_find(d, "", 0), TG_DICT_NONE);
    assert_int_equal(tg_dict_ranks(d, NULL), TG_OK); /* no entries to fill */
    tg_dict_release(d);
    tg_dict_release(NULL);
    tg_test_no_leaks(blocks);
}

static void test_dict_codes_dense_in_insertion_order(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_dict *d = tg_dict_new();
    assert_non_null(d);

    assert_int_equal(intern(d, "Aarhus"), 0);
    assert_int_equal(intern(d, "Odense"), 1);
    assert_int_equal(intern(d, "Aalborg"), 2);
    assert_int_equal(tg_dict_size(d), 3);

    size_t used = tg_mem_used(), nblocks = tg_mem_blocks();
    assert_int_equal(intern(d, "Odense"), 1); /* duplicates return the first code */
    assert_int_equal(intern(d, "Aarhus"), 0);
    assert_int_equal(tg_dict_size(d), 3);
    assert_int_equal(tg_mem_used(), used); /* and store nothing */
    assert_int_equal(tg_mem_blocks(), nblocks);

    assert_int_equal(intern(d, "Esbjerg"), 3);
    assert_int_equal(intern(d, "aarhus"), 4); /* case matters */
    assert_int_equal(tg_dict_size(d), 5);
    tg_dict_release(d);
    tg_test_no_leaks(blocks);
}

static void test_dict_find(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_dict *d = tg_dict_new();
    assert_non_null(d);
    uint32_t ab = intern(d, "ab"), a = intern(d, "a"), abc = intern(d, "abc");

    assert_int_equal(tg_dict_find(d, "ab", 2), ab);
    assert_int_equal(tg_dict_find(d, "a", 1), a);
    assert_int_equal(tg_dict_find(d, "abc", 3), abc);
    assert_int_equal(tg_dict_find(d, "abcd", 2), ab); /* only n bytes count */
    assert_int_equal(tg_dict_find(d, "abcd", 4), TG_DICT_NONE);
    assert_int_equal(tg_dict_find(d, "b", 1), TG_DICT_NONE);
    assert_int_equal(tg_dict_find(d, "", 0), TG_DICT_NONE);
    assert_int_equal(tg_dict_find(d, "A", 1), TG_DICT_NONE);
    tg_dict_release(d);
    tg_test_no_leaks(blocks);
}

static void test_dict_str_round_trip(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    static const struct {
        const char *s;
        size_t n;
    } in[] = {
        BYTES(""),
        BYTES("belægning"), /* æ is two bytes */
        BYTES("æøå"),
        BYTES("ÆØÅ"),
        BYTES("Ærø"),
        BYTES("a\0b"), /* embedded NUL */
        BYTES("a"),
        BYTES("a\0"),
        BYTES("\xff\xfe\x01"), /* not UTF-8: bytes are bytes */
        BYTES("tab\there, \"quoted\""),
    };
    assert_int_equal(in[1].n, 10);
    assert_int_equal(in[2].n, 6);
    tg_dict *d = tg_dict_new();
    assert_non_null(d);
    for (uint32_t i = 0; i < TG_ARRAY_LEN(in); i++)
        assert_int_equal(intern_n(d, in[i].s, in[i].n), i);
    assert_int_equal(tg_dict_size(d), TG_ARRAY_LEN(in));
    for (uint32_t i = 0; i < TG_ARRAY_LEN(in); i++) assert_entry(d, i, in[i].s, in[i].n);

    size_t len = 1;
    assert_string_equal(tg_dict_str(d, 0, &len), "");
    assert_int_equal(len, 0);
    assert_string_equal(tg_dict_str(d, 2, NULL), "æøå"); /* len is optional */
    tg_dict_release(d);
    tg_test_no_leaks(blocks);
}

static void test_dict_many_against_generator(void **state) {
    (void)state;
    enum { N = 200000 };
    size_t blocks = tg_mem_blocks();
    char buf[512];
    tg_dict *d = tg_dict_new();
    assert_non_null(d);

    for (uint32_t i = 0; i < N; i++) {
        size_t n = make_key(i, buf, sizeof buf);
        uint32_t code = intern_n(d, buf, n);
        if (code != i) fail_msg("key %u got code %u", i, code);
        if (i % 3 == 0 && i > 0) { /* an earlier key again */
            uint32_t j = (i * 40503u) % i;
            n = make_key(j, buf, sizeof buf);
            code = intern_n(d, buf, n);
            if (code != j) fail_msg("repeat of key %u got code %u", j, code);
        }
    }
    assert_int_equal(tg_dict_size(d), N);
    for (uint32_t i = 0; i < N; i++) {
        size_t n = make_key(i, buf, sizeof buf);
        assert_entry(d, i, buf, n);
    }
    /* Near misses: a different separator, a truncated tail. */
    for (uint32_t i = 0; i < N; i += 997) {
        size_t n = make_key(i, buf, sizeof buf);
        char *dash = strchr(buf, '-');
        *dash = '+';
        assert_int_equal(tg_dict_find(d, buf, n), TG_DICT_NONE);
        *dash = '-';
        assert_int_equal(tg_dict_find(d, buf, n - 1), TG_DICT_NONE);
    }
    tg_dict_release(d);
    tg_test_no_leaks(blocks);
}

static void test_dict_arena_growth_keeps_strings(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    char *big = tg_malloc(20000);
    assert_non_null(big);
    tg_dict *d = tg_dict_new();
    assert_non_null(d);

    assert_int_equal(intern(d, "first"), 0);
    /* Strings far larger than the arena force several doublings at once. */
    for (uint32_t i = 1; i <= 12; i++) {
        size_t n = i * 1500;
        for (size_t k = 0; k < n; k++) big[k] = (char)('a' + (k * 7 + i) % 26);
        assert_int_equal(intern_n(d, big, n), i);
        assert_int_equal(intern(d, "first"), 0);
    }
    assert_entry(d, 0, "first", 5);
    for (uint32_t i = 1; i <= 12; i++) {
        size_t n = i * 1500;
        for (size_t k = 0; k < n; k++) big[k] = (char)('a' + (k * 7 + i) % 26);
        assert_entry(d, i, big, n);
    }
    tg_dict_release(d);
    tg_free(big);
    tg_test_no_leaks(blocks);
}

static void test_dict_ranks_by_hand(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    static const char *in[] = { "b", "a", "c", "ab", "", "Aarhus", "Zealand", "ærø", "Ærø" };
    /* Byte order: "" < "Aarhus" < "Zealand" < "a" < "ab" < "b" < "c" < "Ærø"
    ** (C3 86) < "ærø" (C3 A6). */
    static const uint32_t want[] = { 5, 3, 6, 4, 0, 1, 2, 8, 7 };
    uint32_t rank[TG_ARRAY_LEN(in)];
    tg_dict *d = tg_dict_new();
    assert_non_null(d);
    for (size_t i = 0; i < TG_ARRAY_LEN(in); i++) intern(d, in[i]);
    assert_int_equal(tg_dict_ranks(d, rank), TG_OK);
    for (size_t i = 0; i < TG_ARRAY_LEN(in); i++)
        if (rank[i] != want[i]) fail_msg("'%s': rank %u, expected %u", in[i], rank[i], want[i]);
    tg_dict_release(d);
    tg_test_no_leaks(blocks);
}

/* Strings with embedded NUL bytes are distinct entries, so they need
** distinct ranks in byte order: a shorter string sorts before any longer
** string it is a prefix of. */
static void test_dict_ranks_embedded_nul(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    static const struct {
        const char *s;
        size_t n;
    } in[] = { BYTES("a\0b"), BYTES("a"), BYTES("a\0a"), BYTES("a\0"), BYTES(""), BYTES("a\0a\0") };
    /* "" < "a" < "a\0" < "a\0a" < "a\0a\0" < "a\0b" */
    static const uint32_t want[] = { 5, 1, 3, 2, 0, 4 };
    uint32_t rank[TG_ARRAY_LEN(in)];
    tg_dict *d = tg_dict_new();
    assert_non_null(d);
    for (size_t i = 0; i < TG_ARRAY_LEN(in); i++) intern_n(d, in[i].s, in[i].n);
    assert_int_equal(tg_dict_size(d), TG_ARRAY_LEN(in));
    assert_int_equal(tg_dict_ranks(d, rank), TG_OK);
    for (size_t i = 0; i < TG_ARRAY_LEN(in); i++)
        if (rank[i] != want[i]) fail_msg("entry %zu: rank %u, expected %u", i, rank[i], want[i]);
    tg_dict_release(d);
    tg_test_no_leaks(blocks);
}

/* ---- ranks against an independent sort ---- */

enum { RANK_N = 20000 };
static char rank_keys[RANK_N][32];

static int cmp_key_index(const void *a, const void *b) {
    return strcmp(rank_keys[*(const uint32_t *)a], rank_keys[*(const uint32_t *)b]);
}

static void test_dict_ranks_match_qsort(void **state) {
    (void)state;
    static const char *alphabet[] = { "a", "b", "z", "A", "~", "æ", "ø", "Å", "\x7f", "0" };
    size_t blocks = tg_mem_blocks();
    uint32_t *order = tg_malloc(RANK_N * sizeof *order);
    uint32_t *rank = tg_malloc(RANK_N * sizeof *rank);
    assert_non_null(order);
    assert_non_null(rank);
    tg_dict *d = tg_dict_new();
    assert_non_null(d);

    /* A random prefix (never '|') decides the order; "|<i>" makes keys distinct. */
    unsigned seed = 12345;
    for (uint32_t i = 0; i < RANK_N; i++) {
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        unsigned n_chars = (seed >> 16) % 5;
        for (unsigned k = 0; k < n_chars; k++) {
            seed = seed * 1103515245u + 12345u;
            n += (size_t)snprintf(rank_keys[i] + n, sizeof rank_keys[i] - n, "%s",
                                  alphabet[(seed >> 16) % TG_ARRAY_LEN(alphabet)]);
        }
        snprintf(rank_keys[i] + n, sizeof rank_keys[i] - n, "|%u", i);
        assert_int_equal(intern(d, rank_keys[i]), i);
        order[i] = i;
    }
    qsort(order, RANK_N, sizeof *order, cmp_key_index);
    assert_int_equal(tg_dict_ranks(d, rank), TG_OK);
    for (uint32_t pos = 0; pos < RANK_N; pos++)
        if (rank[order[pos]] != pos)
            fail_msg("'%s': rank %u, expected %u", rank_keys[order[pos]], rank[order[pos]], pos);
    tg_dict_release(d);
    tg_free(order);
    tg_free(rank);
    tg_test_no_leaks(blocks);
}

static void test_dict_retain_release(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_dict *d = tg_dict_new();
    assert_non_null(d);
    size_t with_dict = tg_mem_blocks();
    assert_ptr_equal(tg_dict_retain(d), d);
    assert_ptr_equal(tg_dict_retain(d), d);
    tg_dict_release(d);
    tg_dict_release(d);
    assert_int_equal(tg_mem_blocks(), with_dict); /* one reference left */
    assert_int_equal(intern(d, "still alive"), 0);
    assert_entry(d, 0, "still alive", 11);
    tg_dict_release(d);
    tg_test_no_leaks(blocks);
}

/* ---- allocation failures ---- */

static tg_status build_and_rank(void *ctx) {
    (void)ctx;
    char buf[512];
    uint32_t code, rank[300];
    tg_dict *d = tg_dict_new();
    if (!d) return TG_ENOMEM;
    for (uint32_t i = 0; i < 300; i++) {
        size_t n = make_key(i * 31 + 5, buf, sizeof buf);
        if (tg_dict_intern(d, buf, n, &code) != TG_OK) {
            tg_dict_release(d);
            return TG_ENOMEM;
        }
    }
    tg_status st = tg_dict_ranks(d, rank);
    tg_dict_release(d);
    return st;
}

static void test_dict_oom_loop(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    int runs = tg_test_oom_loop(build_and_rank, NULL);
    assert_true(runs > 10); /* new (5) + slot, arena and index growth + ranks */
    tg_test_no_leaks(blocks);
}

/* Fails the k-th allocation inside a run of interns and checks that the
** failing intern left the dictionary exactly as it was; then finishes the
** run without failures and checks every entry. */
static void test_dict_oom_leaves_dict_unchanged(void **state) {
    (void)state;
    enum { BASE = 40, MORE = 400 };
    size_t blocks = tg_mem_blocks();
    char buf[512];
    int injected = 1;

    for (long k = 1; injected; k = tg_test_oom_next(k)) {
        tg_dict *d = tg_dict_new();
        assert_non_null(d);
        for (uint32_t i = 0; i < BASE; i++) {
            size_t n = make_key(i, buf, sizeof buf);
            intern_n(d, buf, n);
        }
        tg_mem_fail_nth(k);
        uint32_t i = BASE;
        for (; i < BASE + MORE; i++) {
            uint32_t code = 77;
            size_t n = make_key(i, buf, sizeof buf);
            tg_status st = tg_dict_intern(d, buf, n, &code);
            if (st != TG_OK) {
                assert_int_equal(st, TG_ENOMEM);
                break;
            }
            assert_int_equal(code, i);
        }
        injected = !tg_mem_fail_pending() && i < BASE + MORE;
        tg_mem_fail_nth(0);
        assert_int_equal(tg_dict_size(d), i);
        if (injected) {
            size_t n = make_key(i, buf, sizeof buf);
            assert_int_equal(tg_dict_find(d, buf, n), TG_DICT_NONE);
        }
        for (uint32_t j = 0; j < i; j++) {
            size_t n = make_key(j, buf, sizeof buf);
            assert_entry(d, j, buf, n);
        }
        for (; i < BASE + MORE; i++) {
            size_t n = make_key(i, buf, sizeof buf);
            assert_int_equal(intern_n(d, buf, n), i);
        }
        for (uint32_t j = 0; j < BASE + MORE; j++) {
            size_t n = make_key(j, buf, sizeof buf);
            assert_entry(d, j, buf, n);
        }
        tg_dict_release(d);
        tg_test_no_leaks(blocks);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dict_new_empty),
        cmocka_unit_test(test_dict_codes_dense_in_insertion_order),
        cmocka_unit_test(test_dict_find),
        cmocka_unit_test(test_dict_str_round_trip),
        cmocka_unit_test(test_dict_many_against_generator),
        cmocka_unit_test(test_dict_arena_growth_keeps_strings),
        cmocka_unit_test(test_dict_ranks_by_hand),
        cmocka_unit_test(test_dict_ranks_embedded_nul),
        cmocka_unit_test(test_dict_ranks_match_qsort),
        cmocka_unit_test(test_dict_retain_release),
        cmocka_unit_test_teardown(test_dict_oom_loop, tg_test_disarm),
        cmocka_unit_test_teardown(test_dict_oom_leaves_dict_unchanged, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
