/*
** tg_enc.h -- text encodings: BOM detection, UTF-8 validation, and
** transcoding of Windows-1252, Latin-1 and UTF-16 to UTF-8.
** Everything inside tegn is UTF-8; files in other encodings are
** transcoded as they are read. Pure functions; none allocates.
*/
#ifndef TG_ENC_H
#define TG_ENC_H

#include <stddef.h>
#include <stdint.h>

typedef enum tg_encoding {
    TG_ENC_AUTO = 0, /* detect (only as an option, never as a result) */
    TG_ENC_UTF8,
    TG_ENC_CP1252, /* Windows-1252: Danish Excel's "ANSI" */
    TG_ENC_LATIN1, /* ISO-8859-1 */
    TG_ENC_UTF16LE,
    TG_ENC_UTF16BE
} tg_encoding;

/* "utf-8", "windows-1252", "latin-1", "utf-16le", "utf-16be", "auto". */
const char *tg_enc_name(tg_encoding enc);
/* Accepts those names and common aliases ("utf8", "cp1252", "ansi",
** "iso-8859-1", "latin1", ...), case-insensitively; -1 when unknown. */
int tg_enc_parse(const char *name);

/* The encoding announced by a byte-order mark at the start of s (UTF-8,
** UTF-16LE or UTF-16BE), with the mark's length in *bom_len; TG_ENC_AUTO
** and *bom_len = 0 when there is none. */
tg_encoding tg_enc_bom(const unsigned char *s, size_t n, size_t *bom_len);

/* Length of the longest prefix of s that is valid UTF-8 (no overlongs, no
** surrogates, nothing above U+10FFFF). When 'at_end' is 0, a multi-byte
** sequence cut off by the end of the buffer counts as valid (more bytes
** follow). Returns n when all of s is valid. */
size_t tg_enc_utf8_valid(const unsigned char *s, size_t n, int at_end);

/* Code points in the UTF-8 text s[0..n): the bytes that do not continue a
** sequence (10xxxxxx), so an invalid byte counts as one. The one length of
** text in tegn: len() in expressions, the widths of printed tables, and
** character positions in messages (people count æ as one, not two bytes). */
size_t tg_enc_utf8_len(const char *s, size_t n);

/* Writes code point cp (at most U+10FFFF, no surrogate) as UTF-8 into d,
** which has room for 4 bytes; returns the bytes written (1 to 4). */
size_t tg_enc_put_utf8(unsigned char *d, uint32_t cp);

/* Worst-case UTF-8 bytes produced from n input bytes in 'enc'. */
size_t tg_enc_max_out(tg_encoding enc, size_t n);

/* Transcodes from 'enc' to UTF-8: reads up to n bytes of src, writes to
** dst (room for tg_enc_max_out(enc, n) bytes), returns bytes written and
** sets *consumed to the input bytes used. For UTF-16 an odd trailing byte
** or a lone high surrogate at the end stays unconsumed (more bytes follow);
** invalid UTF-16 becomes U+FFFD. For TG_ENC_UTF8 it copies. Windows-1252's
** five undefined bytes map to the same code points as Latin-1. */
size_t tg_enc_to_utf8(tg_encoding enc, const unsigned char *src, size_t n, unsigned char *dst,
                      size_t *consumed);

#endif /* TG_ENC_H */
