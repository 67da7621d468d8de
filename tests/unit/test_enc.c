/*
** test_enc.c -- BOMs, strict UTF-8 validation and transcoding to UTF-8.
** Expected bytes come from outside the code under test: the Windows-1252
** table and the UTF-16 samples were produced with glibc iconv (commands
** noted at each table), and the validator is compared exhaustively with a
** naive decoder written from the Unicode definition of well-formed UTF-8.
*/
#include "tg_test.h"

#include <string.h>

#include "tg_enc.h"

static void test_enc_names(void **state) {
    (void)state;
    assert_string_equal(tg_enc_name(TG_ENC_UTF8), "utf-8");
    assert_string_equal(tg_enc_name(TG_ENC_CP1252), "windows-1252");
    assert_string_equal(tg_enc_name(TG_ENC_LATIN1), "latin-1");
    assert_string_equal(tg_enc_name(TG_ENC_UTF16LE), "utf-16le");
    assert_string_equal(tg_enc_name(TG_ENC_UTF16BE), "utf-16be");
    assert_string_equal(tg_enc_name(TG_ENC_AUTO), "auto");
    for (int e = TG_ENC_AUTO; e <= TG_ENC_UTF16BE; e++)
        assert_int_equal(tg_enc_parse(tg_enc_name((tg_encoding)e)), e);
    assert_int_equal(tg_enc_parse("UTF8"), TG_ENC_UTF8);
    assert_int_equal(tg_enc_parse("Utf_8"), TG_ENC_UTF8);
    assert_int_equal(tg_enc_parse("cp1252"), TG_ENC_CP1252);
    assert_int_equal(tg_enc_parse("ANSI"), TG_ENC_CP1252);
    assert_int_equal(tg_enc_parse("Windows-1252"), TG_ENC_CP1252);
    assert_int_equal(tg_enc_parse("ISO-8859-1"), TG_ENC_LATIN1);
    assert_int_equal(tg_enc_parse("latin1"), TG_ENC_LATIN1);
    assert_int_equal(tg_enc_parse("UTF-16LE"), TG_ENC_UTF16LE);
    assert_int_equal(tg_enc_parse("utf16be"), TG_ENC_UTF16BE);
    assert_int_equal(tg_enc_parse("ebcdic"), -1);
    assert_int_equal(tg_enc_parse(""), -1);
    assert_int_equal(tg_enc_parse("utf-8-but-a-very-long-name-that-fits-nothing"), -1);
}

static void test_enc_bom(void **state) {
    size_t len = 99;
    (void)state;
    assert_int_equal(tg_enc_bom((const unsigned char *)"\xEF\xBB\xBFnavn", 7, &len), TG_ENC_UTF8);
    assert_int_equal(len, 3);
    assert_int_equal(tg_enc_bom((const unsigned char *)"\xFF\xFEn\0", 4, &len), TG_ENC_UTF16LE);
    assert_int_equal(len, 2);
    assert_int_equal(tg_enc_bom((const unsigned char *)"\xFE\xFF\0n", 4, &len), TG_ENC_UTF16BE);
    assert_int_equal(len, 2);
    /* A mark cut short by the buffer, or plain text, is no mark. */
    assert_int_equal(tg_enc_bom((const unsigned char *)"\xEF\xBB", 2, &len), TG_ENC_AUTO);
    assert_int_equal(len, 0);
    assert_int_equal(tg_enc_bom((const unsigned char *)"\xFF", 1, &len), TG_ENC_AUTO);
    assert_int_equal(len, 0);
    assert_int_equal(tg_enc_bom((const unsigned char *)"navn", 4, &len), TG_ENC_AUTO);
    assert_int_equal(len, 0);
    assert_int_equal(tg_enc_bom(NULL, 0, &len), TG_ENC_AUTO);
    assert_int_equal(len, 0);
}

/* ---- validation ---- */

static size_t valid_str(const char *s, int at_end) {
    return tg_enc_utf8_valid((const unsigned char *)s, strlen(s), at_end);
}

static void test_enc_utf8_len(void **state) {
    (void)state;
    assert_int_equal(tg_enc_utf8_len("", 0), 0);
    assert_int_equal(tg_enc_utf8_len("abc", 3), 3);
    assert_int_equal(tg_enc_utf8_len("Rønnegård", strlen("Rønnegård")), 9);
    assert_int_equal(tg_enc_utf8_len("\xe2\x80\xa6", 3), 1); /* … */
    assert_int_equal(tg_enc_utf8_len("\xff\xfe", 2), 2);     /* invalid bytes count one each */
    assert_int_equal(tg_enc_utf8_len("æx", 1), 1);           /* a cut sequence still counts */
}

