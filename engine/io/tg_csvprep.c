/*
** tg_csvprep.c -- a file's kind from its first bytes, gzip decompression
** and the in-memory rewrite of unusual line breaks and escapes (see
** tg_csvprep.h). The only file including zlib.h.
*/
#include "tg_csvprep.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "tg_err.h"
#include "tg_mem.h"

/* ---- recognising formats ---- */

static int starts(const unsigned char *s, size_t n, const void *magic, size_t m) {
    return n >= m && memcmp(s, magic, m) == 0;
}

static int contains(const unsigned char *s, size_t n, const char *what) {
    size_t m = strlen(what);
    for (size_t i = 0; i + m <= n; i++)
        if (s[i] == (unsigned char)what[0] && memcmp(s + i, what, m) == 0) return 1;
    return 0;
}

/* A zip archive: its first entry's name says what kind (an .xlsx's first
** entry is "[Content_Types].xml" or a name under "xl/"). */
static const char *zip_kind(const unsigned char *s, size_t n) {
    if (contains(s, n, "xl/") || contains(s, n, "[Content_Types].xml"))
        return "an Excel workbook (.xlsx, a zip archive); read it with tegn.read_excel";
    if (contains(s, n, "opendocument.spreadsheet"))
        return "an OpenDocument spreadsheet (.ods); save it as CSV";
    return "a zip archive; unzip it and read the CSV inside";
}

int tg_csvprep_kind(const unsigned char *s, size_t n, const char **what) {
    static const unsigned char gz[] = { 0x1f, 0x8b },
                               ole[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 },
                               zst[] = { 0x28, 0xb5, 0x2f, 0xfd },
                               xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 },
                               sz[] = { '7', 'z', 0xbc, 0xaf, 0x27, 0x1c };
    assert(s != NULL || n == 0);
    *what = NULL;
    if (starts(s, n, gz, sizeof gz)) return TG_PREP_GZIP;
    if (starts(s, n, "PK\x03\x04", 4) || starts(s, n, "PK\x05\x06", 4)) *what = zip_kind(s, n);
    else if (starts(s, n, ole, sizeof ole))
        *what = "an old Excel workbook (.xls) or another Office file; read it with tegn.read_excel";
    else if (starts(s, n, zst, sizeof zst))
        *what = "a zstd-compressed file; decompress it first (unzstd)";
    else if (starts(s, n, "BZh", 3) && n >= 10 && s[3] >= '1' && s[3] <= '9' &&
             starts(s + 4, n - 4, "1AY&SY", 6))
        *what = "a bzip2-compressed file; decompress it first (bunzip2)";
    else if (starts(s, n, xz, sizeof xz))
        *what = "an xz-compressed file; decompress it first (unxz)";
    else if (starts(s, n, sz, sizeof sz)) *what = "a 7-Zip archive; extract the CSV first";
    else if (starts(s, n, "PAR1", 4))
        *what = "a Parquet file; tegn reads CSV (export it with e.g. DuckDB's COPY ... TO "
                "'x.csv')";
    else if (starts(s, n, "SQLite format 3", 16))
        *what = "a SQLite database; read it with tegn.read_sqlite";
    else if (starts(s, n, "%PDF-", 5)) *what = "a PDF document";
    if (*what && starts(s, n, ole, sizeof ole)) return TG_PREP_XLS;
    if (*what && starts(s, n, "PK", 2) && strstr(*what, "(.xlsx")) return TG_PREP_XLSX;
    return *what ? TG_PREP_REFUSE : TG_PREP_TEXT;
}

/* ---- gzip ---- */

enum { GZ_IN = 1 << 16 };

static void *zalloc(void *ud, unsigned items, unsigned size) {
    (void)ud;
    return tg_malloc((size_t)items * size);
}

static void zfree(void *ud, void *p) {
    (void)ud;
    tg_free(p);
}

static tg_status grow(unsigned char **buf, size_t *cap, size_t need) {
    if (need <= *cap) return TG_OK;
    size_t cap2 = *cap ? *cap : 1u << 20;
    while (cap2 < need) cap2 *= 2;
    unsigned char *p = tg_realloc(*buf, cap2);
    if (!p) return TG_ENOMEM;
    *buf = p;
    *cap = cap2;
    return TG_OK;
}

