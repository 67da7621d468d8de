/*
** tg_parquet.c -- tables as Parquet files (see tg_parquet.h).
**
** A file is "PAR1", the column chunks of each row group in turn, the
** footer (FileMetaData in Thrift's compact protocol, tg_thrift), its length
** as 4 little-endian bytes, and "PAR1" again. A column chunk is, for
** strings always and for numbers and dates when it pays (few distinct
** values, see numbers_dict), one dictionary page (the distinct values the
** chunk uses, in the order they first appear, so the bytes depend only on
** the data) and then data pages of PAGE_ROWS rows each: the definition
** levels (1 = value, 0 = NULL) in the RLE/bit-packing hybrid with their
** 4-byte length, then the non-NULL values, PLAIN or as dictionary indices
** in the hybrid. Each page is compressed on its own. The format's
** reference is https://github.com/apache/parquet-format (Encodings.md,
** parquet.thrift). One writer's buffers serve every file of a
** partitioned data set, so a partition costs no more allocations than
** its own table and output.
*/
#define _GNU_SOURCE /* renameat2 (RENAME_EXCHANGE), qsort_r, DT_DIR */
#include "tg_parquet.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <snappy-c.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createCCtx_advanced: the allocator below */
#include <zstd.h>

#include "tg_date.h"
#include "tg_fmt.h"
#include "tg_mem.h"
#include "tg_pqdict.h"
#include "tg_sbuf.h"
#include "tg_thrift.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tg_parquet writes PLAIN values by copying them: it needs a little-endian machine"
#endif

#define PAGE_ROWS  ((size_t)1 << 17)   /* rows per data page */
#define MAX_DEPTH  64                  /* partition levels an earlier data set may have */
#define MAX_PAGE   ((size_t)INT32_MAX) /* a page's sizes are i32 in its header */
#define ZSTD_LEVEL 3                   /* zstd's default: fast, and as small as snappy's */
#define DICT_MAX   ((size_t)1 << 16)   /* distinct numbers a chunk's dictionary may hold */

/* parquet.thrift's enums, the values this writer uses. */
enum { PT_BOOLEAN = 0, PT_INT32 = 1, PT_INT64 = 2, PT_DOUBLE = 5, PT_BYTE_ARRAY = 6 };
enum { CT_UTF8 = 0, CT_DATE = 6 };
enum { ENC_PLAIN = 0, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };
enum { PAGE_DATA = 0, PAGE_DICTIONARY = 2 };
enum { REP_OPTIONAL = 1 };
enum { CODEC_NONE = 0, CODEC_SNAPPY = 1, CODEC_ZSTD = 6 };

/* What the footer says of one column chunk. */
typedef struct chunk {
    int64_t offset, dict_offset, data_offset; /* dict_offset -1: no dictionary page */
    int64_t comp, uncomp;                     /* bytes, page headers included */
    int64_t nulls;
    int has_stats;
    const unsigned char *min, *max; /* into minb/maxb, or a dictionary string */
    size_t min_n, max_n;
    unsigned char minb[8], maxb[8];
} chunk;

/* A writer: the file being written and the buffers, which outlive it so
** the files of a partitioned data set share them (prepare grows them). */
typedef struct pq {
    tg_out *o;
    const tg_table *t;
    tg_pq_opts opts;
    tg_error *err;
    int64_t pos;        /* bytes written so far */
    tg_sbuf body, page; /* a page's bytes before compression; scratch */
    tg_sbuf hdr, foot;  /* a page header; the footer */
    char *z;            /* compressed page */
    size_t zcap;
    ZSTD_CCtx *zc;
    uint32_t *idx;   /* a page's levels or dictionary indices */
    uint32_t *remap; /* string code -> the chunk's dictionary index; UINT32_MAX = unused */
    uint32_t *used;  /* the chunk's dictionary index -> string code */
    size_t n_used, n_remap;
    tg_pqdict nums; /* a number or date chunk's distinct values */
    chunk *chunks;  /* the file's, row group by row group */
    size_t n_chunks;
} pq;

/* ---- the RLE / bit-packing hybrid ---- */

/* Appends the 8 values at v packed in 'bw' bits each, least significant
** bit first: bw bytes. */
static void pack8(tg_sbuf *out, const uint32_t *v, int bw) {
    unsigned char b[36];
    uint64_t acc = 0, mask = ((uint64_t)1 << bw) - 1;
    int bits = 0; /* in acc: under 32 before a value is added */
    size_t n = 0;
    for (int i = 0; i < 8; i++) {
        acc |= (v[i] & mask) << bits;
        bits += bw;
        if (bits >= 32) { /* little-endian: acc's low 4 bytes in order */
            memcpy(b + n, &acc, 4);
            n += 4;
            acc >>= 32;
            bits -= 32;
        }
    }
    memcpy(b + n, &acc, 4); /* the last bits / 8 bytes: 8 * bw bits are whole bytes */
    tg_sbuf_add(out, (const char *)b, (size_t)bw);
}

/* A bit-packed run of the n values at v (n a multiple of 8, except at the
** end of the data, where the last group is padded with zeros). */
static void bitpacked(tg_sbuf *out, const uint32_t *v, size_t n, int bw) {
    size_t groups = (n + 7) / 8;
    tg_thrift_varint(out, (uint64_t)groups << 1 | 1);
    for (size_t g = 0; g < groups; g++) {
        uint32_t tmp[8] = { 0 };
        size_t m = n - g * 8 < 8 ? n - g * 8 : 8;
        memcpy(tmp, v + g * 8, m * sizeof *v);
        pack8(out, tmp, bw);
    }
}

