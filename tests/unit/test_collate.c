/*
** test_collate.c -- Danish collation (tg_collate). Expected orders by hand
** from the Danish alphabet (... X, Y, Z, Æ, Ø, Å; "aa" is Å in names), and
** byte order as the tie-break between strings ICU counts as equal.
*/
#include "tg_test.h"

#include <string.h>

#include "tg_collate.h"
#include "tg_err.h"

/* The strings in rank order, joined by spaces. */
static void ranked(const char *const *s, size_t n, char *out, size_t cap) {
    size_t len[16];
    uint32_t rank[16];
    const char *by_rank[16];
    for (size_t i = 0; i < n; i++) len[i] = strlen(s[i]);
    assert_int_equal(tg_collate_ranks("da", s, len, n, rank, NULL), TG_OK);
    for (size_t i = 0; i < n; i++) by_rank[rank[i]] = s[i];
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i) strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, by_rank[i], cap - strlen(out) - 1);
    }
}

static void test_collate_danish_alphabet(void **state) {
    (void)state;
    const char *s[] = { "Åbakken", "Æblehaven", "Zebra", "Ørestad", "Andersen" };
    char out[256];
    ranked(s, 5, out, sizeof out);
    assert_string_equal(out, "Andersen Zebra Æblehaven Ørestad Åbakken");
    /* "aa" is å, the last letter: Aarhus comes after Ørestad and Zebra */
    const char *aa[] = { "Aarhus", "Ørestad", "Zebra" };
    ranked(aa, 3, out, sizeof out);
    assert_string_equal(out, "Zebra Ørestad Aarhus");
}

static void test_collate_ties_by_bytes(void **state) {
    (void)state;
    /* the same string twice ranks by position-independent bytes: equal
    ** strings get distinct ranks, and the order is total */
    const char *s[] = { "b", "a", "b" };
    size_t len[] = { 1, 1, 1 };
    uint32_t rank[3];
    assert_int_equal(tg_collate_ranks("da", s, len, 3, rank, NULL), TG_OK);
    assert_int_equal(rank[1], 0);
    assert_true(rank[0] >= 1 && rank[2] >= 1 && rank[0] != rank[2]);
}

static void test_collate_unknown_name(void **state) {
    (void)state;
    const char *s[] = { "a" };
    size_t len[] = { 1 };
    uint32_t rank[1];
    tg_error err;
    tg_err_clear(&err);
    assert_false(tg_collate_known("sv"));
    assert_true(tg_collate_known("da"));
    assert_int_equal(tg_collate_ranks("sv", s, len, 1, rank, &err), TG_EARG);
    assert_string_equal(err.msg, "unknown collation 'sv' (tegn offers \"da\")");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_collate_danish_alphabet),
        cmocka_unit_test(test_collate_ties_by_bytes),
        cmocka_unit_test(test_collate_unknown_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