static void test_enc_utf8_valid_cases(void **state) {
    (void)state;
    assert_int_equal(valid_str("Tårnby", 1), 7);
    assert_int_equal(valid_str("\xE2\x82\xAC 3.297,46", 1), 12);   /* € */
    assert_int_equal(valid_str("\xF0\x9D\x84\x9E", 1), 4);         /* U+1D11E */
    assert_int_equal(valid_str("\xF4\x8F\xBF\xBF", 1), 4);         /* U+10FFFF */
    assert_int_equal(valid_str("\xED\x9F\xBF\xEE\x80\x80", 1), 6); /* U+D7FF U+E000 */
    /* Overlongs: "/" in two, three and four bytes, and the smallest ones. */
    assert_int_equal(valid_str("a\xC0\xAF", 1), 1);
    assert_int_equal(valid_str("a\xC1\xBF", 1), 1);
    assert_int_equal(valid_str("ab\xE0\x80\xAF", 1), 2);
    assert_int_equal(valid_str("\xE0\x9F\xBF", 1), 0);
    assert_int_equal(valid_str("\xF0\x80\x80\xAF", 1), 0);
    assert_int_equal(valid_str("\xF0\x8F\xBF\xBF", 1), 0);
    /* Surrogates U+D800 and U+DFFF. */
    assert_int_equal(valid_str("x\xED\xA0\x80", 1), 1);
    assert_int_equal(valid_str("x\xED\xBF\xBF", 1), 1);
    /* Above U+10FFFF. */
    assert_int_equal(valid_str("\xF4\x90\x80\x80", 1), 0);
    assert_int_equal(valid_str("\xF5\x80\x80\x80", 1), 0);
    assert_int_equal(valid_str("\xFF", 1), 0);
    /* A stray continuation byte, and cp1252 "æ" followed by ASCII. */
    assert_int_equal(valid_str("ok\x80", 1), 2);
    assert_int_equal(valid_str("K\xF8"
                               "ge",
                               1),
                     1);
    assert_int_equal(valid_str("H\xF8je-Taastrup", 0), 1);
}

static void test_enc_utf8_valid_partial(void **state) {
    (void)state;
    /* "Tårnby" cut inside "å" (C3 A5): valid so far when more follows. */
    assert_int_equal(valid_str("T\xC3", 0), 2);
    assert_int_equal(valid_str("T\xC3", 1), 1);
    /* € (E2 82 AC) cut after one and after two bytes. */
    assert_int_equal(valid_str("1 \xE2", 0), 3);
    assert_int_equal(valid_str("1 \xE2\x82", 0), 4);
    assert_int_equal(valid_str("1 \xE2\x82", 1), 2);
    /* U+1D11E cut after three bytes. */
    assert_int_equal(valid_str("\xF0\x9D\x84", 0), 3);
    assert_int_equal(valid_str("\xF0\x9D\x84", 1), 0);
    /* A cut-off start that can never complete is invalid even mid-stream:
    ** E0 80 is overlong, ED A0 a surrogate, F4 90 too large, C0 overlong. */
    assert_int_equal(valid_str("a\xE0\x80", 0), 1);
    assert_int_equal(valid_str("a\xED\xA0", 0), 1);
    assert_int_equal(valid_str("a\xF4\x90", 0), 1);
    assert_int_equal(valid_str("a\xC0", 0), 1);
    /* Not at the end: the sequence is broken, not cut off. */
    assert_int_equal(valid_str("\xC3"
                               "a",
                               0),
                     0);
    assert_int_equal(tg_enc_utf8_valid(NULL, 0, 1), 0);
}