/* An RLE run: n repeats of value, in ceil(bw / 8) little-endian bytes. */
static void rle_run(tg_sbuf *out, uint32_t value, size_t n, int bw) {
    char b[4];
    tg_thrift_varint(out, (uint64_t)n << 1);
    for (int k = 0; k < (bw + 7) / 8; k++) b[k] = (char)(value >> (8 * k));
    tg_sbuf_add(out, b, (size_t)(bw + 7) / 8);
}

/* The n values at v in the hybrid encoding: runs of 8 or more equal
** values as RLE runs, the rest bit-packed. A bit-packed run must hold
** whole groups of 8 except at the very end, so a long run first tops the
** pending literals up to a multiple of 8. Literal runs are cut at 504
** values (63 groups), the most a one-byte header holds, as other writers do. */
static void hybrid(tg_sbuf *out, const uint32_t *v, size_t n, int bw) {
    size_t lit = 0, n_lit = 0; /* pending literals: v[lit .. lit + n_lit) */
    size_t i = 0;
    while (i < n) {
        size_t run = 1;
        while (i + run < n && v[i + run] == v[i]) run++;
        size_t pad = (8 - n_lit % 8) % 8;
        if (run >= pad + 8) {
            n_lit += pad;
            if (n_lit) bitpacked(out, v + lit, n_lit, bw);
            rle_run(out, v[i], run - pad, bw);
            i += run;
            lit = i;
            n_lit = 0;
            continue;
        }
        n_lit += run;
        i += run;
        while (n_lit >= 504 + 8) { /* keep a tail to top up before a run */
            bitpacked(out, v + lit, 504, bw);
            lit += 504;
            n_lit -= 504;
        }
    }
    if (n_lit) bitpacked(out, v + lit, n_lit, bw);
}

/* Bits to hold values up to max (at least 1: some readers reject 0). */
static int bit_width(uint32_t max) {
    int bw = 1;
    while (bw < 32 && (max >> bw)) bw++;
    return bw;
}

/* The bits of an index into a dictionary of n values: the fewest that
** hold n - 1, but whole bytes under zstd once that is over 4 bits. zstd
** finds repeated byte strings, and a run of indices repeated at another
** bit offset is not one; whole-byte indices keep them visible. Measured
** on the load benchmark's 10^7 rows: kommune 3.6 times smaller (7 bits to
** 8), citizen_id 2.6 and takst_kr 1.7 (14 and 13 to 16); at 4 bits or
** fewer packing gains more (status, 2 bits, grew 1.4 times at 8). snappy
** matches too, but its files were smaller packed. */
static int index_width(const pq *w, size_t n) {
    int bw = bit_width(n ? (uint32_t)(n - 1) : 0);
    return w->opts.codec == TG_PQ_ZSTD && bw > 4 ? (bw + 7) / 8 * 8 : bw;
}

/* ---- output ---- */

static tg_status emit(pq *w, const void *p, size_t n) {
    w->pos += (int64_t)n;
    return tg_out_write(w->o, p, n, w->err);
}

static tg_status nomem_if(pq *w, int oom) {
    return oom ? tg_err_nomem(w->err) : TG_OK;
}

/* Compresses w->body into w->z; the bytes to write in *out, *n. */
static tg_status compress(pq *w, const char **out, size_t *n) {
    size_t len = w->body.len, cap, got;
    if (w->opts.codec == TG_PQ_NONE) {
        *out = w->body.p ? w->body.p : "";
        *n = len;
        return TG_OK;
    }
    cap = w->opts.codec == TG_PQ_ZSTD ? ZSTD_compressBound(len) : snappy_max_compressed_length(len);
    if (cap > w->zcap) {
        char *z = tg_realloc(w->z, cap);
        if (!z) return tg_err_nomem(w->err);
        w->z = z;
        w->zcap = cap;
    }
    if (w->opts.codec == TG_PQ_ZSTD) {
        got = ZSTD_compressCCtx(w->zc, w->z, cap, w->body.p ? w->body.p : "", len, ZSTD_LEVEL);
        if (ZSTD_isError(got))
            return tg_err_set(w->err, TG_ENOMEM, NULL, 0, 0, "zstd: %s", ZSTD_getErrorName(got));
    } else {
        got = cap;
        if (snappy_compress(w->body.p ? w->body.p : "", len, w->z, &got) != SNAPPY_OK)
            return tg_err_set(w->err, TG_ENOMEM, NULL, 0, 0, "snappy failed");
    }
    *out = w->z;
    *n = got;
    return TG_OK;
}

/* Writes w->body as a page of 'type' holding n_values values (rows, for
** a data page) in 'encoding', adding its sizes to c. */
static tg_status write_page(pq *w, chunk *c, int type, size_t n_values, int encoding) {
    const char *z = NULL;
    size_t zn = 0;
    tg_thrift th;
    tg_status st = nomem_if(w, w->body.oom);
    if (st == TG_OK && w->body.len > MAX_PAGE)
        st = tg_err_set(w->err, TG_EARG, NULL, 0, 0,
                        "a page of %zu bytes is more than Parquet's 2 GiB; a "
                        "column's distinct strings in one row group are too long: use a smaller "
                        "row_group_rows",
                        w->body.len);
    if (st == TG_OK) st = compress(w, &z, &zn);
    if (st != TG_OK) return st;
    w->hdr.len = 0;
    tg_thrift_init(&th, &w->hdr);
    tg_thrift_i32(&th, 1, type);
    tg_thrift_i32(&th, 2, (int32_t)w->body.len);
    tg_thrift_i32(&th, 3, (int32_t)zn);
    tg_thrift_struct(&th, type == PAGE_DATA ? 5 : 7);
    tg_thrift_i32(&th, 1, (int32_t)n_values);
    tg_thrift_i32(&th, 2, encoding);
    if (type == PAGE_DATA) {
        tg_thrift_i32(&th, 3, ENC_RLE); /* definition levels */
        tg_thrift_i32(&th, 4, ENC_RLE); /* repetition levels (none) */
    }
    tg_thrift_end(&th);
    tg_thrift_end(&th);
    if ((st = nomem_if(w, w->hdr.oom)) != TG_OK) return st;
    c->uncomp += (int64_t)(w->hdr.len + w->body.len);
    c->comp += (int64_t)(w->hdr.len + zn);
    st = emit(w, w->hdr.p, w->hdr.len);
    if (st == TG_OK) st = emit(w, z, zn);
    if (st == TG_OK) st = tg_poll(w->opts.intr);
    if (st != TG_OK && !w->err->code) tg_err_set(w->err, st, NULL, 0, 0, "%s", tg_status_name(st));
    return st;
}

