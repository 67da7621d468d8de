/*
** fuzz_csv.c -- libFuzzer target for the CSV loader (tg_csv_read).
** The first four input bytes pick the options (tests/fuzz/README.md has
** the layout): every dialect choice forced or sniffed (delimiter, quote,
** header, encoding, escape, lenient quotes, comments, lines to skip),
** reject or fail mode,
** type overrides, the decimal mark, null tokens, libcsv for every record;
** the rest is the file. Each input is loaded with one thread and again with
** two (the fuzz build splits files from 16 bytes on, CMakeLists.txt), and
** the two results must be identical: status, error, report and every value
** of the table. Optionally a third load through the other parser (fast path
** or libcsv) must agree, or one allocation is made to fail. A run must not
** crash, trip ASan/UBSan or an assert, and must leave no tg_mem block
** behind; a loaded table must have equal columns and at most max_errors
** rejects. Built with -DTG_FUZZ=ON under clang (`make fuzz`).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tg_csv.h"
#include "tg_dict.h"
#include "tg_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_OPT_BYTES 4

/* A failed invariant: say which, then abort so libFuzzer saves the input. */
#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_csv: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* tg_csv_read takes a path: the input goes to one scratch file per process. */
static const char *scratch(void) {
    static char path[256];
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/tegn-fuzz-csv-%ld.csv", dir ? dir : "/tmp", (long)getpid());
    }
    return path;
}

static int write_input(const char *path, const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t put = size ? fwrite(data, 1, size, f) : 0;
    return fclose(f) == 0 && put == size ? 0 : -1;
}

/* ---- decoding the option bytes ---- */

static const char delims[8] = { 0, ',', ';', '\t', '|', ' ', 0, 0 };
static const char quotes[4] = { 0, '"', '\'', 0 };
static const int headers[4] = { -1, 1, 0, -1 };
static const tg_encoding encs[8] = { TG_ENC_AUTO,    TG_ENC_UTF8,    TG_ENC_CP1252, TG_ENC_LATIN1,
                                     TG_ENC_UTF16LE, TG_ENC_UTF16BE, TG_ENC_AUTO,   TG_ENC_AUTO };
static const char decimals[4] = { 0, '.', ',', 0 };
static const size_t caps[4] = { 0, 1, 3, 100 };
static const char *const na_tokens[2] = { "-", "n/a" };

/* Type overrides: by a sniffed header's likely name ("a") and a generated
** one ("column1"); the last names no column (TG_EARG). */
static const tg_csv_coltype override_sets[8][2] = {
    { { NULL, TG_INT, NULL }, { NULL, TG_INT, NULL } },
    { { "a", TG_INT, NULL }, { "column1", TG_INT, NULL } },
    { { "a", TG_FLOAT, "," }, { "column1", TG_FLOAT, "." } },
    { { "a", TG_DATE, "%d-%m-%Y" }, { "column1", TG_DATE, NULL } },
    { { "a", TG_STRING, NULL }, { "column1", TG_STRING, NULL } },
    { { "a", TG_BOOL, NULL }, { "column2", TG_INT, NULL } },
    { { "no such column", TG_INT, NULL }, { "column1", TG_INT, NULL } },
    { { "b", TG_DATE, "%m/%d/%Y" }, { "column2", TG_FLOAT, NULL } },
};

/* What the option bytes ask for besides tg_csv_opts. */
struct plan {
    int other_parser; /* also load through the other parser and compare */
    long fail_nth;    /* > 0: make that allocation fail (and skip the comparisons) */
};

