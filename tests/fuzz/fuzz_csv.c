/*
** fuzz_csv.c -- libFuzzer target for the CSV loader (tg_csv_read).
** The first input byte picks the options, the rest is the file: reject or
** fail (strict) mode, the cap on rejects, sniffed or forced UTF-8, a fixed
** or sniffed header, libcsv for every record, an explicit int type for the
** first column; with bit 7 the file is loaded a second time through libcsv
** alone, which must agree (status, rows, rejects, column types). A run must
** not crash, trip ASan/UBSan or an assert, and must leave no tg_mem block
** behind; a loaded table must have equal columns and at most max_errors
** rejects. Built with -DTG_FUZZ=ON under clang (tests/fuzz/README.md).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tg_csv.h"
#include "tg_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static void check_table(const tg_table *t, const tg_csv_report *r, const tg_csv_opts *o) {
    for (size_t k = 0; k < t->n_cols; k++)
        if (t->cols[k]->len != t->n_rows) abort();
    if (r && r->n_rows != t->n_rows) abort();
    if (r && o->on_error == TG_CSV_REJECT && r->n_rejected > o->max_errors) abort();
    if (r && o->on_error == TG_CSV_FAIL && r->n_rejected != 0) abort();
}

/* The fast path and libcsv read the same file the same way. */
static void check_same(const char *path, const tg_csv_opts *o, tg_status st, const tg_table *t,
                       const tg_csv_report *r) {
    tg_csv_opts o2 = *o;
    tg_table *t2 = NULL;
    tg_csv_report *r2 = NULL;
    tg_error err;
    o2.no_fast_path = !o->no_fast_path;
    tg_status st2 = tg_csv_read(path, &o2, &t2, &r2, &err);
    if (st2 != st) abort();
    if (t && (t2->n_rows != t->n_rows || t2->n_cols != t->n_cols)) abort();
    for (size_t k = 0; t && k < t->n_cols; k++)
        if (t2->cols[k]->type != t->cols[k]->type) abort();
    if (r && r2 && r2->n_rejected != r->n_rejected) abort();
    tg_table_release(t2);
    tg_csv_report_free(r2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const size_t caps[4] = { 0, 1, 3, 100 };
    static const tg_csv_coltype int_first = { "a", TG_INT, NULL };
    if (size < 1) return 0;
    uint8_t flags = data[0];
    const char *path = scratch();
    if (write_input(path, data + 1, size - 1) != 0) return 0;

    tg_csv_opts o;
    tg_csv_opts_init(&o);
    o.on_error = (flags & 1) ? TG_CSV_REJECT : TG_CSV_FAIL;
    o.max_errors = caps[(flags >> 1) & 3];
    if (flags & 8) o.dialect.encoding = TG_ENC_UTF8;
    if (flags & 16) o.dialect.header = 1;
    if (flags & 32) o.no_fast_path = 1;
    if (flags & 64) {
        o.types = &int_first;
        o.n_types = 1;
    }
    o.threads = 1;

    size_t before = tg_mem_blocks();
    tg_table *t = NULL;
    tg_csv_report *r = NULL;
    tg_error err;
    tg_status st = tg_csv_read(path, &o, &t, &r, &err);
    if (st == TG_OK) {
        if (!t) abort();
        check_table(t, r, &o);
    } else if (t || (st == TG_EDATA && err.msg[0] == '\0')) {
        abort();
    }
    if (flags & 128) check_same(path, &o, st, t, st == TG_OK ? r : NULL);
    tg_table_release(t);
    tg_csv_report_free(r);
    if (tg_mem_blocks() != before) abort(); /* a leak on some path */
    return 0;
}
