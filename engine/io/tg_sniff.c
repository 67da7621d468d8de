/*
** tg_sniff.c -- guessing a CSV file's dialect from a sample of its bytes
** (see tg_sniff.h). The sample is read as UTF-8 or a single-byte code page
** in place (delimiters, quotes and line breaks are ASCII in both); UTF-16
** is transcoded into a temporary buffer first. Every candidate delimiter
** splits the same records; the scoring prefers the most consistent field
** count, so one stray character in one line cannot outvote the rest.
*/
#include "tg_sniff.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_conv.h"
#include "tg_err.h"
#include "tg_mem.h"

/* Records looked at per candidate: enough to see a file's shape, few
** enough that sniffing stays instant on a 1 MiB sample. */
enum { MAX_RECORDS = 2000 };

static const unsigned char candidates[] = { ',', ';', '\t', '|' };

void tg_sniff_opts_init(tg_sniff_opts *opts) {
    assert(opts != NULL);
    memset(opts, 0, sizeof *opts);
    opts->header = -1;
    opts->encoding = TG_ENC_AUTO;
    opts->escape = -1;
    opts->lenient = -1;
    opts->comment = -1;
    opts->skip = -1;
}

/* ---- splitting ---- */

/* A small quote-aware splitter rather than libcsv: the sniffer only counts
** fields and looks at their bytes in place, it must know whether the last
** record was cut off by the end of the sample, and tg_csvparse.c stays the one
** adapter around csv.h. The rules follow libcsv's lenient defaults, which
** the loader uses: a quote opens a quoted field only at the field's start
** (after blanks), doubled quotes inside are literal, text after a closing
** quote is kept, CR, LF and CRLF end records, and blank lines are skipped. */
struct sample {
    const unsigned char *s;
    size_t n;
    int at_eof; /* the sample ends where the file ends */
    unsigned char quote;
    unsigned char comment; /* lines starting with it are skipped; 0 = none */
};

/* A field's value in the sample: blanks trimmed, quotes stripped (doubled
** quotes stay doubled, which no classification below cares about). */
struct span {
    const unsigned char *p;
    size_t len;
};

enum { END_FIELD, END_LINE, END_BUF };

static int is_blank(unsigned char c, unsigned char delim) {
    return (c == ' ' || c == '\t') && c != delim;
}

static int ends_field(unsigned char c, unsigned char delim) {
    return c == delim || c == '\r' || c == '\n';
}

/* Scans the field at *pos into *f and moves *pos past its terminator.
** Returns END_FIELD (a delimiter follows), END_LINE or END_BUF. */
static int scan_field(const struct sample *t, unsigned char delim, size_t *pos, struct span *f) {
    const unsigned char *s = t->s;
    size_t n = t->n, i = *pos, beg, end;

    while (i < n && is_blank(s[i], delim)) i++;
    if (i < n && s[i] == t->quote) {
        for (beg = ++i; i < n; i++) {
            if (s[i] != t->quote) continue;
            if (i + 1 < n && s[i + 1] == t->quote) i++; /* a doubled quote */
            else break;
        }
        end = i;
        if (i < n) i++; /* past the closing quote */
        while (i < n && !ends_field(s[i], delim)) i++;
    } else {
        beg = i;
        while (i < n && !ends_field(s[i], delim)) i++;
        end = i;
        while (end > beg && is_blank(s[end - 1], delim)) end--;
    }
    f->p = s + beg;
    f->len = end - beg;
    if (i >= n) {
        *pos = n;
        return END_BUF;
    }
    if (s[i] == delim) {
        *pos = i + 1;
        return END_FIELD;
    }
    if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') i++;
    *pos = i + 1;
    return END_LINE;
}

/* Finds the next complete record from *pos: sets *start and *n_fields,
** moves *pos past it and returns 1. Returns 0 when only blank lines or a
** record cut off by the end of a partial sample remain. */
static int next_record(const struct sample *t, unsigned char delim, size_t *pos, size_t *start,
                       size_t *n_fields) {
    struct span f;
    size_t i = *pos, count = 0;
    int end;

    for (;;) {
        while (i < t->n && (t->s[i] == '\r' || t->s[i] == '\n')) i++;
        if (i >= t->n || !t->comment || t->s[i] != t->comment) break;
        while (i < t->n && t->s[i] != '\r' && t->s[i] != '\n') i++; /* a comment line */
        if (i >= t->n && !t->at_eof) return 0;
    }
    if (i >= t->n) return 0;
    *start = i;
    do {
        end = scan_field(t, delim, &i, &f);
        count++;
    } while (end == END_FIELD);
    if (end == END_BUF && !t->at_eof) return 0;
    *pos = i;
    *n_fields = count;
    return 1;
}