/* ---- statistics ---- */

/* Keeps the smallest and largest fixed-width value; 'less' orders them. */
static void stat_fixed(chunk *c, const void *v, size_t n, int (*less)(const void *, const void *)) {
    if (!c->has_stats) {
        memcpy(c->minb, v, n);
        memcpy(c->maxb, v, n);
        c->min = c->minb;
        c->max = c->maxb;
        c->min_n = c->max_n = n;
        c->has_stats = 1;
        return;
    }
    if (less(v, c->minb)) memcpy(c->minb, v, n);
    if (less(c->maxb, v)) memcpy(c->maxb, v, n);
}

static int less_i64(const void *a, const void *b) {
    int64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    return x < y;
}

static int less_i32(const void *a, const void *b) {
    int32_t x, y;
    memcpy(&x, a, 4);
    memcpy(&y, b, 4);
    return x < y;
}

static int less_f64(const void *a, const void *b) {
    double x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    return x < y || (x == 0 && y == 0 && signbit(x) && !signbit(y));
}

static int less_u8(const void *a, const void *b) {
    return *(const unsigned char *)a < *(const unsigned char *)b;
}

/* Parquet orders strings as unsigned bytes. */
static int str_less(const char *a, size_t an, const char *b, size_t bn) {
    int d = memcmp(a, b, an < bn ? an : bn);
    return d < 0 || (d == 0 && an < bn);
}

/* ---- one column chunk ---- */

/* The definition levels of rows [r0, r1) of col into w->body, with their
** length in front as Parquet's v1 data pages want it. */
static void def_levels(pq *w, const tg_col *col, size_t r0, size_t r1) {
    char len[4];
    uint32_t n;
    w->page.len = 0;
    if (!col->valid) { /* no NULLs: one RLE run of 1s */
        rle_run(&w->page, 1, r1 - r0, 1);
    } else {
        for (size_t i = r0; i < r1; i++) w->idx[i - r0] = (uint32_t)tg_col_is_valid(col, i);
        hybrid(&w->page, w->idx, r1 - r0, 1);
    }
    n = (uint32_t)w->page.len;
    memcpy(len, &n, 4);
    tg_sbuf_add(&w->body, len, 4);
    tg_sbuf_add(&w->body, w->page.p ? w->page.p : "", w->page.len);
}

/* Row i of a number or date column as the bits its dictionary keys it
** by: an int64's or a double's as they are (so -0.0 is not 0.0 and a NaN
** keeps its payload), a date's int32 widened without its sign. Their
** first 'width' bytes are the PLAIN value (the machine is little-endian). */
static uint64_t bits_of(const tg_col *col, size_t i) {
    uint64_t v;
    if (col->type == TG_DATE) return (uint32_t)col->v.date[i];
    if (col->type == TG_INT) memcpy(&v, &col->v.i64[i], 8);
    else memcpy(&v, &col->v.f64[i], 8);
    return v;
}

static size_t width_of(tg_type type) {
    return type == TG_DATE ? 4 : 8;
}

/* The value with bits v, of a column of 'type', into the statistics. */
static void stat_bits(chunk *c, tg_type type, uint64_t v) {
    if (type == TG_INT) {
        stat_fixed(c, &v, 8, less_i64);
    } else if (type == TG_DATE) {
        int32_t d = (int32_t)(uint32_t)v;
        stat_fixed(c, &d, 4, less_i32);
    } else {
        double x;
        memcpy(&x, &v, 8);
        if (!isnan(x)) stat_fixed(c, &x, 8, less_f64); /* NaN has no place in min/max */
    }
}

/* The non-NULL values of rows [r0, r1) in PLAIN encoding, into w->body,
** and their part of the statistics. */
static void plain_values(pq *w, chunk *c, const tg_col *col, size_t r0, size_t r1) {
    size_t width = width_of(col->type);
    if (col->type == TG_BOOL) {
        size_t n = 0;
        for (size_t i = r0; i < r1; i++)
            if (tg_col_is_valid(col, i)) w->idx[n++] = col->v.b8[i] != 0;
        for (size_t g = 0; g < n; g += 8) {
            uint32_t tmp[8] = { 0 };
            memcpy(tmp, w->idx + g, (n - g < 8 ? n - g : 8) * sizeof *tmp);
            pack8(&w->body, tmp, 1);
            for (size_t k = g; k < n && k < g + 8; k++) {
                unsigned char b = (unsigned char)w->idx[k];
                stat_fixed(c, &b, 1, less_u8);
            }
        }
        return;
    }
    for (size_t i = r0; i < r1; i++) {
        uint64_t v;
        if (!tg_col_is_valid(col, i)) continue;
        v = bits_of(col, i);
        tg_sbuf_add(&w->body, (const char *)&v, width);
        stat_bits(c, col->type, v);
    }
}

