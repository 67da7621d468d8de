/*
** tg_csvparse.c -- CSV records through libcsv (see tg_csvparse.h): the
** callbacks that push fields into column parts and record bad rows, one
** chunk's parse (tg_lines splits the lines libcsv is not needed for), the
** line-by-line re-parse that finds where a row was, and the header record.
** Line numbers are not tracked while parsing (that would cost a check per
** field): a chunk knows its first line, and the few positions an error or
** reject needs are found afterwards by tg_csvparse_locate.
*/
#include "tg_csvparse.h"

#include <csv.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tg_csvnames.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_mem.h"

/* ---- libcsv callbacks ---- */

static void row_problem(tg_csvchunk *ch, size_t field, const char *reason, const char *s,
                        size_t n) {
    if (ch->row_bad) return;
    ch->row_bad = 1;
    ch->bad_field = field;
    snprintf(ch->bad_reason, sizeof ch->bad_reason, "%s", reason);
    snprintf(ch->bad_value, sizeof ch->bad_value, "%.*s", (int)(n < 60 ? n : 60), s ? s : "");
}

/* Later passes meet the rows the first pass rejected again. */
static int was_rejected(const tg_csvchunk *ch, size_t row) {
    size_t lo = 0, hi = ch->n_rej;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ch->rej_rows[mid] < row) lo = mid + 1;
        else hi = mid;
    }
    return lo < ch->n_rej && ch->rej_rows[lo] == row;
}

/* The first pass's field callback, the one every field of the file goes
** through: it tests nothing only a later pass needs. */
static void on_field(void *s, size_t n, void *ud) {
    tg_csvchunk *ch = ud;
    size_t k = ch->field++;
    char why[128];

    if (ch->row_bad || ch->status != TG_OK) return;
    if (k >= ch->ps->n_cols) {
        if (k == ch->ps->n_cols && n == 0 && ch->ps->dialect.trailing) {
            ch->field--; /* the empty field after a trailing delimiter */
            return;
        }
        snprintf(why, sizeof why, "expected %zu fields, found more", ch->ps->n_cols);
        row_problem(ch, k, why, s, n);
        return;
    }
    int r = tg_csvcol_push(ch->pcols[k], ch->row, s, n);
    if (r == TG_OK) return;
    if (r == TG_ENOMEM) {
        ch->status = TG_ENOMEM;
        return;
    }
    if (r == TG_CC_BADUTF8 && ch->ps->enc_guessed) ch->utf8_bad = 1;
    tg_csvcol_reason(ch->pcols[k], why, sizeof why);
    row_problem(ch, k, why, s, n);
}

/* A later pass's: a row the first pass rejected decides nothing here
** either. */
static void on_field_again(void *s, size_t n, void *ud) {
    tg_csvchunk *ch = ud;
    if (ch->n_rej && was_rejected(ch, ch->row)) {
        ch->field++;
        return;
    }
    on_field(s, n, ud);
}

static tg_status add_reject(tg_csvchunk *ch) {
    if (ch->n_rej == ch->cap_rej) {
        size_t cap = ch->cap_rej ? ch->cap_rej * 2 : 16;
        size_t *rows = tg_realloc(ch->rej_rows, cap * sizeof *rows);
        if (!rows) return TG_ENOMEM;
        ch->rej_rows = rows;
        tg_csvreject *rej = tg_realloc(ch->rejects, cap * sizeof *rej);
        if (!rej) return TG_ENOMEM;
        ch->rejects = rej;
        ch->cap_rej = cap;
    }
    tg_csvreject *r = &ch->rejects[ch->n_rej];
    memset(r, 0, sizeof *r);
    r->col = (int)ch->bad_field + 1;
    if (ch->bad_field < ch->ps->n_cols)
        snprintf(r->column, sizeof r->column, "%s", ch->ps->names[ch->bad_field]);
    snprintf(r->value, sizeof r->value, "%s", ch->bad_value);
    snprintf(r->reason, sizeof r->reason, "%s", ch->bad_reason);
    ch->rej_rows[ch->n_rej++] = ch->row;
    return TG_OK;
}

