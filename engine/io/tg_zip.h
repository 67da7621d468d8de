/*
** tg_zip.h -- reading entries of a zip archive (an .xlsx workbook) as
** streams, with caps against zip bombs. The only user of libzip.
** An archive is opened from a descriptor the caller opened (it is
** duplicated, never reopened by name), and an entry is found by its name
** inside the archive: no name from the archive is ever used as a path on
** disk. Caps: the number of entries, each entry's uncompressed size, and
** its compression ratio, checked against the central directory before an
** entry is read and again against the bytes that really come out while
** it is inflated (a directory can lie).
*/
#ifndef TG_ZIP_H
#define TG_ZIP_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"

typedef struct tg_zip tg_zip;

typedef struct tg_zip_limits {
    size_t max_entries; /* entries in the archive */
    uint64_t max_bytes; /* uncompressed bytes of one entry */
    unsigned max_ratio; /* uncompressed / compressed, for entries over 1 MiB */
} tg_zip_limits;

/* The defaults: 10,000 entries, 4 GiB per entry, ratio 500 (sheet XML
** compresses 5-50:1, a run of zeros 1000:1). */
void tg_zip_limits_init(tg_zip_limits *lim);

/* Opens the archive on 'fd' (borrowed: duplicated, the caller still closes
** its own); 'path' only names it in messages; 'lim' may be NULL for the
** defaults. TG_OK, TG_EDATA (not a zip archive, or over a cap), TG_EIO,
** TG_ENOMEM. */
tg_status tg_zip_open(int fd, const char *path, const tg_zip_limits *lim, tg_zip **out,
                      tg_error *err);
void tg_zip_close(tg_zip *z);

/* 1 if the archive holds an entry named exactly 'name'. */
int tg_zip_has(tg_zip *z, const char *name);

/* The number of entries, and the name of entry i (0-based, < the count;
** borrowed: valid until tg_zip_close), for a caller that checks every
** entry of an archive it wrote itself. */
size_t tg_zip_count(tg_zip *z);
const char *tg_zip_name(tg_zip *z, size_t i);

/* Receives the inflated bytes of an entry in pieces; a status other than
** TG_OK stops the stream and is returned by tg_zip_stream as it is (the
** sink sets err itself, or stops early on purpose and says so to its
** caller through 'ud'). */
typedef tg_status (*tg_zip_sink)(void *ud, const char *buf, size_t n);

/* Inflates the entry 'name' and hands its bytes to 'sink'. 'intr' (may be
** NULL) is polled per MiB. TG_OK, TG_EDATA (no such entry, a corrupt
** entry, or a cap exceeded; err says which), TG_ENOMEM, or the sink's or
** the poll's status. */
tg_status tg_zip_stream(tg_zip *z, const char *name, tg_zip_sink sink, void *ud,
                        const tg_interrupt *intr, tg_error *err);

#endif /* TG_ZIP_H */
