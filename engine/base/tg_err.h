/*
** tg_err.h -- filling and formatting tg_error records.
** Every function accepts err == NULL (the caller does not want details)
** and returns the status it was given, so error paths read
**     return tg_err_set(err, TG_EDATA, path, line, col, "expected ...");
*/
#ifndef TG_ERR_H
#define TG_ERR_H

#include <stdarg.h>
#include <stddef.h>

#include "tegn.h"

#if defined(__GNUC__)
#define TG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TG_PRINTF(f, a)
#endif

#define TG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Clears 'err' to TG_OK with empty file and message. */
void tg_err_clear(tg_error *err);

/* Sets code, position and a printf-formatted one-line message; the file
** name may be NULL. Text longer than the fields is truncated. */
tg_status tg_err_set(tg_error *err, tg_status code, const char *file, int line, int col,
                     const char *fmt, ...) TG_PRINTF(6, 7);
tg_status tg_err_setv(tg_error *err, tg_status code, const char *file, int line, int col,
                      const char *fmt, va_list ap) TG_PRINTF(6, 0);

/* Sets TG_ENOMEM with a fixed message (never allocates). */
tg_status tg_err_nomem(tg_error *err);

/* Writes "file:line:col: msg" (parts that are unknown are left out) into
** buf, always NUL-terminated; returns buf. */
char *tg_err_format(const tg_error *err, char *buf, size_t size);

/* A short English name for a status ("data error", "out of memory", ...). */
const char *tg_status_name(tg_status code);

#endif /* TG_ERR_H */
