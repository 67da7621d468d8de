/*
** tg_err.c -- filling and formatting tg_error records without allocating.
*/
#include "tg_err.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

void tg_err_clear(tg_error *err) {
    if (!err) return;
    memset(err, 0, sizeof *err);
}

tg_status tg_err_setv(tg_error *err, tg_status code, const char *file, int line, int col,
                      const char *fmt, va_list ap) {
    assert(fmt != NULL);
    if (!err) return code;
    err->code = code;
    err->line = line;
    err->col = col;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    /* A message is one line: fold embedded newlines so callers can print it
    ** compiler-style and tools can grep it. */
    for (char *p = err->msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    return code;
}

tg_status tg_err_set(tg_error *err, tg_status code, const char *file, int line, int col,
                     const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tg_err_setv(err, code, file, line, col, fmt, ap);
    va_end(ap);
    return code;
}

tg_status tg_err_nomem(tg_error *err) {
    return tg_err_set(err, TG_ENOMEM, NULL, 0, 0, "out of memory");
}

char *tg_err_format(const tg_error *err, char *buf, size_t size) {
    assert(err != NULL && (buf != NULL || size == 0));
    if (size == 0) return buf;
    if (!err->file[0]) snprintf(buf, size, "%s", err->msg);
    else if (err->line <= 0) snprintf(buf, size, "%s: %s", err->file, err->msg);
    else if (err->col <= 0) snprintf(buf, size, "%s:%d: %s", err->file, err->line, err->msg);
    else snprintf(buf, size, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
    return buf;
}

const char *tg_status_name(tg_status code) {
    switch (code) {
    case TG_OK: return "ok";
    case TG_ENOMEM: return "out of memory";
    case TG_EIO: return "i/o error";
    case TG_EDATA: return "data error";
    case TG_ESCRIPT: return "script error";
    case TG_EARG: return "invalid argument";
    case TG_ELIMIT: return "limit reached";
    case TG_ECANCEL: return "cancelled";
    }
    return "unknown error";
}