/* Parquet's rule for zeros in statistics: a minimum of 0 is written as -0
** and a maximum of -0 as +0, so a reader's filter on either keeps both. */
static void stat_zeros(const tg_col *col, chunk *c) {
    double x;
    if (col->type != TG_FLOAT || !c->has_stats) return;
    memcpy(&x, c->minb, 8);
    if (x == 0) x = -0.0, memcpy(c->minb, &x, 8);
    memcpy(&x, c->maxb, 8);
    if (x == 0) x = 0.0, memcpy(c->maxb, &x, 8);
}

/* The chunk's dictionary (the distinct codes of rows [r0, r1) in first
** appearance) as a PLAIN dictionary page, and the string statistics. */
static tg_status dict_page(pq *w, chunk *c, const tg_col *col, size_t r0, size_t r1) {
    for (size_t k = 0; k < w->n_used; k++) w->remap[w->used[k]] = UINT32_MAX;
    w->n_used = 0;
    for (size_t i = r0; i < r1; i++) {
        uint32_t code = col->v.str[i];
        if (!tg_col_is_valid(col, i) || w->remap[code] != UINT32_MAX) continue;
        w->remap[code] = (uint32_t)w->n_used;
        w->used[w->n_used++] = code;
    }
    w->body.len = 0;
    for (size_t k = 0; k < w->n_used; k++) {
        size_t n;
        const char *s = tg_dict_str(col->dict, w->used[k], &n);
        uint32_t n32 = (uint32_t)n;
        tg_sbuf_add(&w->body, (const char *)&n32, 4);
        tg_sbuf_add(&w->body, s, n);
        if (!c->has_stats || str_less(s, n, (const char *)c->min, c->min_n))
            c->min = (const unsigned char *)s, c->min_n = n;
        if (!c->has_stats || str_less((const char *)c->max, c->max_n, s, n))
            c->max = (const unsigned char *)s, c->max_n = n;
        c->has_stats = 1;
    }
    c->dict_offset = w->pos;
    return write_page(w, c, PAGE_DICTIONARY, w->n_used, ENC_PLAIN);
}

/* 1 when rows [r0, r1) of a number or date column pay for a dictionary,
** left in w->nums: at most DICT_MAX distinct values (the table is bounded,
** as DuckDB bounds its own), and the dictionary page with the indices
** (bit-packed, before RLE shortens runs) smaller than the PLAIN values,
** parquet-mr's test. An all-NULL chunk stays PLAIN: it has no values. */
static int numbers_dict(pq *w, const tg_col *col, size_t r0, size_t r1) {
    size_t n = 0, width = width_of(col->type), bits;
    uint64_t last = 0;
    for (size_t i = r0; i < r1; i++) {
        uint64_t v;
        if (!tg_col_is_valid(col, i)) continue;
        v = bits_of(col, i);
        if (n++ && v == last) continue; /* runs are common: dates, ids in order */
        if (tg_pqdict_add(&w->nums, v) == TG_PQDICT_FULL) return 0;
        last = v;
    }
    if (!w->nums.n) return 0;
    bits = (size_t)index_width(w, w->nums.n);
    return w->nums.n * width + (n * bits + 7) / 8 < n * width;
}

/* w->nums as a PLAIN dictionary page, and the statistics from it. */
static tg_status numbers_dict_page(pq *w, chunk *c, const tg_col *col) {
    size_t width = width_of(col->type);
    w->body.len = 0;
    for (size_t k = 0; k < w->nums.n; k++) {
        uint64_t v = w->nums.values[k];
        tg_sbuf_add(&w->body, (const char *)&v, width);
        stat_bits(c, col->type, v);
    }
    c->dict_offset = w->pos;
    return write_page(w, c, PAGE_DICTIONARY, w->nums.n, ENC_PLAIN);
}

/* The dictionary indices of the non-NULL values of rows [r0, r1) into
** w->idx; returns how many there are. */
static size_t indices(pq *w, const tg_col *col, size_t r0, size_t r1) {
    size_t n = 0;
    uint32_t code = 0;
    uint64_t last = 0;
    if (col->type == TG_STRING) {
        for (size_t i = r0; i < r1; i++)
            if (tg_col_is_valid(col, i)) w->idx[n++] = w->remap[col->v.str[i]];
        return n;
    }
    for (size_t i = r0; i < r1; i++) {
        uint64_t v;
        if (!tg_col_is_valid(col, i)) continue;
        v = bits_of(col, i);
        if (!n || v != last) code = tg_pqdict_index(&w->nums, v), last = v;
        w->idx[n++] = code;
    }
    return n;
}

/* Rows [r0, r1) of column k as one column chunk. */
static tg_status write_chunk(pq *w, chunk *c, const tg_col *col, size_t r0, size_t r1) {
    tg_status st = TG_OK;
    int bw = 0; /* bits of a dictionary index; 0: the values are PLAIN */
    memset(c, 0, sizeof *c);
    c->offset = w->pos;
    c->dict_offset = -1;
    if (col->type == TG_STRING) {
        st = dict_page(w, c, col, r0, r1);
        bw = index_width(w, w->n_used);
    } else if (col->type != TG_BOOL) {
        if (tg_pqdict_reserve(&w->nums, r1 - r0 < DICT_MAX ? r1 - r0 : DICT_MAX) != TG_OK)
            st = tg_err_nomem(w->err);
        else if (numbers_dict(w, col, r0, r1)) {
            st = numbers_dict_page(w, c, col);
            bw = index_width(w, w->nums.n);
        }
    }
    c->data_offset = w->pos;
    for (size_t p0 = r0; st == TG_OK && p0 < r1; p0 += PAGE_ROWS) {
        size_t p1 = r1 - p0 < PAGE_ROWS ? r1 : p0 + PAGE_ROWS;
        w->body.len = 0;
        def_levels(w, col, p0, p1);
        if (bw) {
            char b = (char)bw;
            size_t n = indices(w, col, p0, p1);
            tg_sbuf_add(&w->body, &b, 1);
            hybrid(&w->body, w->idx, n, bw);
        } else {
            plain_values(w, c, col, p0, p1);
        }
        st = write_page(w, c, PAGE_DATA, p1 - p0, bw ? ENC_RLE_DICTIONARY : ENC_PLAIN);
    }
    c->nulls = 0;
    for (size_t i = r0; col->valid && i < r1; i++) c->nulls += !tg_col_is_valid(col, i);
    stat_zeros(col, c);
    return st == TG_OK ? nomem_if(w, w->page.oom) : st;
}

