/*
** tg_err.h -- filling and formatting tg_error records, and the engine's one
** error convention.
**
** The convention. Every engine function that can fail says so in one of
** these shapes, and no other:
**  1. Operations that can fail for a reason worth telling (data, I/O,
**     arguments from a script, limits, memory) return tg_status, TG_OK on
**     success, and take a nullable 'tg_error *err' last that gets the
**     record (code, file, line, col, message). Outputs go through pointer
**     arguments, set to NULL/0 on failure.
**  2. Constructors that can only run out of memory return the new object
**     or NULL (tg_col_new, tg_expr_col, tg_json_int ...).
**  3. Parsers of text into a value (tg_num_parse_*, tg_date_parse_iso,
**     tg_conv_bool, tg_mem_parse_size, tg_pivot_agg_parse ...) return int:
**     0 on success with the value stored through the out pointer, -1 when
**     the text is not such a value. Nothing is worth a message there; the
**     caller knows what it was reading and reports it.
**  4. Name lookups that return an enum or index (tg_type_parse,
**     tg_enc_parse, tg_agg_quantile_method, tg_takst_omk_parse) return it,
**     or -1 when the name is unknown; lookups of bit masks return 0 (no
**     bit); lookups of a borrowed pointer (tg_table_col, tg_json_get)
**     return NULL when there is none. Predicates (is_*, *_valid) return 1
**     for true and 0 for false, and iterators (tg_lines_next) 1 while they
**     yield and 0 at the end.
** Misuse by engine code -- a NULL where an object is required, an index
** out of range -- is not an error but a bug: public functions assert()
** their preconditions. The Lua bindings raise instead of returning
** (tg_luaaux_error and friends, TG_NORETURN below), always as
** 'return f(...)' so the reader sees control leave.
**
** Every function here accepts err == NULL (the caller does not want
** details) and returns the status it was given, so error paths read
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

/* Marks a function that never returns (it raises through longjmp, as
** lua_error does, or exits); it goes first in the declaration. Callers
** write 'return f(...)' so the reader sees control leave; inside another
** TG_NORETURN function, where 'return' is not allowed, a plain call. After
** a call the compiler does not know to be final (lua_error), a TG_NORETURN
** function ends with TG_UNREACHABLE(). */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 202311L
#define TG_NORETURN [[noreturn]] /* C23 deprecates _Noreturn */
#else
#define TG_NORETURN _Noreturn
#endif
#if defined(__GNUC__)
#define TG_UNREACHABLE() __builtin_unreachable()
#else
#define TG_UNREACHABLE() abort()
#endif

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
