/*
** fuzz_xlsx.c -- libFuzzer target for the workbook reader (tg_excel_read
** over tg_zip, tg_xlsx, tg_xmlscan and tg_sheet). The first input byte
** picks the mode and the options (tests/fuzz/README.md has the layout):
** the rest is either the file as it stands (raw zip bytes, or anything:
** the kind is told by content), or a sheet's XML -- and, optionally, a
** shared-strings part before a NUL byte -- wrapped here into a valid
** .xlsx (stored entries, right CRCs, a styles part with date formats), so
** that the mutations reach the XML instead of dying in the zip layer.
** Every input is read twice: by tegn's own scanner and by expat
** (tg_excel_opts.expat); the two must give the same status and message,
** and the same table value for value. Or one allocation is made to fail.
** A run must not crash, trip ASan/UBSan or leave a tg_mem block behind.
** Built with -DTG_FUZZ=ON under clang (`make fuzz`).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tg_dict.h"
#include "tg_excel.h"
#include "tg_mem.h"
#include "tg_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                             \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "fuzz_xlsx: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

static const char *scratch(void) {
    static char path[256];
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/tegn-fuzz-xlsx-%ld.xlsx", dir ? dir : "/tmp",
                 (long)getpid());
    }
    return path;
}

/* ---- a stored zip archive, written by hand ---- */

static uint32_t crc32_of(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void le(FILE *f, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; i++) fputc((int)((v >> (8 * i)) & 0xFF), f);
}

struct entry {
    const char *name;
    const uint8_t *data;
    size_t n;
    uint32_t crc, off;
};

/* A local header (signature, version, flags, method 0, time, date, crc,
** sizes, name length, extra length) and the bytes; then the directory. */
static int write_zip(const char *path, struct entry *e, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    for (size_t i = 0; i < n; i++) {
        e[i].crc = crc32_of(e[i].data, e[i].n);
        e[i].off = (uint32_t)ftell(f);
        le(f, 0x04034b50, 4), le(f, 20, 2), le(f, 0, 2), le(f, 0, 2), le(f, 0, 2), le(f, 0x21, 2);
        le(f, e[i].crc, 4), le(f, (uint32_t)e[i].n, 4), le(f, (uint32_t)e[i].n, 4);
        le(f, (uint32_t)strlen(e[i].name), 2), le(f, 0, 2);
        fputs(e[i].name, f);
        if (e[i].n) fwrite(e[i].data, 1, e[i].n, f);
    }
    uint32_t dir = (uint32_t)ftell(f);
    for (size_t i = 0; i < n; i++) {
        le(f, 0x02014b50, 4), le(f, 20, 2), le(f, 20, 2), le(f, 0, 2), le(f, 0, 2), le(f, 0, 2);
        le(f, 0x21, 2), le(f, e[i].crc, 4), le(f, (uint32_t)e[i].n, 4), le(f, (uint32_t)e[i].n, 4);
        le(f, (uint32_t)strlen(e[i].name), 2), le(f, 0, 2), le(f, 0, 2), le(f, 0, 2), le(f, 0, 2);
        le(f, 0, 4), le(f, e[i].off, 4);
        fputs(e[i].name, f);
    }
    uint32_t end = (uint32_t)ftell(f);
    le(f, 0x06054b50, 4), le(f, 0, 2), le(f, 0, 2), le(f, (uint32_t)n, 2), le(f, (uint32_t)n, 2);
    le(f, end - dir, 4), le(f, dir, 4), le(f, 0, 2);
    return fclose(f);
}

#define S(x) (const uint8_t *)(x), sizeof(x) - 1

static const char CT[] = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/"
                         "package/2006/content-types\"/>";