/* ---- the footer ---- */

static int physical(tg_type type) {
    switch (type) {
    case TG_INT: return PT_INT64;
    case TG_FLOAT: return PT_DOUBLE;
    case TG_BOOL: return PT_BOOLEAN;
    case TG_DATE: return PT_INT32;
    default: return PT_BYTE_ARRAY;
    }
}

static void schema(tg_thrift *th, const tg_table *t) {
    tg_thrift_list(th, 2, TG_THRIFT_STRUCT, t->n_cols + 1);
    tg_thrift_elem_struct(th);
    tg_thrift_string(th, 4, "schema");
    tg_thrift_i32(th, 5, (int32_t)t->n_cols);
    tg_thrift_end(th);
    for (size_t k = 0; k < t->n_cols; k++) {
        tg_type type = t->cols[k]->type;
        tg_thrift_elem_struct(th);
        tg_thrift_i32(th, 1, physical(type));
        tg_thrift_i32(th, 3, REP_OPTIONAL);
        tg_thrift_string(th, 4, t->names[k]);
        if (type == TG_STRING || type == TG_DATE) {
            tg_thrift_i32(th, 6, type == TG_STRING ? CT_UTF8 : CT_DATE);
            tg_thrift_struct(th, 10); /* LogicalType, a union: STRING (1) or DATE (6) */
            tg_thrift_struct(th, type == TG_STRING ? 1 : 6);
            tg_thrift_end(th);
            tg_thrift_end(th);
        }
        tg_thrift_end(th);
    }
}

static void column_meta(tg_thrift *th, const tg_table *t, size_t k, const chunk *c, size_t rows,
                        int codec) {
    tg_type type = t->cols[k]->type;
    int dict = c->dict_offset >= 0;
    tg_thrift_struct(th, 3);
    tg_thrift_i32(th, 1, physical(type));
    tg_thrift_list(th, 2, TG_THRIFT_I32, dict ? 3 : 2); /* PLAIN: the values or the dictionary */
    tg_thrift_elem_i32(th, ENC_PLAIN);
    tg_thrift_elem_i32(th, ENC_RLE);
    if (dict) tg_thrift_elem_i32(th, ENC_RLE_DICTIONARY);
    tg_thrift_list(th, 3, TG_THRIFT_BINARY, 1);
    tg_thrift_elem_binary(th, t->names[k], strlen(t->names[k]));
    tg_thrift_i32(th, 4, codec);
    tg_thrift_i64(th, 5, (int64_t)rows);
    tg_thrift_i64(th, 6, c->uncomp);
    tg_thrift_i64(th, 7, c->comp);
    tg_thrift_i64(th, 9, c->data_offset);
    if (c->dict_offset >= 0) tg_thrift_i64(th, 11, c->dict_offset);
    tg_thrift_struct(th, 12);
    tg_thrift_i64(th, 3, c->nulls);
    if (c->has_stats) {
        tg_thrift_binary(th, 5, c->max, c->max_n);
        tg_thrift_binary(th, 6, c->min, c->min_n);
    }
    tg_thrift_end(th);
    tg_thrift_end(th);
}

static tg_status footer(pq *w, size_t n_groups) {
    const tg_table *t = w->t;
    size_t rg_rows = w->opts.row_group_rows;
    int codec = w->opts.codec == TG_PQ_ZSTD     ? CODEC_ZSTD
                : w->opts.codec == TG_PQ_SNAPPY ? CODEC_SNAPPY
                                                : CODEC_NONE;
    const chunk *chunks = w->chunks;
    tg_sbuf *f = &w->foot;
    tg_thrift th;
    tg_status st;
    char len[4];

    f->len = 0;
    tg_thrift_init(&th, f);
    tg_thrift_i32(&th, 1, 1);
    schema(&th, t);
    tg_thrift_i64(&th, 3, (int64_t)t->n_rows);
    tg_thrift_list(&th, 4, TG_THRIFT_STRUCT, n_groups);
    for (size_t g = 0; g < n_groups; g++) {
        const chunk *row = chunks + g * t->n_cols;
        size_t rows = g + 1 < n_groups ? rg_rows : t->n_rows - g * rg_rows;
        int64_t comp = 0, uncomp = 0;
        for (size_t k = 0; k < t->n_cols; k++) comp += row[k].comp, uncomp += row[k].uncomp;
        tg_thrift_elem_struct(&th);
        tg_thrift_list(&th, 1, TG_THRIFT_STRUCT, t->n_cols);
        for (size_t k = 0; k < t->n_cols; k++) {
            tg_thrift_elem_struct(&th);
            tg_thrift_i64(&th, 2, row[k].offset);
            column_meta(&th, t, k, &row[k], rows, codec);
            tg_thrift_end(&th);
        }
        tg_thrift_i64(&th, 2, uncomp);
        tg_thrift_i64(&th, 3, (int64_t)rows);
        tg_thrift_i64(&th, 5, t->n_cols ? row[0].offset : 4);
        tg_thrift_i64(&th, 6, comp);
        tg_thrift_end(&th);
    }
    if (w->opts.n_meta) {
        tg_thrift_list(&th, 5, TG_THRIFT_STRUCT, w->opts.n_meta);
        for (size_t i = 0; i < w->opts.n_meta; i++) {
            tg_thrift_elem_struct(&th);
            tg_thrift_string(&th, 1, w->opts.meta[2 * i]);
            tg_thrift_string(&th, 2, w->opts.meta[2 * i + 1]);
            tg_thrift_end(&th);
        }
    }
    tg_thrift_string(&th, 6, "tegn version " TG_VERSION_STRING);
    tg_thrift_end(&th);
    assert(!th.overflow);
    st = nomem_if(w, f->oom);
    if (st == TG_OK && f->len > UINT32_MAX)
        st = tg_err_set(w->err, TG_EARG, NULL, 0, 0, "the footer is too large");
    if (st == TG_OK) st = emit(w, f->p, f->len);
    uint32_t n = (uint32_t)f->len;
    memcpy(len, &n, 4);
    if (st == TG_OK) st = emit(w, len, 4);
    if (st == TG_OK) st = emit(w, "PAR1", 4);
    return st;
}

