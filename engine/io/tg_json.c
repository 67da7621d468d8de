/*
** tg_json.c -- JSON trees, their serialiser, and parsing through jansson.
** Why our own writer: jansson (2.14) prints reals with "%.17g" and has no
** way to hand it preformatted number text, so 0.1 would come out as
** 0.10000000000000001 and a rounded takst could not be printed as rounded.
** Writing JSON is small (escaping plus layout), and owning it also lets a
** table be streamed row by row instead of becoming millions of nodes. The
** tree is single-owner; 'height' (levels of nesting below a node) is exact
** because a container only enters another once it is complete.
*/
#include "tg_json.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_mem.h"
#include "tg_out.h"

struct member {
    char *key;
    tg_json *val;
};

struct tg_json {
    tg_json_kind kind;
    int parented; /* inside a container */
    int height;   /* 0 for scalars; 1 + the highest child for containers */
    int decimals; /* TG_JSON_REAL and TG_JSON_TABLE */
    union {
        int b;
        int64_t i;
        double f;
        struct {
            char *s;
            size_t n;
        } str;
        struct {
            size_t n, cap;
            tg_json **items;        /* TG_JSON_ARRAY */
            struct member *members; /* TG_JSON_OBJECT */
        } c;
        tg_table *table; /* a private table sharing the columns */
    } u;
};

/* ---- building ---- */

static tg_json *new_node(tg_json_kind kind) {
    tg_json *v = tg_calloc(1, sizeof *v);
    if (v) v->kind = kind;
    return v;
}

tg_json *tg_json_null(void) {
    return new_node(TG_JSON_NULL);
}

tg_json *tg_json_bool(int b) {
    tg_json *v = new_node(TG_JSON_BOOL);
    if (v) v->u.b = b != 0;
    return v;
}

tg_json *tg_json_int(int64_t i) {
    tg_json *v = new_node(TG_JSON_INT);
    if (v) v->u.i = i;
    return v;
}

tg_json *tg_json_real(double f, int decimals) {
    assert(decimals >= -1);
    tg_json *v = new_node(TG_JSON_REAL);
    if (v) {
        v->u.f = f;
        v->decimals = decimals;
    }
    return v;
}

tg_json *tg_json_str(const char *s, size_t n) {
    assert(s != NULL || n == 0);
    tg_json *v = new_node(TG_JSON_STRING);
    if (!v) return NULL;
    v->u.str.s = tg_strndup(s ? s : "", n);
    v->u.str.n = n;
    if (!v->u.str.s) {
        tg_free(v);
        return NULL;
    }
    return v;
}

tg_json *tg_json_array(void) {
    tg_json *v = new_node(TG_JSON_ARRAY);
    if (v) v->height = 1;
    return v;
}

tg_json *tg_json_object(void) {
    tg_json *v = new_node(TG_JSON_OBJECT);
    if (v) v->height = 1;
    return v;
}

tg_json *tg_json_table(const tg_table *t, int decimals) {
    assert(t != NULL && decimals >= -1);
    tg_json *v = new_node(TG_JSON_TABLE);
    if (!v) return NULL;
    v->height = 2;
    v->decimals = decimals;
    v->u.table = tg_table_new();
    if (!v->u.table) {
        tg_free(v);
        return NULL;
    }
    for (size_t j = 0; j < t->n_cols; j++) {
        if (tg_table_add(v->u.table, t->names[j], t->cols[j]) != TG_OK) {
            tg_json_free(v);
            return NULL;
        }
    }
    return v;
}

void tg_json_free(tg_json *v) {
    if (!v) return;
    switch (v->kind) {
    case TG_JSON_STRING: tg_free(v->u.str.s); break;
    case TG_JSON_ARRAY:
        for (size_t i = 0; i < v->u.c.n; i++) tg_json_free(v->u.c.items[i]);
        tg_free(v->u.c.items);
        break;
    case TG_JSON_OBJECT:
        for (size_t i = 0; i < v->u.c.n; i++) {
            tg_free(v->u.c.members[i].key);
            tg_json_free(v->u.c.members[i].val);
        }
        tg_free(v->u.c.members);
        break;
    case TG_JSON_TABLE: tg_table_release(v->u.table); break;
    default: break;
    }
    tg_free(v);
}