/* ---- classifying values ---- */

enum { K_NULL = 0, K_NUM = 1, K_DATE = 2, K_BOOL = 4, K_TEXT = 8 };

/* What a value reads as; *marks gets its number marks (0 if none). */
static unsigned kind_of(const tg_nulls *nulls, struct span f, unsigned *marks) {
    const char *s = (const char *)f.p;
    int32_t packed;
    int b;

    *marks = 0;
    if (tg_conv_is_null(nulls, s, f.len)) return K_NULL;
    *marks = tg_conv_number_marks(s, f.len);
    if (*marks) return K_NUM;
    if (tg_conv_date(s, f.len, &packed)) return K_DATE;
    if (tg_conv_bool(s, f.len, &b) == 0) return K_BOOL;
    return K_TEXT;
}

static int is_typed(unsigned kinds) {
    return kinds == K_NUM || kinds == K_DATE || kinds == K_BOOL;
}

/* ---- choosing the delimiter ---- */

struct cand {
    unsigned char delim;
    int at_eof;       /* as used for this candidate (see count_candidate) */
    size_t n_records; /* records looked at */
    size_t mode;      /* the most common field count (the larger on a tie) */
    size_t n_mode;    /* records with that count */
    size_t n_foreign; /* text values holding another candidate: the tie-break */
};

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int has_other_delim(struct span f, unsigned char delim) {
    for (size_t i = 0; i < f.len; i++)
        if (f.p[i] != delim && memchr(candidates, f.p[i], sizeof candidates)) return 1;
    return 0;
}

/* The tie-break: text values holding another candidate's character, a
** sign the split was wrong. Numbers do not count: "3297,46" under ';' is a
** decimal comma, not a stray ','. */
static void count_kinds(const struct sample *t, const tg_nulls *nulls, struct cand *c) {
    size_t pos = 0, start, nf;
    unsigned marks;

    c->n_foreign = 0;
    for (size_t r = 0; r < MAX_RECORDS && next_record(t, c->delim, &pos, &start, &nf); r++) {
        size_t p = start;
        for (size_t j = 0; j < nf; j++) {
            struct span f;
            scan_field(t, c->delim, &p, &f);
            unsigned k = kind_of(nulls, f, &marks);
            if (!is_typed(k) && has_other_delim(f, c->delim)) c->n_foreign++;
        }
    }
}

/* Splits the sample with c->delim and fills in c's statistics; 'counts'
** has room for MAX_RECORDS. A partial sample holding less than one whole
** record is read as if it ended the file: one cut-off record says more
** than none. */
static void count_candidate(struct sample *t, size_t *counts, const tg_nulls *nulls,
                            struct cand *c) {
    size_t pos = 0, start, n = 0, run = 0;
    int saved_eof = t->at_eof;

    c->at_eof = t->at_eof;
    while (n < MAX_RECORDS && next_record(t, c->delim, &pos, &start, &counts[n])) n++;
    if (n == 0 && !t->at_eof) {
        t->at_eof = c->at_eof = 1;
        pos = 0;
        while (n < MAX_RECORDS && next_record(t, c->delim, &pos, &start, &counts[n])) n++;
    }
    c->n_records = n;
    c->mode = c->n_mode = 0;
    qsort(counts, n, sizeof *counts, cmp_size);
    for (size_t i = 0; i < n; i++) {
        run = (i > 0 && counts[i] == counts[i - 1]) ? run + 1 : 1;
        if (run >= c->n_mode) { /* ascending order: '>=' keeps the larger count on a tie */
            c->n_mode = run;
            c->mode = counts[i];
        }
    }
    c->n_foreign = 0;
    if (c->mode > 1) count_kinds(t, nulls, c);
    t->at_eof = saved_eof;
}

/* 1 if a splits better than b: more fields per record beats one field,
** then the larger share of records at the modal count, then fewer text
** values holding another candidate, then the larger modal count. Stray
** characters come before the field count because of decimal commas: in
** "1,5;2,5;3,5" ',' gives more fields, but only ';' leaves no field like
** "5;2" behind. */
static int better(const struct cand *a, const struct cand *b) {
    if ((a->mode > 1) != (b->mode > 1)) return a->mode > 1;
    size_t sa = a->n_mode * b->n_records, sb = b->n_mode * a->n_records;
    if (sa != sb) return sa > sb;
    if (a->n_foreign != b->n_foreign) return a->n_foreign < b->n_foreign;
    return a->mode > b->mode;
}