/* Naive reference: decode by the arithmetic definition, then reject what
** the definition excludes. Returns the sequence length, 0 when invalid,
** -1 when s[0..n) is a valid but incomplete start. */
static int ref_seq(const unsigned char *s, size_t n) {
    static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    int len;
    uint32_t cp;

    if (s[0] <= 0x7F) return 1;
    if ((s[0] & 0xE0) == 0xC0) len = 2, cp = s[0] & 0x1Fu;
    else if ((s[0] & 0xF0) == 0xE0) len = 3, cp = s[0] & 0x0Fu;
    else if ((s[0] & 0xF8) == 0xF0) len = 4, cp = s[0] & 0x07u;
    else return 0;
    for (int k = 1; k < len; k++) {
        if ((size_t)k >= n) {
            /* Incomplete: valid iff some completion with 80 bytes is valid,
            ** i.e. the smallest and largest completions bracket a valid one.
            ** Checking both ends plus the surrogate gap suffices. */
            uint32_t lo = cp, hi = cp;
            for (int j = k; j < len; j++) lo = lo << 6, hi = hi << 6 | 0x3F;
            if (hi < min_cp[len] || lo > 0x10FFFF) return 0;
            if (lo >= 0xD800 && hi <= 0xDFFF) return 0;
            return -1;
        }
        if ((s[k] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[k] & 0x3Fu);
    }
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

/* The reference validator: ref_seq over the buffer, sequence by sequence. */
static size_t ref_valid(const unsigned char *s, size_t n, int at_end) {
    size_t i = 0;
    while (i < n) {
        int r = ref_seq(s + i, n - i);
        if (r > 0) i += (size_t)r;
        else if (r < 0) return at_end ? i : n;
        else return i;
    }
    return n;
}

static void check_against_ref(const unsigned char *s, size_t n) {
    for (int at_end = 0; at_end <= 1; at_end++) {
        size_t got = tg_enc_utf8_valid(s, n, at_end), want = ref_valid(s, n, at_end);
        if (got != want)
            fail_msg("%02X %02X %02X %02X (n=%zu, at_end=%d): got %zu, want %zu", s[0],
                     n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, n, at_end, got, want);
    }
}

static void test_enc_utf8_valid_exhaustive(void **state) {
    unsigned char s[4];
    static const unsigned char last[] = { 0x00, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF };
    (void)state;
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        check_against_ref(s, 1);
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            check_against_ref(s, 2);
            for (unsigned c = 0; c < 256; c++) {
                s[2] = (unsigned char)c;
                if (a >= 0xE0 && a < 0xF0) check_against_ref(s, 3);
                if (a < 0xF0 || a > 0xF7) continue;
                check_against_ref(s, 3);
                for (size_t d = 0; d < sizeof last; d++) {
                    s[3] = last[d];
                    check_against_ref(s, 4);
                }
            }
        }
    }
}

/* ---- single-byte code pages ---- */