static tg_status too_deep(tg_json *val, tg_error *err) {
    tg_json_free(val);
    return tg_err_set(err, TG_EARG, NULL, 0, 0, "JSON nested deeper than %d levels",
                      TG_JSON_MAX_DEPTH);
}

/* Checks the nesting a new child would give and the container's room for
** one more entry (*slots is its items or members array). On failure frees
** val. */
static tg_status admit(tg_json *c, tg_json *val, size_t width, void **slots, tg_error *err) {
    if (!val) return tg_err_nomem(err);
    assert(!c->parented && !val->parented);
    if (val->height >= TG_JSON_MAX_DEPTH) return too_deep(val, err);
    if (c->u.c.n == c->u.c.cap) {
        size_t cap = c->u.c.cap ? 2 * c->u.c.cap : 4;
        void *p = tg_realloc(*slots, cap * width);
        if (!p) {
            tg_json_free(val);
            return tg_err_nomem(err);
        }
        *slots = p;
        c->u.c.cap = cap;
    }
    return TG_OK;
}

static void adopt(tg_json *c, tg_json *val) {
    val->parented = 1;
    if (val->height + 1 > c->height) c->height = val->height + 1;
}

tg_status tg_json_push_take(tg_json *arr, tg_json *val, tg_error *err) {
    assert(arr != NULL && arr->kind == TG_JSON_ARRAY);
    void *slots = arr->u.c.items;
    tg_status st = admit(arr, val, sizeof *arr->u.c.items, &slots, err);
    arr->u.c.items = slots;
    if (st != TG_OK) return st;
    arr->u.c.items[arr->u.c.n++] = val;
    adopt(arr, val);
    return TG_OK;
}

tg_status tg_json_set_take(tg_json *obj, const char *key, tg_json *val, tg_error *err) {
    assert(obj != NULL && obj->kind == TG_JSON_OBJECT && key != NULL);
    for (size_t i = 0; i < obj->u.c.n; i++) {
        struct member *m = &obj->u.c.members[i];
        if (strcmp(m->key, key) != 0) continue;
        if (!val) return tg_err_nomem(err);
        assert(!obj->parented && !val->parented);
        if (val->height >= TG_JSON_MAX_DEPTH) return too_deep(val, err);
        tg_json_free(m->val);
        m->val = val;
        val->parented = 1;
        obj->height = 1; /* the old value may have been the highest */
        for (size_t k = 0; k < obj->u.c.n; k++)
            if (obj->u.c.members[k].val->height + 1 > obj->height)
                obj->height = obj->u.c.members[k].val->height + 1;
        return TG_OK;
    }
    void *slots = obj->u.c.members;
    tg_status st = admit(obj, val, sizeof *obj->u.c.members, &slots, err);
    obj->u.c.members = slots;
    if (st != TG_OK) return st;
    char *copy = tg_strdup(key);
    if (!copy) {
        tg_json_free(val);
        return tg_err_nomem(err);
    }
    obj->u.c.members[obj->u.c.n].key = copy;
    obj->u.c.members[obj->u.c.n++].val = val;
    adopt(obj, val);
    return TG_OK;
}

static int cmp_members(const void *a, const void *b) {
    return strcmp(((const struct member *)a)->key, ((const struct member *)b)->key);
}

void tg_json_sort_keys(tg_json *obj) {
    assert(obj != NULL && obj->kind == TG_JSON_OBJECT);
    /* keys are unique, so qsort's instability cannot show */
    if (obj->u.c.n > 1) qsort(obj->u.c.members, obj->u.c.n, sizeof *obj->u.c.members, cmp_members);
}

/* ---- reading ---- */

tg_json_kind tg_json_kind_of(const tg_json *v) {
    assert(v != NULL);
    return v->kind;
}