static void decode_opts(const uint8_t *b, tg_csv_opts *o, struct plan *p) {
    tg_csv_opts_init(o);
    /* byte 0: errors and parsers */
    o->on_error = (b[0] & 1) ? TG_CSV_REJECT : TG_CSV_FAIL;
    o->max_errors = caps[(b[0] >> 1) & 3];
    o->no_fast_path = (b[0] >> 3) & 1;
    p->other_parser = (b[0] >> 4) & 1;
    p->fail_nth = (b[0] & 0xe0) == 0xe0 ? 1 + (b[2] & 0x3f) : 0;
    /* byte 1: the dialect */
    o->dialect.delim = delims[b[1] & 7];
    o->dialect.quote = quotes[(b[1] >> 3) & 3];
    o->dialect.header = headers[(b[1] >> 5) & 3];
    if (b[1] & 0x80) {
        o->na = na_tokens;
        o->n_na = 2;
    }
    /* byte 2: encoding, types, decimal mark */
    o->dialect.encoding = encs[b[2] & 7];
    size_t set = (b[2] >> 3) & 7;
    if (set) {
        o->types = override_sets[set];
        o->n_types = (b[2] & 0x40) ? 2 : 1;
    }
    o->decimal = decimals[(b[2] >> 6) & 3];
    /* byte 3: escape, lenient quotes, comments, lines to skip */
    static const int escapes[4] = { -1, 0, '\\', -1 };
    static const int lenients[4] = { -1, 0, 1, -1 };
    static const int comments[4] = { -1, 0, '#', ';' };
    static const int skips[4] = { -1, 0, 1, 3 };
    o->dialect.escape = escapes[b[3] & 3];
    o->dialect.lenient = lenients[(b[3] >> 2) & 3];
    o->dialect.comment = comments[(b[3] >> 4) & 3];
    o->dialect.skip = skips[(b[3] >> 6) & 3];
}

/* ---- comparing two loads ---- */

static int same_value(const tg_col *a, const tg_col *b, size_t i) {
    int va = tg_col_is_valid(a, i), vb = tg_col_is_valid(b, i);
    if (va != vb) return 0;
    if (!va) return 1;
    switch (a->type) {
    case TG_INT: return a->v.i64[i] == b->v.i64[i];
    case TG_FLOAT:
        return memcmp(&a->v.f64[i], &b->v.f64[i], sizeof(double)) == 0 ||
               (isnan(a->v.f64[i]) && isnan(b->v.f64[i]));
    case TG_BOOL: return a->v.b8[i] == b->v.b8[i];
    case TG_DATE: return a->v.date[i] == b->v.date[i];
    case TG_STRING: {
        size_t la, lb;
        const char *sa = tg_dict_str(a->dict, a->v.str[i], &la);
        const char *sb = tg_dict_str(b->dict, b->v.str[i], &lb);
        return la == lb && memcmp(sa, sb, la) == 0;
    }
    }
    return 0;
}

static void check_same_table(const tg_table *a, const tg_table *b) {
    CHECK(a->n_rows == b->n_rows && a->n_cols == b->n_cols);
    for (size_t k = 0; k < a->n_cols; k++) {
        CHECK(strcmp(a->names[k], b->names[k]) == 0);
        CHECK(a->cols[k]->type == b->cols[k]->type);
        for (size_t i = 0; i < a->n_rows; i++) CHECK(same_value(a->cols[k], b->cols[k], i));
    }
}

static void check_same_report(const tg_csv_report *a, const tg_csv_report *b) {
    CHECK(!a == !b);
    if (!a) return;
    CHECK(a->dialect.delim == b->dialect.delim && a->dialect.quote == b->dialect.quote);
    CHECK(a->dialect.header == b->dialect.header && a->dialect.encoding == b->dialect.encoding);
    CHECK(a->n_rows == b->n_rows && a->n_rejected == b->n_rejected);
    CHECK(a->n_rejects == b->n_rejects && a->n_cols == b->n_cols);
    CHECK(a->n_notes == b->n_notes);
    for (size_t i = 0; i < a->n_notes; i++) {
        if (strcmp(a->notes[i].text, b->notes[i].text) != 0)
            fprintf(stderr, "note %zu: \"%s\" vs \"%s\"\n", i, a->notes[i].text, b->notes[i].text);
        CHECK(strcmp(a->notes[i].text, b->notes[i].text) == 0);
    }
    CHECK(a->dialect.escape == b->dialect.escape && a->dialect.lenient == b->dialect.lenient);
    CHECK(a->dialect.comment == b->dialect.comment);
    for (size_t i = 0; i < a->n_rejects; i++) {
        const tg_reject *x = &a->rejects[i], *y = &b->rejects[i];
        CHECK(x->line == y->line && x->col == y->col);
        CHECK(strcmp(x->column, y->column) == 0 && strcmp(x->value, y->value) == 0);
        CHECK(strcmp(x->reason, y->reason) == 0);
    }
    for (size_t k = 0; k < a->n_cols; k++) {
        CHECK(a->cols[k].type == b->cols[k].type && a->cols[k].decimal == b->cols[k].decimal);
        CHECK(a->cols[k].date_fmt == b->cols[k].date_fmt);
        /* A note's wording may name another value when the file is split
        ** ("mixes text with typed values"), but a note is there or not. */
        if (!a->cols[k].note[0] != !b->cols[k].note[0])
            fprintf(stderr, "column %zu: note \"%s\" vs \"%s\"\n", k + 1, a->cols[k].note,
                    b->cols[k].note);
        CHECK(!a->cols[k].note[0] == !b->cols[k].note[0]);
    }
}