/* 0x80..0xFF of Windows-1252 as UTF-8, pasted from
**   for i in 128..255: printf "\x$i" | iconv -f CP1252 -t UTF-8 | xxd -p
** (glibc 2.36). iconv rejects the five undefined bytes 81 8D 8F 90 9D; for
** those tg_enc.h promises the Latin-1 code point, written here by hand. The
** same loop confirmed 0x00..0x7F map to themselves. */
static const char *const cp1252_utf8[128] = {
    "\xe2\x82\xac", "\xc2\x81",     "\xe2\x80\x9a", "\xc6\x92",     "\xe2\x80\x9e", "\xe2\x80\xa6",
    "\xe2\x80\xa0", "\xe2\x80\xa1", "\xcb\x86",     "\xe2\x80\xb0", "\xc5\xa0",     "\xe2\x80\xb9",
    "\xc5\x92",     "\xc2\x8d",     "\xc5\xbd",     "\xc2\x8f",     "\xc2\x90",     "\xe2\x80\x98",
    "\xe2\x80\x99", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\xa2", "\xe2\x80\x93", "\xe2\x80\x94",
    "\xcb\x9c",     "\xe2\x84\xa2", "\xc5\xa1",     "\xe2\x80\xba", "\xc5\x93",     "\xc2\x9d",
    "\xc5\xbe",     "\xc5\xb8",     "\xc2\xa0",     "\xc2\xa1",     "\xc2\xa2",     "\xc2\xa3",
    "\xc2\xa4",     "\xc2\xa5",     "\xc2\xa6",     "\xc2\xa7",     "\xc2\xa8",     "\xc2\xa9",
    "\xc2\xaa",     "\xc2\xab",     "\xc2\xac",     "\xc2\xad",     "\xc2\xae",     "\xc2\xaf",
    "\xc2\xb0",     "\xc2\xb1",     "\xc2\xb2",     "\xc2\xb3",     "\xc2\xb4",     "\xc2\xb5",
    "\xc2\xb6",     "\xc2\xb7",     "\xc2\xb8",     "\xc2\xb9",     "\xc2\xba",     "\xc2\xbb",
    "\xc2\xbc",     "\xc2\xbd",     "\xc2\xbe",     "\xc2\xbf",     "\xc3\x80",     "\xc3\x81",
    "\xc3\x82",     "\xc3\x83",     "\xc3\x84",     "\xc3\x85",     "\xc3\x86",     "\xc3\x87",
    "\xc3\x88",     "\xc3\x89",     "\xc3\x8a",     "\xc3\x8b",     "\xc3\x8c",     "\xc3\x8d",
    "\xc3\x8e",     "\xc3\x8f",     "\xc3\x90",     "\xc3\x91",     "\xc3\x92",     "\xc3\x93",
    "\xc3\x94",     "\xc3\x95",     "\xc3\x96",     "\xc3\x97",     "\xc3\x98",     "\xc3\x99",
    "\xc3\x9a",     "\xc3\x9b",     "\xc3\x9c",     "\xc3\x9d",     "\xc3\x9e",     "\xc3\x9f",
    "\xc3\xa0",     "\xc3\xa1",     "\xc3\xa2",     "\xc3\xa3",     "\xc3\xa4",     "\xc3\xa5",
    "\xc3\xa6",     "\xc3\xa7",     "\xc3\xa8",     "\xc3\xa9",     "\xc3\xaa",     "\xc3\xab",
    "\xc3\xac",     "\xc3\xad",     "\xc3\xae",     "\xc3\xaf",     "\xc3\xb0",     "\xc3\xb1",
    "\xc3\xb2",     "\xc3\xb3",     "\xc3\xb4",     "\xc3\xb5",     "\xc3\xb6",     "\xc3\xb7",
    "\xc3\xb8",     "\xc3\xb9",     "\xc3\xba",     "\xc3\xbb",     "\xc3\xbc",     "\xc3\xbd",
    "\xc3\xbe",     "\xc3\xbf",
};

static void test_enc_cp1252_all_bytes(void **state) {
    unsigned char src[256], all[256 * 3], one[3];
    size_t consumed, n_all = 0, out;
    (void)state;

    for (int b = 0; b < 256; b++) {
        const char *want = b < 0x80 ? NULL : cp1252_utf8[b - 0x80];
        src[b] = (unsigned char)b;
        out = tg_enc_to_utf8(TG_ENC_CP1252, src + b, 1, one, &consumed);
        assert_int_equal(consumed, 1);
        assert_true(out <= tg_enc_max_out(TG_ENC_CP1252, 1));
        if (want) {
            assert_int_equal(out, strlen(want));
            assert_memory_equal(one, want, out);
            memcpy(all + n_all, want, out);
        } else {
            assert_int_equal(out, 1);
            assert_int_equal(one[0], b);
            all[n_all] = (unsigned char)b;
        }
        n_all += out;
        /* Every output is well-formed UTF-8. */
        assert_int_equal(tg_enc_utf8_valid(one, out, 1), out);
    }
    /* The whole code page in one call gives the concatenation. */
    unsigned char got[256 * 3];
    assert_true(tg_enc_max_out(TG_ENC_CP1252, 256) >= n_all);
    out = tg_enc_to_utf8(TG_ENC_CP1252, src, 256, got, &consumed);
    assert_int_equal(consumed, 256);
    assert_int_equal(out, n_all);
    assert_memory_equal(got, all, n_all);
}

static void test_enc_cp1252_danish(void **state) {
    /* "æøå ÆØÅ" in Windows-1252 is E6 F8 E5 20 C6 D8 C5. */
    const unsigned char src[] = { 0xE6, 0xF8, 0xE5, 0x20, 0xC6, 0xD8, 0xC5 };
    const char *want = "æøå ÆØÅ";
    unsigned char dst[32];
    size_t consumed;
    (void)state;
    size_t out = tg_enc_to_utf8(TG_ENC_CP1252, src, sizeof src, dst, &consumed);
    assert_int_equal(consumed, sizeof src);
    assert_int_equal(out, strlen(want));
    assert_memory_equal(dst, want, out);
    out = tg_enc_to_utf8(TG_ENC_LATIN1, src, sizeof src, dst, &consumed);
    assert_int_equal(out, strlen(want));
    assert_memory_equal(dst, want, out);
}