size_t tg_json_len(const tg_json *v) {
    assert(v != NULL);
    if (v->kind == TG_JSON_ARRAY || v->kind == TG_JSON_OBJECT) return v->u.c.n;
    if (v->kind == TG_JSON_TABLE) return v->u.table->n_rows;
    return 0;
}

const tg_json *tg_json_at(const tg_json *v, size_t i) {
    assert(v != NULL);
    if (v->kind == TG_JSON_ARRAY && i < v->u.c.n) return v->u.c.items[i];
    if (v->kind == TG_JSON_OBJECT && i < v->u.c.n) return v->u.c.members[i].val;
    return NULL;
}

const char *tg_json_key(const tg_json *v, size_t i) {
    assert(v != NULL);
    return v->kind == TG_JSON_OBJECT && i < v->u.c.n ? v->u.c.members[i].key : NULL;
}

const tg_json *tg_json_get(const tg_json *v, const char *key) {
    assert(v != NULL && key != NULL);
    if (v->kind != TG_JSON_OBJECT) return NULL;
    for (size_t i = 0; i < v->u.c.n; i++)
        if (strcmp(v->u.c.members[i].key, key) == 0) return v->u.c.members[i].val;
    return NULL;
}

double tg_json_num_at(const tg_json *obj, const char *key) {
    const tg_json *v = obj ? tg_json_get(obj, key) : NULL;
    return v && (v->kind == TG_JSON_INT || v->kind == TG_JSON_REAL) ? tg_json_real_value(v) : NAN;
}

const char *tg_json_str_at(const tg_json *obj, const char *key) {
    const char *s = tg_json_str_value(obj ? tg_json_get(obj, key) : NULL, NULL);
    return s ? s : "";
}

int tg_json_bool_value(const tg_json *v) {
    return v && v->kind == TG_JSON_BOOL ? v->u.b : 0;
}

int64_t tg_json_int_value(const tg_json *v) {
    return v && v->kind == TG_JSON_INT ? v->u.i : 0;
}

double tg_json_real_value(const tg_json *v) {
    if (v && v->kind == TG_JSON_REAL) return v->u.f;
    if (v && v->kind == TG_JSON_INT) return (double)v->u.i;
    return 0.0;
}

const char *tg_json_str_value(const tg_json *v, size_t *len) {
    if (!v || v->kind != TG_JSON_STRING) return NULL;
    if (len) *len = v->u.str.n;
    return v->u.str.s;
}

/* ---- parsing (jansson) ---- */

/* jansson allocates through tg_mem too, so parsing counts against the cap
** and allocation-failure tests reach it. Set once, before any parse. */
static pthread_once_t alloc_once = PTHREAD_ONCE_INIT;

static void use_tg_mem(void) {
    json_set_alloc_funcs(tg_malloc, tg_free);
}

static tg_status convert(json_t *j, tg_json **out, tg_error *err) {
    tg_status st = TG_OK;
    *out = NULL;
    switch (json_typeof(j)) {
    case JSON_NULL: *out = tg_json_null(); break;
    case JSON_TRUE: *out = tg_json_bool(1); break;
    case JSON_FALSE: *out = tg_json_bool(0); break;
    case JSON_INTEGER: *out = tg_json_int((int64_t)json_integer_value(j)); break;
    case JSON_REAL: *out = tg_json_real(json_real_value(j), -1); break;
    case JSON_STRING: *out = tg_json_str(json_string_value(j), json_string_length(j)); break;
    case JSON_ARRAY: {
        tg_json *arr = tg_json_array();
        if (!arr) break;
        for (size_t i = 0; i < json_array_size(j) && st == TG_OK; i++) {
            tg_json *item;
            st = convert(json_array_get(j, i), &item, err);
            if (st == TG_OK) st = tg_json_push_take(arr, item, err);
        }
        if (st != TG_OK) {
            tg_json_free(arr);
            return st;
        }
        *out = arr;
        return TG_OK;
    }
    case JSON_OBJECT: {
        tg_json *obj = tg_json_object();
        const char *key;
        json_t *val;
        if (!obj) break;
        /* jansson iterates objects in insertion (document) order */
        json_object_foreach(j, key, val) {
            tg_json *item;
            st = convert(val, &item, err);
            if (st == TG_OK) st = tg_json_set_take(obj, key, item, err);
            if (st != TG_OK) break;
        }
        if (st != TG_OK) {
            tg_json_free(obj);
            return st;
        }
        *out = obj;
        return TG_OK;
    }
    }
    return *out ? TG_OK : tg_err_nomem(err);
}