tg_status tg_csvprep_gunzip(int fd, const char *path, unsigned char **out, size_t *n,
                            tg_status (*interrupt)(void *ud), void *ud, tg_error *err) {
    z_stream z;
    unsigned char *in = tg_malloc(GZ_IN), *buf = NULL;
    size_t cap = 0, len = 0, polled = 0;
    off_t off = 0;
    int zr = Z_OK, eof = 0;
    tg_status st = TG_OK;

    *out = NULL;
    *n = 0;
    memset(&z, 0, sizeof z);
    z.zalloc = zalloc;
    z.zfree = zfree;
    if (!in || inflateInit2(&z, 15 + 32) != Z_OK) { /* 32: gzip header */
        tg_free(in);
        return tg_err_nomem(err);
    }
    while (st == TG_OK) {
        if (z.avail_in == 0 && !eof) {
            ssize_t r = pread(fd, in, GZ_IN, off);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) {
                st = tg_err_set(err, TG_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
                break;
            }
            off += r;
            eof = r == 0;
            z.next_in = in;
            z.avail_in = (unsigned)r;
        }
        if (z.avail_in == 0 && eof) {
            if (zr != Z_STREAM_END)
                st = tg_err_set(err, TG_EDATA, path, 0, 0,
                                "the gzip stream is cut off (the file ends inside it)");
            break;
        }
        if (zr == Z_STREAM_END) {
            /* another member follows (cat a.gz b.gz), as gunzip reads it */
            if (inflateReset(&z) != Z_OK) st = tg_err_nomem(err);
            zr = Z_OK;
            continue;
        }
        if (grow(&buf, &cap, len + (1u << 16) + 1) != TG_OK) {
            st = tg_err_nomem(err);
            break;
        }
        z.next_out = buf + len;
        z.avail_out = (unsigned)(cap - len - 1 > (1u << 30) ? (1u << 30) : cap - len - 1);
        unsigned before = z.avail_out;
        zr = inflate(&z, Z_NO_FLUSH);
        len += before - z.avail_out;
        if (zr == Z_MEM_ERROR) st = tg_err_nomem(err);
        else if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
            st = tg_err_set(err, TG_EDATA, path, 0, 0, "not a valid gzip file: %s",
                            z.msg ? z.msg : "corrupt data");
        if (st == TG_OK && interrupt && len - polled >= (1u << 20)) {
            polled = len;
            tg_status s2 = interrupt(ud);
            if (s2 != TG_OK)
                st = tg_err_set(err, s2, path, 0, 0, "loading stopped: %s",
                                s2 == TG_ELIMIT ? "time limit reached" : "cancelled");
        }
    }
    inflateEnd(&z);
    tg_free(in);
    if (st != TG_OK) {
        tg_free(buf);
        return st;
    }
    if (!buf && grow(&buf, &cap, 1) != TG_OK) return tg_err_nomem(err);
    *out = buf;
    *n = len;
    return TG_OK;
}

/* ---- rewriting ---- */

size_t tg_csvprep_rewrite(unsigned char *s, size_t n, unsigned char delim, unsigned char quote,
                          int cr, unsigned char escape, size_t *crs) {
    size_t w = 0, n_cr = 0;
    int inq = 0, start = 1; /* inside a quoted field; at a field's start */
    assert(s != NULL || n == 0);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (inq) {
            if (escape && c == escape && i + 1 < n && (s[i + 1] == quote || s[i + 1] == escape)) {
                unsigned char next = s[++i];
                s[w++] = next == quote ? quote : escape;
                if (next == quote) s[w++] = quote;
                continue;
            }
            if (c == quote) {
                if (i + 1 < n && s[i + 1] == quote) s[w++] = s[i++];
                else inq = 0;
            }
            s[w++] = c;
            continue;
        }
        if (c == '\r' && cr && !(i + 1 < n && s[i + 1] == '\n')) {
            c = '\n';
            n_cr++;
        }
        if (c == quote && start) inq = 1;
        else if (c == delim || c == '\n' || c == '\r') start = 1;
        else if (c != ' ' && c != '\t') start = 0;
        if (c == quote && inq) start = 0;
        s[w++] = c;
    }
    if (crs) *crs = n_cr;
    return w;
}

/* ---- a sample of the first records ---- */

int tg_csvprep_head(int fd, size_t rows) {
    unsigned char buf[65536];
    size_t lines = 0;
    int in_quotes = 0, first = 1, out = -1;
    FILE *tmp = NULL;
    ssize_t got;

    if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0) return -1;
    while ((got = read(fd, buf, sizeof buf)) > 0) {
        size_t n = (size_t)got, keep = n;
        if (first &&
            (n >= 2 && ((buf[0] == 0x1f && buf[1] == 0x8b) || (buf[0] == 0xff && buf[1] == 0xfe) ||
                        (buf[0] == 0xfe && buf[1] == 0xff))))
            break; /* gzip, UTF-16: read whole */
        first = 0;
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == '"') in_quotes = !in_quotes;
            else if (buf[i] == '\n' && !in_quotes && ++lines > rows) {
                keep = i + 1;
                break;
            }
        }
        if (!tmp && !(tmp = tmpfile())) break;
        if (fwrite(buf, 1, keep, tmp) != keep) break;
        if (lines > rows) {
            if (fflush(tmp) == 0 && (out = dup(fileno(tmp))) >= 0 && lseek(out, 0, SEEK_SET) != 0) {
                close(out);
                out = -1;
            }
            break;
        }
    }
    if (tmp) fclose(tmp);
    lseek(fd, 0, SEEK_SET);
    return out;
}
