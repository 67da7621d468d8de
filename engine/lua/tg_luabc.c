/*
** tg_luabc.c -- tail calls to calls in a dumped Lua 5.4 chunk (see
** tg_luabc.h). The walk follows ldump.c's layout: a header, then each
** function's source, lines, sizes, code, constants, upvalues, nested
** functions and debug information. Sizes are varints whose last byte has
** the high bit set. Anything unexpected stops the walk with -1, and the
** code is only rewritten after a first walk has read the whole chunk.
*/
#include "tg_luabc.h"

#include <stdint.h>
#include <string.h>

typedef struct reader {
    unsigned char *p, *end;
    int bad;
    int patch; /* second walk: rewrite */
    long n;    /* tail calls seen */
    unsigned op_call, op_tailcall;
} reader;

static size_t get_size(reader *r) {
    size_t x = 0;
    for (;;) {
        if (r->p >= r->end || x > (SIZE_MAX >> 7)) {
            r->bad = 1;
            return 0;
        }
        unsigned char b = *r->p++;
        x = (x << 7) | (b & 0x7f);
        if (b & 0x80) return x;
    }
}

static unsigned char *skip(reader *r, size_t n) {
    unsigned char *at = r->p;
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    r->p += n;
    return at;
}

static void skip_string(reader *r) {
    size_t n = get_size(r);
    if (n > 0) skip(r, n - 1);
}

/* Instructions are 32 bits in native order: opcode in bits 0-6, A in
** 7-14, k in 15, B in 16-23, C in 24-31. */
static void code(reader *r) {
    size_t n = get_size(r);
    unsigned char *at = n <= SIZE_MAX / 4 ? skip(r, n * 4) : (r->bad = 1, NULL);
    for (size_t i = 0; at && i < n; i++) {
        uint32_t ins;
        memcpy(&ins, at + 4 * i, 4);
        if ((ins & 0x7f) != r->op_tailcall) continue;
        r->n++;
        if (!r->patch) continue;
        /* CALL A B C=0 (all results); k, which closed upvalues before the
        ** frame went away, is cleared: the RETURN after it closes them. */
        ins = (ins & 0x00FF7F80u) | r->op_call;
        memcpy(at + 4 * i, &ins, 4);
    }
}

static void constants(reader *r) {
    size_t n = get_size(r);
    for (size_t i = 0; i < n && !r->bad; i++) {
        unsigned char *t = skip(r, 1);
        if (!t) return;
        switch (*t) {
        case 0x00:                    /* nil */
        case 0x01:                    /* false */
        case 0x11: break;             /* true */
        case 0x03:                    /* integer */
        case 0x13: skip(r, 8); break; /* float */
        case 0x04:                    /* short string */
        case 0x14: skip_string(r); break;
        default: r->bad = 1;
        }
    }
}

static void function(reader *r, int depth);

static void protos(reader *r, int depth) {
    size_t n = get_size(r);
    for (size_t i = 0; i < n && !r->bad; i++) function(r, depth + 1);
}

static void debug(reader *r) {
    size_t n = get_size(r);
    skip(r, n); /* lineinfo, a byte each */
    n = get_size(r);
    for (size_t i = 0; i < n && !r->bad; i++) get_size(r), get_size(r); /* abslineinfo */
    n = get_size(r);
    for (size_t i = 0; i < n && !r->bad; i++) skip_string(r), get_size(r), get_size(r);
    n = get_size(r);
    for (size_t i = 0; i < n && !r->bad; i++) skip_string(r);
}

static void function(reader *r, int depth) {
    if (depth > 200) { /* the parser's own limit is lower */
        r->bad = 1;
        return;
    }
    skip_string(r); /* source */
    get_size(r);    /* linedefined */
    get_size(r);    /* lastlinedefined */
    skip(r, 3);     /* numparams, is_vararg, maxstacksize */
    code(r);
    constants(r);
    skip(r, 3 * get_size(r)); /* upvalues: instack, idx, kind */
    protos(r, depth);
    debug(r);
}

/* "\x1bLua", version 5.4, format 0, LUAC_DATA, and the sizes of an
** instruction, an integer and a number. */
static const unsigned char header[] = { 0x1b, 'L',  'u',  'a',  0x54, 0, 0x19, 0x93,
                                        '\r', '\n', 0x1a, '\n', 4,    8, 8 };

static long walk(unsigned char *chunk, size_t n, unsigned op_call, unsigned op_tailcall,
                 int patch) {
    reader r = { chunk, chunk + n, 0, patch, 0, op_call, op_tailcall };
    if (n < sizeof header + 16 + 1 || memcmp(chunk, header, sizeof header) != 0) return -1;
    r.p += sizeof header + 16 + 1; /* LUAC_INT, LUAC_NUM, the main function's upvalues */
    function(&r, 0);
    return r.bad || r.p != r.end ? -1 : r.n;
}

long tg_luabc_count(const unsigned char *chunk, size_t n, unsigned op) {
    return walk((unsigned char *)chunk, n, 0, op, 0); /* a walk without 'patch' only reads */
}

long tg_luabc_untail(unsigned char *chunk, size_t n, unsigned op_call, unsigned op_tailcall) {
    long found = walk(chunk, n, op_call, op_tailcall, 0);
    if (found <= 0) return found;
    return walk(chunk, n, op_call, op_tailcall, 1);
}
