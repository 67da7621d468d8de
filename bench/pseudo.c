/*
** bench/pseudo.c -- times t:pseudonymise's work on a column of n rows with
** d distinct CPR numbers (half written with the hyphen, half without): the
** per-row way tegn used before (an HMAC per row, its pseudonym interned
** per row for the collision check) against tg_pseudo_column (an HMAC per
** distinct value through the dictionary), in the same run, and checks that
** both give every row the same pseudonym. Single-threaded; process CPU
** time, best of 3. Usage: bench_pseudo [rows [distinct]].
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tg_pseudo.h"
#include "tg_sha256.h"

#define REPEAT 3

static const char key[] = "bench-key-0123456789abcdef";

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The loop tg_luapriv.c ran before: per valid row, the value's text, its
** HMAC, the hex digits, and the pseudonym interned for the collision check. */
static tg_col *per_row(const tg_col *c, size_t n, int len) {
    tg_col *out = tg_col_new(TG_STRING, n, NULL);
    for (size_t i = 0; out && i < n; i++) {
        unsigned char d[32];
        char hex[65], buf[32];
        const char *s;
        size_t sn = tg_pseudo_text(c, i, buf, sizeof buf, &s);
        tg_sha256_hmac(key, strlen(key), s, sn, d);
        for (int j = 0; j < 32; j++) snprintf(hex + 2 * j, 3, "%02x", d[j]);
        if (tg_col_push_str(out, hex, (size_t)len) != TG_OK) exit(1);
    }
    return out;
}

static int same(const tg_col *a, const tg_col *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        size_t la, lb;
        const char *sa = tg_dict_str(a->dict, a->v.str[i], &la);
        const char *sb = tg_dict_str(b->dict, b->v.str[i], &lb);
        if (la != lb || memcmp(sa, sb, la) != 0) return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    size_t d = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 1000;
    tg_col *c = tg_col_new(TG_STRING, n, NULL), *a = NULL, *b = NULL;
    double best_row = 1e9, best_dict = 1e9;
    uint64_t s = 7;
    if (!c || d == 0) return 1;
    for (size_t i = 0; i < n; i++) {
        char cpr[16];
        size_t p;
        s = s * 6364136223846793005u + 1442695040888963407u;
        p = (size_t)(s >> 33) % d; /* person p: born on day p % 28 + 1 */
        int k = snprintf(cpr, sizeof cpr, p % 2 ? "%02zu0185-%04zu" : "%02zu0185%04zu", p % 28 + 1,
                         p % 10000);
        if (tg_col_push_str(c, cpr, (size_t)k) != TG_OK) return 1;
    }
    for (int r = 0; r < REPEAT; r++) {
        double t0 = now(), t1, t2;
        tg_col_release(a);
        tg_col_release(b);
        a = per_row(c, n, 16);
        t1 = now();
        if (tg_pseudo_column(c, n, key, strlen(key), 16, &b, NULL) != TG_OK) return 1;
        t2 = now();
        if (t1 - t0 < best_row) best_row = t1 - t0;
        if (t2 - t1 < best_dict) best_dict = t2 - t1;
    }
    if (!a || !b || !same(a, b, n)) {
        fprintf(stderr, "bench_pseudo: the two ways differ\n");
        return 1;
    }
    printf("rows %zu, distinct values %u, pseudonyms %u\n", n, tg_dict_size(c->dict),
           tg_dict_size(b->dict));
    printf("per row (before)       %8.3f s\n", best_row);
    printf("per distinct (after)   %8.3f s   %.0fx faster, same pseudonym on every row\n",
           best_dict, best_row / best_dict);
    tg_col_release(a);
    tg_col_release(b);
    tg_col_release(c);
    return 0;
}