static const char *delim_name(unsigned char d, char buf[8]) {
    if (d == '\t') return "tab";
    buf[0] = '\'';
    buf[1] = (char)d;
    buf[2] = '\'';
    buf[3] = '\0';
    return buf;
}

/* Picks the delimiter for t. TG_EDATA when several fields per record turn
** up but under no candidate for at least half of the records. */
static tg_status choose_delim(struct sample *t, const tg_nulls *nulls, const char *path,
                              struct cand *best, tg_error *err) {
    struct cand c[sizeof candidates];
    size_t *counts = tg_malloc(MAX_RECORDS * sizeof *counts);
    size_t b = 0;

    if (!counts) return tg_err_nomem(err);
    for (size_t i = 0; i < sizeof candidates; i++) {
        c[i].delim = candidates[i];
        count_candidate(t, counts, nulls, &c[i]);
        if (i > 0 && better(&c[i], &c[b])) b = i;
    }
    tg_free(counts);
    *best = c[b];
    if (best->mode <= 1) {
        /* No candidate splits anything: a one-column file. */
        best->delim = ',';
        return TG_OK;
    }
    if (best->n_mode * 2 >= best->n_records) return TG_OK;

    char msg[400], nb[8];
    size_t len = 0;
    for (size_t i = 0; i < sizeof candidates && len < sizeof msg; i++) {
        int w =
            snprintf(msg + len, sizeof msg - len, "%s%s gives %zu field%s in %zu of %zu records",
                     i ? ", " : "", delim_name(c[i].delim, nb), c[i].mode,
                     c[i].mode == 1 ? "" : "s", c[i].n_mode, c[i].n_records);
        if (w < 0) break;
        len += (size_t)w;
    }
    return tg_err_set(err, TG_EDATA, path, 0, 0,
                      "cannot guess the delimiter: no candidate splits the records consistently "
                      "(%s); set the delimiter explicitly",
                      msg);
}

/* ---- header and decimal mark ---- */