tg_status tg_json_parse(const char *text, size_t n, tg_json **out, tg_error *err) {
    json_error_t jerr;
    assert(text != NULL && out != NULL);
    *out = NULL;
    pthread_once(&alloc_once, use_tg_mem);
    size_t failed = tg_mem_failures();
    json_t *j =
        json_loadb(text, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (j && tg_mem_failures() != failed) {
        /* jansson can swallow a failed allocation and return a partial
        ** value; nothing parsed under memory pressure is trusted */
        json_decref(j);
        return tg_err_nomem(err);
    }
    if (!j) {
        /* and it reports some allocation failures as syntax errors */
        if (json_error_code(&jerr) == json_error_out_of_memory || tg_mem_failures() != failed)
            return tg_err_nomem(err);
        return tg_err_set(err, TG_EDATA, NULL, jerr.line, jerr.column, "%s", jerr.text);
    }
    tg_status st = convert(j, out, err);
    json_decref(j);
    return st;
}

/* ---- writing ---- */

/* Text goes to a buffer that either grows into the result string (out ==
** NULL) or is handed to a tg_out whenever it fills. The first failure
** sticks in 'st' and sets cap = len, so every later put takes the slow
** path and does nothing. */
struct sink {
    char *buf;
    size_t len, cap;
    tg_out *out;
    tg_status st;
    int indent;
    const tg_interrupt *intr;
};

#define SINK_CHUNK (64 * 1024) /* buffer size when writing to a file */

static void sink_fail(struct sink *s, tg_status st) {
    s->st = st;
    s->cap = s->len;
}

static void flush_sink(struct sink *s) {
    if (s->st != TG_OK || !s->out || s->len == 0) return;
    tg_status st = tg_out_write(s->out, s->buf, s->len, NULL);
    s->len = 0;
    if (st != TG_OK) sink_fail(s, st);
}

static void put_slow(struct sink *s, const char *p, size_t n) {
    if (s->st != TG_OK) return;
    if (s->out) {
        flush_sink(s);
        if (s->st != TG_OK) return;
        if (n > s->cap) {
            tg_status st = tg_out_write(s->out, p, n, NULL);
            if (st != TG_OK) sink_fail(s, st);
            return;
        }
    } else {
        size_t cap = s->cap ? s->cap : 256;
        while (n > cap - s->len) cap *= 2;
        char *b = tg_realloc(s->buf, cap);
        if (!b) {
            sink_fail(s, TG_ENOMEM);
            return;
        }
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

static inline void put(struct sink *s, const char *p, size_t n) {
    if (n == 0) return; /* also keeps memcpy away from a NULL buffer */
    if (n <= s->cap - s->len) {
        memcpy(s->buf + s->len, p, n);
        s->len += n;
    } else {
        put_slow(s, p, n);
    }
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms,
** no surrogates, nothing above U+10FFFF), or 0 when it is not valid. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
    const unsigned char c = p[0];
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    size_t len;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0; /* no overlong forms */
        if (c == 0xED) hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90; /* no overlong forms */
        if (c == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || p[1] < lo || p[1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if (p[k] < 0x80 || p[k] > 0xBF) return 0;
    return len;
}

static void put_string(struct sink *s, const char *str, size_t n) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)str;
    size_t start = 0, i = 0;

    put(s, "\"", 1);
    while (i < n) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = utf8_seq(p + i, n - i);
            if (k) {
                i += k;
                continue;
            }
        }
        put(s, str + start, i - start);
        if (c >= 0x80) {
            put(s, "\xEF\xBF\xBD", 3); /* U+FFFD for a byte that is not UTF-8 */
        } else {
            static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
            const char *hit = memchr(from, c, sizeof from - 1);
            char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            size_t len = 6;
            if (hit) {
                esc[1] = to[hit - from];
                len = 2;
            }
            put(s, esc, len);
        }
        start = ++i;
    }
    put(s, str + start, n - start);
    put(s, "\"", 1);
}

