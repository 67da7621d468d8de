/*
** tg_lines.c -- reading a CSV file's bytes as decoded lines.
** A source is a file read with pread (so threads share one descriptor and
** no file is held in memory) or, for UTF-16 input, the whole file already
** transcoded. The line reader hands out complete lines decoded to UTF-8;
** the block reader gives raw blocks with their decoding, for passes that
** must track raw byte offsets. tg_lines_scan finds the delimiters of a
** quote-free line 16 bytes at a time.
*/
#include "tg_lines.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <stdint.h>

#include "tg_err.h"
#include "tg_mem.h"

/* ---- sources ---- */


tg_status tg_src_read(const tg_src *src, size_t off, unsigned char *buf, size_t n, size_t *got,
                      tg_error *err) {
    assert(src != NULL && got != NULL && (buf != NULL || n == 0));
    if (src->mem) {
        *got = off >= src->size ? 0 : (src->size - off < n ? src->size - off : n);
        memcpy(buf, src->mem + off, *got);
        return TG_OK;
    }
    size_t total = 0;
    while (total < n) {
        ssize_t r = pread(src->fd, buf + total, n - total, (off_t)(off + total));
        if (r < 0) {
            if (errno == EINTR) continue;
            return tg_err_set(err, TG_EIO, src->path, 0, 0, "cannot read: %s", strerror(errno));
        }
        if (r == 0) break;
        total += (size_t)r;
    }
    *got = total;
    return TG_OK;
}

/* ---- counting ---- */

size_t tg_lines_count(const unsigned char *s, size_t n) {
    assert(s != NULL || n == 0);
    size_t k = 0;
    const unsigned char *end = s + n;
    while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
        k++;
        s++;
    }
    return k;
}

/* ---- reading lines ---- */

/* Hands out the lines of a byte range, decoded to UTF-8, each with its
** '\n' (the last may lack one). A line longer than the buffer comes in
** pieces; callers that need whole lines see 'partial' set. */

tg_status tg_lines_init(tg_lines *lr, const tg_src *src, size_t start, size_t end) {
    assert(lr != NULL && src != NULL && start <= end);
    /* One byte in, at least one out: fill() never leaves a partial
    ** character behind. UTF-16 is transcoded whole before (tg_src.mem). */
    assert(src->enc != TG_ENC_UTF16LE && src->enc != TG_ENC_UTF16BE);
    memset(lr, 0, sizeof *lr);
    lr->src = src;
    lr->enc = src->enc;
    lr->off = start;
    lr->end = end;
    /* A range smaller than a block needs buffers only its size: a small
    ** file then costs no 8 MiB of zeroed memory per pass. Reads never ask
    ** for more than the range holds, so 'raw' of 'block' bytes suffices. */
    size_t block = end - start < TG_LINES_BLOCK ? end - start : TG_LINES_BLOCK;
    lr->cap = tg_enc_max_out(src->enc, block) + block;
    lr->buf = tg_malloc(lr->cap + 16);             /* slack for scan_line's last 16-byte step */
    if (lr->buf) memset(lr->buf, 0, lr->cap + 16); /* defined bytes for that step too */
    if (src->enc != TG_ENC_UTF8) lr->raw = tg_malloc(block ? block : 1);
    if (!lr->buf || (src->enc != TG_ENC_UTF8 && !lr->raw)) return TG_ENOMEM;
    return TG_OK;
}

void tg_lines_free(tg_lines *lr) {
    tg_free(lr->buf);
    tg_free(lr->raw);
    lr->buf = lr->raw = NULL;
}

/* Moves the unread tail to the front and appends one more read. */
static int fill(tg_lines *lr) {
    size_t got, used;
    if (lr->pos > 0) {
        memmove(lr->buf, lr->buf + lr->pos, lr->len - lr->pos);
        lr->len -= lr->pos;
        lr->pos = 0;
    }
    size_t room = lr->cap - lr->len;
    if (lr->enc != TG_ENC_UTF8) room = room / 3 < TG_LINES_BLOCK ? room / 3 : TG_LINES_BLOCK;
    size_t want = lr->end - lr->off < room ? lr->end - lr->off : room;
    if (want == 0) return 0;
    unsigned char *dst = lr->enc == TG_ENC_UTF8 ? lr->buf + lr->len : lr->raw;
    /* No error text: this may run on a worker thread; the caller names it. */
    if ((lr->status = tg_src_read(lr->src, lr->off, dst, want, &got, NULL)) != TG_OK || got == 0)
        return 0;
    lr->off += got;
    if (lr->enc == TG_ENC_UTF8) lr->len += got;
    else lr->len += tg_enc_to_utf8(lr->enc, lr->raw, got, lr->buf + lr->len, &used);
    return 1;
}