static int cmp_span(const void *a, const void *b) {
    const struct span *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->p, y->p, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Per column of the sample below the first record: non-null values and
** how many read as each typed kind. */
struct colstat {
    size_t nonnull, num, date, bools;
    size_t years; /* values that are a year, 1900-2100 */
};

/* "2021": four digits from 1900 to 2100, a year as a column name. */
static int is_year(struct span f) {
    if (f.len != 4) return 0;
    int y = 0;
    for (size_t i = 0; i < 4; i++) {
        if (f.p[i] < '0' || f.p[i] > '9') return 0;
        y = y * 10 + (f.p[i] - '0');
    }
    return y >= 1900 && y <= 2100;
}

/* The kind most of a column's values below the first record have, when
** a typed kind holds more than half of them; K_TEXT otherwise. One odd
** value ("3r" among ids) does not make a column text for this purpose. */
static unsigned dominant(const struct colstat *c) {
    if (c->num * 2 > c->nonnull) return K_NUM;
    if (c->date * 2 > c->nonnull) return K_DATE;
    if (c->bools * 2 > c->nonnull) return K_BOOL;
    return K_TEXT;
}

static void span_text(struct span f, char *buf, size_t size) {
    snprintf(buf, size, "%.*s", (int)(f.len < 40 ? f.len : 40), (const char *)f.p);
}

/* The header decision from every column: a column whose values are
** mostly of one typed kind votes "header" when its first value is not of
** that kind, "data" when it is. Votes one way only decide; both ways keep
** the header and say so; no votes at all (text columns) mean a header
** when the first values are distinct and non-empty. */
static int decide_header(struct span *first, const unsigned *first_kind, const struct colstat *cs,
                         size_t cols, tg_dialect *out) {
    size_t for_h = 0, against = 0, first_against = 0, first_for = 0, years = 0, text = 0;
    char v[44];
    for (size_t j = 0; j < cols; j++) {
        unsigned dom = dominant(&cs[j]);
        text += first_kind[j] == K_TEXT && first[j].len > 0;
        if (dom == K_TEXT || first_kind[j] == K_NULL) continue;
        if (first_kind[j] == dom) {
            if (against++ == 0) first_against = j;
            /* a year above values that are mostly not years */
            years += is_year(first[j]) && cs[j].years * 2 < cs[j].nonnull;
        } else if (for_h++ == 0) {
            first_for = j;
        }
    }
    if (against && years == against && text) {
        /* Statistikbanken's pivoted tables: "kommune;2021;2022" above
        ** counts. Every column that says "data" has a year on top, and a
        ** text column names itself. */
        span_text(first[first_against], v, sizeof v);
        out->header_unsure = 1;
        snprintf(out->header_why, sizeof out->header_why,
                 "header: the years on line 1 ('%s', column %zu) name columns of other numbers; "
                 "header = false reads the first line as data",
                 v, first_against + 1);
        return 1;
    }
    if (for_h && against) {
        span_text(first[first_against], v, sizeof v);
        out->header_unsure = 1;
        snprintf(out->header_why, sizeof out->header_why,
                 "header kept although '%s' (column %zu) reads like the values below it; "
                 "header = false reads the first line as data",
                 v, first_against + 1);
        return 1;
    }
    if (for_h) {
        span_text(first[first_for], v, sizeof v);
        snprintf(out->header_why, sizeof out->header_why,
                 "header: '%s' (column %zu) is not like the values below it", v, first_for + 1);
        return 1;
    }
    if (against) {
        span_text(first[first_against], v, sizeof v);
        snprintf(out->header_why, sizeof out->header_why,
                 "no header: '%s' (column %zu) is like the values below it; header = true "
                 "overrides",
                 v, first_against + 1);
        return 0;
    }
    for (size_t j = 0; j < cols; j++)
        if (is_typed(first_kind[j])) {
            span_text(first[j], v, sizeof v);
            snprintf(out->header_why, sizeof out->header_why,
                     "no header: '%s' (column %zu) is a value, not a name; header = true overrides",
                     v, j + 1);
            return 0;
        }
    for (size_t j = 0; j < cols; j++)
        if (first[j].len == 0) {
            snprintf(out->header_why, sizeof out->header_why,
                     "no header: the first line has an empty value (column %zu); header = true "
                     "overrides",
                     j + 1);
            return 0;
        }
    qsort(first, cols, sizeof *first, cmp_span);
    for (size_t j = 1; j < cols; j++)
        if (cmp_span(&first[j - 1], &first[j]) == 0) {
            span_text(first[j], v, sizeof v);
            snprintf(out->header_why, sizeof out->header_why,
                     "no header: the first line repeats '%s'; header = true overrides", v);
            return 0;
        }
    snprintf(out->header_why, sizeof out->header_why,
             "header: every column is text and the first line's values are distinct names");
    return 1;
}

/* Walks the records split by 'delim': sets out->n_fields to the first
** record's field count, out->decimal to the mark the numbers suggest, and,
** when 'header' is not NULL, *header by decide_header. Only the first
** record's columns are classified; extra fields in later lines only count
** for the decimal mark. */
static tg_status analyse(const struct sample *t, unsigned char delim, size_t mode,
                         const tg_nulls *nulls, tg_dialect *out, int *header) {
    size_t pos = 0, start, nf, cols, n_comma = 0, n_dot = 0;
    struct span *first;
    unsigned *first_kind, marks;
    struct colstat *cs;
    int found, last_empty = 1;

    found = next_record(t, delim, &pos, &start, &cols);
    assert(found); /* the caller saw at least one record */
    (void)found;
    first = tg_malloc(cols * sizeof *first);
    first_kind = tg_malloc(cols * sizeof *first_kind);
    cs = tg_calloc(cols, sizeof *cs);
    if (!first || !first_kind || !cs) {
        tg_free(first);
        tg_free(first_kind);
        tg_free(cs);
        return TG_ENOMEM;
    }
    for (size_t j = 0, p = start; j < cols; j++) {
        scan_field(t, delim, &p, &first[j]);
        first_kind[j] = kind_of(nulls, first[j], &marks);
    }
    for (size_t r = 1; r < MAX_RECORDS && next_record(t, delim, &pos, &start, &nf); r++) {
        size_t p = start;
        for (size_t j = 0; j < nf; j++) {
            struct span f;
            scan_field(t, delim, &p, &f);
            unsigned k = kind_of(nulls, f, &marks);
            if (j < cols && k != K_NULL) {
                cs[j].nonnull++;
                cs[j].num += k == K_NUM;
                cs[j].date += k == K_DATE;
                cs[j].bools += k == K_BOOL;
                cs[j].years += (size_t)is_year(f);
            }
            if (marks == TG_MARK_COMMA) n_comma++;
            else if (marks == TG_MARK_DOT) n_dot++;
            if (j + 1 == nf && (nf != cols || f.len > 0)) last_empty = 0;
        }
    }
    /* A delimiter after the last name (and after every record's last
    ** value): the empty column it makes is dropped. */
    if (cols >= 2 && first[cols - 1].len == 0 && mode >= 1) {
        if (cols == mode + 1) out->trailing = 1;
        else if (cols == mode && last_empty && pos > 0) out->trailing = 2;
        if (out->trailing) cols--;
    }
    out->n_fields = cols;
    out->decimal = (delim != ',' && n_comma > n_dot) ? ',' : '.';
    if (header) *header = decide_header(first, first_kind, cs, cols, out);
    tg_free(first);
    tg_free(first_kind);
    tg_free(cs);
    return TG_OK;
}

/* ---- quoting quirks: bare CR, backslash escapes, text after a quote ---- */

struct quirks {
    size_t cr;  /* records ended by a CR not followed by LF */
    size_t esc; /* \" inside a quoted field, not at its end */
    size_t dbl; /* "" inside a quoted field */
    size_t taq; /* quoted fields with text after the closing quote */
};

/* One walk over the sample, reading esc+quote inside quotes as an escaped
** quote when 'esc' is set (an RFC 4180 file rarely holds \"; if it does,
** 'dbl' says so). */
static void find_quirks(const struct sample *t, unsigned char delim, unsigned char esc,
                        struct quirks *q) {
    const unsigned char *s = t->s;
    size_t n = t->n;
    int inq = 0, start = 1, closed = 0;
    memset(q, 0, sizeof *q);
    /* every quirk needs a quote or a CR: most samples are done here, with
    ** no byte-by-byte walk */
    if (!memchr(s, t->quote, n) && !memchr(s, '\r', n)) return;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (inq) {
            if (esc && c == esc && i + 2 < n && s[i + 1] == t->quote &&
                !ends_field(s[i + 2], delim)) {
                q->esc++;
                i++;
            } else if (c == t->quote) {
                if (i + 1 < n && s[i + 1] == t->quote) q->dbl++, i++;
                else inq = 0, closed = 1;
            }
            continue;
        }
        if (c == '\r' && ((i + 1 < n && s[i + 1] != '\n') || (i + 1 == n && t->at_eof))) q->cr++;
        if (ends_field(c, delim)) {
            start = 1;
            closed = 0;
        } else if (c == t->quote && start) {
            inq = 1;
            start = 0;
        } else if (!is_blank(c, delim)) {
            if (closed) q->taq++;
            closed = 0;
            start = 0;
        }
    }
}

