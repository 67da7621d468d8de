/*
** tg_xmlscan.c -- the worksheet XML scanner (see tg_xmlscan.h).
** Bytes are scanned where they lie, in the caller's buffer; only an
** unfinished token at a buffer's end (a tag, or the last few bytes of a
** text run that may be the start of a reference, a CR LF or a UTF-8
** sequence) is carried over, and the next buffer's bytes are added to the
** carry up to the next '>' only, so that the scan returns to the caller's
** buffer at once. Nesting is checked by a stack of name hashes: a
** mismatch is a malformed document, which expat then reports.
*/
#include "tg_xmlscan.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "tg_enc.h"
#include "tg_mem.h"

enum { MAX_TAG = 1 << 16, MAX_ATTRS = 32, MAX_DEPTH = 256, HOLD = 12 };

struct tg_xmlscan {
    const tg_xmlscan_ops *ops;
    void *ud;
    int want_text, unsure, done_root;
    int started; /* a byte of the document was scanned: no XML declaration now */
    char *carry;
    size_t n_carry, cap_carry;
    uint64_t stack[MAX_DEPTH]; /* FNV-1a of each open element's name */
    size_t depth;
};

/* Byte classes. Names are ASCII here: a name with other letters (XML
** allows many, sheets use none) is left to expat, which knows which. */
static int is_ws(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
static int is_name_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
static int is_name(unsigned char c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}
/* handed over as it stands: ASCII but '&', ']' (of a "]]>", which text
** may not hold), CR and control characters */
static int is_plain(unsigned char c) {
    return (c >= 0x20 && c < 0x80 && c != '&' && c != ']') || c == '\n' || c == '\t';
}

tg_xmlscan *tg_xmlscan_new(const tg_xmlscan_ops *ops, void *ud) {
    tg_xmlscan *s = tg_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->ops = ops;
    s->ud = ud;
    return s;
}

void tg_xmlscan_free(tg_xmlscan *s) {
    if (!s) return;
    tg_free(s->carry);
    tg_free(s);
}

void tg_xmlscan_want_text(tg_xmlscan *s, int on) {
    s->want_text = on;
}

int tg_xmlscan_unsure(const tg_xmlscan *s) {
    return s->unsure;
}

static tg_status unsure(tg_xmlscan *s) {
    s->unsure = 1;
    return TG_ECANCEL;
}

/* The same, as a tag scanner's result. */
static int tag_unsure(tg_xmlscan *s) {
    return (int)unsure(s);
}

static int is_xml_char(uint32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* The reference at p ('&'), up to e: its code point and length; 0 when it
** is not one of XML's five entities or a character reference to a
** character XML allows. */
static size_t reference(const char *p, const char *e, uint32_t *cp) {
    static const struct {
        const char *name;
        char ch;
    } ents[] = {
        { "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' }, { "quot;", '"' }, { "apos;", '\'' }
    };
    if (p + 1 < e && p[1] == '#') {
        const char *q = p + 2;
        int hex = q < e && *q == 'x', digits = 0;
        uint32_t v = 0;
        for (q += hex; q < e && *q != ';'; q++, digits++) {
            int d = *q >= '0' && *q <= '9'          ? *q - '0'
                    : hex && *q >= 'a' && *q <= 'f' ? *q - 'a' + 10
                    : hex && *q >= 'A' && *q <= 'F' ? *q - 'A' + 10
                                                    : -1;
            if (d < 0 || v > 0x10FFFF) return 0;
            v = v * (hex ? 16u : 10u) + (uint32_t)d;
        }
        if (q == e || digits == 0 || !is_xml_char(v)) return 0;
        *cp = v;
        return (size_t)(q + 1 - p);
    }
    for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
        size_t n = strlen(ents[i].name);
        if ((size_t)(e - p - 1) >= n && memcmp(p + 1, ents[i].name, n) == 0) {
            *cp = (unsigned char)ents[i].ch;
            return n + 1;
        }
    }
    return 0;
}

/* ---- character data ---- */

static tg_status skip_text(void *ud, const char *p, size_t n) {
    (void)ud, (void)p, (void)n;
    return TG_OK;
}

/* Text handed over piece by piece through a small buffer, when it holds
** references, CRs or bytes that are not ASCII (checked to be UTF-8). */
static tg_status text_slow(tg_xmlscan *s, const char *p, const char *e) {
    tg_status (*put)(void *, const char *, size_t) = s->want_text ? s->ops->text : skip_text;
    char out[512];
    size_t o = 0;
    if (tg_enc_utf8_valid((const unsigned char *)p, (size_t)(e - p), 1) != (size_t)(e - p))
        return unsure(s);
    while (p < e) {
        unsigned char c = (unsigned char)*p;
        if (o + 4 > sizeof out) {
            tg_status st = put(s->ud, out, o);
            if (st != TG_OK) return st;
            o = 0;
        }
        if (c == '&') {
            uint32_t cp;
            size_t n = reference(p, e, &cp);
            if (!n) return unsure(s);
            o += tg_enc_put_utf8((unsigned char *)out + o, cp);
            p += n;
        } else if (c == ']' && e - p >= 3 && p[1] == ']' && p[2] == '>') {
            return unsure(s);
        } else if (c == '\r') {
            out[o++] = '\n';
            p += p + 1 < e && p[1] == '\n' ? 2 : 1;
        } else if (c < 0x20 && c != '\t' && c != '\n') {
            return unsure(s);
        } else {
            out[o++] = (char)c;
            p++;
        }
    }
    return o ? put(s->ud, out, o) : TG_OK;
}

static tg_status text(tg_xmlscan *s, const char *p, const char *e) {
    if (s->depth == 0) { /* outside the root only white space */
        s->started |= p < e;
        for (; p < e; p++)
            if (!is_ws((unsigned char)*p)) return unsure(s);
        return TG_OK;
    }
    const char *q = p;
    while (q < e && is_plain((unsigned char)*q)) q++;
    if (q == e) return s->want_text ? s->ops->text(s->ud, p, (size_t)(e - p)) : TG_OK;
    /* text not handed over is checked all the same, so that the scanner
    ** refuses what expat would */
    return text_slow(s, p, e);
}

/* Where a text run that reaches the end of the buffer must stop for now:
** before the last HOLD bytes' first '&', ']', CR or non-ASCII byte, which may
** be the start of something the next buffer completes. */
static const char *hold_back(const char *p, const char *e) {
    const char *q = e - HOLD > p ? e - HOLD : p;
    for (; q < e; q++)
        if (*q == '&' || *q == '\r' || *q == ']' || (unsigned char)*q >= 0x80) return q;
    return e;
}

/* ---- tags ---- */

static uint64_t name_hash(const char *p, size_t n) {
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211u;
    return h;
}

static const char *local_name(const char *p, size_t *n) {
    for (size_t i = *n; i > 0; i--)
        if (p[i - 1] == ':') {
            *n -= i;
            return p + i;
        }
    return p;
}

static const char *skip_ws(const char *p, const char *e) {
    while (p < e && is_ws((unsigned char)*p)) p++;
    return p;
}

static const char *scan_name(const char *p, const char *e) {
    if (p < e && is_name_start((unsigned char)*p))
        for (p++; p < e && is_name((unsigned char)*p);) p++;
    return p;
}

/* An attribute value's raw text that holds a byte other than plain
** ASCII: no '<', every '&' a reference, no control character, UTF-8. */
static int value_ok(const char *p, const char *e) {
    int high = 0;
    for (const char *q = p; q < e; q++) {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return 0;
        high |= c >= 0x80;
    }
    if (high && tg_enc_utf8_valid((const unsigned char *)p, (size_t)(e - p), 1) != (size_t)(e - p))
        return 0;
    for (; p < e; p++) {
        uint32_t cp;
        size_t n;
        if (*p == '<' || (*p == '&' && (n = reference(p, e, &cp)) == 0)) return 0;
        if (*p == '&') p += n - 1;
    }
    return 1;
}

/* The closing quote of the value starting at v, or NULL when the buffer
** ends first; *odd when the value holds anything but plain ASCII (the
** usual value, "B2" or "s", is looked at once). */
static const char *value_end(const char *v, const char *e, char quote, int *odd) {
    int bad = 0;
    for (; v < e; v++) {
        unsigned char c = (unsigned char)*v;
        if (c == (unsigned char)quote) {
            *odd = bad;
            return v;
        }
        bad |= c < 0x20 || c >= 0x80 || c == '<' || c == '&';
    }
    return NULL;
}

/* Results of the tag scanners: a tag read (*next set), more bytes
** needed, or a status to return. */
enum { TAG_DONE = -1, TAG_MORE = -2 };

static int start_tag(tg_xmlscan *s, const char *p, const char *e, const char **next) {
    tg_xmlscan_attr a[MAX_ATTRS];
    const char *raw[MAX_ATTRS]; /* the names as written, for duplicates */
    size_t n_attrs = 0;
    const char *name = p + 1, *q = scan_name(name, e);
    size_t nlen = (size_t)(q - name);
    int empty = 0;
    if (q == e) return TAG_MORE;
    if (nlen == 0) return tag_unsure(s);
    for (;;) {
        const char *ws = q;
        q = skip_ws(q, e);
        if (q == e) return TAG_MORE;
        if (*q == '>') {
            q++;
            break;
        }
        if (*q == '/') {
            if (q + 1 == e) return TAG_MORE;
            if (q[1] != '>') return tag_unsure(s);
            q += 2;
            empty = 1;
            break;
        }
        if (q == ws || n_attrs == MAX_ATTRS) return tag_unsure(s);
        const char *an = q;
        q = scan_name(q, e);
        if (q == e) return TAG_MORE;
        if (q == an) return tag_unsure(s);
        size_t alen = (size_t)(q - an);
        q = skip_ws(q, e);
        if (q == e) return TAG_MORE;
        if (*q++ != '=') return tag_unsure(s);
        q = skip_ws(q, e);
        if (q == e) return TAG_MORE;
        if (*q != '"' && *q != '\'') return tag_unsure(s);
        int odd;
        const char *v = q + 1, *close = value_end(v, e, *q, &odd);
        if (!close) return TAG_MORE;
        if (odd && !value_ok(v, close)) return tag_unsure(s);
        for (size_t i = 0; i < n_attrs; i++) /* a name twice: expat's error to give */
            if (raw[i][0] == an[0] && (size_t)(a[i].name + a[i].nlen - raw[i]) == alen &&
                memcmp(raw[i], an, alen) == 0)
                return tag_unsure(s);
        raw[n_attrs] = an;
        a[n_attrs].name = local_name(an, &alen);
        a[n_attrs].nlen = alen;
        a[n_attrs].val = v;
        a[n_attrs++].vlen = (size_t)(close - v);
        q = close + 1;
    }
    if (s->done_root || s->depth == MAX_DEPTH) return tag_unsure(s);
    s->started = 1;
    uint64_t h = name_hash(name, nlen);
    const char *ln = local_name(name, &nlen);
    tg_status st = s->ops->start(s->ud, ln, nlen, a, n_attrs);
    if (st == TG_OK && empty) st = s->ops->end(s->ud, ln, nlen);
    if (st != TG_OK) return (int)st;
    if (!empty) s->stack[s->depth++] = h;
    else if (s->depth == 0) s->done_root = 1;
    *next = q;
    return TAG_DONE;
}

static int end_tag(tg_xmlscan *s, const char *p, const char *e, const char **next) {
    const char *name = p + 2, *q = scan_name(name, e);
    size_t nlen = (size_t)(q - name);
    if (q == e) return TAG_MORE;
    q = skip_ws(q, e);
    if (q == e) return TAG_MORE;
    if (nlen == 0 || *q != '>' || s->depth == 0 || s->stack[s->depth - 1] != name_hash(name, nlen))
        return tag_unsure(s);
    s->depth--;
    if (s->depth == 0) s->done_root = 1;
    const char *ln = local_name(name, &nlen);
    tg_status st = s->ops->end(s->ud, ln, nlen);
    if (st != TG_OK) return (int)st;
    *next = q + 1;
    return TAG_DONE;
}

/* The XML declaration, first in the document, as sheets write it:
** version 1.0, encoding UTF-8 (any case) and standalone yes or no, each
** optional but the version, in that order. Any other (and any other
** processing instruction) is left to expat. */
static int decl(tg_xmlscan *s, const char *p, const char *e, const char **next) {
    static const char *const names[] = { "version", "encoding", "standalone" };
    static const char *const vals[][3] = { { "1.0", NULL, NULL },
                                           { "UTF-8", "utf-8", NULL },
                                           { "yes", "no", NULL } };
    const char *q = p + 2;
    size_t k = 0;
    if (s->started) return tag_unsure(s);
    if (e - q < 5) return TAG_MORE;
    if (memcmp(q, "xml", 3) != 0 || !is_ws((unsigned char)q[3])) return tag_unsure(s);
    for (q += 3;;) {
        const char *ws = q;
        q = skip_ws(q, e);
        if (e - q < 2) return TAG_MORE;
        if (q[0] == '?' && q[1] == '>') break;
        const char *n = q;
        q = scan_name(q, e);
        if (q == e) return TAG_MORE;
        size_t first = k;
        while (k < 3 &&
               ((size_t)(q - n) != strlen(names[k]) || memcmp(n, names[k], (size_t)(q - n))))
            k++;
        if (k == 3 || q == n || ws == n || (first == 0 && k != 0)) return tag_unsure(s);
        q = skip_ws(q, e);
        if (q == e) return TAG_MORE;
        if (*q++ != '=') return tag_unsure(s);
        q = skip_ws(q, e);
        if (q == e) return TAG_MORE;
        if (*q != '"' && *q != '\'') return tag_unsure(s);
        const char *v = q + 1, *close = memchr(v, *q, (size_t)(e - v));
        if (!close) return TAG_MORE;
        int ok = 0;
        for (size_t j = 0; vals[k][j]; j++)
            ok |= (size_t)(close - v) == strlen(vals[k][j]) &&
                  (k == 1 ? strncasecmp(v, vals[k][j], 5)
                          : memcmp(v, vals[k][j], strlen(vals[k][j]))) == 0;
        if (!ok) return tag_unsure(s);
        k++;
        q = close + 1;
    }
    if (k == 0) return tag_unsure(s); /* no version */
    s->started = 1;
    *next = q + 2;
    return TAG_DONE;
}

/* Scans [p, e); *used is how far it got (the rest waits for more bytes,
** or is an unfinished token when 'final'). */
static tg_status scan(tg_xmlscan *s, const char *p, const char *e, int final, size_t *used) {
    const char *start = p;
    tg_status st = TG_OK;
    while (p < e) {
        if (*p != '<') {
            const char *lt = memchr(p, '<', (size_t)(e - p));
            const char *stop = lt ? lt : final ? e : hold_back(p, e);
            if (stop > p && (st = text(s, p, stop)) != TG_OK) break;
            p = stop;
            if (!lt) break;
            continue;
        }
        if (e - p < 2) break;
        const char *next = p;
        int r = p[1] == '/'   ? end_tag(s, p, e, &next)
                : p[1] == '?' ? decl(s, p, e, &next)
                : p[1] == '!' ? tag_unsure(s)
                              : start_tag(s, p, e, &next);
        if (r == TAG_MORE) break;
        if (r != TAG_DONE) {
            st = (tg_status)r;
            break;
        }
        p = next;
    }
    *used = (size_t)(p - start);
    return st;
}

static tg_status carry_add(tg_xmlscan *s, const char *p, size_t n) {
    if (s->n_carry + n > MAX_TAG) return unsure(s); /* a tag this long is expat's */
    if (s->n_carry + n > s->cap_carry) {
        size_t cap = s->cap_carry ? s->cap_carry : 256;
        while (cap < s->n_carry + n) cap *= 2;
        char *c = tg_realloc(s->carry, cap);
        if (!c) return TG_ENOMEM;
        s->carry = c;
        s->cap_carry = cap;
    }
    memcpy(s->carry + s->n_carry, p, n);
    s->n_carry += n;
    return TG_OK;
}

/* Scans what the carry holds; keeps what is left of it. */
static tg_status scan_carry(tg_xmlscan *s, int final) {
    size_t used;
    tg_status st = scan(s, s->carry, s->carry + s->n_carry, final, &used);
    memmove(s->carry, s->carry + used, s->n_carry - used);
    s->n_carry -= used;
    return st;
}

tg_status tg_xmlscan_feed(tg_xmlscan *s, const char *buf, size_t n) {
    tg_status st = TG_OK;
    size_t used;
    if (s->unsure) return TG_ECANCEL;
    while (s->n_carry && n) { /* finish the carried token first */
        const char *gt = memchr(buf, '>', n);
        size_t take = gt ? (size_t)(gt - buf) + 1 : n;
        if ((st = carry_add(s, buf, take)) != TG_OK || (st = scan_carry(s, 0)) != TG_OK) return st;
        buf += take;
        n -= take;
    }
    if (!n) return TG_OK;
    if ((st = scan(s, buf, buf + n, 0, &used)) != TG_OK) return st;
    return used < n ? carry_add(s, buf + used, n - used) : TG_OK;
}

tg_status tg_xmlscan_end(tg_xmlscan *s) {
    if (s->unsure) return TG_ECANCEL;
    tg_status st = s->n_carry ? scan_carry(s, 1) : TG_OK;
    if (st != TG_OK) return st;
    if (s->n_carry || s->depth || !s->done_root) return unsure(s);
    return TG_OK;
}

size_t tg_xmlscan_value(const tg_xmlscan_attr *a, char *buf, size_t cap) {
    const char *p = a->val, *e = a->val + a->vlen;
    size_t o = 0;
    while (p<e && * p> ' ' && *p != '&') p++; /* the usual value: copied as it is */
    if (p == e) {
        if (a->vlen >= cap) return (size_t)-1;
        memcpy(buf, a->val, a->vlen);
        buf[a->vlen] = '\0';
        return a->vlen;
    }
    p = a->val;
    while (p < e) {
        uint32_t cp = (unsigned char)*p;
        size_t n = 1;
        if (cp == '&' && (n = reference(p, e, &cp)) == 0) return (size_t)-1;
        if (cp == '\r' && n == 1 && p + 1 < e && p[1] == '\n') n = 2; /* CR LF is one space */
        if (n <= 2 && (cp == '\t' || cp == '\r' || cp == '\n') && *p != '&') cp = ' ';
        if (o + 5 > cap) return (size_t)-1;
        if (*p == '&') o += tg_enc_put_utf8((unsigned char *)buf + o, cp);
        else buf[o++] = (char)cp;
        p += n;
    }
    if (o >= cap) return (size_t)-1;
    buf[o] = '\0';
    return o;
}
