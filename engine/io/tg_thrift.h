/*
** tg_thrift.h -- a writer of Thrift's compact protocol, the encoding of
** Parquet's page headers and file footer (tg_parquet). Only what those
** need: structs with i32, i64, binary, bool and struct fields, and lists of
** i32, binary and structs. Fields must be written in increasing id order
** within a struct (the compact protocol stores id deltas). Bytes go to a
** tg_sbuf, whose out-of-memory flag is sticky, so a writer checks it once.
*/
#ifndef TG_THRIFT_H
#define TG_THRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "tg_sbuf.h"

#define TG_THRIFT_DEPTH 8 /* nesting of structs; Parquet's footer needs 5 */

/* The compact protocol's element types, for list headers. */
enum { TG_THRIFT_I32 = 5, TG_THRIFT_I64 = 6, TG_THRIFT_BINARY = 8, TG_THRIFT_STRUCT = 12 };

typedef struct tg_thrift {
    tg_sbuf *out;
    int depth;                     /* open structs; 0 = the outermost */
    int16_t last[TG_THRIFT_DEPTH]; /* the last field id written at each depth */
    int overflow;                  /* nesting deeper than TG_THRIFT_DEPTH: a caller bug */
} tg_thrift;

/* Starts writing the outermost struct into 'out'. */
void tg_thrift_init(tg_thrift *w, tg_sbuf *out);

void tg_thrift_i32(tg_thrift *w, int16_t id, int32_t v);
void tg_thrift_i64(tg_thrift *w, int16_t id, int64_t v);
void tg_thrift_bool(tg_thrift *w, int16_t id, int v);
void tg_thrift_binary(tg_thrift *w, int16_t id, const void *p, size_t n);
void tg_thrift_string(tg_thrift *w, int16_t id, const char *s);

/* A struct field: its fields follow, then tg_thrift_end. */
void tg_thrift_struct(tg_thrift *w, int16_t id);
/* Ends the innermost open struct (a field struct, a list's element or,
** at depth 0, the outermost one) with its stop byte. */
void tg_thrift_end(tg_thrift *w);

/* A list field of n elements of type 'elem'; then exactly n calls of
** tg_thrift_elem_* (or n structs, each tg_thrift_elem_struct ... _end). */
void tg_thrift_list(tg_thrift *w, int16_t id, int elem, size_t n);
void tg_thrift_elem_i32(tg_thrift *w, int32_t v);
void tg_thrift_elem_binary(tg_thrift *w, const void *p, size_t n);
void tg_thrift_elem_struct(tg_thrift *w);

/* Appends v as an unsigned LEB128 varint (also Parquet's RLE headers). */
void tg_thrift_varint(tg_sbuf *out, uint64_t v);

#endif /* TG_THRIFT_H */