/* ---- the writer ---- */

void tg_pq_opts_init(tg_pq_opts *opts) {
    memset(opts, 0, sizeof *opts);
    opts->row_group_rows = TG_PQ_ROW_GROUP;
    opts->codec = TG_PQ_ZSTD;
}

/* zstd's working memory through tegn's counting allocator, so --mem holds. */
static void *zalloc(void *opaque, size_t n) {
    (void)opaque;
    return tg_malloc(n);
}

static void zfree(void *opaque, void *p) {
    (void)opaque;
    tg_free(p);
}

/* Grows w's buffers for w->t (kept from file to file): the string
** dictionaries' remap, whose entries are all UINT32_MAX between chunks
** but for the last chunk's n_used, which dict_page resets itself. */
static tg_status prepare(pq *w, size_t n_chunks) {
    size_t dict = 1;
    for (size_t k = 0; k < w->t->n_cols; k++)
        if (w->t->cols[k]->type == TG_STRING) {
            size_t d = tg_dict_size(w->t->cols[k]->dict);
            dict = d > dict ? d : dict;
        }
    if (!w->idx && !(w->idx = tg_malloc(PAGE_ROWS * sizeof *w->idx))) return tg_err_nomem(w->err);
    if (dict > w->n_remap) {
        uint32_t *remap = tg_realloc(w->remap, dict * sizeof *remap), *used;
        if (remap) w->remap = remap;
        if (!remap || !(used = tg_realloc(w->used, dict * sizeof *used)))
            return tg_err_nomem(w->err);
        w->used = used;
        memset(w->remap + w->n_remap, 0xff, (dict - w->n_remap) * sizeof *remap);
        w->n_remap = dict;
    }
    if (n_chunks > w->n_chunks) {
        chunk *c = tg_realloc(w->chunks, n_chunks * sizeof *c);
        if (!c) return tg_err_nomem(w->err);
        w->chunks = c;
        w->n_chunks = n_chunks;
    }
    if (w->opts.codec == TG_PQ_ZSTD && !w->zc) {
        ZSTD_customMem mem = { zalloc, zfree, NULL };
        if (!(w->zc = ZSTD_createCCtx_advanced(mem))) return tg_err_nomem(w->err);
    }
    return TG_OK;
}

static void teardown(pq *w) {
    tg_free(w->body.p);
    tg_free(w->page.p);
    tg_free(w->hdr.p);
    tg_free(w->foot.p);
    tg_free(w->z);
    tg_free(w->idx);
    tg_free(w->remap);
    tg_free(w->used);
    tg_free(w->chunks);
    tg_pqdict_release(&w->nums);
    ZSTD_freeCCtx(w->zc);
}

/* t into the open output o, committed or, on failure, aborted. */
static tg_status write_file(pq *w, tg_out *o, const tg_table *t, const tg_pq_opts *opts,
                            tg_error *err) {
    size_t rg = opts->row_group_rows ? opts->row_group_rows : TG_PQ_ROW_GROUP;
    size_t n_groups = t->n_rows ? (t->n_rows + rg - 1) / rg : 0;
    tg_status st;

    w->o = o;
    w->t = t;
    w->opts = *opts;
    w->opts.row_group_rows = rg;
    w->err = err;
    w->pos = 0;
    st = prepare(w, n_groups * t->n_cols);
    if (st == TG_OK) st = emit(w, "PAR1", 4);
    for (size_t g = 0; st == TG_OK && g < n_groups; g++) {
        size_t r0 = g * rg, r1 = r0 + rg < t->n_rows ? r0 + rg : t->n_rows;
        for (size_t k = 0; st == TG_OK && k < t->n_cols; k++)
            st = write_chunk(w, &w->chunks[g * t->n_cols + k], t->cols[k], r0, r1);
    }
    if (st == TG_OK) st = footer(w, n_groups);
    if (st != TG_OK) {
        tg_out_abort(o);
        return st;
    }
    return tg_out_commit(o, err);
}

tg_status tg_pq_write_take(tg_out *o, const tg_table *t, const tg_pq_opts *opts, tg_error *err) {
    pq w = { 0 };
    tg_status st = write_file(&w, o, t, opts, err);
    teardown(&w);
    return st;
}

/* ---- partitioned data sets ---- */

/* Orders row indexes by the key columns' values (codes for strings:
** equal strings share one code, and the folders' order does not matter),
** NULL first, then by row, so each partition keeps its rows' order. */
typedef struct part_keys {
    const tg_col *const *cols;
    size_t n;
} part_keys;