static void put_real(struct sink *s, double f, int decimals) {
    char buf[TG_FMT_DOUBLE_MAX];
    size_t n = tg_fmt_double(f, decimals, TG_FMT_EXP, buf);
    put(s, n ? buf : "null", n ? n : 4);
}

static void put_int(struct sink *s, int64_t i) {
    char buf[TG_FMT_INT_MAX];
    put(s, buf, tg_fmt_int64(i, buf));
}

/* A newline and the indentation of 'level' (pretty mode only). */
static void newline(struct sink *s, int level) {
    static const char spaces[] = "                                ";
    if (!s->indent) return;
    put(s, "\n", 1);
    for (size_t n = (size_t)s->indent * (size_t)level; n > 0;) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(s, spaces, k);
        n -= k;
    }
}

static void put_key(struct sink *s, const char *key, size_t n) {
    put_string(s, key, n);
    put(s, s->indent ? ": " : ":", s->indent ? 2 : 1);
}

static void put_cell(struct sink *s, const tg_col *c, size_t r, int decimals) {
    char buf[16];
    size_t n;
    if (!tg_col_is_valid(c, r)) {
        put(s, "null", 4);
        return;
    }
    switch (c->type) {
    case TG_INT: put_int(s, c->v.i64[r]); break;
    case TG_FLOAT: put_real(s, c->v.f64[r], decimals); break;
    case TG_BOOL: put(s, c->v.b8[r] ? "true" : "false", c->v.b8[r] ? 4 : 5); break;
    case TG_DATE:
        buf[0] = '"';
        n = tg_date_format(c->v.date[r], buf + 1);
        buf[n + 1] = '"';
        put(s, buf, n + 2);
        break;
    case TG_STRING: {
        const char *str = tg_dict_str(c->dict, c->v.str[r], &n);
        put_string(s, str, n);
        break;
    }
    }
}

/* Rows as objects, laid out exactly as the same tree of nodes would be.
** What comes before each cell ("{" or ",", the line break and indentation,
** the escaped key and the colon) is the same in every row, so it is
** rendered once: pre.buf holds the pieces, at[j] .. at[j + 1] the one
** before cell j and at[n_cols] .. pre.len the end of a row. */
static void put_table(struct sink *s, const tg_table *t, int decimals, int level) {
    const size_t nc = t->n_cols;
    struct sink pre = { 0 };
    size_t *at;

    if (t->n_rows == 0) {
        put(s, "[]", 2);
        return;
    }
    at = tg_malloc((nc + 1) * sizeof *at);
    if (!at) {
        sink_fail(s, TG_ENOMEM);
        return;
    }
    pre.indent = s->indent;
    for (size_t j = 0; j < nc; j++) {
        at[j] = pre.len;
        put(&pre, j ? "," : "{", 1);
        newline(&pre, level + 2);
        put_key(&pre, t->names[j], strlen(t->names[j]));
    }
    at[nc] = pre.len;
    if (nc > 0) newline(&pre, level + 1);
    put(&pre, nc > 0 ? "}" : "{}", nc > 0 ? 1 : 2);
    if (pre.st != TG_OK) {
        sink_fail(s, pre.st);
        tg_free(pre.buf);
        tg_free(at);
        return;
    }

    put(s, "[", 1);
    for (size_t r = 0; r < t->n_rows && s->st == TG_OK; r++) {
        if (r % TG_VECTOR == 0 && r > 0) {
            tg_status st = tg_poll(s->intr);
            if (st != TG_OK) sink_fail(s, st);
        }
        if (r) put(s, ",", 1);
        newline(s, level + 1);
        for (size_t j = 0; j < nc; j++) {
            put(s, pre.buf + at[j], at[j + 1] - at[j]);
            put_cell(s, t->cols[j], r, decimals);
        }
        put(s, pre.buf + at[nc], pre.len - at[nc]);
    }
    newline(s, level);
    put(s, "]", 1);
    tg_free(pre.buf);
    tg_free(at);
}