/* ---- one load ---- */

struct load {
    tg_status st;
    tg_table *t;
    tg_csv_report *r;
    tg_error err;
};

static void load(const char *path, const tg_csv_opts *o, struct load *l) {
    l->t = NULL;
    l->r = NULL;
    memset(&l->err, 0, sizeof l->err);
    l->st = tg_csv_read(path, o, &l->t, &l->r, &l->err);
}

static void load_free(struct load *l) {
    tg_table_release(l->t);
    tg_csv_report_free(l->r);
}

/* What holds for any single load. */
static void check_load(const struct load *l, const tg_csv_opts *o) {
    if (l->st != TG_OK) {
        CHECK(!l->t);
        CHECK(l->err.msg[0] != '\0');
        return;
    }
    CHECK(l->t);
    for (size_t k = 0; k < l->t->n_cols; k++) {
        CHECK(l->t->cols[k]->len == l->t->n_rows);
        CHECK(l->t->names[k][0] != '\0');
        for (size_t j = 0; j < k; j++) CHECK(strcmp(l->t->names[j], l->t->names[k]) != 0);
    }
    const tg_csv_report *r = l->r;
    if (!r) return;
    CHECK(r->n_rows == l->t->n_rows && r->n_cols == l->t->n_cols);
    CHECK(r->dialect.encoding != TG_ENC_AUTO);
    if (o->on_error == TG_CSV_REJECT) CHECK(r->n_rejected <= o->max_errors);
    if (o->on_error == TG_CSV_FAIL) CHECK(r->n_rejected == 0);
    CHECK(r->n_rejects <= r->n_rejected);
    for (size_t k = 0; k < r->n_cols; k++) CHECK(r->cols[k].type == l->t->cols[k]->type);
}

/* Two loads of one file must agree in everything. */
static void check_same_load(const struct load *a, const struct load *b, int same_place) {
    CHECK(a->st == b->st);
    if (a->st == TG_OK) {
        check_same_table(a->t, b->t);
        check_same_report(a->r, b->r);
    } else if (same_place) {
        /* one and two threads: the same error, word for word */
        if (strcmp(a->err.msg, b->err.msg) != 0)
            fprintf(stderr, "error: \"%s\" vs \"%s\"\n", a->err.msg, b->err.msg);
        CHECK(a->err.line == b->err.line && a->err.col == b->err.col);
        CHECK(strcmp(a->err.msg, b->err.msg) == 0);
    }
}

/* One allocation fails: an error or a table, never a leak or a crash. */
static void run_oom(const char *path, const tg_csv_opts *o, long nth) {
    struct load l;
    tg_mem_fail_nth(nth);
    load(path, o, &l);
    tg_mem_fail_nth(0);
    check_load(&l, o);
    load_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < N_OPT_BYTES) return 0;
    const char *path = scratch();
    if (write_input(path, data + N_OPT_BYTES, size - N_OPT_BYTES) != 0) return 0;
    tg_csv_opts o;
    struct plan p;
    decode_opts(data, &o, &p);

    size_t before = tg_mem_blocks();
    if (p.fail_nth) {
        o.threads = 1;
        run_oom(path, &o, p.fail_nth);
        CHECK(tg_mem_blocks() == before);
        return 0;
    }
    struct load one, two;
    o.threads = 1;
    load(path, &o, &one);
    check_load(&one, &o);
    o.threads = 2;
    load(path, &o, &two);
    check_load(&two, &o);
    check_same_load(&one, &two, 1);
    load_free(&two);
    if (p.other_parser) {
        struct load other;
        o.threads = 1;
        o.no_fast_path = !o.no_fast_path;
        load(path, &o, &other);
        check_load(&other, &o);
        check_same_load(&one, &other, 0);
        load_free(&other);
    }
    load_free(&one);
    CHECK(tg_mem_blocks() == before); /* a leak on some path */
    return 0;
}
