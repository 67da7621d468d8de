/*
** tg_thrift.c -- Thrift compact protocol writer (see tg_thrift.h). The
** format: a field is a byte holding the id delta (1-15) in its high nibble
** and the type in its low nibble, or the type alone followed by the id as
** a zigzag varint when the delta does not fit; integers are zigzag varints;
** a bool field carries its value in the type (1 true, 2 false); a struct
** ends with a 0 byte; a list header holds size (< 15) and element type in
** one byte, or 0xF followed by the size as a varint.
*/
#include "tg_thrift.h"

#include <string.h>

enum { T_TRUE = 1, T_FALSE = 2 };

void tg_thrift_varint(tg_sbuf *out, uint64_t v) {
    char b[10];
    size_t n = 0;
    do {
        b[n] = (char)(v & 0x7f);
        v >>= 7;
        if (v) b[n] |= (char)0x80;
        n++;
    } while (v);
    tg_sbuf_add(out, b, n);
}

static uint64_t zigzag(int64_t v) {
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static void byte(tg_sbuf *out, unsigned v) {
    char c = (char)v;
    tg_sbuf_add(out, &c, 1);
}

void tg_thrift_init(tg_thrift *w, tg_sbuf *out) {
    memset(w, 0, sizeof *w);
    w->out = out;
}

static void field(tg_thrift *w, int16_t id, int type) {
    int16_t delta = (int16_t)(id - w->last[w->depth]);
    if (delta > 0 && delta <= 15) {
        byte(w->out, (unsigned)(delta << 4 | type));
    } else {
        byte(w->out, (unsigned)type);
        tg_thrift_varint(w->out, zigzag(id));
    }
    w->last[w->depth] = id;
}

void tg_thrift_i32(tg_thrift *w, int16_t id, int32_t v) {
    field(w, id, TG_THRIFT_I32);
    tg_thrift_varint(w->out, zigzag(v));
}

void tg_thrift_i64(tg_thrift *w, int16_t id, int64_t v) {
    field(w, id, TG_THRIFT_I64);
    tg_thrift_varint(w->out, zigzag(v));
}

void tg_thrift_bool(tg_thrift *w, int16_t id, int v) {
    field(w, id, v ? T_TRUE : T_FALSE);
}

void tg_thrift_binary(tg_thrift *w, int16_t id, const void *p, size_t n) {
    field(w, id, TG_THRIFT_BINARY);
    tg_thrift_elem_binary(w, p, n);
}

void tg_thrift_string(tg_thrift *w, int16_t id, const char *s) {
    tg_thrift_binary(w, id, s, strlen(s));
}

/* Opens a nested struct whose field ids start again from 0. */
static void push(tg_thrift *w) {
    if (w->depth + 1 >= TG_THRIFT_DEPTH) {
        w->overflow = 1;
        return;
    }
    w->last[++w->depth] = 0;
}

void tg_thrift_struct(tg_thrift *w, int16_t id) {
    field(w, id, TG_THRIFT_STRUCT);
    push(w);
}

void tg_thrift_elem_struct(tg_thrift *w) {
    push(w);
}

void tg_thrift_end(tg_thrift *w) {
    byte(w->out, 0);
    if (w->depth > 0) w->depth--;
}

void tg_thrift_list(tg_thrift *w, int16_t id, int elem, size_t n) {
    field(w, id, 9 /* list */);
    if (n < 15) {
        byte(w->out, (unsigned)(n << 4 | (size_t)elem));
    } else {
        byte(w->out, (unsigned)(0xf0 | elem));
        tg_thrift_varint(w->out, n);
    }
}

void tg_thrift_elem_i32(tg_thrift *w, int32_t v) {
    tg_thrift_varint(w->out, zigzag(v));
}

void tg_thrift_elem_binary(tg_thrift *w, const void *p, size_t n) {
    tg_thrift_varint(w->out, n);
    tg_sbuf_add(w->out, p, n);
}
