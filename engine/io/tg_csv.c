/*
** tg_csv.c -- CSV file -> columnar table (the only file including csv.h).
** Plan of a load: sniff the dialect from the first MiB; read the header
** record; split the rest into one byte range per thread, each starting
** just after a newline; parse the ranges in parallel with libcsv into
** per-range column parts (tg_csvcol); check that every range really began
** at a record boundary (a newline inside a quoted field would make the
** guess wrong, and then the rest is parsed again in one piece); decide
** each column from all its parts; read again, in a second pass, only the
** columns whose values turned out to be text; assemble. Line numbers are
** not tracked while parsing (that would cost a check per field): a range
** knows its first line, and the few positions an error or reject needs
** are found afterwards by parsing that range again line by line.
*/
#include "tg_csv.h"

#include <assert.h>
#include <csv.h>
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
#include "tg_csvprep.h"
#include "tg_dict.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_lines.h"
#include "tg_mem.h"

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

struct loader;

/* One byte range of the file and everything parsed from it. */
struct chunk {
    struct loader *ld;
    size_t start, end; /* raw byte offsets */
    size_t first_line; /* physical line of 'start' */
    size_t newlines;   /* '\n' bytes in [start, end) */
    size_t comments;   /* comment lines skipped */
    int end_clean;     /* libcsv was between records at 'end' */
    tg_csvcol **cols;  /* the column parts kept from every pass */
    tg_csvcol **pcols; /* the parts the current pass fills (== cols in pass 1) */
    size_t row, field;
    int pass;    /* 0 = first pass */
    int row_bad; /* current row has a problem: its field and reason below */
    size_t bad_field;
    char bad_reason[128], bad_value[64];
    /* first failure (TG_CSV_FAIL) */
    int failed;
    size_t fail_row, fail_field;
    size_t fail_nl; /* with fail_at_nl: the failure's line is first_line + fail_nl */
    int fail_at_nl;
    char fail_reason[300];
    /* rejected rows (TG_CSV_REJECT): row indices, ascending */
    size_t *rej_rows;
    tg_reject *rejects;
    size_t n_rej, cap_rej;
    tg_status status;
    int utf8_bad; /* found invalid UTF-8 while the encoding was a guess */
};

struct loader {
    const tg_csv_opts *opts;
    tg_src src;
    tg_dialect dialect;
    tg_nulls nulls;
    size_t n_cols;
    char **names;
    tg_csvcol_spec *specs;
    size_t data_start, data_line; /* first data byte and its line */
    size_t avg_record;            /* bytes per record in the sample */
    int enc_guessed;
    /* The whole file, when it is held in memory: decompressed gzip, or a
    ** file whose line breaks or escapes were rewrite()n. Kept across the
    ** Windows-1252 retry; src.mem points here or at a UTF-16 transcoding. */
    unsigned char *file_mem;
    size_t file_size, disk_size;
    int gzip, rewritten, retried;
    size_t hdr_comments; /* comment lines before the header */
    struct chunk *chunks;
    size_t n_chunks;
    atomic_size_t done_bytes;
    pthread_t caller; /* the thread that called tg_csv_read */
    tg_error *err;
};

/* ---- libcsv callbacks ---- */

static void row_problem(struct chunk *ch, size_t field, const char *reason, const char *s,
                        size_t n) {
    if (ch->row_bad) return;
    ch->row_bad = 1;
    ch->bad_field = field;
    snprintf(ch->bad_reason, sizeof ch->bad_reason, "%s", reason);
    snprintf(ch->bad_value, sizeof ch->bad_value, "%.*s", (int)(n < 60 ? n : 60), s ? s : "");
}

/* Later passes meet the rows the first pass rejected again. */
static int was_rejected(const struct chunk *ch, size_t row) {
    size_t lo = 0, hi = ch->n_rej;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ch->rej_rows[mid] < row) lo = mid + 1;
        else hi = mid;
    }
    return lo < ch->n_rej && ch->rej_rows[lo] == row;
}

static void on_field(void *s, size_t n, void *ud) {
    struct chunk *ch = ud;
    size_t k = ch->field++;
    char why[128];

    if (ch->row_bad || ch->status != TG_OK) return;
    /* a row the first pass rejected decides nothing in a later one either */
    if (ch->pass > 0 && ch->n_rej && was_rejected(ch, ch->row)) return;
    if (k >= ch->ld->n_cols) {
        if (k == ch->ld->n_cols && n == 0 && ch->ld->dialect.trailing) {
            ch->field--; /* the empty field after a trailing delimiter */
            return;
        }
        snprintf(why, sizeof why, "expected %zu fields, found more", ch->ld->n_cols);
        row_problem(ch, k, why, s, n);
        return;
    }
    int r = tg_csvcol_push(ch->pcols[k], ch->row, s, n);
    if (r == TG_OK) return;
    if (r == TG_ENOMEM) {
        ch->status = TG_ENOMEM;
        return;
    }
    if (r == TG_CC_BADUTF8 && ch->ld->enc_guessed) ch->utf8_bad = 1;
    tg_csvcol_reason(ch->pcols[k], why, sizeof why);
    row_problem(ch, k, why, s, n);
}

static tg_status add_reject(struct chunk *ch) {
    if (ch->n_rej == ch->cap_rej) {
        size_t cap = ch->cap_rej ? ch->cap_rej * 2 : 16;
        size_t *rows = tg_realloc(ch->rej_rows, cap * sizeof *rows);
        if (!rows) return TG_ENOMEM;
        ch->rej_rows = rows;
        tg_reject *rej = tg_realloc(ch->rejects, cap * sizeof *rej);
        if (!rej) return TG_ENOMEM;
        ch->rejects = rej;
        ch->cap_rej = cap;
    }
    tg_reject *r = &ch->rejects[ch->n_rej];
    memset(r, 0, sizeof *r);
    r->col = (int)ch->bad_field + 1;
    if (ch->bad_field < ch->ld->n_cols)
        snprintf(r->column, sizeof r->column, "%s", ch->ld->names[ch->bad_field]);
    snprintf(r->value, sizeof r->value, "%s", ch->bad_value);
    snprintf(r->reason, sizeof r->reason, "%s", ch->bad_reason);
    ch->rej_rows[ch->n_rej++] = ch->row;
    return TG_OK;
}