/* Sets out->escape, ->lenient, ->n_lenient and ->cr_lines. Backslash
** escaping is chosen when the sample has \" inside quotes and no doubled
** quote; text after a closing quote is read leniently when the records
** otherwise split consistently ('consistent'), else it stays an error the
** loader reports at its line. */
static void decide_quirks(const struct sample *t, unsigned char delim, const tg_sniff_opts *opts,
                          int consistent, tg_dialect *out) {
    struct quirks q;
    find_quirks(t, delim, opts->escape >= 0 ? (unsigned char)opts->escape : '\\', &q);
    if (opts->escape >= 0) out->escape = (char)opts->escape;
    else out->escape = q.esc > 0 && q.dbl == 0 ? '\\' : 0;
    /* quotes as RFC 4180; the same counts when no escape was met */
    if (opts->escape < 0 && !out->escape && q.esc > 0) find_quirks(t, delim, 0, &q);
    out->cr_lines = q.cr;
    out->n_lenient = q.taq;
    if (opts->lenient >= 0) out->lenient = opts->lenient > 0;
    else out->lenient = q.taq > 0 && consistent;
}

/* ---- comments and title lines ---- */

/* The end of the line starting at i (its terminator, or n). */
static size_t line_end(const struct sample *t, size_t i) {
    while (i < t->n && t->s[i] != '\r' && t->s[i] != '\n') i++;
    return i;
}

/* Line breaks in s[0, n): LF, CRLF and bare CR each count one. */
static int count_breaks(const unsigned char *s, size_t n) {
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'))) k++;
    return k;
}

/* Whether '#' may start comment lines: some lines start with it, and
** fewer than half do (a column of "#12" ticket numbers starts them all). */
static int maybe_comments(const struct sample *t, unsigned char c) {
    size_t lines = 0, marked = 0;
    for (size_t i = 0; i < t->n;) {
        while (i < t->n && (t->s[i] == '\r' || t->s[i] == '\n')) i++;
        if (i >= t->n) break;
        lines++;
        marked += t->s[i] == c;
        i = line_end(t, i);
    }
    return marked > 0 && marked * 2 < lines;
}

