/*
** tg_enc.c -- BOM detection, strict UTF-8 validation and transcoding of
** Windows-1252, Latin-1 and UTF-16 to UTF-8 (see tg_enc.h).
** Everything here is a pure function over caller-owned buffers: nothing
** allocates and nothing keeps state between calls, so a caller feeding a
** file in chunks carries the unconsumed tail over itself.
*/
#include "tg_enc.h"

#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* ---- names ---- */

const char *tg_enc_name(tg_encoding enc) {
    switch (enc) {
    case TG_ENC_AUTO: return "auto";
    case TG_ENC_UTF8: return "utf-8";
    case TG_ENC_CP1252: return "windows-1252";
    case TG_ENC_LATIN1: return "latin-1";
    case TG_ENC_UTF16LE: return "utf-16le";
    case TG_ENC_UTF16BE: return "utf-16be";
    }
    return "unknown";
}

/* Names are compared with case, '-', '_' and spaces ignored, so "UTF-8",
** "utf8" and "Utf_8" are one name and the alias list stays short. */
static const struct {
    const char *name;
    tg_encoding enc;
} aliases[] = {
    { "auto", TG_ENC_AUTO },          { "utf8", TG_ENC_UTF8 },       { "cp1252", TG_ENC_CP1252 },
    { "windows1252", TG_ENC_CP1252 }, { "win1252", TG_ENC_CP1252 },  { "ansi", TG_ENC_CP1252 },
    { "latin1", TG_ENC_LATIN1 },      { "iso88591", TG_ENC_LATIN1 }, { "l1", TG_ENC_LATIN1 },
    { "utf16le", TG_ENC_UTF16LE },    { "utf16be", TG_ENC_UTF16BE },
};

int tg_enc_parse(const char *name) {
    char key[32];
    size_t k = 0;

    assert(name != NULL);
    for (const char *p = name; *p; p++) {
        if (*p == '-' || *p == '_' || *p == ' ') continue;
        if (k + 1 >= sizeof key) return -1; /* longer than any alias */
        key[k++] = (char)tolower((unsigned char)*p);
    }
    key[k] = '\0';
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(key, aliases[i].name) == 0) return (int)aliases[i].enc;
    return -1;
}

/* ---- byte-order marks and validation ---- */

tg_encoding tg_enc_bom(const unsigned char *s, size_t n, size_t *bom_len) {
    assert(s != NULL || n == 0);
    assert(bom_len != NULL);
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        *bom_len = 3;
        return TG_ENC_UTF8;
    }
    if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
        *bom_len = 2;
        return TG_ENC_UTF16LE;
    }
    if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
        *bom_len = 2;
        return TG_ENC_UTF16BE;
    }
    *bom_len = 0;
    return TG_ENC_AUTO;
}

/* Length of the sequence a lead byte starts (0 for bytes that never lead:
** continuations, C0/C1 which could only start overlongs, F5..FF which would
** exceed U+10FFFF), and the allowed range of its second byte. The ranges
** encode the three strictness rules: E0 needs A0.. (else overlong), ED
** needs ..9F (else a surrogate), F0 needs 90.. and F4 ..8F. */
static int utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi) {
    *lo = 0x80;
    *hi = 0xBF;
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return 2;
    if (c < 0xF0) {
        if (c == 0xE0) *lo = 0xA0;
        if (c == 0xED) *hi = 0x9F;
        return 3;
    }
    if (c < 0xF5) {
        if (c == 0xF0) *lo = 0x90;
        if (c == 0xF4) *hi = 0x8F;
        return 4;
    }
    return 0;
}

size_t tg_enc_utf8_valid(const unsigned char *s, size_t n, int at_end) {
    size_t i = 0;

    assert(s != NULL || n == 0);
    while (i < n) {
        unsigned char lo, hi;
        int len;

        if (s[i] < 0x80) { /* the common case: a run of ASCII */
            i++;
            continue;
        }
        len = utf8_lead(s[i], &lo, &hi);
        if (len == 0) return i;
        for (int k = 1; k < len; k++) {
            if (i + (size_t)k >= n) return at_end ? i : n; /* cut off by the buffer */
            unsigned char c = s[i + (size_t)k];
            if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) return i;
        }
        i += (size_t)len;
    }
    return n;
}