static void on_row(int c, void *ud) {
    struct chunk *ch = ud;
    const struct loader *ld = ch->ld;
    (void)c;
    if (ch->status != TG_OK || ch->failed) return;
    if (!ch->row_bad && ch->field != ld->n_cols) {
        char why[128];
        snprintf(why, sizeof why, "expected %zu fields, found %zu", ld->n_cols, ch->field);
        row_problem(ch, ch->field < ld->n_cols ? ch->field : ld->n_cols, why, NULL, 0);
    }
    if (ch->row_bad && ch->pass > 0 && was_rejected(ch, ch->row)) ch->row_bad = 0;
    if (ch->row_bad) {
        /* Only the first pass can reject: later ones see fewer columns. */
        int over = 0;
        if (ld->opts->on_error == TG_CSV_REJECT && !ch->utf8_bad && ch->pass == 0) {
            if (add_reject(ch) != TG_OK) ch->status = TG_ENOMEM;
            else if (ch->n_rej > ld->opts->max_errors) ch->failed = over = 1;
        } else {
            ch->failed = 1;
        }
        if (ch->failed) {
            ch->fail_row = ch->row;
            ch->fail_field = ch->bad_field;
            if (over)
                snprintf(ch->fail_reason, sizeof ch->fail_reason,
                         "more than %zu rejected rows; this one: %s", ld->opts->max_errors,
                         ch->bad_reason);
            else snprintf(ch->fail_reason, sizeof ch->fail_reason, "%s", ch->bad_reason);
        }
        ch->row_bad = 0;
    }
    ch->field = 0;
    ch->row++;
}

static void *csv_realloc(void *p, size_t n) {
    return tg_realloc(p, n);
}

static int parser_init(struct csv_parser *p, const tg_dialect *d) {
    if (csv_init(p, 0) != 0) return -1;
    csv_set_delim(p, (unsigned char)d->delim);
    csv_set_quote(p, (unsigned char)d->quote);
    /* libcsv's built-in space test (space, tab) is inlined in its loop; a
    ** custom one costs an indirect call per byte. Since 3.0.3 it never
    ** treats the delimiter as space, so tab-separated files are safe. */
    csv_set_realloc_func(p, csv_realloc);
    csv_set_free_func(p, tg_free);
    return 0;
}

/* ---- parsing one chunk ---- */

static void poll_progress(struct chunk *ch, size_t bytes) {
    struct loader *ld = ch->ld;
    size_t done = atomic_fetch_add(&ld->done_bytes, bytes) + bytes;
    if (ld->opts->interrupt) {
        tg_status st = ld->opts->interrupt(ld->opts->ud);
        if (st != TG_OK) ch->status = st;
    }
    /* progress callbacks come from the loading (calling) thread only */
    if (ld->opts->progress && pthread_equal(pthread_self(), ld->caller))
        ld->opts->progress(ld->opts->ud, done, ld->src.size);
}

/* One line at a record's start: split by tg_lines_split (with 'fast', or
** leniently when it holds a quoted field with text after its closing
** quote and the dialect is lenient). Returns 0 when split, 1 when libcsv
** must parse it, or -(k + 1) when field k has text after its closing quote
** and the dialect is strict: libcsv would keep that field open and
** swallow the records after it. The same in every pass and with
** no_fast_path, so line numbers and tables never depend on the path. */
static int split_line(const tg_dialect *d, int fast, unsigned char *s, size_t n,
                      void (*cb1)(void *, size_t, void *), void (*cb2)(int, void *), void *ud) {
    unsigned char delim = (unsigned char)d->delim, quote = (unsigned char)d->quote;
    if (fast && tg_lines_split(s, n, delim, quote, d->lenient, cb1, cb2, ud) == 0) return 0;
    if (!memchr(s, quote, n)) return 1;
    long k = tg_lines_after_quote(s, n, delim, quote);
    if (k < 0) return 1;
    if (!d->lenient) return k >= INT_MAX ? INT_MIN : (int)(-k - 1);
    return tg_lines_split(s, n, delim, quote, 1, cb1, cb2, ud) == 0 ? 0 : 1;
}

static void after_quote_reason(const tg_dialect *d, char *buf, size_t size) {
    snprintf(buf, size,
             "text after the closing quote of a quoted field (write %c%c inside quotes for a "
             "literal quote, or set quotes = \"lenient\" to keep such fields as they stand)",
             d->quote, d->quote);
}

static void parse_chunk(struct chunk *ch) {
    struct loader *ld = ch->ld;
    struct csv_parser p;
    tg_lines lr;
    const unsigned char *s;
    size_t n, polled = ch->start;
    int fast = !ld->opts->no_fast_path;

    if (parser_init(&p, &ld->dialect) != 0) {
        ch->status = TG_ENOMEM;
        return;
    }
    if (tg_lines_init(&lr, &ld->src, ch->start, ch->end) != TG_OK) {
        ch->status = TG_ENOMEM;
        goto out;
    }
    while (ch->status == TG_OK && !ch->failed && !ch->utf8_bad && tg_lines_next(&lr, &s, &n)) {
        size_t nl_before = ch->newlines;
        if (s[n - 1] == '\n') ch->newlines++;
        if (ld->dialect.comment && p.pstate == 0 && !lr.partial && s[0] == ld->dialect.comment) {
            ch->comments++;
            continue;
        }
        /* libcsv must be between records for the fast path to take over */
        int r = lr.partial || p.pstate != 0
                    ? 1
                    : split_line(&ld->dialect, fast, (unsigned char *)(uintptr_t)s, n, on_field,
                                 on_row, ch);
        if (r < 0) {
            ch->failed = ch->fail_at_nl = 1;
            ch->fail_row = ch->row;
            ch->fail_field = (size_t)(-r - 1);
            ch->fail_nl = nl_before;
            after_quote_reason(&ld->dialect, ch->fail_reason, sizeof ch->fail_reason);
        } else if (r > 0 && csv_parse(&p, s, n, on_field, on_row, ch) != n) {
            ch->status = TG_ENOMEM; /* the only failure outside strict mode */
        }
        if (lr.off - polled >= TG_LINES_BLOCK) {
            poll_progress(ch, lr.off - polled);
            polled = lr.off;
        }
    }
    if (lr.status != TG_OK && ch->status == TG_OK) ch->status = lr.status;
    ch->end_clean = p.pstate == 0 && p.entry_pos == 0;
    if (ch->status == TG_OK && !ch->failed && ch->end == ld->src.size) {
        /* The last record may lack its newline; fini submits it. libcsv
        ** reports an open quote only in strict mode, which would also
        ** reject a stray quote inside an unquoted field, so the state is
        ** checked here instead (2 = FIELD_BEGUN). */
        int open_quote = p.pstate == 2 && p.quoted;
        if (!open_quote) csv_fini(&p, on_field, on_row, ch);
        if (open_quote && ch->status == TG_OK) {
            ch->failed = 1;
            ch->fail_row = ch->row;
            ch->fail_field = ch->field;
            snprintf(ch->fail_reason, sizeof ch->fail_reason,
                     "a quoted field is not closed before the end of the file");
        }
    }
    if (ch->status == TG_OK && !ch->failed)
        for (size_t k = 0; k < ld->n_cols; k++)
            if (tg_csvcol_finish(ch->pcols[k], ch->row) != TG_OK) ch->status = TG_ENOMEM;
out:
    tg_lines_free(&lr);
    csv_free(&p);
}