int tg_lines_next(tg_lines *lr, const unsigned char **s, size_t *n) {
    assert(lr != NULL && s != NULL && n != NULL);
    for (;;) {
        size_t avail = lr->len - lr->pos, k;
        unsigned char *nl = avail ? memchr(lr->buf + lr->pos, '\n', avail) : NULL;
        int piece = 0;
        if (nl) {
            k = (size_t)(nl - (lr->buf + lr->pos)) + 1;
        } else if (avail && lr->pos == 0 && lr->len == lr->cap) {
            k = avail; /* a line longer than the buffer: hand out a piece */
            piece = 1;
        } else if (fill(lr)) {
            continue;
        } else {
            k = lr->len - lr->pos; /* the end: the rest is the last line */
            if (k == 0) return 0;
        }
        lr->partial = piece;
        *s = lr->buf + lr->pos;
        *n = k;
        lr->pos += k;
        return 1;
    }
}

/* Fixed blocks of raw bytes and their UTF-8 decoding, for the header and
** line-locating passes, which need raw offsets line by line. */

tg_status tg_block_init(tg_block *r, tg_encoding enc) {
    assert(r != NULL);
    r->cap = TG_LINES_BLOCK;
    r->raw = tg_malloc(r->cap);
    r->utf8 = enc == TG_ENC_UTF8 ? NULL : tg_malloc(tg_enc_max_out(enc, r->cap));
    if (!r->raw || (enc != TG_ENC_UTF8 && !r->utf8)) return TG_ENOMEM;
    return TG_OK;
}

void tg_block_free(tg_block *r) {
    tg_free(r->raw);
    tg_free(r->utf8);
}

/* Positions of the delimiters in s[0, n) go to cut[] (at most max);
** returns their count, or -1 when the line holds a quote or a CR (it needs
** libcsv) or more delimiters than fit. With SSE2 (every x86-64) it tests
** 16 bytes per step; lines sit in a buffer with 16 bytes of slack, so the
** last step may read past n. */
long tg_lines_scan(const unsigned char *s, size_t n, unsigned char delim, unsigned char quote,
                   size_t *cut, size_t max) {
    assert((s != NULL || n == 0) && cut != NULL);
    size_t k = 0, i = 0;
#if defined(__SSE2__)
    const __m128i vd = _mm_set1_epi8((char)delim), vq = _mm_set1_epi8((char)quote);
    const __m128i vr = _mm_set1_epi8('\r');
    for (; i < n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned d = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd));
        unsigned bad =
            (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vr)));
        if (n - i < 16) {
            unsigned live = (1u << (n - i)) - 1;
            d &= live;
            bad &= live;
        }
        if (bad) return -1;
        while (d) {
            if (k == max) return -1;
            cut[k++] = i + (size_t)__builtin_ctz(d);
            d &= d - 1;
        }
    }
#else
    for (; i < n; i++) {
        unsigned char c = s[i];
        if (c == delim) {
            if (k == max) return -1;
            cut[k++] = i;
        } else if (c == quote || c == '\r') {
            return -1;
        }
    }
#endif
    return (long)k;
}

/* ---- the fast splitter ---- */

static int is_blank_line(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t') return 0;
    return 1;
}

typedef void (*field_fn)(void *s, size_t n, void *ud);
typedef void (*row_fn)(int c, void *ud);

static int is_blank(unsigned char c, unsigned char delim) {
    return (c == ' ' || c == '\t') && c != delim;
}

/* The end of the quoted field whose opening quote is at s[i - 1]: the
** index of its closing quote, or n when it does not close on this line.
** Doubled quotes inside are marked in 'doubled' for field k. */
static size_t closing_quote(const unsigned char *s, size_t n, size_t i, unsigned char quote,
                            unsigned char *doubled, size_t k) {
    for (;; i++) {
        if (i >= n || s[i] == '\r') return n; /* the field goes on past this line */
        if (s[i] != quote) continue;
        if (i + 1 < n && s[i + 1] == quote) {
            if (doubled) doubled[k >> 3] |= (unsigned char)(1u << (k & 7));
            i++;
            continue;
        }
        return i;
    }
}