/* ---- transcoding ---- */

size_t tg_enc_utf8_len(const char *s, size_t n) {
    size_t len = 0;
    for (size_t k = 0; k < n; k++) len += ((unsigned char)s[k] & 0xC0) != 0x80;
    return len;
}

size_t tg_enc_max_out(tg_encoding enc, size_t n) {
    size_t factor;

    switch (enc) {
    case TG_ENC_CP1252: factor = 3; break; /* 0x80 is U+20AC, three bytes */
    case TG_ENC_LATIN1: factor = 2; break;
    case TG_ENC_UTF16LE:
    case TG_ENC_UTF16BE:
        /* Each 2-byte unit gives at most 3 bytes (a BMP character or
        ** U+FFFD); a 4-byte surrogate pair gives 4. */
        n /= 2;
        factor = 3;
        break;
    default: return n;
    }
    return n > SIZE_MAX / factor ? SIZE_MAX : n * factor;
}

/* Windows-1252 0x80..0x9F, from the code page's definition; the five
** holes (81 8D 8F 90 9D) keep their Latin-1 (C1 control) code points. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80 */
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F, /* 88 */
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90 */
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, /* 98 */
};

size_t tg_enc_put_utf8(unsigned char *d, uint32_t cp) {
    if (cp < 0x80) {
        d[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (unsigned char)(0xC0 | (cp >> 6));
        d[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (unsigned char)(0xE0 | (cp >> 12));
        d[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        d[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (unsigned char)(0xF0 | (cp >> 18));
    d[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

static uint32_t unit16(const unsigned char *p, int big) {
    return big ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
}

static size_t utf16_to_utf8(const unsigned char *src, size_t n, int big, unsigned char *dst,
                            size_t *consumed) {
    size_t i = 0, o = 0;

    while (i + 2 <= n) {
        uint32_t u = unit16(src + i, big);
        if (u < 0xD800 || u > 0xDFFF) {
            o += tg_enc_put_utf8(dst + o, u);
            i += 2;
        } else if (u >= 0xDC00) { /* a low surrogate with no high one before it */
            o += tg_enc_put_utf8(dst + o, 0xFFFD);
            i += 2;
        } else if (i + 4 > n) {
            break; /* a high surrogate whose partner is in the next chunk */
        } else {
            uint32_t v = unit16(src + i + 2, big);
            if (v >= 0xDC00 && v <= 0xDFFF) {
                o += tg_enc_put_utf8(dst + o, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
                i += 4;
            } else { /* unpaired: replace it and read the next unit afresh */
                o += tg_enc_put_utf8(dst + o, 0xFFFD);
                i += 2;
            }
        }
    }
    *consumed = i;
    return o;
}

size_t tg_enc_to_utf8(tg_encoding enc, const unsigned char *src, size_t n, unsigned char *dst,
                      size_t *consumed) {
    size_t o = 0;

    assert(src != NULL || n == 0);
    assert(dst != NULL || n == 0);
    assert(consumed != NULL);
    assert(enc != TG_ENC_AUTO);
    switch (enc) {
    case TG_ENC_UTF16LE: return utf16_to_utf8(src, n, 0, dst, consumed);
    case TG_ENC_UTF16BE: return utf16_to_utf8(src, n, 1, dst, consumed);
    case TG_ENC_CP1252:
    case TG_ENC_LATIN1:
        for (size_t i = 0; i < n; i++) {
            unsigned char c = src[i];
            if (c < 0x80) dst[o++] = c;
            else if (enc == TG_ENC_CP1252 && c < 0xA0)
                o += tg_enc_put_utf8(dst + o, cp1252_high[c - 0x80]);
            else o += tg_enc_put_utf8(dst + o, c);
        }
        *consumed = n;
        return o;
    default:
        if (n) memcpy(dst, src, n);
        *consumed = n;
        return n;
    }
}
