/*
** tg_csv.c -- CSV file -> columnar table: the plan of a load, around the
** record parser (tg_csvparse, the only user of libcsv).
** Sniff the dialect from the first MiB; read the header record; split
** the rest into one byte range per thread, each starting just after a
** newline; parse the ranges in parallel into per-range column parts
** (tg_csvcol); check that every range really began at a record boundary
** (a newline inside a quoted field would make the guess wrong, and then
** the rest is parsed again in one piece); decide each column from all its
** parts; read again, in a second pass, only the columns whose values
** turned out to be text; assemble; report what was decided and rejected.
** A failure or reject knows its row; its line is found afterwards
** (tg_csvparse_locate).
*/
#include "tg_csv.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_conv.h"
#include "tg_csvcol.h"
#include "tg_csvparse.h"
#include "tg_csvprep.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_lines.h"
#include "tg_mem.h"
#include "tg_par.h"
#include "tg_sha256.h"

/* The bytes the sniffer sees; the fuzz build makes it small (CMakeLists.txt). */
#ifndef TG_CSV_SAMPLE_BYTES
#define TG_CSV_SAMPLE_BYTES (1u << 20)
#endif
#define SAMPLE_BYTES TG_CSV_SAMPLE_BYTES
/* Smaller files are parsed by one thread. The fuzz build lowers it
** (CMakeLists.txt, TG_FUZZ) so that small inputs are split too. */
#ifndef TG_CSV_MIN_SPLIT_BYTES
#define TG_CSV_MIN_SPLIT_BYTES (8u << 20)
#endif
#define MIN_SPLIT_BYTES   TG_CSV_MIN_SPLIT_BYTES
#define MAX_THREADS       8
#define CHUNKS_PER_THREAD 1 /* more balance, but glibc keeps smaller freed parts resident */
#define MAX_PASSES        3
#define MAX_NOTES         16

/* ---- loader state ---- */

struct loader {
    tg_csvparse ps; /* what every chunk's parse reads (tg_csvparse.h) */
    const tg_csv_opts *opts;
    tg_nulls nulls;
    tg_csvcol_spec *specs;
    tg_csvhead head; /* where the data begins */
    /* The whole file, when it is held in memory: decompressed gzip, or a
    ** file whose line breaks or escapes were rewrite()n. Kept across the
    ** Windows-1252 retry; src.mem points here or at a UTF-16 transcoding. */
    unsigned char *file_mem;
    size_t file_size, disk_size;
    int gzip, retried;
    /* what file_mem has been rewritten for: a retry rewrites only the rest */
    int done_cr;
    unsigned char done_escape;
    /* 1: a chunk met a bare CR the sniffer's sample did not show; 2: read
    ** again with bare CRs rewritten, late_crs of them */
    int late_cr;
    size_t late_crs;
    tg_csvchunk *chunks;
    size_t n_chunks;
};


/* ---- setting up: source, dialect, header ---- */

void tg_csv_opts_init(tg_csv_opts *opts) {
    memset(opts, 0, sizeof *opts);
    tg_sniff_opts_init(&opts->dialect);
    opts->on_error = TG_CSV_FAIL;
    opts->max_errors = 100;
}

/* Where the transcoded text t[0, n) ends, as the file's line and the
** field of that line's record (quotes honoured), for naming a cut-off
** last character. */
static void end_position(const struct loader *ld, const unsigned char *t, size_t n, int *line,
                         int *col) {
    size_t lines = 1 + (size_t)ld->ps.dialect.skip_lines, field = 1;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '\n') lines++;
        if (t[i] == (unsigned char)ld->ps.dialect.quote) quoted = !quoted;
        else if (!quoted && t[i] == (unsigned char)ld->ps.dialect.delim) field++;
        else if (!quoted && t[i] == '\n') field = 1;
    }
    *line = lines > INT_MAX ? INT_MAX : (int)lines;
    *col = field > INT_MAX ? INT_MAX : (int)field;
}

/* UTF-16 files are transcoded whole into memory: they are Excel "Unicode
** text" exports, small, and a byte offset in them is not a line boundary.
** Bytes the transcoder leaves (an odd last byte, a high surrogate with no
** partner) mean the file was cut off inside a character: a data error,
** not a silently shorter last line. */
static tg_status load_utf16(struct loader *ld, tg_error *err) {
    size_t got, used, cap = tg_enc_max_out(ld->ps.dialect.encoding, ld->ps.src.size);
    unsigned char *raw = tg_malloc(ld->ps.src.size ? ld->ps.src.size : 1);
    unsigned char *mem = tg_malloc(cap ? cap : 1);
    tg_status st = raw && mem ? TG_OK : tg_err_nomem(err);
    if (st == TG_OK) st = tg_src_read(&ld->ps.src, 0, raw, ld->ps.src.size, &got, err);
    if (st == TG_OK) {
        size_t skip = ld->ps.dialect.skip_bytes < got ? ld->ps.dialect.skip_bytes : got;
        size_t n = tg_enc_to_utf8(ld->ps.dialect.encoding, raw + skip, got - skip, mem, &used);
        if (used < got - skip) {
            int line, col;
            size_t stray = got - skip - used;
            end_position(ld, mem, n, &line, &col);
            st = tg_err_set(err, TG_EDATA, ld->ps.src.path, line, col,
                            "the file ends inside a %s character (%zu stray byte%s at the end)",
                            tg_enc_name(ld->ps.dialect.encoding), stray, stray == 1 ? "" : "s");
        } else {
            ld->ps.src.mem = mem;
            ld->ps.src.size = n;
            mem = NULL;
        }
    }
    tg_free(raw);
    tg_free(mem);
    return st;
}

