/*
** tg_lines.h -- the byte and line layer under the CSV loader: a source
** (a file read with pread, or a transcoded copy in memory), a reader that
** hands out decoded lines of a byte range, a raw block reader, and the
** delimiter scan of the loader's fast path. Used only by the CSV loader
** (tg_csv, tg_csvparse).
*/
#ifndef TG_LINES_H
#define TG_LINES_H

#include <stddef.h>

#include "tegn.h"
#include "tg_enc.h"

/* Bytes read at a time; the fuzz build makes it small (CMakeLists.txt). */
#ifndef TG_LINES_BLOCK
#define TG_LINES_BLOCK (4u << 20)
#endif

/* A file to read: by pread from 'fd', or from 'mem' when it is set. */
typedef struct tg_src {
    int fd;
    const char *path; /* for error messages */
    size_t size;
    unsigned char *mem; /* whole transcoded file (UTF-16 input only) */
    tg_encoding enc;    /* encoding of the bytes read (UTF-8, CP1252 or Latin-1) */
} tg_src;

/* Reads up to n bytes at 'off' into buf; *got is short only at the end.
** TG_OK or TG_EIO (with err, which may be NULL, naming the file). */
tg_status tg_src_read(const tg_src *src, size_t off, unsigned char *buf, size_t n, size_t *got,
                      tg_error *err);

/* Number of '\n' bytes in s[0, n). */
size_t tg_lines_count(const unsigned char *s, size_t n);

/* Hands out the lines of a byte range, decoded to UTF-8, each with its
** '\n' (the last may lack one). A line longer than the buffer comes in
** pieces; then 'partial' is set. 'off' is the next raw byte to read;
** 'status' is TG_EIO after a read error (lines then simply end). */
typedef struct tg_lines {
    const tg_src *src;
    tg_encoding enc;
    size_t off, end;    /* raw bytes still to read */
    unsigned char *raw; /* read block for 8-bit encodings */
    unsigned char *buf; /* decoded bytes; [pos, len) not handed out yet */
    size_t pos, len, cap;
    int partial;
    tg_status status;
} tg_lines;

/* Prepares to read [start, end) of src. TG_OK or TG_ENOMEM; either way
** tg_lines_free must be called. */
tg_status tg_lines_init(tg_lines *lr, const tg_src *src, size_t start, size_t end);
/* The next line in *s (borrowed until the next call) and its length;
** 0 at the end. */
int tg_lines_next(tg_lines *lr, const unsigned char **s, size_t *n);
void tg_lines_free(tg_lines *lr);

/* Fixed raw blocks and their UTF-8 decoding, for passes that track raw
** offsets line by line (the header, locating lines of errors). */
typedef struct tg_block {
    unsigned char *raw, *utf8;
    size_t cap;
} tg_block;

tg_status tg_block_init(tg_block *r, tg_encoding enc);
void tg_block_free(tg_block *r);

/* Positions of the delimiters in s[0, n) go to cut[] (at most max);
** returns their count, or -1 when the line holds a quote or a CR (it needs
** libcsv) or more delimiters than fit. Reads up to 15 bytes past n: the
** line must sit in a buffer with 16 bytes of slack (tg_lines provides it). */
long tg_lines_scan(const unsigned char *s, size_t n, unsigned char delim, unsigned char quote,
                   size_t *cut, size_t max);

/* Splits one line (its '\n' and a final '\r' are dropped) as libcsv
** would, calling field(s, len, ud) per field and row(0, ud) at the end --
** the same callbacks libcsv takes -- when the line is quote-free or holds
** only well-formed quoted fields that close on this line; a blank line is
** skipped. With 'lenient', a quoted field with text after its closing
** quote is one field as it stands, quotes included. Doubled quotes are
** undone in place, so s must be writable and is not read again. Returns 0
** when it split the line, and -1, having called nothing, when the line
** needs libcsv (a quoted field that goes on past the line, a stray CR or
** quote, text after a closing quote when not lenient, more than 256
** fields). */
int tg_lines_split(unsigned char *s, size_t n, unsigned char delim, unsigned char quote,
                   int lenient, void (*field)(void *s, size_t n, void *ud),
                   void (*row)(int c, void *ud), void *ud);

/* The 0-based field of the line s[0, n) holding text after its closing
** quote ("abc"def), or -1 when none does before a quoted field runs past
** the line. The line starts a record, or with 'inside' it starts inside a
** quoted field opened on an earlier line (field 0 is that field's rest).
** libcsv would keep such a field open and swallow the records after it. */
long tg_lines_after_quote(const unsigned char *s, size_t n, unsigned char delim,
                          unsigned char quote, int inside);

#endif /* TG_LINES_H */
