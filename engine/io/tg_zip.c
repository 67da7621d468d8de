/*
** tg_zip.c -- zip entries as capped streams (see tg_zip.h). The only file
** including zip.h. libzip allocates its own small buffers with malloc; the
** bytes it inflates pass through one tg_malloc'ed block at a time, so
** what the archive holds never sits in memory whole.
*/
#include "tg_zip.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "tg_err.h"
#include "tg_mem.h"

enum { PIECE = 1 << 16, RATIO_FROM = 1 << 20 };

struct tg_zip {
    zip_t *za;
    const char *path; /* borrowed, for messages */
    tg_zip_limits lim;
};

void tg_zip_limits_init(tg_zip_limits *lim) {
    lim->max_entries = 10000;
    lim->max_bytes = (uint64_t)4 << 30;
    lim->max_ratio = 500;
}

tg_status tg_zip_open(int fd, const char *path, const tg_zip_limits *lim, tg_zip **out,
                      tg_error *err) {
    int code = 0, dup_fd;
    *out = NULL;
    tg_zip *z = tg_calloc(1, sizeof *z);
    if (!z) return tg_err_nomem(err);
    z->path = path;
    if (lim) z->lim = *lim;
    else tg_zip_limits_init(&z->lim);
    if ((dup_fd = dup(fd)) < 0) {
        tg_free(z);
        return tg_err_set(err, TG_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    }
    /* zip_fdopen owns dup_fd from here, also when it fails */
    z->za = zip_fdopen(dup_fd, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!z->za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        tg_status st = code == ZIP_ER_MEMORY
                           ? tg_err_nomem(err)
                           : tg_err_set(err, TG_EDATA, path, 0, 0, "not a valid zip archive: %s",
                                        zip_error_strerror(&ze));
        zip_error_fini(&ze);
        tg_free(z);
        return st;
    }
    zip_int64_t n = zip_get_num_entries(z->za, 0);
    if (n < 0 || (uint64_t)n > z->lim.max_entries) {
        tg_status st = tg_err_set(err, TG_EDATA, path, 0, 0,
                                  "the zip archive has %lld entries, over the cap of %zu "
                                  "(a zip bomb?)",
                                  (long long)n, z->lim.max_entries);
        tg_zip_close(z);
        return st;
    }
    *out = z;
    return TG_OK;
}

void tg_zip_close(tg_zip *z) {
    if (!z) return;
    if (z->za) zip_discard(z->za); /* read-only: nothing to write back */
    tg_free(z);
}

int tg_zip_has(tg_zip *z, const char *name) {
    return zip_name_locate(z->za, name, 0) >= 0;
}

size_t tg_zip_count(tg_zip *z) {
    zip_int64_t n = zip_get_num_entries(z->za, 0);
    return n > 0 ? (size_t)n : 0;
}

const char *tg_zip_name(tg_zip *z, size_t i) {
    return zip_get_name(z->za, (zip_uint64_t)i, 0);
}

/* The central directory's word on the entry, before inflating it. */
static tg_status check_stat(tg_zip *z, const char *name, const zip_stat_t *sb, tg_error *err) {
    if (!(sb->valid & ZIP_STAT_SIZE) || !(sb->valid & ZIP_STAT_COMP_SIZE))
        return tg_err_set(err, TG_EDATA, z->path, 0, 0, "zip entry '%s' has no size", name);
    if (sb->size > z->lim.max_bytes)
        return tg_err_set(err, TG_EDATA, z->path, 0, 0,
                          "zip entry '%s' inflates to %llu bytes, over the cap of %llu (a zip "
                          "bomb?)",
                          name, (unsigned long long)sb->size, (unsigned long long)z->lim.max_bytes);
    if (sb->size > RATIO_FROM && sb->size / (sb->comp_size ? sb->comp_size : 1) > z->lim.max_ratio)
        return tg_err_set(err, TG_EDATA, z->path, 0, 0,
                          "zip entry '%s' is compressed %llu:1, over the cap of %u:1 (a zip "
                          "bomb?)",
                          name,
                          (unsigned long long)(sb->size / (sb->comp_size ? sb->comp_size : 1)),
                          z->lim.max_ratio);
    return TG_OK;
}

static tg_status read_error(tg_zip *z, zip_file_t *f, const char *name, tg_error *err) {
    zip_error_t *ze = zip_file_get_error(f);
    if (zip_error_code_zip(ze) == ZIP_ER_MEMORY) return tg_err_nomem(err);
    return tg_err_set(err, TG_EDATA, z->path, 0, 0, "zip entry '%s' is corrupt: %s", name,
                      zip_error_strerror(ze));
}

tg_status tg_zip_stream(tg_zip *z, const char *name, tg_zip_sink sink, void *ud,
                        const tg_interrupt *intr, tg_error *err) {
    zip_stat_t sb;
    zip_int64_t idx = zip_name_locate(z->za, name, 0);
    if (idx < 0 || zip_stat_index(z->za, (zip_uint64_t)idx, 0, &sb) != 0)
        return tg_err_set(err, TG_EDATA, z->path, 0, 0, "the archive has no entry '%s'", name);
    tg_status st = check_stat(z, name, &sb, err);
    if (st != TG_OK) return st;
    zip_file_t *f = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
    if (!f) {
        zip_error_t *ze = zip_get_error(z->za);
        return zip_error_code_zip(ze) == ZIP_ER_MEMORY
                   ? tg_err_nomem(err)
                   : tg_err_set(err, TG_EDATA, z->path, 0, 0, "cannot read zip entry '%s': %s",
                                name, zip_error_strerror(ze));
    }
    char *buf = tg_malloc(PIECE);
    uint64_t total = 0, polled = 0;
    if (!buf) st = tg_err_nomem(err);
    while (st == TG_OK) {
        zip_int64_t r = zip_fread(f, buf, PIECE);
        if (r < 0) {
            st = read_error(z, f, name, err);
            break;
        }
        if (r == 0) break;
        total += (uint64_t)r;
        /* the directory may understate: what comes out is what counts */
        if (total > sb.size || total > z->lim.max_bytes) {
            st = tg_err_set(err, TG_EDATA, z->path, 0, 0,
                            "zip entry '%s' inflates past its stated %llu bytes (a zip bomb?)",
                            name, (unsigned long long)sb.size);
            break;
        }
        st = sink(ud, buf, (size_t)r);
        if (st == TG_OK && total - polled >= RATIO_FROM) {
            polled = total;
            st = tg_poll(intr);
            if (st != TG_OK)
                tg_err_set(err, st, z->path, 0, 0, "loading stopped: %s",
                           st == TG_ELIMIT ? "time limit reached" : "cancelled");
        }
    }
    tg_free(buf);
    zip_fclose(f);
    return st;
}
