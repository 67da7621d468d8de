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

#include <errno.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tg_err.h"
#include "tg_mem.h"

/* ---- sources ---- */


tg_status tg_src_read(const tg_src *src, size_t off, unsigned char *buf, size_t n, size_t *got,
                      tg_error *err) {
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
    memset(lr, 0, sizeof *lr);
    lr->src = src;
    lr->enc = src->enc;
    lr->off = start;
    lr->end = end;
    lr->cap = tg_enc_max_out(src->enc, TG_LINES_BLOCK) + TG_LINES_BLOCK;
    lr->buf = tg_malloc(lr->cap + 16);             /* slack for scan_line's last 16-byte step */
    if (lr->buf) memset(lr->buf, 0, lr->cap + 16); /* defined bytes for that step too */
    if (src->enc != TG_ENC_UTF8) lr->raw = tg_malloc(TG_LINES_BLOCK);
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
    if (lr->enc == TG_ENC_UTF8)
        lr->len += got;
    else
        lr->len += tg_enc_to_utf8(lr->enc, lr->raw, got, lr->buf + lr->len, &used);
    return 1;
}

int tg_lines_next(tg_lines *lr, const unsigned char **s, size_t *n) {
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
