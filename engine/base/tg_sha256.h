/*
** tg_sha256.h -- SHA-256 (FIPS 180-4) of buffers and files, for the
** checksums of inputs recorded in a run's metadata. Written from the
** standard, with no crypto library; nothing here allocates.
*/
#ifndef TG_SHA256_H
#define TG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"

/* Streaming state; treat the fields as private. */
typedef struct tg_sha256 {
    uint32_t h[8];
    uint64_t n_bytes;      /* message length so far */
    unsigned char buf[64]; /* a partial block */
    size_t n_buf;
} tg_sha256;

/* Whether to use the CPU's SHA instructions when it has them (the default,
** about 8x faster); 0 forces the portable code. Process-wide; for tests
** and benchmarks, which compare the two. */
void tg_sha256_use_hw(int on);

/* Starts a new hash. */
void tg_sha256_init(tg_sha256 *s);
/* Adds the n bytes at p (p may be NULL when n is 0). */
void tg_sha256_update(tg_sha256 *s, const void *p, size_t n);
/* Pads, writes the 32-byte digest and leaves 's' to be initialised again. */
void tg_sha256_final(tg_sha256 *s, unsigned char digest[32]);

/* HMAC-SHA-256 (RFC 2104) of the n bytes at msg under the klen-byte key:
** the keyed hash behind tegn's pseudonyms, which unlike a plain SHA-256
** of a CPR number cannot be reversed by hashing every possible number
** without the key. */
void tg_sha256_hmac(const void *key, size_t klen, const void *msg, size_t n,
                    unsigned char digest[32]);

/* The digest of the n bytes at p as 64 lowercase hex digits and a NUL
** (the form sha256sum prints). */
void tg_sha256_hex(const void *p, size_t n, char hex[65]);

/* The digest of the file at 'path', read in pieces, as lowercase hex.
** TG_OK, or TG_EIO (cannot open or read, or not a regular file: a FIFO
** or a device is refused before it can block or never end; err names the
** file) with hex set to "". */
tg_status tg_sha256_file(const char *path, char hex[65], tg_error *err);

/* tg_sha256_file asking 'intr' (may be NULL) every MiB; stops with its
** status when it is not TG_OK. */
tg_status tg_sha256_file_poll(const char *path, const tg_interrupt *intr, char hex[65],
                              tg_error *err);

/* The digest of the open file 'fd', read with pread from its first byte
** to its end (the file offset is neither used nor moved, so another
** thread may read the same descriptor), as tg_sha256_file_poll does;
** 'path' (may be NULL) names the file in errors. */
tg_status tg_sha256_fd_poll(int fd, const char *path, const tg_interrupt *intr, char hex[65],
                            tg_error *err);

#endif /* TG_SHA256_H */