static int key_cmp(const part_keys *k, size_t a, size_t b) {
    for (size_t j = 0; j < k->n; j++) {
        const tg_col *c = k->cols[j];
        int va = tg_col_is_valid(c, a), vb = tg_col_is_valid(c, b);
        int64_t x, y;
        if (va != vb) return va - vb;
        if (!va) continue;
        switch (c->type) {
        case TG_INT: x = c->v.i64[a], y = c->v.i64[b]; break;
        case TG_DATE: x = c->v.date[a], y = c->v.date[b]; break;
        case TG_BOOL: x = c->v.b8[a] != 0, y = c->v.b8[b] != 0; break;
        case TG_STRING: x = c->v.str[a], y = c->v.str[b]; break;
        default: { /* floats: NaN equal to NaN, after every number */
            double f = c->v.f64[a], g = c->v.f64[b];
            x = isnan(f) != 0, y = isnan(g) != 0;
            if (!x && !y) x = f > g, y = f < g;
            break;
        }
        }
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

static int cmp_rows(const void *pa, const void *pb, void *ud) {
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    int d = key_cmp(ud, a, b);
    return d ? d : (a > b) - (a < b);
}

/* Appends "name=value" for row i of c as Hive writes it: NULL and "" as
** __HIVE_DEFAULT_PARTITION__, the characters a path or Hive gives meaning
** to as %XX, so no value can name another folder. */
static void part_name(tg_sbuf *b, const char *name, const tg_col *c, size_t i) {
    static const char special[] = "\"#%'*/:=?\\{[]^\x7f";
    char buf[TG_FMT_DOUBLE_MAX];
    const char *v = buf;
    size_t n = 0;
    tg_sbuf_str(b, name);
    tg_sbuf_add(b, "=", 1);
    if (tg_col_is_valid(c, i)) switch (c->type) {
        case TG_INT: n = tg_fmt_int64(c->v.i64[i], buf); break;
        case TG_DATE: n = tg_date_format(c->v.date[i], buf); break;
        case TG_BOOL: v = c->v.b8[i] ? "true" : "false", n = strlen(v); break;
        case TG_STRING: v = tg_dict_str(c->dict, c->v.str[i], &n); break;
        default: n = tg_fmt_double(c->v.f64[i], -1, TG_FMT_EXP, buf); break;
        }
    if (n == 0) {
        tg_sbuf_str(b, "__HIVE_DEFAULT_PARTITION__");
        return;
    }
    for (size_t k = 0; k < n; k++) {
        unsigned char ch = (unsigned char)v[k];
        if (ch < 0x20 || strchr(special, ch)) tg_sbuf_printf(b, "%%%02X", ch);
        else tg_sbuf_add(b, (const char *)&ch, 1);
    }
}

/* Removes the folder 'name' in dir and everything in it (a data set this
** writer made: folders and files only, depth bounded by the keys). */
static int remove_tree(int dir, const char *name, int depth) {
    int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d;
    struct dirent *e;
    if (fd < 0) return unlinkat(dir, name, 0);
    if (!(d = fdopendir(fd))) {
        close(fd);
        return -1;
    }
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (e->d_type == DT_DIR && depth > 0) remove_tree(fd, e->d_name, depth - 1);
        else unlinkat(fd, e->d_name, 0);
    }
    closedir(d);
    return unlinkat(dir, name, AT_REMOVEDIR);
}

/* 1 if the folder 'name' in dir holds nothing but what this writer makes,
** whatever keys made it: "key=value" folders at most 'depth' levels deep,
** .parquet files (and temporary files of a writer that stopped). A folder
** with anything else is somebody's, not to be replaced. */
static int is_dataset(int dir, const char *name, int depth) {
    int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), ok = 1;
    DIR *d;
    struct dirent *e;
    if (fd < 0 || !(d = fdopendir(fd))) {
        if (fd >= 0) close(fd);
        return 0;
    }
    while (ok && (e = readdir(d))) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        if (!strcmp(n, ".") || !strcmp(n, "..")) continue;
        if (e->d_type == DT_DIR)
            ok = depth > 0 && strchr(n, '=') != NULL && is_dataset(fd, n, depth - 1);
        else
            ok = e->d_type == DT_REG &&
                 ((len > 8 && !strcmp(n + len - 8, ".parquet")) || strstr(n, ".tegn-tmp.") != NULL);
    }
    closedir(d);
    return ok;
}

/* Makes the folders of 'rel' ("a=1/b=x") under the folder fd 'root'
** and returns the last one open, or -1. */
static int make_folders(int root, char *rel) {
    int fd = dup(root);
    for (char *p = rel, *slash; fd >= 0 && p; p = slash ? slash + 1 : NULL) {
        int next;
        if ((slash = strchr(p, '/'))) *slash = '\0';
        if (mkdirat(fd, p, 0777) != 0 && errno != EEXIST) next = -1;
        else next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (slash) *slash = '/';
        close(fd);
        fd = next;
    }
    return fd;
}

/* What every partition's write shares: the writer's buffers, and the
** partition's folder (rel) and path in messages (shown). */
typedef struct parts {
    pq w;
    tg_sbuf rel, shown;
} parts;