/* Latin-1 is U+0000..U+00FF byte for byte: checked against the two-byte
** UTF-8 formula (C2/C3 lead) rather than the table above. */
static void test_enc_latin1_all_bytes(void **state) {
    unsigned char one[2], src;
    size_t consumed;
    (void)state;
    for (int b = 0; b < 256; b++) {
        src = (unsigned char)b;
        size_t out = tg_enc_to_utf8(TG_ENC_LATIN1, &src, 1, one, &consumed);
        assert_int_equal(consumed, 1);
        if (b < 0x80) {
            assert_int_equal(out, 1);
            assert_int_equal(one[0], b);
        } else {
            assert_int_equal(out, 2);
            assert_int_equal(one[0], b < 0xC0 ? 0xC2 : 0xC3);
            assert_int_equal(one[1], b < 0xC0 ? b : b - 0x40);
        }
    }
    assert_int_equal(tg_enc_max_out(TG_ENC_LATIN1, 10), 20);
}

/* ---- UTF-16 ---- */

/* printf 'Høje-Taastrup\t3.297,46 €\n' | iconv -f UTF-8 -t UTF-16LE | xxd -i */
static const unsigned char hoeje_le[] = {
    0x48, 0x00, 0xf8, 0x00, 0x6a, 0x00, 0x65, 0x00, 0x2d, 0x00, 0x54, 0x00, 0x61,
    0x00, 0x61, 0x00, 0x73, 0x00, 0x74, 0x00, 0x72, 0x00, 0x75, 0x00, 0x70, 0x00,
    0x09, 0x00, 0x33, 0x00, 0x2e, 0x00, 0x32, 0x00, 0x39, 0x00, 0x37, 0x00, 0x2c,
    0x00, 0x34, 0x00, 0x36, 0x00, 0x20, 0x00, 0xac, 0x20, 0x0a, 0x00,
};
/* printf 'Tårnby 𝄞😀' | iconv -f UTF-8 -t UTF-16BE | xxd -i: two surrogate pairs */
static const unsigned char taarnby_be[] = {
    0x00, 0x54, 0x00, 0xe5, 0x00, 0x72, 0x00, 0x6e, 0x00, 0x62, 0x00,
    0x79, 0x00, 0x20, 0xd8, 0x34, 0xdd, 0x1e, 0xd8, 0x3d, 0xde, 0x00,
};
static const char taarnby_utf8[] = "T\xc3\xa5rnby \xf0\x9d\x84\x9e\xf0\x9f\x98\x80";

static void test_enc_utf16_le_be(void **state) {
    unsigned char dst[128];
    size_t consumed, out;
    const char *want = "Høje-Taastrup\t3.297,46 €\n";
    (void)state;

    assert_true(tg_enc_max_out(TG_ENC_UTF16LE, sizeof hoeje_le) <= sizeof dst);
    out = tg_enc_to_utf8(TG_ENC_UTF16LE, hoeje_le, sizeof hoeje_le, dst, &consumed);
    assert_int_equal(consumed, sizeof hoeje_le);
    assert_int_equal(out, strlen(want));
    assert_memory_equal(dst, want, out);

    out = tg_enc_to_utf8(TG_ENC_UTF16BE, taarnby_be, sizeof taarnby_be, dst, &consumed);
    assert_int_equal(consumed, sizeof taarnby_be);
    assert_int_equal(out, strlen(taarnby_utf8));
    assert_memory_equal(dst, taarnby_utf8, out);
    assert_true(out <= tg_enc_max_out(TG_ENC_UTF16BE, sizeof taarnby_be));
}