/* Feeds libcsv the line of rd.raw that starts at 'at' (up to its '\n', or
** the rest of the 'got' bytes, 'last' when they end the file), decoded to
** UTF-8, through split_line as parse_chunk does; *nl says whether it ended
** with a newline, *after_quote is split_line's field with text after a
** closing quote (strict dialect) or -1. Returns the raw bytes consumed.
** For the passes that count lines exactly (the header, locating errors). */
static size_t feed_line(struct csv_parser *p, tg_block *rd, const tg_dialect *d, tg_encoding enc,
                        size_t at, size_t got, int last, void (*cb1)(void *, size_t, void *),
                        void (*cb2)(int, void *), void *ud, int *nl, long *after_quote) {
    unsigned char *s = rd->raw + at, *end = memchr(s, '\n', got - at);
    size_t len = end ? (size_t)(end - s) + 1 : got - at, used, m = len;
    *nl = end != NULL;
    *after_quote = -1;
    if (enc != TG_ENC_UTF8) {
        m = tg_enc_to_utf8(enc, s, len, rd->utf8, &used);
        s = rd->utf8;
    }
    /* a line cut by the block's end (not the file's) goes to libcsv whole */
    if (d->comment && p->pstate == 0 && m && s[0] == (unsigned char)d->comment && (end || last))
        return len; /* a comment line, as parse_chunk skips it */
    int r = p->pstate != 0 || (!end && !last) ? 1 : split_line(d, 0, s, m, cb1, cb2, ud);
    if (r < 0) *after_quote = -r - 1;
    else if (r > 0) csv_parse(p, s, m, cb1, cb2, ud);
    return len;
}

/* ---- finding the physical line of a (row, field) position ---- */

struct pos {
    size_t row, field;
    size_t line; /* result; 0 = not found */
};

struct locate {
    struct pos *pos; /* sorted by row, then field */
    size_t n, next;
    size_t row, field, line;
    size_t row_line; /* where the current row began */
};

static void loc_field(void *s, size_t n, void *ud) {
    struct locate *lc = ud;
    (void)s;
    (void)n;
    while (lc->next < lc->n && lc->pos[lc->next].row == lc->row &&
           lc->pos[lc->next].field <= lc->field)
        lc->pos[lc->next++].line = lc->line;
    lc->field++;
}

static void loc_row(int c, void *ud) {
    struct locate *lc = ud;
    (void)c;
    /* a position past the row's last field (a missing field) is on the
    ** line where the row ends */
    while (lc->next < lc->n && lc->pos[lc->next].row == lc->row)
        lc->pos[lc->next++].line = lc->line;
    lc->row_line = lc->line + 1;
    lc->row++;
    lc->field = 0;
}

/* Parses the chunk again line by line until every position has a line.
** 'pos' must be sorted by row, then field. */
static tg_status locate_lines(struct loader *ld, const struct chunk *ch, struct pos *pos,
                              size_t n) {
    struct csv_parser p;
    tg_block rd = { 0 };
    struct locate lc = { pos, n, 0, 0, 0, ch->first_line, ch->first_line };
    size_t off = ch->start;
    tg_status st = TG_OK;

    if (n == 0) return TG_OK;
    if (parser_init(&p, &ld->dialect) != 0) return TG_ENOMEM;
    if (tg_block_init(&rd, ld->src.enc) != TG_OK) {
        csv_free(&p);
        tg_block_free(&rd);
        return TG_ENOMEM;
    }
    while (off < ch->end && lc.next < lc.n) {
        size_t want = ch->end - off < rd.cap ? ch->end - off : rd.cap, got;
        if ((st = tg_src_read(&ld->src, off, rd.raw, want, &got, ld->err)) != TG_OK || got == 0)
            break;
        /* Whole lines only, so the line counter is exact; a line longer
        ** than a block is fed in pieces (same line number). */
        size_t used = 0;
        while (used < got && lc.next < lc.n) {
            int nl;
            long aq;
            /* between records, the next one begins on this line or later
            ** (libcsv skips blank lines without a row callback) */
            if (p.pstate == 0) lc.row_line = lc.line;
            used += feed_line(&p, &rd, &ld->dialect, ld->src.enc, used, got,
                              off + got == ld->src.size, loc_field, loc_row, &lc, &nl, &aq);
            lc.line += (size_t)nl;
        }
        off += got;
    }
    int open_quote = p.pstate == 2 && p.quoted;
    if (lc.next < lc.n && ch->end == ld->src.size && !open_quote)
        csv_fini(&p, loc_field, loc_row, &lc);
    /* what is still unplaced is in a row that never ended (an open quote):
    ** point at where that row began */
    for (size_t i = lc.next; i < lc.n; i++) pos[i].line = lc.row_line;
    csv_free(&p);
    tg_block_free(&rd);
    return st;
}