/* The rows idx[0 .. n) of 'rest' into the partition folder of row idx[0]. */
static tg_status write_part(parts *ps, int root, const char *path, const tg_table *rest,
                            const part_keys *k, const char *const *keys, const size_t *idx,
                            size_t n, const tg_pq_opts *opts, tg_error *err) {
    tg_table *part = NULL;
    tg_out *out = NULL;
    tg_status st = TG_OK;
    int fd = -1;
    ps->rel.len = ps->shown.len = 0;
    for (size_t j = 0; j < k->n; j++) {
        if (j) tg_sbuf_add(&ps->rel, "/", 1);
        part_name(&ps->rel, keys[j], k->cols[j], idx[0]);
    }
    tg_sbuf_cat(&ps->shown, path, "/", ps->rel.p ? ps->rel.p : "", "/part-0.parquet", (char *)NULL);
    if (ps->rel.oom || ps->shown.oom || !(part = tg_table_take(rest, idx, n)))
        st = tg_err_nomem(err);
    else if ((fd = make_folders(root, ps->rel.p)) < 0)
        st = tg_out_folder_error(ps->shown.p, errno, err);
    if (st == TG_OK) st = tg_out_openat(fd, "part-0.parquet", ps->shown.p, &out, err);
    if (st == TG_OK) st = write_file(&ps->w, out, part, opts, err);
    if (fd >= 0) close(fd);
    tg_table_release(part);
    return st;
}

/* t without the key columns, sharing its columns. */
static tg_table *without_keys(const tg_table *t, const part_keys *k) {
    tg_table *rest = tg_table_new();
    for (size_t c = 0; rest && c < t->n_cols; c++) {
        size_t j = 0;
        while (j < k->n && k->cols[j] != t->cols[c]) j++;
        if (j < k->n) continue;
        if (tg_table_add(rest, t->names[c], t->cols[c]) != TG_OK) {
            tg_table_release(rest);
            return NULL;
        }
    }
    if (rest) rest->n_rows = t->n_rows;
    return rest;
}

/* Every partition of t into the open folder 'root'. */
static tg_status write_partitions(int root, const char *path, const tg_table *t, const part_keys *k,
                                  const char *const *keys, const tg_pq_opts *opts, tg_error *err) {
    size_t *idx = tg_malloc((t->n_rows ? t->n_rows : 1) * sizeof *idx), n_parts = 0;
    tg_table *rest = without_keys(t, k);
    parts ps = { 0 };
    tg_status st = idx && rest ? TG_OK : tg_err_nomem(err);
    for (size_t i = 0; st == TG_OK && i < t->n_rows; i++) idx[i] = i;
    if (st == TG_OK) qsort_r(idx, t->n_rows, sizeof *idx, cmp_rows, (void *)k);
    for (size_t i = 0; st == TG_OK && i < t->n_rows; i++) /* counted first: fail before writing */
        if ((i == 0 || key_cmp(k, idx[i - 1], idx[i]) != 0) && ++n_parts > TG_PQ_MAX_PARTS)
            st = tg_err_set(err, TG_EARG, NULL, 0, 0,
                            "partition_by makes more than %d folders; partition "
                            "by fewer or coarser columns",
                            TG_PQ_MAX_PARTS);
    for (size_t i = 0; st == TG_OK && i < t->n_rows;) {
        size_t j = i + 1;
        while (j < t->n_rows && key_cmp(k, idx[i], idx[j]) == 0) j++;
        st = write_part(&ps, root, path, rest, k, keys, idx + i, j - i, opts, err);
        i = j;
    }
    teardown(&ps.w);
    tg_free(ps.rel.p);
    tg_free(ps.shown.p);
    tg_table_release(rest);
    tg_free(idx);
    return st;
}

/* Puts the finished folder 'tmp' at 'name' in dir: a rename when nothing
** is there, an exchange and removal of the old one when it is an earlier
** data set, else an error. */
static tg_status place(int dir, const char *tmp, const char *name, const char *path,
                       tg_error *err) {
    struct stat sb;
    if (fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT && renameat(dir, tmp, dir, name) == 0) return TG_OK;
        return tg_out_folder_error(path, errno, err);
    }
    if (!S_ISDIR(sb.st_mode) || !is_dataset(dir, name, MAX_DEPTH))
        return tg_err_set(err, TG_EIO, path, 0, 0,
                          "cannot write a partitioned data set here: it exists and holds "
                          "something else than an earlier data set of part files; remove it or "
                          "choose another path");
    if (renameat2(dir, tmp, dir, name, RENAME_EXCHANGE) != 0)
        return tg_out_folder_error(path, errno, err);
    remove_tree(dir, tmp, MAX_DEPTH); /* now the old data set */
    return TG_OK;
}

tg_status tg_pq_write_parts(int dir, const char *name, const char *path, const tg_table *t,
                            const char *const *keys, size_t n_keys, const tg_pq_opts *opts,
                            tg_error *err) {
    const tg_col **cols = tg_malloc(n_keys * sizeof *cols);
    part_keys k = { cols, n_keys };
    char tmp[256];
    int root = -1;
    tg_status st = cols ? TG_OK : tg_err_nomem(err);

    for (size_t j = 0; st == TG_OK && j < n_keys; j++) {
        long c = tg_table_find(t, keys[j]);
        if (c < 0) st = tg_err_set(err, TG_EARG, NULL, 0, 0, "no column '%s'", keys[j]);
        else cols[j] = t->cols[c];
    }
    for (int attempt = 0; st == TG_OK; attempt++) {
        snprintf(tmp, sizeof tmp, ".%.200s.tegn-tmp.%ld.%d", name, (long)getpid(), attempt);
        if (mkdirat(dir, tmp, 0777) == 0) break;
        if (errno != EEXIST || attempt > 1000) st = tg_out_folder_error(path, errno, err);
    }
    if (st == TG_OK && (root = openat(dir, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        st = tg_out_folder_error(path, errno, err);
        unlinkat(dir, tmp, AT_REMOVEDIR);
        tg_free(cols);
        return st;
    }
    if (st == TG_OK) st = write_partitions(root, path, t, &k, keys, opts, err);
    if (root >= 0) close(root);
    if (st == TG_OK) st = place(dir, tmp, name, path, err);
    if (st != TG_OK && root >= 0) remove_tree(dir, tmp, (int)n_keys);
    if (st == TG_OK) fsync(dir);
    tg_free(cols);
    return st;
}