/* Whether the lines starting with t->comment are comments and not data:
** one comes before the first record, or splits into another field count
** than the records ('mode'). Data rows starting with '#' fit the mode. */
static int comments_confirmed(const struct sample *t, unsigned char delim, size_t mode) {
    struct sample plain = *t;
    int seen_record = 0;
    plain.comment = 0;
    for (size_t i = 0; i < t->n;) {
        size_t start, nf, pos = i;
        while (pos < t->n && (t->s[pos] == '\r' || t->s[pos] == '\n')) pos++;
        if (pos >= t->n) break;
        if (t->s[pos] == t->comment) {
            if (!seen_record) return 1;
            if (!next_record(&plain, delim, &pos, &start, &nf)) break;
            if (nf != mode) return 1;
            i = line_end(t, start) + 1;
            continue;
        }
        if (!next_record(&plain, delim, &pos, &start, &nf)) break;
        seen_record = 1;
        i = pos;
    }
    return 0;
}

/* Title lines above the header (a report's "Udtræk fra ... den
** 01-03-2024"): leading records with at most one non-empty value while
** the records have 'mode' >= 2 fields, when their own field count differs
** or the records have three or more (a padded title "Udtræk;;;" fits the
** count). At most 10, and never every record. Returns the offset of the
** first real record (0 when none) and the count in *n. */
static size_t title_lines(const struct sample *t, unsigned char delim, size_t mode, int *n,
                          size_t *first) {
    size_t pos = 0, start, nf;
    *n = 0;
    if (mode < 2) return 0;
    for (int r = 0; r < 11 && next_record(t, delim, &pos, &start, &nf); r++) {
        size_t p = start, filled = 0;
        for (size_t j = 0; j < nf; j++) {
            struct span f;
            scan_field(t, delim, &p, &f);
            filled += f.len > 0;
        }
        if (filled <= 1 && (nf != mode || mode >= 3) && r < 10) {
            if (*n == 0) *first = start;
            ++*n;
            continue;
        }
        return *n ? start : 0;
    }
    *n = 0; /* only titles: they are the data */
    return 0;
}

/* Moves the sample's start past 'skip' bytes, recording them as preamble. */
static void skip_pre(struct sample *t, size_t skip, tg_dialect *out) {
    out->pre_lines += count_breaks(t->s, skip);
    out->pre_bytes += skip;
    t->s += skip;
    t->n -= skip;
}

/* Skips 'lines' physical lines (skip = n). */
static size_t skip_lines_given(const struct sample *t, int lines) {
    size_t i = 0;
    for (int k = 0; k < lines && i < t->n; k++) {
        i = line_end(t, i);
        if (i < t->n && t->s[i] == '\r' && i + 1 < t->n && t->s[i + 1] == '\n') i++;
        if (i < t->n) i++;
    }
    return i;
}

/* ---- encodings ---- */

/* Whether bytes that are not UTF-8 read plausibly as Windows-1252. In
** Danish and other Western text a byte >= 0x80 is a letter between ASCII
** letters (æ, ø, é); in Shift-JIS, GBK, EUC-KR and Big5 they come in
** pairs and runs, and some fall on the five bytes Windows-1252 leaves
** undefined. */
static int cp1252_plausible(const unsigned char *s, size_t n) {
    size_t high = 0, paired = 0, undefined = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x80) continue;
        high++;
        if ((i > 0 && s[i - 1] >= 0x80) || (i + 1 < n && s[i + 1] >= 0x80)) paired++;
        if (s[i] == 0x81 || s[i] == 0x8d || s[i] == 0x8f || s[i] == 0x90 || s[i] == 0x9d)
            undefined++;
    }
    if (high < 8) return 1;
    return paired * 10 < high * 6 && undefined * 20 < high;
}

/* ---- the "sep=" line and the entry point ---- */

/* Length of an Excel "sep=X" line at the start of s (its line break
** included), with X in *delim; 0 when s does not start with one. Accepted
** forms: sep=; and "sep=;", in any letter case, optionally followed by
** more X (Excel pads the line to the column count), then CRLF, LF, CR or
** the end of the file. */
static size_t sep_line(const unsigned char *s, size_t n, int at_eof, unsigned char *delim) {
    static const char tag[] = "sep=";
    size_t i = 0;
    int quoted = 0;

    if (i < n && s[i] == '"') quoted = 1, i++;
    for (size_t k = 0; k < 4; k++, i++)
        if (i >= n || (s[i] | 0x20) != (unsigned char)tag[k]) return 0;
    if (i >= n) return 0;
    unsigned char d = s[i++];
    if (!(d == '\t' || (d > ' ' && d < 0x7F)) || d == '"') return 0;
    if (quoted) {
        if (i >= n || s[i] != '"') return 0;
        i++;
    }
    while (i < n && s[i] == d) i++;
    if (i >= n) {
        if (!at_eof) return 0;
    } else if (s[i] == '\r') {
        i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
    } else if (s[i] == '\n') {
        i++;
    } else {
        return 0;
    }
    *delim = d;
    return i;
}