/* Line of one position. */
static size_t line_of(struct loader *ld, const struct chunk *ch, size_t row, size_t field) {
    struct pos p = { row, field, 0 };
    if (locate_lines(ld, ch, &p, 1) != TG_OK) return 0;
    return p.line;
}

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
    size_t lines = 1 + (size_t)ld->dialect.skip_lines, field = 1;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '\n') lines++;
        if (t[i] == (unsigned char)ld->dialect.quote) quoted = !quoted;
        else if (!quoted && t[i] == (unsigned char)ld->dialect.delim) field++;
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
    size_t got, used, cap = tg_enc_max_out(ld->dialect.encoding, ld->src.size);
    unsigned char *raw = tg_malloc(ld->src.size ? ld->src.size : 1);
    unsigned char *mem = tg_malloc(cap ? cap : 1);
    tg_status st = raw && mem ? TG_OK : tg_err_nomem(err);
    if (st == TG_OK) st = tg_src_read(&ld->src, 0, raw, ld->src.size, &got, err);
    if (st == TG_OK) {
        size_t skip = ld->dialect.skip_bytes < got ? ld->dialect.skip_bytes : got;
        size_t n = tg_enc_to_utf8(ld->dialect.encoding, raw + skip, got - skip, mem, &used);
        if (used < got - skip) {
            int line, col;
            size_t stray = got - skip - used;
            end_position(ld, mem, n, &line, &col);
            st = tg_err_set(err, TG_EDATA, ld->src.path, line, col,
                            "the file ends inside a %s character (%zu stray byte%s at the end)",
                            tg_enc_name(ld->dialect.encoding), stray, stray == 1 ? "" : "s");
        } else {
            ld->src.mem = mem;
            ld->src.size = n;
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
    st = tg_src_read(&ld->src, 0, buf, SAMPLE_BYTES, &n, err);
    if (st == TG_OK)
        st = tg_sniff(buf, n, n == ld->src.size, &ld->opts->dialect, path, &ld->dialect, err);
    if (st == TG_OK && ld->enc_guessed == 2) ld->dialect.encoding = TG_ENC_CP1252;
    if (st == TG_OK &&
        (ld->dialect.encoding == TG_ENC_UTF16LE || ld->dialect.encoding == TG_ENC_UTF16BE)) {
        tg_dialect orig = ld->dialect;
        tg_sniff_opts so = ld->opts->dialect;
        if ((st = load_utf16(ld, err)) == TG_OK) {
            so.encoding = TG_ENC_UTF8;
            size_t m = ld->src.size < SAMPLE_BYTES ? ld->src.size : SAMPLE_BYTES;
            st = tg_sniff(ld->src.mem, m, m == ld->src.size, &so, path, &ld->dialect, err);
            ld->dialect.encoding = orig.encoding; /* report what the file was */
            ld->dialect.skip_bytes = orig.skip_bytes;
            ld->dialect.skip_lines += orig.skip_lines;
            ld->dialect.sep_line = orig.sep_line;
            memcpy(ld->dialect.enc_why, orig.enc_why, sizeof orig.enc_why);
            if (orig.sep_line) {
                ld->dialect.delim = orig.delim;
                memcpy(ld->dialect.delim_why, orig.delim_why, sizeof orig.delim_why);
            }
        }
    }
    ld->src.enc = ld->src.mem && ld->src.mem != ld->file_mem ? TG_ENC_UTF8 : ld->dialect.encoding;
    tg_free(buf);
    return st;
}

/* A file with bare CR line breaks or backslash escapes is rewritten in
** memory into the form every pass reads (LF, doubled quotes): libcsv ends
** a record at a CR, but the chunking and line counting go by LF. Such
** files are rare and small (old Mac exports, database dumps); a file
** already in memory (gzip, UTF-16) is rewritten where it is. */
static tg_status rewrite(struct loader *ld, tg_error *err) {
    const tg_dialect *d = &ld->dialect;
    int transcoded = ld->src.mem && ld->src.mem != ld->file_mem;
    if (!d->cr_lines && !d->escape) return TG_OK;
    if (!transcoded && ld->rewritten) return TG_OK; /* the Windows-1252 retry */
    if (!ld->src.mem) {
        size_t got;
        ld->file_mem = tg_malloc(ld->src.size + 1);
        if (!ld->file_mem) return tg_err_nomem(err);
        tg_status st = tg_src_read(&ld->src, 0, ld->file_mem, ld->src.size, &got, err);
        if (st != TG_OK) return st;
        ld->src.mem = ld->file_mem;
        ld->src.size = ld->file_size = got;
    }
    size_t skip = transcoded ? 0 : d->skip_bytes;
    if (skip > ld->src.size) skip = ld->src.size;
    ld->src.size = skip + tg_csvprep_rewrite(ld->src.mem + skip, ld->src.size - skip,
                                             (unsigned char)d->delim, (unsigned char)d->quote,
                                             d->cr_lines > 0, (unsigned char)d->escape);
    if (!transcoded) {
        ld->file_size = ld->src.size;
        ld->rewritten = 1;
    }
    return TG_OK;
}

struct header {
    struct loader *ld;
    char **names;
    size_t n, cap;
    int done, nomem;
};

static void hdr_field(void *s, size_t n, void *ud) {
    struct header *h = ud;
    if (h->done || h->nomem) return;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        char **names = tg_realloc(h->names, cap * sizeof *names);
        if (!names) {
            h->nomem = 1;
            return;
        }
        h->names = names;
        h->cap = cap;
    }
    if (!(h->names[h->n] = tg_strndup(s ? s : "", n))) h->nomem = 1;
    else h->n++;
}

static void hdr_row(int c, void *ud) {
    (void)c;
    ((struct header *)ud)->done = 1;
}

/* The names of a header while fix_names makes them unique: a dictionary
** of every name met, with per name how many columns carry it now, whether
** an earlier column does, and the next suffix to try. Hashing keeps a
** header of 50,000 columns linear (comparing every pair took 17 s). */
struct name_set {
    tg_dict *d;
    uint32_t *count; /* columns now carrying the name */
    uint8_t *seen;   /* an earlier column carries it */
    int *next;       /* the first suffix still to try for this base name */
    size_t cap;
};

static tg_status names_code(struct name_set *ns, const char *s, uint32_t *code) {
    if (tg_dict_intern(ns->d, s, strlen(s), code) != TG_OK) return TG_ENOMEM;
    if (*code < ns->cap) return TG_OK;
    size_t cap = ns->cap ? 2 * ns->cap : 64;
    uint32_t *count = tg_realloc(ns->count, cap * sizeof *count);
    if (count) ns->count = count;
    uint8_t *seen = count ? tg_realloc(ns->seen, cap) : NULL;
    if (seen) ns->seen = seen;
    int *next = seen ? tg_realloc(ns->next, cap * sizeof *next) : NULL;
    if (!next) return TG_ENOMEM;
    ns->next = next;
    memset(count + ns->cap, 0, (cap - ns->cap) * sizeof *count);
    memset(seen + ns->cap, 0, cap - ns->cap);
    for (size_t i = ns->cap; i < cap; i++) next[i] = 2;
    ns->cap = cap;
    return TG_OK;
}