static void put_value(struct sink *s, const tg_json *v, int level) {
    switch (v->kind) {
    case TG_JSON_NULL: put(s, "null", 4); break;
    case TG_JSON_BOOL: put(s, v->u.b ? "true" : "false", v->u.b ? 4 : 5); break;
    case TG_JSON_INT: put_int(s, v->u.i); break;
    case TG_JSON_REAL: put_real(s, v->u.f, v->decimals); break;
    case TG_JSON_STRING: put_string(s, v->u.str.s, v->u.str.n); break;
    case TG_JSON_TABLE: put_table(s, v->u.table, v->decimals, level); break;
    case TG_JSON_ARRAY:
    case TG_JSON_OBJECT: {
        const int is_obj = v->kind == TG_JSON_OBJECT;
        if (v->u.c.n == 0) {
            put(s, is_obj ? "{}" : "[]", 2);
            break;
        }
        put(s, is_obj ? "{" : "[", 1);
        for (size_t i = 0; i < v->u.c.n && s->st == TG_OK; i++) {
            if (i) put(s, ",", 1);
            newline(s, level + 1);
            if (is_obj) {
                const struct member *m = &v->u.c.members[i];
                put_key(s, m->key, strlen(m->key));
                put_value(s, m->val, level + 1);
            } else {
                put_value(s, v->u.c.items[i], level + 1);
            }
        }
        newline(s, level);
        put(s, is_obj ? "}" : "]", 1);
        break;
    }
    }
}

char *tg_json_dump(const tg_json *v, int indent) {
    struct sink s = { 0 };
    assert(v != NULL && indent >= 0 && indent <= 16);
    s.indent = indent;
    put_value(&s, v, 0);
    put(&s, "", 1); /* the NUL */
    if (s.st != TG_OK) {
        tg_free(s.buf);
        return NULL;
    }
    return s.buf;
}

tg_status tg_json_write_file(const tg_json *v, int indent, const char *path,
                             const tg_interrupt *intr, tg_error *err) {
    tg_out *o;
    assert(path != NULL);
    tg_status st = tg_out_open(path, &o, err);
    return st != TG_OK ? st : tg_json_write_take(v, indent, o, path, intr, err);
}

tg_status tg_json_write_take(const tg_json *v, int indent, tg_out *o, const char *path,
                             const tg_interrupt *intr, tg_error *err) {
    struct sink s = { 0 };
    assert(v != NULL && o != NULL && path != NULL && indent >= 0 && indent <= 16);
    s.out = o;
    s.buf = tg_malloc(SINK_CHUNK);
    if (!s.buf) {
        tg_out_abort(o);
        return tg_err_nomem(err);
    }
    s.cap = SINK_CHUNK;
    s.indent = indent;
    s.intr = intr;
    put_value(&s, v, 0);
    put(&s, "\n", 1);
    flush_sink(&s);
    tg_free(s.buf);
    /* The last rows, the flush and the sync to disk took time too: past
    ** the limit, the file is not committed (the rename after this check is
    ** instant). */
    if (s.st == TG_OK) s.st = tg_out_sync(s.out, NULL);
    if (s.st == TG_OK) s.st = tg_poll(intr);
    if (s.st == TG_EIO) return tg_out_commit(s.out, err); /* reports the sticky write error */
    if (s.st != TG_OK) {
        tg_out_abort(s.out);
        if (s.st == TG_ENOMEM) return tg_err_nomem(err);
        return tg_err_set(err, s.st, path, 0, 0, "stopped while writing");
    }
    return tg_out_commit(s.out, err);
}