static int has_record(const struct sample *t) {
    for (size_t i = 0; i < t->n; i++)
        if (t->s[i] != '\r' && t->s[i] != '\n') return 1;
    return 0;
}

/* A record left once comment lines are skipped (analyse needs one). */
static int has_data_record(const struct sample *t, unsigned char delim) {
    size_t pos = 0, start, n_fields;
    struct sample whole = *t;
    whole.at_eof = 1; /* a record cut by the sample's end still counts */
    return next_record(&whole, delim, &pos, &start, &n_fields);
}

static tg_encoding pick_encoding(const unsigned char *buf, size_t n, int at_eof, tg_encoding forced,
                                 size_t *bom_len, char *why, size_t size) {
    tg_encoding bom = tg_enc_bom(buf, n, bom_len);
    if (forced != TG_ENC_AUTO) {
        /* A mark that contradicts the caller's encoding is data, not a mark. */
        if (bom != forced) *bom_len = 0;
        snprintf(why, size, "encoding %s given", tg_enc_name(forced));
        return forced;
    }
    if (bom != TG_ENC_AUTO) {
        snprintf(why, size, "encoding %s from its byte-order mark", tg_enc_name(bom));
        return bom;
    }
    if (tg_enc_utf8_valid(buf, n, at_eof) == n) {
        snprintf(why, size, "encoding utf-8: the bytes are valid UTF-8; encoding overrides");
        return TG_ENC_UTF8;
    }
    snprintf(why, size, "encoding windows-1252: the bytes are not valid UTF-8; encoding overrides");
    return TG_ENC_CP1252;
}