/* A free name for column k, which repeats an earlier one (or is empty),
** into buf: "<name>_2", "_3", ... or "column<k+1>", then "column<k+1>_2"...
** A name once carried stays carried (a rename leaves at least one), so a
** base name's next suffix only grows. */
static tg_status names_free(struct name_set *ns, const char *name, size_t k, char *buf,
                            size_t size) {
    char base[280];
    uint32_t b, code;
    if (name[0] == '\0') snprintf(base, sizeof base, "column%zu", k + 1);
    else snprintf(base, sizeof base, "%.270s", name);
    if (names_code(ns, base, &b) != TG_OK) return TG_ENOMEM;
    if (name[0] == '\0' && ns->count[b] == 0) {
        snprintf(buf, size, "%s", base);
        return TG_OK;
    }
    for (;;) {
        snprintf(buf, size, "%s_%d", base, ns->next[b]++);
        if (names_code(ns, buf, &code) != TG_OK) return TG_ENOMEM;
        if (ns->count[code] == 0) return TG_OK;
    }
}

/* Unique, non-empty names: "" becomes "column<k>", a repeat gets "_2". */
static tg_status fix_names(char **names, size_t n) {
    struct name_set ns = { tg_dict_new(), NULL, NULL, NULL, 0 };
    tg_status st = ns.d ? TG_OK : TG_ENOMEM;
    uint32_t code;
    char buf[300];
    for (size_t k = 0; k < n && st == TG_OK; k++) {
        if ((st = names_code(&ns, names[k], &code)) == TG_OK) ns.count[code]++;
    }
    for (size_t k = 0; k < n && st == TG_OK; k++) {
        if ((st = names_code(&ns, names[k], &code)) != TG_OK) break;
        if (names[k][0] != '\0' && !ns.seen[code]) {
            ns.seen[code] = 1;
            continue;
        }
        if ((st = names_free(&ns, names[k], k, buf, sizeof buf)) != TG_OK) break;
        char *copy = tg_strdup(buf);
        if (!copy || (st = names_code(&ns, buf, &code)) != TG_OK) {
            tg_free(copy);
            st = TG_ENOMEM;
            break;
        }
        uint32_t old = tg_dict_find(ns.d, names[k], strlen(names[k]));
        ns.count[old]--;
        tg_free(names[k]);
        names[k] = copy;
        ns.count[code]++;
        ns.seen[code] = 1;
    }
    tg_dict_release(ns.d);
    tg_free(ns.count);
    tg_free(ns.seen);
    tg_free(ns.next);
    return st;
}

/* Reads the header record line by line from the data start, so we know
** exactly where data begins and on which line. */
static tg_status read_header(struct loader *ld, const char *path, tg_error *err) {
    struct header h = { ld, NULL, 0, 0, 0, 0 };
    struct csv_parser p;
    tg_block rd = { 0 };
    size_t off = ld->dialect.skip_bytes + ld->dialect.pre_bytes, got = 0, used = 0,
           line = (size_t)ld->dialect.skip_lines + (size_t)ld->dialect.pre_lines + 1;
    size_t sample_records = 0, sample_bytes = 0;
    tg_status st = TG_OK;

    if (ld->src.mem && ld->src.mem != ld->file_mem)
        off = ld->dialect.pre_bytes; /* transcoded from after the BOM and sep= line */
    ld->data_start = off;
    ld->data_line = line;
    if (parser_init(&p, &ld->dialect) != 0) return tg_err_nomem(err);
    if (tg_block_init(&rd, ld->src.enc) != TG_OK) {
        st = tg_err_nomem(err);
        goto done;
    }
    if ((st = tg_src_read(&ld->src, off, rd.raw, rd.cap, &got, err)) != TG_OK) goto done;
    while (ld->dialect.header && !h.done && used < got) {
        int nl;
        long aq;
        if (ld->dialect.comment && p.pstate == 0 &&
            rd.raw[used] == (unsigned char)ld->dialect.comment)
            ld->hdr_comments++;
        used += feed_line(&p, &rd, &ld->dialect, ld->src.enc, used, got, off + got == ld->src.size,
                          hdr_field, hdr_row, &h, &nl, &aq);
        if (aq >= 0) {
            char why[300];
            after_quote_reason(&ld->dialect, why, sizeof why);
            st = tg_err_set(err, TG_EDATA, path, (int)line, (int)aq + 1, "header: %s", why);
            goto done;
        }
        line += (size_t)nl;
        if (!h.done && off + used == ld->src.size) {
            if (p.pstate == 2 && p.quoted) {
                /* libcsv would take the rest of the file as one header name */
                st = tg_err_set(err, TG_EDATA, path, (int)ld->data_line, (int)h.n + 1,
                                "the header's quoted field %zu is not closed before the end of "
                                "the file (a missing %c?)",
                                h.n + 1, ld->dialect.quote);
                goto done;
            }
            csv_fini(&p, hdr_field, hdr_row, &h);
        }
    }
    if (h.nomem) {
        st = tg_err_nomem(err);
        goto done;
    }
    if (ld->dialect.trailing && h.n >= 2 && h.names[h.n - 1][0] == '\0') tg_free(h.names[--h.n]);
    if (ld->dialect.header) {
        if (!h.done && off + used < ld->src.size) {
            st = tg_err_set(err, TG_EDATA, path, (int)ld->data_line, 0,
                            "the header record is longer than %u bytes", TG_LINES_BLOCK);
            goto done;
        }
        ld->data_start = off + used;
        ld->data_line = line;
    }
    sample_bytes = got - used;
    sample_records = tg_lines_count(rd.raw + used, got - used);
    ld->avg_record = sample_records ? sample_bytes / sample_records : 64;
    if (!ld->dialect.header || h.n == 0) {
        for (size_t k = h.n; k < ld->dialect.n_fields; k++) {
            hdr_field(NULL, 0, &h);
            if (h.nomem) break;
        }
        for (size_t k = 0; k < h.n && !h.nomem; k++) {
            char name[32];
            snprintf(name, sizeof name, "column%zu", k + 1);
            tg_free(h.names[k]);
            if (!(h.names[k] = tg_strdup(name))) h.nomem = 1;
        }
        if (h.nomem) {
            st = tg_err_nomem(err);
            goto done;
        }
    }
    for (size_t k = 0; k < h.n; k++) {
        if (tg_enc_utf8_valid((unsigned char *)h.names[k], strlen(h.names[k]), 1) !=
            strlen(h.names[k])) {
            ld->enc_guessed = ld->enc_guessed ? 2 : 0;
            break;
        }
    }
    if (fix_names(h.names, h.n) != TG_OK) st = tg_err_nomem(err);

done:
    ld->names = h.names;
    ld->n_cols = h.n;
    csv_free(&p);
    tg_block_free(&rd);
    return st;
}

/* ---- column specs from the options ---- */