/* A line with quoted fields, all well formed and on this one line: a field
** is blanks, then either unquoted text without quotes, or a quote, text in
** which a quote appears only doubled, a closing quote and blanks; then a
** delimiter or the end. That is what libcsv reads as the quoted text with
** "" made ", blanks outside the quotes dropped and blanks inside kept. With
** 'lenient', a quoted field with text after its closing quote ("Swing it"
** magistern) is kept as it stands, quotes and all, up to the delimiter.
** Any other line -- an open quote (a newline inside the field), a stray
** CR, text after a closing quote when not lenient, a quote inside unquoted
** text -- returns -1 for libcsv, whose lenient rules then decide. Fields
** are found first and emitted only when the whole line qualifies. */
static int quoted_line(unsigned char *s, size_t n, unsigned char delim, unsigned char quote,
                       int lenient, field_fn field, row_fn row, void *ud) {
    size_t from[256], len[256], k = 0, i = 0;
    unsigned char doubled[256 / 8] = { 0 };

    for (;;) {
        if (k == TG_ARRAY_LEN(from)) return -1;
        while (i < n && is_blank(s[i], delim)) i++;
        if (i < n && s[i] == quote) {
            size_t a = ++i;
            i = closing_quote(s, n, i, quote, doubled, k);
            if (i >= n) return -1;
            from[k] = a;
            len[k] = i - a;
            i++; /* the closing quote */
            while (i < n && is_blank(s[i], delim)) i++;
            if (i < n && s[i] != delim) { /* text after the closing quote */
                if (!lenient) return -1;
                while (i < n && s[i] != delim) {
                    if (s[i] == '\r') return -1;
                    i++;
                }
                size_t b = i;
                while (b > a && is_blank(s[b - 1], delim)) b--;
                from[k] = a - 1; /* from the opening quote, as it stands */
                len[k] = b - (a - 1);
                doubled[k >> 3] &= (unsigned char)~(1u << (k & 7));
            }
        } else {
            size_t a = i;
            while (i < n && s[i] != delim) {
                if (s[i] == quote || s[i] == '\r') return -1;
                i++;
            }
            size_t b = i;
            while (b > a && is_blank(s[b - 1], delim)) b--;
            from[k] = a;
            len[k] = b - a;
        }
        k++;
        if (i >= n) break;
        i++;          /* the delimiter */
        if (i == n) { /* a final empty field after a trailing delimiter */
            if (k == TG_ARRAY_LEN(from)) return -1; /* libcsv takes a line this wide */
            from[k] = n;
            len[k++] = 0;
            break;
        }
    }
    for (size_t f = 0; f < k; f++) {
        const unsigned char *v = s + from[f];
        size_t m = len[f];
        if (doubled[f >> 3] >> (f & 7) & 1) {
            /* "" -> " in the line itself: each field is read once, and the
            ** line is not looked at again (a later pass re-reads the file) */
            unsigned char *w = (unsigned char *)(uintptr_t)v;
            size_t o = 0;
            for (size_t j = 0; j < m; j++, o++) {
                w[o] = v[j];
                if (v[j] == quote) j++;
            }
            m = o;
        }
        field((void *)(uintptr_t)v, m, ud);
    }
    row(0, ud);
    return 0;
}

long tg_lines_after_quote(const unsigned char *s, size_t n, unsigned char delim,
                          unsigned char quote, int inside) {
    size_t k = 0, i = 0;
    assert(s != NULL || n == 0);
    if (n && s[n - 1] == '\n') n--;
    if (n && s[n - 1] == '\r') n--;
    for (;; k++) {
        if (!inside)
            while (i < n && is_blank(s[i], delim)) i++;
        if (inside || (i < n && s[i] == quote)) {
            i = closing_quote(s, n, inside ? 0 : i + 1, quote, NULL, 0);
            inside = 0;
            if (i >= n) return -1;
            i++;
            while (i < n && is_blank(s[i], delim)) i++;
            if (i < n && s[i] != delim) return (long)k;
        } else {
            while (i < n && s[i] != delim) i++;
        }
        if (i >= n) return -1;
        i++;
    }
}

/* A line without quotes or stray CRs splits exactly as libcsv would split
** it (fields at each delimiter, blanks trimmed around unquoted fields,
** blank lines skipped), without libcsv's byte-at-a-time state machine.
** Returns 0, or -1, having done nothing, when the line needs libcsv. */
int tg_lines_split(unsigned char *s, size_t n, unsigned char delim, unsigned char quote,
                   int lenient, field_fn field, row_fn row, void *ud) {
    assert((s != NULL || n == 0) && field != NULL && row != NULL);
    size_t cut[256];

    if (n && s[n - 1] == '\n') n--;
    if (n && s[n - 1] == '\r') n--;
    long k = tg_lines_scan(s, n, delim, quote, cut, TG_ARRAY_LEN(cut));
    if (k < 0) return quoted_line(s, n, delim, quote, lenient, field, row, ud);
    if (k == 0 && is_blank_line(s, n)) return 0; /* libcsv reports no row for it */
    size_t start = 0;
    for (size_t f = 0; f <= (size_t)k; f++) {
        size_t e = f < (size_t)k ? cut[f] : n, a = start, b = e;
        /* libcsv trims blanks (never the delimiter) around unquoted fields */
        while (a < b && is_blank(s[a], delim)) a++;
        while (b > a && is_blank(s[b - 1], delim)) b--;
        field(s + a, b - a, ud);
        start = e + 1;
    }
    row(0, ud);
    return 0;
}