static tg_status sniff(struct loader *ld, const char *path, tg_error *err) {
    size_t n;
    unsigned char *buf = tg_malloc(SAMPLE_BYTES);
    tg_status st;

    if (!buf) return tg_err_nomem(err);
    st = tg_src_read(&ld->ps.src, 0, buf, SAMPLE_BYTES, &n, err);
    if (st == TG_OK)
        st = tg_sniff(buf, n, n == ld->ps.src.size, &ld->opts->dialect, path, &ld->ps.dialect, err);
    if (st == TG_OK && ld->ps.enc_guessed == 2) ld->ps.dialect.encoding = TG_ENC_CP1252;
    if (st == TG_OK &&
        (ld->ps.dialect.encoding == TG_ENC_UTF16LE || ld->ps.dialect.encoding == TG_ENC_UTF16BE)) {
        tg_dialect orig = ld->ps.dialect;
        tg_sniff_opts so = ld->opts->dialect;
        if ((st = load_utf16(ld, err)) == TG_OK) {
            so.encoding = TG_ENC_UTF8;
            size_t m = ld->ps.src.size < SAMPLE_BYTES ? ld->ps.src.size : SAMPLE_BYTES;
            st = tg_sniff(ld->ps.src.mem, m, m == ld->ps.src.size, &so, path, &ld->ps.dialect, err);
            ld->ps.dialect.encoding = orig.encoding; /* report what the file was */
            ld->ps.dialect.skip_bytes = orig.skip_bytes;
            ld->ps.dialect.skip_lines += orig.skip_lines;
            ld->ps.dialect.sep_line = orig.sep_line;
            memcpy(ld->ps.dialect.enc_why, orig.enc_why, sizeof orig.enc_why);
            if (orig.sep_line) {
                ld->ps.dialect.delim = orig.delim;
                memcpy(ld->ps.dialect.delim_why, orig.delim_why, sizeof orig.delim_why);
            }
        }
    }
    ld->ps.src.enc =
        ld->ps.src.mem && ld->ps.src.mem != ld->file_mem ? TG_ENC_UTF8 : ld->ps.dialect.encoding;
    tg_free(buf);
    return st;
}

/* A file with bare CR line breaks or backslash escapes is rewritten in
** memory into the form every pass reads (LF, doubled quotes): libcsv ends
** a record at a CR, but the chunking and line counting go by LF. Such
** files are rare and small (old Mac exports, database dumps); a file
** already in memory (gzip, UTF-16) is rewritten where it is. Bare CRs
** first met past the sniffer's sample are rewritten in a second load
** (late_cr). */
static tg_status rewrite(struct loader *ld, tg_error *err) {
    const tg_dialect *d = &ld->ps.dialect;
    int transcoded = ld->ps.src.mem && ld->ps.src.mem != ld->file_mem;
    int cr = d->cr_lines > 0 || ld->late_cr == 2;
    unsigned char escape = (unsigned char)d->escape;
    if (!transcoded) { /* a retry reads file_mem as the load before left it */
        cr = cr && !ld->done_cr;
        if (ld->done_escape) escape = 0;
    }
    if (!cr && !escape) return TG_OK;
    if (!ld->ps.src.mem) {
        size_t got;
        ld->file_mem = tg_malloc(ld->ps.src.size + 1);
        if (!ld->file_mem) return tg_err_nomem(err);
        tg_status st = tg_src_read(&ld->ps.src, 0, ld->file_mem, ld->ps.src.size, &got, err);
        if (st != TG_OK) return st;
        ld->ps.src.mem = ld->file_mem;
        ld->ps.src.size = ld->file_size = got;
    }
    size_t skip = transcoded ? 0 : d->skip_bytes, crs;
    if (skip > ld->ps.src.size) skip = ld->ps.src.size;
    ld->ps.src.size = skip + tg_csvprep_rewrite(ld->ps.src.mem + skip, ld->ps.src.size - skip,
                                                (unsigned char)d->delim, (unsigned char)d->quote,
                                                cr, escape, &crs);
    if (cr && ld->late_cr == 2) ld->late_crs = crs;
    if (!transcoded) {
        ld->file_size = ld->ps.src.size;
        ld->done_cr |= cr;
        if (escape) ld->done_escape = escape;
    }
    return TG_OK;
}


/* ---- column specs from the options ---- */