static tg_status make_specs(struct loader *ld, const char *path, tg_error *err) {
    const tg_csv_opts *o = ld->opts;
    int pref = ld->dialect.decimal == ',' ? TG_MARK_COMMA : TG_MARK_DOT;
    int mark = o->decimal == ',' ? TG_MARK_COMMA : o->decimal == '.' ? TG_MARK_DOT : 0;

    ld->specs = tg_calloc(ld->n_cols ? ld->n_cols : 1, sizeof *ld->specs);
    if (!ld->specs) return tg_err_nomem(err);
    for (size_t k = 0; k < ld->n_cols; k++) {
        tg_csvcol_spec *sp = &ld->specs[k];
        sp->mode = TG_CC_INFER;
        sp->mark = mark;
        sp->pref_mark = mark ? mark : pref;
        sp->nulls = &ld->nulls;
        sp->check_utf8 = ld->src.enc == TG_ENC_UTF8;
    }
    for (size_t i = 0; i < o->n_types; i++) {
        const tg_csv_coltype *t = &o->types[i];
        long k = -1;
        for (size_t j = 0; j < ld->n_cols && k < 0; j++)
            if (strcmp(ld->names[j], t->name) == 0) k = (long)j;
        if (k < 0) {
            const char *near = tg_nearest_name(t->name, ld->names, ld->n_cols);
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

static int thread_count(const tg_csv_opts *o) {
    long n = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    return (int)(n > MAX_THREADS ? MAX_THREADS : n);
}

/* The offset just after the first '\n' at or after 'at' (or the end). */
static tg_status next_line_start(struct loader *ld, size_t at, size_t *out, tg_error *err) {
    unsigned char buf[65536];
    while (at < ld->src.size) {
        size_t got;
        tg_status st = tg_src_read(&ld->src, at, buf, sizeof buf, &got, err);
        if (st != TG_OK) return st;
        if (got == 0) break;
        unsigned char *nl = memchr(buf, '\n', got);
        if (nl) {
            *out = at + (size_t)(nl - buf) + 1;
            return TG_OK;
        }
        at += got;
    }
    *out = ld->src.size;
    return TG_OK;
}

static tg_status plan_chunks(struct loader *ld, tg_error *err) {
    size_t len = ld->src.size - ld->data_start;
    /* several chunks per thread, for balance (see run_chunks) */
    size_t n = len < MIN_SPLIT_BYTES ? 1 : (size_t)thread_count(ld->opts) * CHUNKS_PER_THREAD,
           k = 0;
    size_t start = ld->data_start;

    ld->chunks = tg_calloc(n, sizeof *ld->chunks);
    if (!ld->chunks) return tg_err_nomem(err);
    for (size_t i = 0; i < n; i++) {
        size_t end = ld->src.size;
        if (i + 1 < n) {
            tg_status st = next_line_start(ld, ld->data_start + len / n * (i + 1), &end, err);
            if (st != TG_OK) return st;
        }
        if (end <= start && i + 1 < n) continue; /* a huge line swallowed this range */
        ld->chunks[k].ld = ld;
        ld->chunks[k].start = start;
        ld->chunks[k].end = end;
        k++;
        start = end;
    }
    ld->n_chunks = k;
    return TG_OK;
}

static void chunk_reset(struct chunk *ch, int pass) {
    ch->row = ch->field = 0;
    ch->row_bad = 0;
    ch->failed = ch->fail_at_nl = 0;
    ch->status = TG_OK;
    ch->utf8_bad = 0;
    ch->newlines = ch->comments = 0;
    ch->pass = pass;
}

static void free_parts(tg_csvcol **parts, size_t n) {
    if (!parts) return;
    for (size_t k = 0; k < n; k++) tg_csvcol_free(parts[k]);
    tg_free(parts);
}

static void chunk_free(struct chunk *ch, size_t n_cols) {
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
static tg_status chunk_parts(struct loader *ld, struct chunk *ch, const tg_csvcol_spec *specs) {
    size_t hint = ld->avg_record ? (ch->end - ch->start) / ld->avg_record + 64 : 1024;
    tg_csvcol **parts = tg_calloc(ld->n_cols ? ld->n_cols : 1, sizeof *parts);
    if (!parts) return TG_ENOMEM;
    for (size_t k = 0; k < ld->n_cols; k++) {
        /* 10 % slack on the row estimate avoids one doubling on most files */
        if (!(parts[k] = tg_csvcol_new(&specs[k], hint + hint / 10))) {
            free_parts(parts, ld->n_cols);
            return TG_ENOMEM;
        }
    }
    ch->pcols = parts;
    return TG_OK;
}

/* Workers take the next unparsed chunk until none is left: with several
** chunks per thread, a slow chunk (many quoted lines) does not leave a
** core idle at the end. */
struct pool {
    struct loader *ld;
    atomic_size_t next;
};

static void *worker(void *arg) {
    struct pool *pool = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&pool->next, 1);
        if (i >= pool->ld->n_chunks) return NULL;
        parse_chunk(&pool->ld->chunks[i]);
    }
}

static void run_chunks(struct loader *ld) {
    pthread_t tid[MAX_THREADS];
    struct pool pool = { ld, 0 };
    int n = thread_count(ld->opts), started = 0;
    if ((size_t)n > ld->n_chunks) n = (int)ld->n_chunks;
    for (int i = 1; i < n; i++) {
        if (pthread_create(&tid[started], NULL, worker, &pool) != 0) break; /* fewer is fine */
        started++;
    }
    worker(&pool); /* the calling thread works too */
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
}

/* A chunk that did not end between records means the next chunk started
** inside a quoted field: parse from that chunk to the end in one piece. */
static tg_status verify_boundaries(struct loader *ld, const tg_csvcol_spec *specs) {
    for (size_t i = 0; i + 1 < ld->n_chunks; i++) {
        struct chunk *ch = &ld->chunks[i];
        if (ch->status != TG_OK || ch->failed) return TG_OK; /* reported elsewhere */
        if (ch->end_clean) continue;
        for (size_t j = i; j < ld->n_chunks; j++) chunk_free(&ld->chunks[j], ld->n_cols);
        ch->end = ld->src.size;
        ld->n_chunks = i + 1;
        chunk_reset(ch, 0);
        if (chunk_parts(ld, ch, specs) != TG_OK) return TG_ENOMEM;
        ch->cols = ch->pcols;
        parse_chunk(ch);
        return TG_OK;
    }
    return TG_OK;
}

/* ---- failures, decisions, assembly ---- */

/* Each chunk caps its own rejects; the cap is on the whole file, so the
** reject that passes it counting all earlier chunks fails the load, as it
** does when one thread reads the file. */
static tg_status over_cap(struct loader *ld, const struct chunk *ch, size_t j, const char *path,
                          tg_error *err) {
    const tg_reject *r = &ch->rejects[j];
    size_t field = (size_t)r->col - 1;
    size_t line = line_of(ld, ch, ch->rej_rows[j], field);
    const char *name = field < ld->n_cols ? ld->names[field] : NULL;
    return tg_err_set(err, TG_EDATA, path, (int)line, r->col,
                      "%s%s%smore than %zu rejected rows; this one: %s", name ? "column '" : "",
                      name ? name : "", name ? "': " : "", ld->opts->max_errors, r->reason);
}

/* The first failure in file order becomes the error; TG_OK if none. */
static tg_status chunk_failure(struct loader *ld, const char *path, tg_error *err) {
    size_t rejected = 0; /* in the chunks before this one */
    for (size_t i = 0; i < ld->n_chunks; i++) {
        struct chunk *ch = &ld->chunks[i];
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
            size_t line = ch->fail_at_nl ? ch->first_line + ch->fail_nl
                                         : line_of(ld, ch, ch->fail_row, ch->fail_field);
            const char *name = ch->fail_field < ld->n_cols ? ld->names[ch->fail_field] : NULL;
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

/* Runs one pass over every chunk with 'specs'; in pass 0 the parts become
** the chunk's own, later the new parts replace those of re-read columns. */
static tg_status run_pass(struct loader *ld, int pass, const tg_csvcol_spec *specs,
                          const char *path, tg_error *err) {
    for (size_t i = 0; i < ld->n_chunks; i++) {
        struct chunk *ch = &ld->chunks[i];
        chunk_reset(ch, pass);
        if (chunk_parts(ld, ch, specs) != TG_OK) return tg_err_nomem(err);
        if (pass == 0) ch->cols = ch->pcols;
    }
    run_chunks(ld);
    if (pass == 0 && verify_boundaries(ld, specs) != TG_OK) return tg_err_nomem(err);
    if (pass == 0) {
        ld->chunks[0].first_line = ld->data_line;
        for (size_t i = 1; i < ld->n_chunks; i++)
            ld->chunks[i].first_line = ld->chunks[i - 1].first_line + ld->chunks[i - 1].newlines;
    }
    if (any_utf8_bad(ld)) return TG_OK; /* the caller restarts as Windows-1252 */
    tg_status st = chunk_failure(ld, path, err);
    if (st != TG_OK) return st;
    for (size_t i = 0; i < ld->n_chunks; i++) {
        struct chunk *ch = &ld->chunks[i];
        for (size_t k = 0; k < ld->n_cols; k++) {
            tg_csvcol_drop_rows(ch->pcols[k], ch->rej_rows, ch->n_rej);
            if (pass > 0 && specs[k].mode != TG_CC_IGNORE) {
                tg_csvcol_free(ch->cols[k]);
                ch->cols[k] = ch->pcols[k];
                ch->pcols[k] = NULL;
            }
        }
        if (pass > 0) free_parts(ch->pcols, ld->n_cols);
        ch->pcols = ch->cols;
    }
    return TG_OK;
}

static int cmp_pos(const void *a, const void *b) {
    const struct pos *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return x->field < y->field ? -1 : x->field > y->field;
}

/* Appends " (line N)" to the notes of the columns with a note row: one
** line-by-line re-parse per chunk serves every column's note in it. */
static void note_lines(struct loader *ld, tg_csvcol_decision *dec, const size_t *note_chunk,
                       const size_t *note_row) {
    struct pos *pos = tg_malloc((ld->n_cols ? ld->n_cols : 1) * sizeof *pos);
    if (!pos) return; /* the notes simply go without line numbers */
    for (size_t i = 0; i < ld->n_chunks; i++) {
        size_t n = 0;
        for (size_t k = 0; k < ld->n_cols; k++)
            if (note_chunk[k] == i) pos[n++] = (struct pos){ note_row[k], k, 0 };
        if (n == 0) continue;
        qsort(pos, n, sizeof *pos, cmp_pos);
        if (locate_lines(ld, &ld->chunks[i], pos, n) != TG_OK) continue;
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
    size_t *note_chunk = tg_malloc((ld->n_cols ? ld->n_cols : 1) * sizeof *note_chunk);
    size_t *note_row = tg_malloc((ld->n_cols ? ld->n_cols : 1) * sizeof *note_row);
    if (!parts || !note_chunk || !note_row) {
        tg_free(parts);
        tg_free(note_chunk);
        tg_free(note_row);
        return tg_err_nomem(err);
    }
    for (size_t k = 0; k < ld->n_cols; k++) note_chunk[k] = SIZE_MAX;
    *again = 0;
    for (size_t k = 0; k < ld->n_cols; k++) {
        tg_csvcol_decision d;
        for (size_t i = 0; i < ld->n_chunks; i++) parts[i] = ld->chunks[i].cols[k];
        next[k] = ld->specs[k];
        next[k].mode = TG_CC_IGNORE;
        if (dec[k].type != 0 && !dec[k].reread) continue; /* decided in an earlier pass */
        if (tg_csvcol_decide(parts, ld->n_chunks, &d) != TG_OK) {
            struct chunk *ch = &ld->chunks[d.bad_part];
            size_t line = line_of(ld, ch, d.bad_row, k);
            tg_free(parts);
            tg_free(note_chunk);
            tg_free(note_row);
            return tg_err_set(err, TG_EDATA, path, (int)line, (int)k + 1, "column '%s': %s",
                              ld->names[k], d.bad_msg);
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

    for (size_t k = 0; k < ld->n_cols && st == TG_OK; k++) {
        tg_col *col;
        for (size_t i = 0; i < ld->n_chunks; i++) parts[i] = ld->chunks[i].cols[k];
        st = tg_csvcol_assemble(parts, ld->n_chunks, &dec[k], &col);
        if (st != TG_OK) break;
        if (dec[k].note[0] && dec[k].type == TG_STRING) {
            size_t n = strlen(ld->src.path) + strlen(dec[k].note) + 3;
            if ((col->note = tg_malloc(n)) != NULL)
                snprintf(col->note, n, "%s: %s", ld->src.path, dec[k].note);
        }
        st = tg_table_add(t, ld->names[k], col);
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
    const tg_dialect *d = &ld->dialect;
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
        size_t n = ld->hdr_comments;
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
    r->dialect = ld->dialect;
    r->n_rows = t ? t->n_rows : 0;
    r->n_bytes = ld->src.size;
    r->n_cols = ld->n_cols;
    r->cols = tg_calloc(ld->n_cols ? ld->n_cols : 1, sizeof *r->cols);
    for (size_t i = 0; i < ld->n_chunks; i++) n_rej += ld->chunks[i].n_rej;
    r->rejects = tg_calloc(n_rej ? n_rej : 1, sizeof *r->rejects);
    r->notes = tg_calloc(MAX_NOTES, sizeof *r->notes);
    if (!r->cols || !r->rejects || !r->notes) {
        tg_csv_report_free(r);
        return TG_ENOMEM;
    }
    for (size_t k = 0; k < ld->n_cols; k++) {
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
        struct chunk *ch = &ld->chunks[i];
        struct pos *pos = tg_calloc(ch->n_rej ? ch->n_rej : 1, sizeof *pos);
        if (!pos) {
            tg_csv_report_free(r);
            return TG_ENOMEM;
        }
        for (size_t j = 0; j < ch->n_rej; j++) {
            pos[j].row = ch->rej_rows[j];
            pos[j].field = (size_t)ch->rejects[j].col - 1;
        }
        /* rows ascend already; one re-parse gives every line */
        locate_lines(ld, ch, pos, ch->n_rej);
        for (size_t j = 0; j < ch->n_rej; j++) {
            r->rejects[r->n_rejects] = ch->rejects[j];
            r->rejects[r->n_rejects++].line = pos[j].line;
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

/* ---- the entry point ---- */

static void loader_free(struct loader *ld) {
    for (size_t i = 0; i < ld->n_chunks; i++) chunk_free(&ld->chunks[i], ld->n_cols);
    tg_free(ld->chunks);
    for (size_t k = 0; k < ld->n_cols; k++) tg_free(ld->names[k]);
    tg_free(ld->names);
    tg_free(ld->specs);
    if (ld->src.mem != ld->file_mem) tg_free(ld->src.mem);
    ld->chunks = NULL;
    ld->names = NULL;
    ld->specs = NULL;
    ld->src.mem = NULL;
    ld->n_chunks = ld->n_cols = 0;
}

static tg_status load(struct loader *ld, const char *path, tg_table **out, tg_csv_report **report,
                      tg_error *err) {
    tg_csvcol_decision *dec = NULL;
    tg_csvcol_spec *next = NULL;
    tg_status st;
    size_t bom;
    unsigned char head[4];
    size_t got;

    ld->src.mem = ld->file_mem;
    ld->src.size = ld->file_mem ? ld->file_size : ld->disk_size;
    if ((st = sniff(ld, path, err)) != TG_OK) return st;
    if ((st = rewrite(ld, err)) != TG_OK) return st;
    if (ld->enc_guessed != 2) {
        int has_bom = tg_src_read(&ld->src, 0, head, sizeof head, &got, NULL) == TG_OK &&
                      tg_enc_bom(head, got, &bom) != TG_ENC_AUTO;
        ld->enc_guessed = ld->opts->dialect.encoding == TG_ENC_AUTO &&
                          ld->dialect.encoding == TG_ENC_UTF8 && !has_bom;
    }
    if ((st = read_header(ld, path, err)) != TG_OK) goto done;
    if (ld->enc_guessed == 2) goto done; /* header not UTF-8: restart */
    if ((st = make_specs(ld, path, err)) != TG_OK) goto done;
    if ((st = plan_chunks(ld, err)) != TG_OK) goto done;
    dec = tg_calloc(ld->n_cols ? ld->n_cols : 1, sizeof *dec);
    next = tg_calloc(ld->n_cols ? ld->n_cols : 1, sizeof *next);
    if (!dec || !next) {
        st = tg_err_nomem(err);
        goto done;
    }
    memcpy(next, ld->specs, ld->n_cols * sizeof *next);
    for (int pass = 0, again = 1; again; pass++) {
        if (pass == MAX_PASSES) {
            for (size_t k = 0; k < ld->n_cols; k++)
                if (dec[k].reread) dec[k].reread = 0, dec[k].type = TG_STRING;
            break;
        }
        if ((st = run_pass(ld, pass, next, path, err)) != TG_OK) goto done;
        if (any_utf8_bad(ld)) {
            ld->enc_guessed = 2;
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
            (*report)->dialect = ld->dialect;
            (*report)->n_bytes = ld->src.size;
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
    ld->src.size = ld->disk_size;
    tg_status st = tg_src_read(&ld->src, 0, head, sizeof head, &got, err);
    if (st != TG_OK) return st;
    int kind = tg_csvprep_kind(head, got, &what);
    if (kind == TG_PREP_REFUSE)
        return tg_err_set(err, TG_EDATA, path, 0, 0, "not a CSV file: this is %s", what);
    if (kind != TG_PREP_GZIP) return TG_OK;
    st = tg_csvprep_gunzip(ld->src.fd, path, &ld->file_mem, &ld->file_size, ld->opts->interrupt,
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
    ld.err = err;
    ld.src.path = path;
    ld.caller = pthread_self();
    tg_conv_nulls_init(&ld.nulls, opts->na, opts->n_na > 16 ? 16 : opts->n_na);
    /* O_NONBLOCK: opening a FIFO would wait for a writer, where nothing
    ** polls; it is refused below like any file that is not regular. */
    ld.src.fd = opts->use_fd ? opts->fd : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (ld.src.fd < 0)
        return tg_err_set(err, TG_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(ld.src.fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        fcntl(ld.src.fd, F_SETFL, fcntl(ld.src.fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        if (!opts->use_fd) close(ld.src.fd);
        return tg_err_set(err, TG_EIO, path, 0, 0, "not a regular file");
    }
    ld.disk_size = (size_t)sb.st_size;
    st = prepare(&ld, path, err);
    if (st == TG_OK) st = load(&ld, path, out, report, err);
    if (st == TG_OK && ld.enc_guessed == 2 && !*out) {
        /* Not UTF-8 after all: read it again as Windows-1252, the encoding
        ** of Danish Excel's "CSV (semikolonsepareret)". */
        tg_csv_opts retry = *opts;
        loader_free(&ld);
        retry.dialect.encoding = TG_ENC_CP1252;
        ld.opts = &retry;
        ld.enc_guessed = 0;
        ld.retried = 1;
        ld.done_bytes = 0;
        st = load(&ld, path, out, report, err);
    }
    loader_free(&ld);
    tg_free(ld.file_mem);
    if (!opts->use_fd) close(ld.src.fd);
    return st;
}