static void on_row(int c, void *ud) {
    tg_csvchunk *ch = ud;
    const tg_csvparse *ps = ch->ps;
    (void)c;
    if (ch->status != TG_OK || ch->failed) return;
    if (!ch->row_bad && ch->field != ps->n_cols) {
        char why[128];
        snprintf(why, sizeof why, "expected %zu fields, found %zu", ps->n_cols, ch->field);
        row_problem(ch, ch->field < ps->n_cols ? ch->field : ps->n_cols, why, NULL, 0);
    }
    if (ch->row_bad && ch->pass > 0 && was_rejected(ch, ch->row)) ch->row_bad = 0;
    if (ch->row_bad) {
        /* Only the first pass can reject: later ones see fewer columns. */
        int over = 0;
        if (ps->reject && !ch->utf8_bad && ch->pass == 0) {
            /* a rejected row decides nothing about its columns' types */
            for (size_t k = 0; k < ps->n_cols; k++) tg_csvcol_undo(ch->pcols[k], ch->row);
            if (add_reject(ch) != TG_OK) ch->status = TG_ENOMEM;
            else if (ch->n_rej > ps->max_errors) ch->failed = over = 1;
        } else {
            ch->failed = 1;
        }
        if (ch->failed) {
            ch->fail_row = ch->row;
            ch->fail_field = ch->bad_field;
            if (over)
                snprintf(ch->fail_reason, sizeof ch->fail_reason,
                         "more than %zu rejected rows; this one: %s", ps->max_errors,
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

static void poll_progress(tg_csvchunk *ch, size_t bytes) {
    tg_csvparse *ps = ch->ps;
    size_t done = atomic_fetch_add(&ps->done_bytes, bytes) + bytes;
    if (ps->interrupt) {
        tg_status st = ps->interrupt(ps->ud);
        if (st != TG_OK) ch->status = st;
    }
    /* progress callbacks come from the loading (calling) thread only */
    if (ps->progress && pthread_equal(pthread_self(), ps->caller))
        ps->progress(ps->ud, done, ps->src.size);
}

/* One line at a record's start that the fast path (tg_lines_split, tried
** first by the chunk loop unless no_fast_path) did not split: split
** leniently when it holds a quoted field with text after its closing
** quote and the dialect is lenient. Returns 0 when split, 1 when libcsv
** must parse it, or -(k + 1) when field k has text after its closing quote
** and the dialect is strict: libcsv would keep that field open and
** swallow the records after it. The same in every pass and with
** no_fast_path, so line numbers and tables never depend on the path. */
static int split_line(const tg_dialect *d, unsigned char *s, size_t n,
                      void (*cb1)(void *, size_t, void *), void (*cb2)(int, void *), void *ud) {
    unsigned char delim = (unsigned char)d->delim, quote = (unsigned char)d->quote;
    if (!memchr(s, quote, n)) return 1;
    long k = tg_lines_after_quote(s, n, delim, quote, 0);
    if (k < 0) return 1;
    if (!d->lenient) return k >= INT_MAX ? INT_MIN : (int)(-k - 1);
    return tg_lines_split(s, n, delim, quote, 1, cb1, cb2, ud) == 0 ? 0 : 1;
}

/* A line that begins inside a quoted field opened on an earlier line
** (libcsv's FIELD_BEGUN, quoted) is checked as split_line checks a
** record's start: text after that field's closing quote would keep it
** open in libcsv too. Returns the field, counted from the open one, or -1.
** Lenient quotes keep such text only in a field on one line (a field that
** spans lines is half parsed by then), so here it is an error in either
** dialect. */
static long open_field_after_quote(const struct csv_parser *p, const tg_dialect *d,
                                   const unsigned char *s, size_t n) {
    if (p->pstate != 2 || !p->quoted) return -1;
    return tg_lines_after_quote(s, n, (unsigned char)d->delim, (unsigned char)d->quote, 1);
}

/* 'spans': the field began on an earlier line. */
static void after_quote_reason(const tg_dialect *d, int spans, char *buf, size_t size) {
    if (spans)
        snprintf(buf, size,
                 "text after the closing quote of a quoted field that spans lines (write %c%c "
                 "inside quotes for a literal quote)",
                 d->quote, d->quote);
    else
        snprintf(buf, size,
                 "text after the closing quote of a quoted field (write %c%c inside quotes for a "
                 "literal quote, or set quotes = \"lenient\" to keep such fields as they stand)",
                 d->quote, d->quote);
}

/* libcsv ends a record at a bare CR, but chunks and line numbers go by
** LF, and the sniffer rewrites bare CRs only when its sample has one. A CR
** in a line that goes to libcsv, other than the line's CRLF or a CR that
** ends the file, is such a line break (or a CR inside a quoted field:
** the rewrite leaves those alone): the loader then reads the file again
** with bare CRs rewritten. A piece of a long line ending in CR is judged
** by the piece after it. The fast path never takes a line with a CR. */
static int meets_bare_cr(tg_csvchunk *ch, const unsigned char *s, size_t n, int partial) {
    const unsigned char *cr = memchr(s, '\r', n);
    if (!cr) return 0;
    size_t i = (size_t)(cr - s);
    if (i + 1 == n) {
        ch->cr_piece = partial;
        return 0;
    }
    return !(i + 2 == n && s[n - 1] == '\n');
}

void tg_csvparse_chunk(tg_csvchunk *ch) {
    tg_csvparse *ps = ch->ps;
    struct csv_parser p;
    tg_lines lr;
    const unsigned char *s;
    size_t n, polled = ch->start;
    int fast = !ps->no_fast_path;
    /* in locals: the callbacks write through ch, so fields of ps would be
    ** read again for every line */
    const tg_dialect *d = &ps->dialect;
    unsigned char delim = (unsigned char)d->delim, quote = (unsigned char)d->quote,
                  comment = (unsigned char)d->comment;
    int lenient = d->lenient;
    void (*field_cb)(void *, size_t, void *) = ch->pass > 0 ? on_field_again : on_field;

    if (parser_init(&p, &ps->dialect) != 0) {
        ch->status = TG_ENOMEM;
        return;
    }
    if (tg_lines_init(&lr, &ps->src, ch->start, ch->end) != TG_OK) {
        ch->status = TG_ENOMEM;
        goto out;
    }
    while (ch->status == TG_OK && !ch->failed && !ch->utf8_bad && !ch->bare_cr &&
           tg_lines_next(&lr, &s, &n)) {
        size_t nl_before = ch->newlines;
        if (ch->cr_piece) { /* the piece before ended in CR: CRLF, or a bare CR */
            ch->cr_piece = 0;
            if (s[0] != '\n') {
                ch->bare_cr = 1;
                break;
            }
        }
        if (s[n - 1] == '\n') ch->newlines++;
        int r = 1; /* libcsv must be between records for the fast path to take over */
        if (p.pstate == 0 && !lr.partial) {
            if (comment && s[0] == comment) {
                ch->comments++;
                continue;
            }
            /* the fast path is called here, not in split_line: this is the
            ** per-line path, and one call less per line shows */
            unsigned char *line = (unsigned char *)(uintptr_t)s;
            if (!fast || tg_lines_split(line, n, delim, quote, lenient, field_cb, on_row, ch) != 0)
                r = split_line(d, line, n, field_cb, on_row, ch);
            else r = 0;
        }
        if (r != 0) {
            long open_k = r > 0 ? open_field_after_quote(&p, d, s, n) : -1;
            if (r < 0 || open_k >= 0) {
                ch->failed = ch->fail_at_nl = 1;
                ch->fail_row = ch->row;
                ch->fail_field = r < 0 ? (size_t)(-r - 1) : ch->field + (size_t)open_k;
                ch->fail_nl = nl_before;
                after_quote_reason(d, r > 0, ch->fail_reason, sizeof ch->fail_reason);
            } else if (ps->watch_cr && meets_bare_cr(ch, s, n, lr.partial)) {
                ch->bare_cr = 1;
            } else if (csv_parse(&p, s, n, field_cb, on_row, ch) != n) {
                ch->status = TG_ENOMEM; /* the only failure outside strict mode */
            }
        }
        if (lr.off - polled >= TG_LINES_BLOCK) {
            poll_progress(ch, lr.off - polled);
            polled = lr.off;
        }
    }
    if (lr.status != TG_OK && ch->status == TG_OK) ch->status = lr.status;
    ch->end_clean = p.pstate == 0 && p.entry_pos == 0;
    if (ch->bare_cr) goto out;
    if (ch->status == TG_OK && !ch->failed && ch->end == ps->src.size) {
        /* The last record may lack its newline; fini submits it. libcsv
        ** reports an open quote only in strict mode, which would also
        ** reject a stray quote inside an unquoted field, so the state is
        ** checked here instead (2 = FIELD_BEGUN). */
        int open_quote = p.pstate == 2 && p.quoted;
        if (!open_quote) csv_fini(&p, field_cb, on_row, ch);
        if (open_quote && ch->status == TG_OK) {
            ch->failed = 1;
            ch->fail_row = ch->row;
            ch->fail_field = ch->field;
            snprintf(ch->fail_reason, sizeof ch->fail_reason,
                     "a quoted field is not closed before the end of the file");
        }
    }
    if (ch->status == TG_OK && !ch->failed)
        for (size_t k = 0; k < ps->n_cols; k++)
            if (tg_csvcol_finish(ch->pcols[k], ch->row) != TG_OK) ch->status = TG_ENOMEM;
out:
    tg_lines_free(&lr);
    csv_free(&p);
}

/* Feeds libcsv the line of rd.raw that starts at 'at' (up to its '\n', or
** the rest of the 'got' bytes, 'last' when they end the file), decoded to
** UTF-8, through split_line as parse_chunk does; *nl says whether it ended
** with a newline, *after_quote is the field with text after a closing
** quote (split_line's in a strict dialect, or counted from a field open
** since an earlier line, then *spans is 1) or -1. Returns the raw bytes
** consumed.
** For the passes that count lines exactly (the header, locating errors). */
static size_t feed_line(struct csv_parser *p, tg_block *rd, const tg_dialect *d, tg_encoding enc,
                        size_t at, size_t got, int last, void (*cb1)(void *, size_t, void *),
                        void (*cb2)(int, void *), void *ud, int *nl, long *after_quote,
                        int *spans) {
    unsigned char *s = rd->raw + at, *end = memchr(s, '\n', got - at);
    size_t len = end ? (size_t)(end - s) + 1 : got - at, used, m = len;
    *nl = end != NULL;
    *after_quote = -1;
    *spans = 0;
    if (enc != TG_ENC_UTF8) {
        m = tg_enc_to_utf8(enc, s, len, rd->utf8, &used);
        s = rd->utf8;
    }
    /* a line cut by the block's end (not the file's) goes to libcsv whole */
    if (d->comment && p->pstate == 0 && m && s[0] == (unsigned char)d->comment && (end || last))
        return len; /* a comment line, as parse_chunk skips it */
    int r = p->pstate != 0 || (!end && !last) ? 1 : split_line(d, s, m, cb1, cb2, ud);
    if (r > 0 && (*after_quote = open_field_after_quote(p, d, s, m)) >= 0) *spans = 1;
    else if (r < 0) *after_quote = -r - 1;
    else if (r > 0) csv_parse(p, s, m, cb1, cb2, ud);
    return len;
}

/* ---- finding the physical line of a (row, field) position ---- */

struct locate {
    tg_csvpos *pos; /* sorted by row, then field */
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

tg_status tg_csvparse_locate(const tg_csvparse *ps, const tg_csvchunk *ch, tg_csvpos *pos,
                             size_t n) {
    struct csv_parser p;
    tg_block rd = { 0 };
    struct locate lc = { pos, n, 0, 0, 0, ch->first_line, ch->first_line };
    size_t off = ch->start;
    tg_status st = TG_OK;

    if (n == 0) return TG_OK;
    if (parser_init(&p, &ps->dialect) != 0) return TG_ENOMEM;
    if (tg_block_init(&rd, ps->src.enc) != TG_OK) {
        csv_free(&p);
        tg_block_free(&rd);
        return TG_ENOMEM;
    }
    while (off < ch->end && lc.next < lc.n) {
        size_t want = ch->end - off < rd.cap ? ch->end - off : rd.cap, got;
        if ((st = tg_src_read(&ps->src, off, rd.raw, want, &got, ps->err)) != TG_OK || got == 0)
            break;
        /* Whole lines only, so the line counter is exact; a line longer
        ** than a block is fed in pieces (same line number). */
        size_t used = 0;
        while (used < got && lc.next < lc.n) {
            int nl, spans;
            long aq;
            /* between records, the next one begins on this line or later
            ** (libcsv skips blank lines without a row callback) */
            if (p.pstate == 0) lc.row_line = lc.line;
            used += feed_line(&p, &rd, &ps->dialect, ps->src.enc, used, got,
                              off + got == ps->src.size, loc_field, loc_row, &lc, &nl, &aq, &spans);
            lc.line += (size_t)nl;
        }
        off += got;
    }
    int open_quote = p.pstate == 2 && p.quoted;
    if (lc.next < lc.n && ch->end == ps->src.size && !open_quote)
        csv_fini(&p, loc_field, loc_row, &lc);
    /* what is still unplaced is in a row that never ended (an open quote):
    ** point at where that row began */
    for (size_t i = lc.next; i < lc.n; i++) pos[i].line = lc.row_line;
    csv_free(&p);
    tg_block_free(&rd);
    return st;
}

size_t tg_csvparse_line_of(const tg_csvparse *ps, const tg_csvchunk *ch, size_t row, size_t field) {
    tg_csvpos p = { row, field, 0 };
    if (tg_csvparse_locate(ps, ch, &p, 1) != TG_OK) return 0;
    return p.line;
}

/* ---- the header record ---- */

struct header {
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


/* Reads the header record line by line from the data start, so we know
** exactly where data begins and on which line. */
tg_status tg_csvparse_header(tg_csvparse *ps, int transcoded, tg_csvhead *head, const char *path,
                             tg_error *err) {
    struct header h = { NULL, 0, 0, 0, 0 };
    struct csv_parser p;
    tg_block rd = { 0 };
    size_t off = ps->dialect.skip_bytes + ps->dialect.pre_bytes, got = 0, used = 0,
           line = (size_t)ps->dialect.skip_lines + (size_t)ps->dialect.pre_lines + 1;
    size_t sample_records = 0, sample_bytes = 0;
    tg_status st = TG_OK;

    if (transcoded) off = ps->dialect.pre_bytes; /* transcoded from after the BOM and sep= line */
    head->data_start = off;
    head->data_line = line;
    head->comments = 0; /* the Windows-1252 retry reads the header again */
    if (parser_init(&p, &ps->dialect) != 0) return tg_err_nomem(err);
    if (tg_block_init(&rd, ps->src.enc) != TG_OK) {
        st = tg_err_nomem(err);
        goto done;
    }
    if ((st = tg_src_read(&ps->src, off, rd.raw, rd.cap, &got, err)) != TG_OK) goto done;
    while (ps->dialect.header && !h.done && used < got) {
        int nl, spans;
        long aq;
        if (ps->dialect.comment && p.pstate == 0 &&
            rd.raw[used] == (unsigned char)ps->dialect.comment)
            head->comments++;
        used += feed_line(&p, &rd, &ps->dialect, ps->src.enc, used, got, off + got == ps->src.size,
                          hdr_field, hdr_row, &h, &nl, &aq, &spans);
        if (aq >= 0) {
            char why[300];
            after_quote_reason(&ps->dialect, spans, why, sizeof why);
            /* a record's start has no names yet: h.n counts the fields before */
            st = tg_err_set(err, TG_EDATA, path, (int)line, (int)(aq + (long)h.n) + 1, "header: %s",
                            why);
            goto done;
        }
        line += (size_t)nl;
        if (!h.done && off + used == ps->src.size) {
            if (p.pstate == 2 && p.quoted) {
                /* libcsv would take the rest of the file as one header name */
                st = tg_err_set(err, TG_EDATA, path, (int)head->data_line, (int)h.n + 1,
                                "the header's quoted field %zu is not closed before the end of "
                                "the file (a missing %c?)",
                                h.n + 1, ps->dialect.quote);
                goto done;
            }
            csv_fini(&p, hdr_field, hdr_row, &h);
        }
    }
    if (h.nomem) {
        st = tg_err_nomem(err);
        goto done;
    }
    if (ps->dialect.trailing && h.n >= 2 && h.names[h.n - 1][0] == '\0') tg_free(h.names[--h.n]);
    if (ps->dialect.header) {
        if (!h.done && off + used < ps->src.size) {
            st = tg_err_set(err, TG_EDATA, path, (int)head->data_line, 0,
                            "the header record is longer than %u bytes", TG_LINES_BLOCK);
            goto done;
        }
        head->data_start = off + used;
        head->data_line = line;
    }
    sample_bytes = got - used;
    sample_records = tg_lines_count(rd.raw + used, got - used);
    head->avg_record = sample_records ? sample_bytes / sample_records : 64;
    if (!ps->dialect.header || h.n == 0) {
        for (size_t k = h.n; k < ps->dialect.n_fields; k++) {
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
            ps->enc_guessed = ps->enc_guessed ? 2 : 0;
            break;
        }
    }
    if (tg_csvnames_fix(h.names, h.n) != TG_OK) st = tg_err_nomem(err);

done:
    ps->names = h.names;
    ps->n_cols = h.n;
    csv_free(&p);
    tg_block_free(&rd);
    return st;
}