static const char RELS[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";
static const char WBRELS[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/></Relationships>";
static const char WB[] =
    "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Ark1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
/* cell styles 0 general, 1 a date (14), 2 a date-time (22), 3 a time (21),
** 4 a Danish custom date */
static const char STYLES[] =
    "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\"><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd-mm-åååå\"/>"
    "</numFmts><cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/>"
    "<xf numFmtId=\"21\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>";
static const char SST[] = "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/"
                          "spreadsheetml/2006/main\"><si><t>navn</t></si><si><t>2</t></si>"
                          "<si><r><t>I </t></r><r><t>alt</t></r></si></sst>";

/* The sheet XML (and shared strings before a NUL, with 'own_sst') as a
** workbook at 'path'. */
static int wrap(const char *path, const uint8_t *d, size_t n, int own_sst) {
    struct entry e[7] = {
        { "[Content_Types].xml", S(CT), 0, 0 },
        { "_rels/.rels", S(RELS), 0, 0 },
        { "xl/_rels/workbook.xml.rels", S(WBRELS), 0, 0 },
        { "xl/workbook.xml", S(WB), 0, 0 },
        { "xl/styles.xml", S(STYLES), 0, 0 },
        { "xl/sharedStrings.xml", S(SST), 0, 0 },
        { "xl/worksheets/sheet1.xml", d, n, 0, 0 },
    };
    const uint8_t *nul = own_sst ? memchr(d, 0, n) : NULL;
    if (nul) {
        e[5].data = d;
        e[5].n = (size_t)(nul - d);
        e[6].data = nul + 1;
        e[6].n = n - e[5].n - 1;
    }
    return write_zip(path, e, 7);
}

static int write_raw(const char *path, const uint8_t *d, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t put = n ? fwrite(d, 1, n, f) : 0;
    return fclose(f) == 0 && put == n ? 0 : -1;
}

/* ---- reading, both ways ---- */

struct read {
    tg_status st;
    tg_error err;
    tg_table *t;
    tg_excel_report *r;
};

static const char *const totals[] = { "I alt", "Total" };

/* Option bits of byte 0 (bits 0-1 are the mode): 2 header off, 3
** stop_at_empty off, 4 total rows dropped, 5 range B2:E40, 6 skip 1. */
static void opts_of(uint8_t b, tg_excel_opts *o) {
    tg_excel_opts_init(o);
    if (b & 4) o->cells.header = 0;
    if (b & 8) o->cells.stop_at_empty = 0;
    if (b & 16) {
        o->cells.totals = totals;
        o->cells.n_totals = 2;
    }
    if (b & 32) {
        o->cells.has_range = 1;
        o->cells.r0 = 1, o->cells.c0 = 1, o->cells.r1 = 39, o->cells.c1 = 4;
    }
    if (b & 64) o->cells.skip = 1;
}

static void do_read(const char *path, const tg_excel_opts *o, struct read *rd) {
    memset(rd, 0, sizeof *rd);
    rd->st = tg_excel_read(path, o, &rd->t, &rd->r, &rd->err);
    CHECK((rd->st == TG_OK) == (rd->t != NULL));
    CHECK(rd->st == TG_OK || rd->err.msg[0]);
    if (rd->t) {
        CHECK(rd->r && rd->r->rep && rd->r->rep->n_rows == rd->t->n_rows);
        for (size_t k = 0; k < rd->t->n_cols; k++) CHECK(rd->t->cols[k]->len == rd->t->n_rows);
    }
}

static void read_free(struct read *rd) {
    tg_table_release(rd->t);
    tg_excel_report_free(rd->r);
}

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

static void check_same(const struct read *a, const struct read *b) {
    CHECK(a->st == b->st);
    if (a->st != TG_OK) {
        CHECK(strcmp(a->err.msg, b->err.msg) == 0);
        return;
    }
    CHECK(a->t->n_rows == b->t->n_rows && a->t->n_cols == b->t->n_cols);
    for (size_t k = 0; k < a->t->n_cols; k++) {
        CHECK(strcmp(a->t->names[k], b->t->names[k]) == 0);
        CHECK(a->t->cols[k]->type == b->t->cols[k]->type);
        for (size_t i = 0; i < a->t->n_rows; i++)
            CHECK(same_value(a->t->cols[k], b->t->cols[k], i));
    }
    CHECK(a->r->rep->n_error_cells == b->r->rep->n_error_cells);
    CHECK(a->r->rep->n_notes == b->r->rep->n_notes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const char *path = scratch();
    int mode = data[0] & 3;
    if ((mode == 0 ? write_raw(path, data + 1, size - 1)
                   : wrap(path, data + 1, size - 1, mode == 2)) != 0)
        return 0;
    tg_excel_opts o;
    opts_of(data[0], &o);
    size_t before = tg_mem_blocks();
    struct read fast, slow;
    if (data[0] & 128) { /* one allocation fails: an error or a table, no leak */
        tg_mem_fail_nth(1 + (long)(size % 64));
        do_read(path, &o, &fast);
        tg_mem_fail_nth(0);
        read_free(&fast);
        CHECK(tg_mem_blocks() == before);
        return 0;
    }
    do_read(path, &o, &fast);
    o.expat = 1;
    do_read(path, &o, &slow);
    check_same(&fast, &slow);
    read_free(&fast);
    read_free(&slow);
    CHECK(tg_mem_blocks() == before);
    return 0;
}
