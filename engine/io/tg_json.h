/*
** tg_json.h -- JSON values for a run's result document, written byte for
** byte the same for the same inputs. A tg_json is a tree with one owner:
** containers own their children, objects keep keys in insertion order,
** and tables are embedded by reference and written as arrays of row
** objects when the tree is serialised. The serialiser is our own, with
** numbers from tg_fmt; jansson (this module is the only one including it)
** only parses. See docs/output.md for the format users rely on.
*/
#ifndef TG_JSON_H
#define TG_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_out.h"
#include "tg_table.h"

typedef struct tg_json tg_json;

typedef enum tg_json_kind {
    TG_JSON_NULL = 1,
    TG_JSON_BOOL,
    TG_JSON_INT,
    TG_JSON_REAL,
    TG_JSON_STRING,
    TG_JSON_ARRAY,
    TG_JSON_OBJECT,
    TG_JSON_TABLE /* written as an array of row objects */
} tg_json_kind;

/* Deepest nesting a tree may have (a scalar is depth 0, [1] depth 1).
** Keeps the recursive writer and tg_json_free within a small stack. */
#define TG_JSON_MAX_DEPTH 1000

/* ---- building ---- */

/* New values, each owned by the caller until added to a container; NULL
** on allocation failure. NULL may be passed straight on to the _take
** functions below, which then report TG_ENOMEM, so a caller can write
** tg_json_push_take(arr, tg_json_int(3), err) without checking. */
tg_json *tg_json_null(void);
tg_json *tg_json_bool(int b);
tg_json *tg_json_int(int64_t v);
/* 'decimals': -1 for the shortest round-trip digits, n >= 0 to round half
** away from zero to n places (tg_fmt_double). NaN and infinities are
** written as null. */
tg_json *tg_json_real(double v, int decimals);
/* Copies the n bytes at s (UTF-8; may contain NUL, written as \u0000).
** Bytes that are not valid UTF-8 are written as U+FFFD, one per byte. */
tg_json *tg_json_str(const char *s, size_t n);
tg_json *tg_json_array(void);
tg_json *tg_json_object(void);
/* Table 't' as an array with one object per row, keys in column order:
** int as integers, float as tg_json_real(v, decimals), bool as true/false,
** date as "YYYY-MM-DD", string as strings, NULL as null. The value keeps
** its own references to t's columns (not to t), so later changes to t do
** not show; the rows are only formatted when the tree is written. */
tg_json *tg_json_table(const tg_table *t, int decimals);

/* Frees 'v' and everything it contains; NULL is a no-op. Only the owner
** (the caller, or no one once v is in a container) may free it. */
void tg_json_free(tg_json *v);

/* Adds 'val' to object 'obj' under 'key' (NUL-terminated UTF-8, copied),
** taking ownership of val: it belongs to obj on success and is freed on
** failure. A key that is already there keeps its place and gets the new
** value (finding it scans the keys, so n keys cost n^2/2 comparisons).
** A container must be complete before it goes into another: 'obj' must
** not itself be inside a container yet (asserted), which keeps the depth
** check exact. TG_OK; TG_ENOMEM (val NULL, or no memory; obj unchanged);
** TG_EARG when the result would nest deeper than TG_JSON_MAX_DEPTH. */
tg_status tg_json_set_take(tg_json *obj, const char *key, tg_json *val, tg_error *err);

/* Appends 'val' to array 'arr', taking ownership as tg_json_set_take. */
tg_status tg_json_push_take(tg_json *arr, tg_json *val, tg_error *err);

/* Reorders an object's keys by their bytes (UTF-8 code point order); for
** callers whose source has no order of its own, such as a Lua table. */
void tg_json_sort_keys(tg_json *obj);

/* ---- reading ---- */

tg_json_kind tg_json_kind_of(const tg_json *v);
/* Items of an array, members of an object, rows of a table; else 0. */
size_t tg_json_len(const tg_json *v);
/* Borrowed: the i-th item of an array or the i-th member's value of an
** object (i < tg_json_len); NULL for other kinds (a table has no nodes). */
const tg_json *tg_json_at(const tg_json *v, size_t i);
/* Borrowed: the i-th key of an object; NULL for other kinds. */
const char *tg_json_key(const tg_json *v, size_t i);
/* Borrowed: the value under 'key' in an object, or NULL. */
const tg_json *tg_json_get(const tg_json *v, const char *key);

/* Readers for documents of any shape: the number (int or real) at 'key' of
** 'obj', NaN when obj is NULL or not an object or the value is missing or
** not a number; the string there, "" when it is not one. */
double tg_json_num_at(const tg_json *obj, const char *key);
const char *tg_json_str_at(const tg_json *obj, const char *key);
/* Scalar contents: 0 / 0.0 / NULL when the kind differs, except that
** tg_json_real_value also converts an int. *len may be NULL. */
int tg_json_bool_value(const tg_json *v);
int64_t tg_json_int_value(const tg_json *v);
double tg_json_real_value(const tg_json *v);
const char *tg_json_str_value(const tg_json *v, size_t *len);

/* ---- text ---- */

/* Parses the n bytes at 'text' (any JSON value, with jansson) into a new
** tree (*out). Integers that fit int64 become TG_JSON_INT, other numbers
** TG_JSON_REAL (shortest digits); duplicate keys are rejected. TG_OK,
** TG_EDATA (line/col and jansson's message in err), TG_EARG (nested deeper
** than TG_JSON_MAX_DEPTH) or TG_ENOMEM; *out is NULL on failure. */
tg_status tg_json_parse(const char *text, size_t n, tg_json **out, tg_error *err);

/* Serialises 'v'. indent 0 gives one line with no spaces ({"a":[1,2]});
** indent n (1..16) puts each member and item on its own line indented by
** n spaces per level, with ": " after keys and empty containers as {} and
** []. No trailing newline. Strings: '"', '\\' and control characters are
** escaped (\b \f \n \r \t, else \u00XX lowercase), everything else is
** copied as UTF-8. Returns a NUL-terminated string to free with tg_free
** (it contains no other NUL), or NULL on allocation failure. */
char *tg_json_dump(const tg_json *v, int indent);

/* Writes tg_json_dump's text plus a final newline to 'path' atomically
** (tg_out_write_atomic's guarantees), streaming: a large table is never
** held as one string. 'intr' (may be NULL) is polled every TG_VECTOR
** table rows. TG_OK, TG_EIO, TG_ENOMEM or the interrupt's status; on
** failure the file at path is untouched. */
tg_status tg_json_write_file(const tg_json *v, int indent, const char *path,
                             const tg_interrupt *intr, tg_error *err);

/* tg_json_write_file into the output 'o' (tg_out_open or tg_out_openat),
** which it takes: committed on success, aborted on failure. 'path' names
** the file in messages. */
tg_status tg_json_write_take(const tg_json *v, int indent, tg_out *o, const char *path,
                             const tg_interrupt *intr, tg_error *err);

#endif /* TG_JSON_H */