tg_status tg_sniff(const unsigned char *buf, size_t n, int at_eof, const tg_sniff_opts *opts,
                   const char *path, tg_dialect *out, tg_error *err) {
    tg_sniff_opts defaults;
    tg_nulls nulls;
    struct sample t;
    struct cand best = { 0 };
    unsigned char *text = NULL, sep_delim = 0;
    size_t bom, sep_len;
    int header = 0, consistent;
    tg_status st = TG_OK;

    assert(buf != NULL || n == 0);
    assert(out != NULL);
    if (!opts) {
        tg_sniff_opts_init(&defaults);
        opts = &defaults;
    }
    memset(out, 0, sizeof *out);
    out->quote = opts->quote ? opts->quote : '"';
    if (out->quote == opts->delim) /* both given by the caller: no field could be read */
        return tg_err_set(err, TG_EARG, path, 0, 0,
                          "the quote and the delimiter (sep) are both '%c': give different ones",
                          out->quote);
    if (strchr("\r\n", out->quote) || (opts->delim && strchr("\r\n", opts->delim)))
        return tg_err_set(err, TG_EARG, path, 0, 0,
                          "a line end cannot be the %s: records end at line ends",
                          strchr("\r\n", out->quote) ? "quote" : "delimiter (sep)");
    out->encoding =
        pick_encoding(buf, n, at_eof, opts->encoding, &bom, out->enc_why, sizeof out->enc_why);
    if (n == bom) return tg_err_set(err, TG_EDATA, path, 0, 0, "empty file: nothing to read");
    if (opts->encoding == TG_ENC_AUTO && out->encoding == TG_ENC_CP1252 &&
        !cp1252_plausible(buf, n))
        return tg_err_set(err, TG_EDATA, path, 0, 0,
                          "the file is neither UTF-8 nor Windows-1252 (its bytes look like a "
                          "multi-byte encoding such as Shift-JIS, GBK or EUC-KR): convert it to "
                          "UTF-8, or give the encoding to read it as Windows-1252 anyway");

    t.s = buf + bom;
    t.n = n - bom;
    t.at_eof = at_eof;
    t.quote = (unsigned char)out->quote;
    if (out->encoding == TG_ENC_UTF16LE || out->encoding == TG_ENC_UTF16BE) {
        size_t used;
        text = tg_malloc(tg_enc_max_out(out->encoding, t.n) + 1);
        if (!text) return tg_err_nomem(err);
        t.n = tg_enc_to_utf8(out->encoding, t.s, t.n, text, &used);
        t.s = text;
    }

    /* The sep line is ASCII, so in UTF-16 it took two raw bytes a character. */
    sep_len = sep_line(t.s, t.n, t.at_eof, &sep_delim);
    out->skip_bytes = bom + sep_len * (text ? 2 : 1);
    if (sep_len) {
        out->skip_lines = 1;
        t.s += sep_len;
        t.n -= sep_len;
    }
    if (!has_record(&t)) {
        st = tg_err_set(err, TG_EDATA, path, 0, 0, "empty file: %s",
                        sep_len ? "nothing after the \"sep=\" line"
                                : "no records, only blank lines");
        goto done;
    }

    tg_conv_nulls_init(&nulls, NULL, 0);
    t.comment = opts->comment >= 0        ? (unsigned char)opts->comment
                : maybe_comments(&t, '#') ? '#'
                                          : 0;
    if (opts->skip > 0) {
        skip_pre(&t, skip_lines_given(&t, opts->skip), out);
        if (!has_record(&t)) {
            st = tg_err_set(err, TG_EDATA, path, 0, 0,
                            "empty file: nothing after skipping %d lines", opts->skip);
            goto done;
        }
    }
    if (opts->delim || sep_len) {
        out->delim = opts->delim ? opts->delim : (char)sep_delim;
        out->sep_line = sep_len && !opts->delim;
        /* The delimiter is given; only decide how to treat a cut-off record. */
        size_t pos = 0, start, nf;
        if (!t.at_eof && !next_record(&t, (unsigned char)out->delim, &pos, &start, &nf))
            t.at_eof = 1;
        size_t *counts = tg_malloc(MAX_RECORDS * sizeof *counts);
        if (!counts) {
            st = tg_err_nomem(err);
            goto done;
        }
        best.delim = (unsigned char)out->delim;
        count_candidate(&t, counts, &nulls, &best);
        tg_free(counts);
    } else {
        st = choose_delim(&t, &nulls, path, &best, err);
        if (st != TG_OK) goto done;
        out->delim = (char)best.delim;
        t.at_eof = best.at_eof;
        char nb[8];
        if (best.mode <= 1)
            snprintf(out->delim_why, sizeof out->delim_why,
                     "one column: no delimiter (',' ';' tab '|') splits the records; sep "
                     "overrides");
        else
            snprintf(out->delim_why, sizeof out->delim_why,
                     "delimiter %s: %zu of %zu records looked at have %zu fields; sep overrides",
                     delim_name(best.delim, nb), best.n_mode, best.n_records, best.mode);
    }
    if (!out->delim_why[0]) {
        char nb[8];
        snprintf(out->delim_why, sizeof out->delim_why, "delimiter %s %s",
                 delim_name((unsigned char)out->delim, nb),
                 opts->delim ? "given" : "from Excel's \"sep=\" line");
    }
    if (opts->comment < 0 && t.comment &&
        !comments_confirmed(&t, (unsigned char)out->delim, best.mode))
        t.comment = 0;
    out->comment = (char)t.comment;
    if (opts->skip < 0 && opts->header != 0) { /* header = false: line 1 is data */
        size_t first = 0,
               pre = title_lines(&t, (unsigned char)out->delim, best.mode, &out->n_titles, &first);
        if (pre) {
            size_t len = line_end(&t, first) - first;
            snprintf(out->title, sizeof out->title, "%.*s", (int)(len < 60 ? len : 60),
                     (const char *)t.s + first);
            skip_pre(&t, pre, out);
        }
    }
    consistent = best.n_records > 0 && best.n_mode * 10 >= best.n_records * 9;
    if (!has_data_record(&t, (unsigned char)out->delim)) {
        st = tg_err_set(err, TG_EDATA, path, 0, 0,
                        "empty file: every line is a comment (starting with '%c'); comment = "
                        "false reads them as data",
                        t.comment);
        goto done;
    }

    st = analyse(&t, (unsigned char)out->delim, best.mode, &nulls, out,
                 opts->header < 0 ? &header : NULL);
    if (st != TG_OK) {
        st = tg_err_nomem(err);
        goto done;
    }
    out->header = opts->header < 0 ? header : opts->header > 0;
    if (opts->header >= 0)
        snprintf(out->header_why, sizeof out->header_why, "header = %s given",
                 opts->header ? "true" : "false");
    decide_quirks(&t, (unsigned char)out->delim, opts, consistent, out);

done:
    tg_free(text);
    return st;
}