static tg_status make_specs(struct loader *ld, const char *path, tg_error *err) {
    const tg_csv_opts *o = ld->opts;
    int pref = ld->ps.dialect.decimal == ',' ? TG_MARK_COMMA : TG_MARK_DOT;
    int mark = o->decimal == ',' ? TG_MARK_COMMA : o->decimal == '.' ? TG_MARK_DOT : 0;

    ld->specs = tg_calloc(ld->ps.n_cols ? ld->ps.n_cols : 1, sizeof *ld->specs);
    if (!ld->specs) return tg_err_nomem(err);
    for (size_t k = 0; k < ld->ps.n_cols; k++) {
        tg_csvcol_spec *sp = &ld->specs[k];
        sp->mode = TG_CC_INFER;
        sp->mark = mark;
        sp->pref_mark = mark ? mark : pref;
        sp->nulls = &ld->nulls;
        sp->check_utf8 = ld->ps.src.enc == TG_ENC_UTF8;
        sp->undo = ld->ps.reject; /* a rejected row's values type nothing */
    }
    for (size_t i = 0; i < o->n_types; i++) {
        const tg_csv_coltype *t = &o->types[i];
        long k = -1;
        for (size_t j = 0; j < ld->ps.n_cols && k < 0; j++)
            if (strcmp(ld->ps.names[j], t->name) == 0) k = (long)j;
        if (k < 0) {
            const char *near = tg_nearest_name(t->name, ld->ps.names, ld->ps.n_cols);
            return tg_err_set(err, TG_EARG, path, 0, 0, "no column '%s' in the file%s%s%s", t->name,
                              near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        }
        tg_csvcol_spec *sp = &ld->specs[k];
        switch (t->type) {
        case TG_INT: sp->mode = TG_CC_INT; break;
        case TG_FLOAT: sp->mode = TG_CC_FLOAT; break;
        case TG_BOOL: sp->mode = TG_CC_BOOL; break;
        case TG_STRING: sp->mode = TG_CC_STRING; break;
        case TG_DATE: sp->mode = TG_CC_DATE; break;
        }
        if (t->format && t->type == TG_DATE) {
            sp->dfmt = tg_conv_date_fmt_parse(t->format);
            if (!sp->dfmt)
                return tg_err_set(err, TG_EARG, path, 0, 0,
                                  "unsupported date format '%s' for column '%s'", t->format,
                                  t->name);
        } else if (t->format && (t->type == TG_INT || t->type == TG_FLOAT)) {
            if (strcmp(t->format, ",") != 0 && strcmp(t->format, ".") != 0)
                return tg_err_set(err, TG_EARG, path, 0, 0,
                                  "a number format is the decimal mark ',' or '.', not '%s'",
                                  t->format);
            sp->mark = sp->pref_mark = t->format[0] == ',' ? TG_MARK_COMMA : TG_MARK_DOT;
        }
    }
    return TG_OK;
}

/* ---- chunks and passes ---- */

/* opts.threads, else the process's setting (tg_par: --threads). */
static int thread_count(const tg_csv_opts *o) {
    int n = o->threads > 0 ? o->threads : tg_par_threads();
    return n > MAX_THREADS ? MAX_THREADS : n;
}

/* The offset just after the first '\n' at or after 'at' (or the end). */
static tg_status next_line_start(struct loader *ld, size_t at, size_t *out, tg_error *err) {
    unsigned char buf[65536];
    while (at < ld->ps.src.size) {
        size_t got;
        tg_status st = tg_src_read(&ld->ps.src, at, buf, sizeof buf, &got, err);
        if (st != TG_OK) return st;
        if (got == 0) break;
        unsigned char *nl = memchr(buf, '\n', got);
        if (nl) {
            *out = at + (size_t)(nl - buf) + 1;
            return TG_OK;
        }
        at += got;
    }
    *out = ld->ps.src.size;
    return TG_OK;
}

static tg_status plan_chunks(struct loader *ld, tg_error *err) {
    size_t len = ld->ps.src.size - ld->head.data_start;
    /* several chunks per thread, for balance (see run_chunks) */
    size_t n = len < MIN_SPLIT_BYTES ? 1 : (size_t)thread_count(ld->opts) * CHUNKS_PER_THREAD,
           k = 0;
    size_t start = ld->head.data_start;

    ld->chunks = tg_calloc(n, sizeof *ld->chunks);
    if (!ld->chunks) return tg_err_nomem(err);
    for (size_t i = 0; i < n; i++) {
        size_t end = ld->ps.src.size;
        if (i + 1 < n) {
            tg_status st = next_line_start(ld, ld->head.data_start + len / n * (i + 1), &end, err);
            if (st != TG_OK) return st;
        }
        if (end <= start && i + 1 < n) continue; /* a huge line swallowed this range */
        ld->chunks[k].ps = &ld->ps;
        ld->chunks[k].start = start;
        ld->chunks[k].end = end;
        k++;
        start = end;
    }
    ld->n_chunks = k;
    return TG_OK;
}

static void chunk_reset(tg_csvchunk *ch, int pass) {
    ch->row = ch->field = 0;
    ch->row_bad = 0;
    ch->failed = ch->fail_at_nl = 0;
    ch->status = TG_OK;
    ch->utf8_bad = ch->bare_cr = ch->cr_piece = 0;
    ch->newlines = ch->comments = 0;
    ch->pass = pass;
}

static void free_parts(tg_csvcol **parts, size_t n) {
    if (!parts) return;
    for (size_t k = 0; k < n; k++) tg_csvcol_free(parts[k]);
    tg_free(parts);
}

static void chunk_free(tg_csvchunk *ch, size_t n_cols) {
    if (ch->pcols != ch->cols) free_parts(ch->pcols, n_cols);
    free_parts(ch->cols, n_cols);
    ch->cols = ch->pcols = NULL;
    tg_free(ch->rej_rows);
    tg_free(ch->rejects);
    ch->rej_rows = NULL;
    ch->rejects = NULL;
    ch->n_rej = ch->cap_rej = 0;
}

/* Gives the chunk fresh parts for this pass: 'specs' for columns being
** read, IGNORE for the rest. */
static tg_status chunk_parts(struct loader *ld, tg_csvchunk *ch, const tg_csvcol_spec *specs) {
    size_t hint = ld->head.avg_record ? (ch->end - ch->start) / ld->head.avg_record + 64 : 1024;
    tg_csvcol **parts = tg_calloc(ld->ps.n_cols ? ld->ps.n_cols : 1, sizeof *parts);
    if (!parts) return TG_ENOMEM;
    for (size_t k = 0; k < ld->ps.n_cols; k++) {
        /* 10 % slack on the row estimate avoids one doubling on most files */
        if (!(parts[k] = tg_csvcol_new(&specs[k], hint + hint / 10))) {
            free_parts(parts, ld->ps.n_cols);
            return TG_ENOMEM;
        }
    }
    ch->pcols = parts;
    return TG_OK;
}

/* The pool's workers take the next unparsed chunk until none is left: with
** several chunks per thread, a slow chunk (many quoted lines) does not
** leave a core idle at the end. A chunk records its own failure. */
static tg_status parse_item(void *ctx, size_t i, int worker, tg_error *err) {
    struct loader *ld = ctx;
    (void)worker;
    (void)err;
    tg_csvparse_chunk(&ld->chunks[i]);
    return TG_OK;
}

static void run_chunks(struct loader *ld) {
    tg_par_for_n(ld->n_chunks, thread_count(ld->opts), parse_item, ld, NULL, NULL);
}

/* A chunk that did not end between records means the next chunk started
** inside a quoted field: parse from that chunk to the end in one piece. */
static tg_status verify_boundaries(struct loader *ld, const tg_csvcol_spec *specs) {
    for (size_t i = 0; i + 1 < ld->n_chunks; i++) {
        tg_csvchunk *ch = &ld->chunks[i];
        if (ch->status != TG_OK || ch->failed) return TG_OK; /* reported elsewhere */
        if (ch->end_clean) continue;
        for (size_t j = i; j < ld->n_chunks; j++) chunk_free(&ld->chunks[j], ld->ps.n_cols);
        ch->end = ld->ps.src.size;
        ld->n_chunks = i + 1;
        chunk_reset(ch, 0);
        if (chunk_parts(ld, ch, specs) != TG_OK) return TG_ENOMEM;
        ch->cols = ch->pcols;
        tg_csvparse_chunk(ch);
        return TG_OK;
    }
    return TG_OK;
}

/* One thread judges a date against every earlier date of its column, each
** chunk only against those in the chunk. Going through the chunks in file
** order with what the earlier ones left for dates (tg_csvcol_carry), a
** chunk that would have read otherwise in one piece is parsed again from
** there, so that any number of threads rejects the same rows and fails at
** the same place as one. Rare: dates that narrow their format only late in
** a big file. A chunk that failed ends the walk: the load stops there. */
static tg_status carry_dates(struct loader *ld, const tg_csvcol_spec *specs) {
    size_t n_cols = ld->ps.n_cols;
    tg_status st = TG_OK;
    if (ld->n_chunks < 2) return TG_OK;
    tg_csvcol_carry *carry = tg_malloc((n_cols ? n_cols : 1) * sizeof *carry);
    if (!carry) return TG_ENOMEM;
    for (size_t k = 0; k < n_cols; k++) tg_csvcol_carry_init(&carry[k], &specs[k]);
    for (size_t i = 0; i < ld->n_chunks && st == TG_OK; i++) {
        tg_csvchunk *ch = &ld->chunks[i];
        int again = 0;
        if (ch->status != TG_OK) break;
        for (size_t k = 0; k < n_cols && !again; k++)
            again = tg_csvcol_carry_differs(&carry[k], ch->cols[k]);
        if (again) {
            chunk_free(ch, n_cols);
            chunk_reset(ch, 0);
            if ((st = chunk_parts(ld, ch, specs)) != TG_OK) break;
            ch->cols = ch->pcols;
            for (size_t k = 0; k < n_cols; k++) tg_csvcol_seed(ch->cols[k], &carry[k]);
            tg_csvparse_chunk(ch);
        }
        if (ch->status != TG_OK || ch->failed || ch->utf8_bad) break;
        for (size_t k = 0; k < n_cols; k++) tg_csvcol_carry_add(&carry[k], ch->cols[k]);
    }
    tg_free(carry);
    return st;
}

/* ---- failures, decisions, assembly ---- */

/* Each chunk caps its own rejects; the cap is on the whole file, so the
** reject that passes it counting all earlier chunks fails the load, as it
** does when one thread reads the file. */
static tg_status over_cap(struct loader *ld, const tg_csvchunk *ch, size_t j, const char *path,
                          tg_error *err) {
    const tg_csvreject *r = &ch->rejects[j];
    size_t field = (size_t)r->col - 1;
    size_t line = tg_csvparse_line_of(&ld->ps, ch, ch->rej_rows[j], field);
    const char *name = field < ld->ps.n_cols ? ld->ps.names[field] : NULL;
    return tg_err_set(err, TG_EDATA, path, (int)line, r->col,
                      "%s%s%smore than %zu rejected rows; this one: %s", name ? "column '" : "",
                      name ? name : "", name ? "': " : "", ld->opts->max_errors, r->reason);
}

/* The first failure in file order becomes the error; TG_OK if none. */
static tg_status chunk_failure(struct loader *ld, const char *path, tg_error *err) {
    size_t rejected = 0; /* in the chunks before this one */
    for (size_t i = 0; i < ld->n_chunks; i++) {
        tg_csvchunk *ch = &ld->chunks[i];
        if (ld->opts->on_error == TG_CSV_REJECT && rejected + ch->n_rej > ld->opts->max_errors)
            return over_cap(ld, ch, ld->opts->max_errors - rejected, path, err);
        rejected += ch->n_rej;
        if (ch->status == TG_ENOMEM) return tg_err_nomem(err);
        if (ch->status == TG_EIO)
            return tg_err_set(err, TG_EIO, path, 0, 0, "cannot read the file");
        if (ch->status == TG_ELIMIT || ch->status == TG_ECANCEL)
            return tg_err_set(err, ch->status, path, 0, 0, "loading stopped: %s",
                              ch->status == TG_ELIMIT ? "time limit reached" : "cancelled");
        if (ch->status != TG_OK) return tg_err_set(err, ch->status, path, 0, 0, "cannot parse");
        if (ch->failed) {
            size_t line = ch->fail_at_nl
                              ? ch->first_line + ch->fail_nl
                              : tg_csvparse_line_of(&ld->ps, ch, ch->fail_row, ch->fail_field);
            const char *name = ch->fail_field < ld->ps.n_cols ? ld->ps.names[ch->fail_field] : NULL;
            return tg_err_set(err, TG_EDATA, path, (int)line, (int)ch->fail_field + 1, "%s%s%s%s",
                              name ? "column '" : "", name ? name : "", name ? "': " : "",
                              ch->fail_reason);
        }
    }
    return TG_OK;
}

static int any_utf8_bad(const struct loader *ld) {
    for (size_t i = 0; i < ld->n_chunks; i++)
        if (ld->chunks[i].utf8_bad) return 1;
    return 0;
}

static int any_bare_cr(const struct loader *ld) {
    for (size_t i = 0; i < ld->n_chunks; i++)
        if (ld->chunks[i].bare_cr) return 1;
    return 0;
}

/* One thread stops at the first of a failure and a reason to read the
** file again (invalid UTF-8 under a guessed encoding, a bare CR); several
** may meet the second in a later chunk after an earlier one failed. The
** first in file order wins, as in one piece: the flags for reading again
** after a failure (or a reject over the cap) are dropped. */
static void first_stop_wins(struct loader *ld) {
    size_t rejected = 0;
    int stopped = 0;
    for (size_t i = 0; i < ld->n_chunks; i++) {
        tg_csvchunk *ch = &ld->chunks[i];
        rejected += ch->n_rej;
        if (!stopped && !(ld->ps.reject && rejected > ld->opts->max_errors)) {
            /* the row that set a flag may also have failed: the flag wins */
            if (ch->utf8_bad || ch->bare_cr) return; /* read again */
            if (ch->status == TG_OK && !ch->failed) continue;
        }
        stopped = 1;
        ch->utf8_bad = ch->bare_cr = 0;
    }
}

/* Runs one pass over every chunk with 'specs'; in pass 0 the parts become
** the chunk's own, later the new parts replace those of re-read columns. */
static tg_status run_pass(struct loader *ld, int pass, const tg_csvcol_spec *specs,
                          const char *path, tg_error *err) {
    for (size_t i = 0; i < ld->n_chunks; i++) {
        tg_csvchunk *ch = &ld->chunks[i];
        chunk_reset(ch, pass);
        if (chunk_parts(ld, ch, specs) != TG_OK) return tg_err_nomem(err);
        if (pass == 0) ch->cols = ch->pcols;
    }
    run_chunks(ld);
    if (pass == 0 && verify_boundaries(ld, specs) != TG_OK) return tg_err_nomem(err);
    if (pass == 0 && carry_dates(ld, specs) != TG_OK) return tg_err_nomem(err);
    if (pass == 0) {
        ld->chunks[0].first_line = ld->head.data_line;
        for (size_t i = 1; i < ld->n_chunks; i++)
            ld->chunks[i].first_line = ld->chunks[i - 1].first_line + ld->chunks[i - 1].newlines;
    }
    /* the caller loads again: as Windows-1252, or with bare CRs rewritten */
    first_stop_wins(ld);
    if (any_utf8_bad(ld) || any_bare_cr(ld)) return TG_OK;
    tg_status st = chunk_failure(ld, path, err);
    if (st != TG_OK) return st;
    for (size_t i = 0; i < ld->n_chunks; i++) {
        tg_csvchunk *ch = &ld->chunks[i];
        for (size_t k = 0; k < ld->ps.n_cols; k++) {
            tg_csvcol_drop_rows(ch->pcols[k], ch->rej_rows, ch->n_rej);
            if (pass > 0 && specs[k].mode != TG_CC_IGNORE) {
                tg_csvcol_free(ch->cols[k]);
                ch->cols[k] = ch->pcols[k];
                ch->pcols[k] = NULL;
            }
        }
        if (pass > 0) free_parts(ch->pcols, ld->ps.n_cols);
        ch->pcols = ch->cols;
    }
    return TG_OK;
}

static int cmp_pos(const void *a, const void *b) {
    const tg_csvpos *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return x->field < y->field ? -1 : x->field > y->field;
}

/* Appends " (line N)" to the notes of the columns with a note row: one
** line-by-line re-parse per chunk serves every column's note in it. */
static void note_lines(struct loader *ld, tg_csvcol_decision *dec, const size_t *note_chunk,
                       const size_t *note_row) {
    tg_csvpos *pos = tg_malloc((ld->ps.n_cols ? ld->ps.n_cols : 1) * sizeof *pos);
    if (!pos) return; /* the notes simply go without line numbers */
    for (size_t i = 0; i < ld->n_chunks; i++) {
        size_t n = 0;
        for (size_t k = 0; k < ld->ps.n_cols; k++)
            if (note_chunk[k] == i) pos[n++] = (tg_csvpos){ note_row[k], k, 0 };
        if (n == 0) continue;
        qsort(pos, n, sizeof *pos, cmp_pos);
        if (tg_csvparse_locate(&ld->ps, &ld->chunks[i], pos, n) != TG_OK) continue;
        for (size_t j = 0; j < n; j++) {
            char *note = dec[pos[j].field].note;
            size_t len = strlen(note);
            snprintf(note + len, sizeof dec->note - len, " (line %zu)", pos[j].line);
        }
    }
    tg_free(pos);
}

static tg_status decide_all(struct loader *ld, tg_csvcol_decision *dec, tg_csvcol_spec *next,
                            int *again, const char *path, tg_error *err) {
    tg_csvcol **parts = tg_malloc(ld->n_chunks * sizeof *parts);
    size_t *note_chunk = tg_malloc((ld->ps.n_cols ? ld->ps.n_cols : 1) * sizeof *note_chunk);
    size_t *note_row = tg_malloc((ld->ps.n_cols ? ld->ps.n_cols : 1) * sizeof *note_row);
    if (!parts || !note_chunk || !note_row) {
        tg_free(parts);
        tg_free(note_chunk);
        tg_free(note_row);
        return tg_err_nomem(err);
    }
    for (size_t k = 0; k < ld->ps.n_cols; k++) note_chunk[k] = SIZE_MAX;
    *again = 0;
    for (size_t k = 0; k < ld->ps.n_cols; k++) {
        tg_csvcol_decision d;
        for (size_t i = 0; i < ld->n_chunks; i++) parts[i] = ld->chunks[i].cols[k];
        next[k] = ld->specs[k];
        next[k].mode = TG_CC_IGNORE;
        if (dec[k].type != 0 && !dec[k].reread) continue; /* decided in an earlier pass */
        if (tg_csvcol_decide(parts, ld->n_chunks, &d) != TG_OK) {
            tg_csvchunk *ch = &ld->chunks[d.bad_part];
            size_t line = tg_csvparse_line_of(&ld->ps, ch, d.bad_row, k);
            tg_free(parts);
            tg_free(note_chunk);
            tg_free(note_row);
            return tg_err_set(err, TG_EDATA, path, (int)line, (int)k + 1, "column '%s': %s",
                              ld->ps.names[k], d.bad_msg);
        }
        if (dec[k].note[0] && !d.note[0]) memcpy(d.note, dec[k].note, sizeof d.note);
        if (d.note[0] && !dec[k].note[0]) {
            /* remember where the first value that made it text is */
            for (size_t i = 0; i < ld->n_chunks && note_chunk[k] == SIZE_MAX; i++)
                if ((note_row[k] = tg_csvcol_note_row(parts[i])) != SIZE_MAX) note_chunk[k] = i;
        }
        dec[k] = d;
        if (d.reread) {
            next[k] = d.respec;
            *again = 1;
        }
    }
    note_lines(ld, dec, note_chunk, note_row);
    tg_free(parts);
    tg_free(note_chunk);
    tg_free(note_row);
    return TG_OK;
}

static tg_status assemble(struct loader *ld, const tg_csvcol_decision *dec, tg_table **out,
                          tg_error *err) {
    tg_csvcol **parts = tg_malloc((ld->n_chunks ? ld->n_chunks : 1) * sizeof *parts);
    tg_table *t = tg_table_new();
    tg_status st = parts && t ? TG_OK : TG_ENOMEM;

    for (size_t k = 0; k < ld->ps.n_cols && st == TG_OK; k++) {
        tg_col *col;
        for (size_t i = 0; i < ld->n_chunks; i++) parts[i] = ld->chunks[i].cols[k];
        st = tg_csvcol_assemble(parts, ld->n_chunks, &dec[k], &col);
        if (st != TG_OK) break;
        if (dec[k].note[0] && dec[k].type == TG_STRING) {
            size_t n = strlen(ld->ps.src.path) + strlen(dec[k].note) + 3;
            if ((col->note = tg_malloc(n)) != NULL)
                snprintf(col->note, n, "%s: %s", ld->ps.src.path, dec[k].note);
        }
        st = tg_table_add(t, ld->ps.names[k], col);
        tg_col_release(col);
        for (size_t i = 0; i < ld->n_chunks; i++) { /* free as we go: peak stays low */
            tg_csvcol_free(ld->chunks[i].cols[k]);
            ld->chunks[i].cols[k] = NULL;
        }
    }
    tg_free(parts);
    if (st != TG_OK) {
        tg_table_release(t);
        return tg_err_nomem(err);
    }
    *out = t;
    return TG_OK;
}

/* ---- the report ---- */

static void add_note(tg_csv_report *r, int unusual, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_note(tg_csv_report *r, int unusual, const char *fmt, ...) {
    va_list ap;
    if (r->n_notes == MAX_NOTES) return;
    tg_csv_note *n = &r->notes[r->n_notes++];
    n->unusual = unusual;
    va_start(ap, fmt);
    vsnprintf(n->text, sizeof n->text, fmt, ap);
    va_end(ap);
}

/* The file-level decisions, routine ones first. */
static void file_notes(const struct loader *ld, tg_csv_report *r) {
    const tg_dialect *d = &ld->ps.dialect;
    if (ld->retried)
        add_note(r, 1,
                 "encoding windows-1252: invalid UTF-8 past the first MiB; encoding overrides");
    else add_note(r, 0, "%s", d->enc_why);
    add_note(r, 0, "%s", d->delim_why);
    /* no header is rare in exports: a reader should know the first line is data */
    add_note(r, d->header_unsure || (!d->header && ld->opts->dialect.header < 0), "%s",
             d->header_why);
    if (d->sep_line) add_note(r, 0, "line 1 (Excel's \"sep=%c\" line) skipped", d->delim);
    if (d->comment) {
        size_t n = ld->head.comments;
        for (size_t i = 0; i < ld->n_chunks; i++) n += ld->chunks[i].comments;
        add_note(r, 1, "%zu comment line(s) starting with '%c' skipped; comment = false reads them",
                 n, d->comment);
    }
    if (d->n_titles)
        add_note(r, 1, "%d title line(s) above the header skipped (\"%s\"); skip = n sets how many",
                 d->n_titles, d->title);
    else if (ld->opts->dialect.skip > 0)
        add_note(r, 0, "%d line(s) skipped (skip = %d)", ld->opts->dialect.skip,
                 ld->opts->dialect.skip);
    if (d->trailing)
        add_note(r, 1, "a delimiter ends %s: the empty column after it is dropped",
                 d->trailing == 1 ? "the header line only" : "every line");
    if (ld->gzip)
        add_note(r, 1, "gzip-compressed: %zu bytes decompressed in memory", ld->file_size);
    if (d->cr_lines)
        add_note(r, 1, "line ends: bare CR (classic Mac) read as line breaks, %zu in the first MiB",
                 d->cr_lines);
    else if (ld->late_crs)
        add_note(r, 1,
                 "line ends: bare CR (classic Mac) read as line breaks, %zu, none in the first MiB",
                 ld->late_crs);
    if (d->escape)
        add_note(r, 1,
                 "escape %c: quotes inside quoted fields are written %c%c; escape = false "
                 "overrides",
                 d->escape, d->escape, d->quote);
    if (d->lenient)
        add_note(r, 1,
                 "quotes lenient: %zu field(s) in the first MiB have text after the closing "
                 "quote (\"Swing it\" magistern) and are kept as they stand; quotes = "
                 "\"strict\" makes them an error",
                 d->n_lenient);
}

static tg_status make_report(struct loader *ld, const tg_csvcol_decision *dec, const tg_table *t,
                             tg_csv_report **out) {
    tg_csv_report *r = tg_calloc(1, sizeof *r);
    size_t n_rej = 0;
    if (!r) return TG_ENOMEM;
    r->dialect = ld->ps.dialect;
    r->n_rows = t ? t->n_rows : 0;
    r->n_bytes = ld->ps.src.size;
    r->n_cols = ld->ps.n_cols;
    r->cols = tg_calloc(ld->ps.n_cols ? ld->ps.n_cols : 1, sizeof *r->cols);
    for (size_t i = 0; i < ld->n_chunks; i++) n_rej += ld->chunks[i].n_rej;
    r->rejects = tg_calloc(n_rej ? n_rej : 1, sizeof *r->rejects);
    r->notes = tg_calloc(MAX_NOTES, sizeof *r->notes);
    if (!r->cols || !r->rejects || !r->notes) {
        tg_csv_report_free(r);
        return TG_ENOMEM;
    }
    for (size_t k = 0; k < ld->ps.n_cols; k++) {
        tg_csv_colinfo *ci = &r->cols[k];
        ci->type = dec[k].type;
        ci->decimal = (char)(dec[k].type == TG_INT || dec[k].type == TG_FLOAT
                                 ? (dec[k].mark == TG_MARK_COMMA ? ',' : '.')
                                 : 0);
        ci->date_fmt = dec[k].dfmt;
        memcpy(ci->note, dec[k].note, sizeof ci->note);
    }
    file_notes(ld, r);
    for (size_t i = 0; i < ld->n_chunks; i++) {
        tg_csvchunk *ch = &ld->chunks[i];
        tg_csvpos *pos = tg_calloc(ch->n_rej ? ch->n_rej : 1, sizeof *pos);
        if (!pos) {
            tg_csv_report_free(r);
            return TG_ENOMEM;
        }
        for (size_t j = 0; j < ch->n_rej; j++) {
            pos[j].row = ch->rej_rows[j];
            pos[j].field = (size_t)ch->rejects[j].col - 1;
        }
        /* rows ascend already; one re-parse gives every line */
        tg_csvparse_locate(&ld->ps, ch, pos, ch->n_rej);
        for (size_t j = 0; j < ch->n_rej; j++) {
            tg_reject *rj = &r->rejects[r->n_rejects++];
            rj->line = pos[j].line;
            rj->col = ch->rejects[j].col;
            memcpy(rj->column, ch->rejects[j].column, sizeof rj->column);
            memcpy(rj->value, ch->rejects[j].value, sizeof rj->value);
            memcpy(rj->reason, ch->rejects[j].reason, sizeof rj->reason);
        }
        tg_free(pos);
    }
    r->n_rejected = r->n_rejects;
    *out = r;
    return TG_OK;
}

void tg_csv_report_free(tg_csv_report *report) {
    if (!report) return;
    tg_free(report->rejects);
    tg_free(report->cols);
    tg_free(report->notes);
    tg_free(report);
}

/* ---- the file's SHA-256, beside the parse ----
** The run records each input's digest. Hashed after the load it added a
** sequential read and hash of the whole file (0.4 s of a 3 s load of
** 718 MB); with two or more threads it now runs on its own thread while
** the chunks are parsed, reading the same descriptor with pread. */

struct hasher {
    pthread_t thread;
    int fd;
    const char *path;
    const tg_csv_opts *opts;
    atomic_int stop; /* the load failed: the digest is not wanted */
    tg_status st;
    tg_error err;
    char hex[65];
};

static tg_status hash_poll(void *ud) {
    struct hasher *h = ud;
    if (atomic_load(&h->stop)) return TG_ECANCEL;
    return h->opts->interrupt ? h->opts->interrupt(h->opts->ud) : TG_OK;
}

static void *hash_main(void *arg) {
    struct hasher *h = arg;
    tg_interrupt intr = { hash_poll, h };
    tg_err_clear(&h->err);
    h->st = tg_sha256_fd_poll(h->fd, h->path, &intr, h->hex, &h->err);
    return NULL;
}

/* Starts hashing on a thread when the load is parallel (a file too small
** to split is hashed faster than a thread starts); 1 if started. */
static int hash_start(struct hasher *h, int fd, const char *path, const tg_csv_opts *opts,
                      size_t size) {
    memset(h, 0, sizeof *h);
    h->fd = fd;
    h->path = path;
    h->opts = opts;
    atomic_init(&h->stop, 0);
    if (thread_count(opts) < 2 || size < MIN_SPLIT_BYTES) return 0;
    return pthread_create(&h->thread, NULL, hash_main, h) == 0;
}

/* The digest into the report after a load that ended with 'st': joins
** the thread, or hashes here. A failed hash fails the load. */
static tg_status hash_finish(struct hasher *h, int started, tg_status st, tg_table **out,
                             tg_csv_report **report, tg_error *err) {
    if (started) {
        if (st != TG_OK) atomic_store(&h->stop, 1);
        pthread_join(h->thread, NULL);
    } else if (st == TG_OK) {
        hash_main(h);
    }
    if (st != TG_OK) return st;
    if (h->st != TG_OK) {
        if (err) *err = h->err;
        tg_table_release(*out);
        *out = NULL;
        tg_csv_report_free(*report);
        *report = NULL;
        return h->st;
    }
    memcpy((*report)->sha256, h->hex, sizeof h->hex);
    return TG_OK;
}

/* ---- the entry point ---- */

static void loader_free(struct loader *ld) {
    for (size_t i = 0; i < ld->n_chunks; i++) chunk_free(&ld->chunks[i], ld->ps.n_cols);
    tg_free(ld->chunks);
    for (size_t k = 0; k < ld->ps.n_cols; k++) tg_free(ld->ps.names[k]);
    tg_free(ld->ps.names);
    tg_free(ld->specs);
    if (ld->ps.src.mem != ld->file_mem) tg_free(ld->ps.src.mem);
    ld->chunks = NULL;
    ld->ps.names = NULL;
    ld->specs = NULL;
    ld->ps.src.mem = NULL;
    ld->n_chunks = ld->ps.n_cols = 0;
}

static tg_status load(struct loader *ld, const char *path, tg_table **out, tg_csv_report **report,
                      tg_error *err) {
    tg_csvcol_decision *dec = NULL;
    tg_csvcol_spec *next = NULL;
    tg_status st;
    size_t bom;
    unsigned char head[4];
    size_t got;

    ld->ps.src.mem = ld->file_mem;
    ld->ps.src.size = ld->file_mem ? ld->file_size : ld->disk_size;
    if ((st = sniff(ld, path, err)) != TG_OK) return st;
    if ((st = rewrite(ld, err)) != TG_OK) return st;
    ld->ps.watch_cr = !ld->ps.dialect.cr_lines && ld->late_cr != 2;
    if (ld->ps.enc_guessed != 2) {
        int has_bom = tg_src_read(&ld->ps.src, 0, head, sizeof head, &got, NULL) == TG_OK &&
                      tg_enc_bom(head, got, &bom) != TG_ENC_AUTO;
        ld->ps.enc_guessed = ld->opts->dialect.encoding == TG_ENC_AUTO &&
                             ld->ps.dialect.encoding == TG_ENC_UTF8 && !has_bom;
    }
    if ((st = tg_csvparse_header(&ld->ps, ld->ps.src.mem && ld->ps.src.mem != ld->file_mem,
                                 &ld->head, path, err)) != TG_OK)
        goto done;
    if (ld->ps.enc_guessed == 2) goto done; /* header not UTF-8: restart */
    if ((st = make_specs(ld, path, err)) != TG_OK) goto done;
    if ((st = plan_chunks(ld, err)) != TG_OK) goto done;
    dec = tg_calloc(ld->ps.n_cols ? ld->ps.n_cols : 1, sizeof *dec);
    next = tg_calloc(ld->ps.n_cols ? ld->ps.n_cols : 1, sizeof *next);
    if (!dec || !next) {
        st = tg_err_nomem(err);
        goto done;
    }
    memcpy(next, ld->specs, ld->ps.n_cols * sizeof *next);
    for (int pass = 0, again = 1; again; pass++) {
        if (pass == MAX_PASSES) {
            for (size_t k = 0; k < ld->ps.n_cols; k++)
                if (dec[k].reread) dec[k].reread = 0, dec[k].type = TG_STRING;
            break;
        }
        if ((st = run_pass(ld, pass, next, path, err)) != TG_OK) goto done;
        if (any_utf8_bad(ld)) {
            ld->ps.enc_guessed = 2;
            goto done;
        }
        if (any_bare_cr(ld)) {
            ld->late_cr = 1;
            goto done;
        }
        if ((st = decide_all(ld, dec, next, &again, path, err)) != TG_OK) goto done;
    }
    if ((st = assemble(ld, dec, out, err)) != TG_OK) goto done;
    if (report && make_report(ld, dec, *out, report) != TG_OK) {
        tg_table_release(*out);
        *out = NULL;
        st = tg_err_nomem(err);
    }

done:
    /* A data error still tells the caller the dialect (to show the line). */
    if (st == TG_EDATA && report && !*report) {
        *report = tg_calloc(1, sizeof **report);
        if (*report) {
            (*report)->dialect = ld->ps.dialect;
            (*report)->n_bytes = ld->ps.src.size;
        }
    }
    tg_free(dec);
    tg_free(next);
    return st;
}

/* Looks at the file's first bytes: a compressed or binary format is
** refused by name (an .xlsx once loaded as five columns of garbage), gzip
** is decompressed into memory (whatever the file is called); the parse
** then runs in parallel over that copy. */
static tg_status prepare(struct loader *ld, const char *path, tg_error *err) {
    unsigned char head[TG_CSVPREP_HEAD];
    const char *what;
    size_t got;
    ld->ps.src.size = ld->disk_size;
    tg_status st = tg_src_read(&ld->ps.src, 0, head, sizeof head, &got, err);
    if (st != TG_OK) return st;
    int kind = tg_csvprep_kind(head, got, &what);
    if (kind >= TG_PREP_REFUSE) /* a workbook too: read_csv sends those to tg_excel first */
        return tg_err_set(err, TG_EDATA, path, 0, 0, "not a CSV file: this is %s", what);
    if (kind != TG_PREP_GZIP) return TG_OK;
    st = tg_csvprep_gunzip(ld->ps.src.fd, path, &ld->file_mem, &ld->file_size, ld->opts->interrupt,
                           ld->opts->ud, err);
    if (st != TG_OK) return st;
    ld->gzip = 1;
    /* what was inside the gzip stream must be text too */
    kind = tg_csvprep_kind(ld->file_mem, ld->file_size, &what);
    if (kind != TG_PREP_TEXT)
        return tg_err_set(err, TG_EDATA, path, 0, 0, "not a CSV file: gzip holding %s",
                          kind == TG_PREP_GZIP ? "another gzip stream" : what);
    return TG_OK;
}

tg_status tg_csv_read(const char *path, const tg_csv_opts *opts, tg_table **out,
                      tg_csv_report **report, tg_error *err) {
    tg_csv_opts defaults;
    struct loader ld;
    struct stat sb;
    tg_status st;

    assert(path != NULL && out != NULL);
    *out = NULL;
    if (report) *report = NULL;
    if (!opts) {
        tg_csv_opts_init(&defaults);
        opts = &defaults;
    }
    memset(&ld, 0, sizeof ld);
    ld.opts = opts;
    ld.ps.err = err;
    ld.ps.src.path = path;
    ld.ps.caller = pthread_self();
    ld.ps.reject = opts->on_error == TG_CSV_REJECT; /* the retry changes only the encoding */
    ld.ps.max_errors = opts->max_errors;
    ld.ps.no_fast_path = opts->no_fast_path;
    ld.ps.interrupt = opts->interrupt;
    ld.ps.progress = opts->progress;
    ld.ps.ud = opts->ud;
    tg_conv_nulls_init(&ld.nulls, opts->na, opts->n_na > 16 ? 16 : opts->n_na);
    /* O_NONBLOCK: opening a FIFO would wait for a writer, where nothing
    ** polls; it is refused below like any file that is not regular. */
    ld.ps.src.fd = opts->use_fd ? opts->fd : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (ld.ps.src.fd < 0)
        return tg_err_set(err, TG_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(ld.ps.src.fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        fcntl(ld.ps.src.fd, F_SETFL, fcntl(ld.ps.src.fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        if (!opts->use_fd) close(ld.ps.src.fd);
        return tg_err_set(err, TG_EIO, path, 0, 0, "not a regular file");
    }
    ld.disk_size = (size_t)sb.st_size;
    struct hasher hash;
    int want_hash = opts->sha256 && report;
    int hashing = want_hash && hash_start(&hash, ld.ps.src.fd, path, opts, ld.disk_size);
    st = prepare(&ld, path, err);
    if (st == TG_OK) st = load(&ld, path, out, report, err);
    tg_csv_opts retry = *opts;
    while (st == TG_OK && !*out && (ld.ps.enc_guessed == 2 || ld.late_cr == 1)) {
        /* Each at most once. Not UTF-8 after all: read it again as
        ** Windows-1252, the encoding of Danish Excel's "CSV
        ** (semikolonsepareret)". A bare CR past the sample: read it again
        ** with bare CRs rewritten as line breaks. */
        loader_free(&ld);
        if (ld.ps.enc_guessed == 2) {
            retry.dialect.encoding = TG_ENC_CP1252;
            ld.opts = &retry;
            ld.ps.enc_guessed = 0;
            ld.retried = 1;
        }
        if (ld.late_cr == 1) ld.late_cr = 2;
        ld.ps.done_bytes = 0;
        st = load(&ld, path, out, report, err);
    }
    loader_free(&ld);
    tg_free(ld.file_mem);
    if (want_hash) st = hash_finish(&hash, hashing, st, out, report, err);
    if (!opts->use_fd) close(ld.ps.src.fd);
    return st;
}