static void test_enc_utf16_partial(void **state) {
    unsigned char dst[64];
    size_t consumed, out;
    (void)state;

    /* An odd trailing byte stays for the next call. */
    out = tg_enc_to_utf8(TG_ENC_UTF16LE, hoeje_le, 3, dst, &consumed);
    assert_int_equal(consumed, 2);
    assert_int_equal(out, 1);
    assert_int_equal(dst[0], 'H');
    /* A high surrogate at the end (with and without one byte of its partner). */
    out = tg_enc_to_utf8(TG_ENC_UTF16BE, taarnby_be, 16, dst, &consumed);
    assert_int_equal(consumed, 14);
    assert_int_equal(out, 8); /* "Tårnby " */
    out = tg_enc_to_utf8(TG_ENC_UTF16BE, taarnby_be, 17, dst, &consumed);
    assert_int_equal(consumed, 14);
    out = tg_enc_to_utf8(TG_ENC_UTF16BE, taarnby_be, 1, dst, &consumed);
    assert_int_equal(consumed, 0);
    assert_int_equal(out, 0);

    /* Feeding the text in chunks of every size, carrying the unconsumed
    ** tail over, gives the same bytes as one call. */
    for (size_t chunk = 1; chunk <= sizeof taarnby_be; chunk++) {
        unsigned char buf[64];
        size_t have = 0, pos = 0, o = 0;
        while (pos < sizeof taarnby_be || have > 0) {
            size_t take = sizeof taarnby_be - pos < chunk ? sizeof taarnby_be - pos : chunk;
            memcpy(buf + have, taarnby_be + pos, take);
            pos += take;
            have += take;
            o += tg_enc_to_utf8(TG_ENC_UTF16BE, buf, have, dst + o, &consumed);
            memmove(buf, buf + consumed, have - consumed);
            have -= consumed;
            if (pos == sizeof taarnby_be && consumed == 0) break;
        }
        assert_int_equal(have, 0);
        assert_int_equal(o, strlen(taarnby_utf8));
        assert_memory_equal(dst, taarnby_utf8, o);
    }
}

static void test_enc_utf16_invalid(void **state) {
    unsigned char dst[64];
    size_t consumed, out;
    (void)state;
    /* A lone low surrogate, then a high surrogate followed by 'A' (not its
    ** partner): each bad unit becomes U+FFFD (EF BF BD), 'A' survives. */
    const unsigned char le[] = { 0x00, 0xDC, 0x34, 0xD8, 0x41, 0x00, 0x42, 0x00 };
    const char *want = "\xEF\xBF\xBD\xEF\xBF\xBD"
                       "AB";
    out = tg_enc_to_utf8(TG_ENC_UTF16LE, le, sizeof le, dst, &consumed);
    assert_int_equal(consumed, sizeof le);
    assert_int_equal(out, strlen(want));
    assert_memory_equal(dst, want, out);
    assert_true(out <= tg_enc_max_out(TG_ENC_UTF16LE, sizeof le));
    /* The worst case of the bound: every unit a lone surrogate. */
    const unsigned char bad[] = { 0xDC, 0x00, 0xDC, 0x00, 0xDC, 0x00 };
    out = tg_enc_to_utf8(TG_ENC_UTF16BE, bad, sizeof bad, dst, &consumed);
    assert_int_equal(out, 9);
    assert_int_equal(tg_enc_max_out(TG_ENC_UTF16BE, sizeof bad), 9);
    assert_int_equal(tg_enc_max_out(TG_ENC_UTF16BE, 7), 9);
}

static void test_enc_utf8_copy(void **state) {
    unsigned char dst[16];
    size_t consumed;
    (void)state;
    size_t out = tg_enc_to_utf8(TG_ENC_UTF8, (const unsigned char *)"Tårnby", 7, dst, &consumed);
    assert_int_equal(out, 7);
    assert_int_equal(consumed, 7);
    assert_memory_equal(dst, "Tårnby", 7);
    assert_int_equal(tg_enc_max_out(TG_ENC_UTF8, 7), 7);
    assert_int_equal(tg_enc_max_out(TG_ENC_CP1252, (size_t)-1), (size_t)-1); /* saturates */
    out = tg_enc_to_utf8(TG_ENC_CP1252, NULL, 0, NULL, &consumed);
    assert_int_equal(out, 0);
    assert_int_equal(consumed, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enc_names),
        cmocka_unit_test(test_enc_bom),
        cmocka_unit_test(test_enc_utf8_len),
        cmocka_unit_test(test_enc_utf8_valid_cases),
        cmocka_unit_test(test_enc_utf8_valid_partial),
        cmocka_unit_test(test_enc_utf8_valid_exhaustive),
        cmocka_unit_test(test_enc_cp1252_all_bytes),
        cmocka_unit_test(test_enc_cp1252_danish),
        cmocka_unit_test(test_enc_latin1_all_bytes),
        cmocka_unit_test(test_enc_utf16_le_be),
        cmocka_unit_test(test_enc_utf16_partial),
        cmocka_unit_test(test_enc_utf16_invalid),
        cmocka_unit_test(test_enc_utf8_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
