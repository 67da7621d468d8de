/*
** tg_luactx.c -- the run context (see tg_luactx.h): params sorted by key
** for bsearch, the inputs in the order read, and the documents the script
** produced, owned here until tg_run takes them.
*/
#include "tg_luactx.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_mem.h"
#include "tg_sbuf.h"
#include "tg_sha256.h"

struct tg_luactx {
    tg_luactx_param *params; /* sorted by key */
    size_t n_params;
    char **asked; /* the names the script asked for, given or not, in order */
    size_t n_asked, cap_asked;
    void (*print)(void *ud, const char *text, size_t len);
    void *ud;
    int progress;
    int quiet;
    int tty;
    tg_luactx_input *inputs;
    size_t n_inputs, cap_inputs;
    tg_json *doc;        /* what tegn.emit produced; NULL until then */
    tg_json *indicators; /* tegn.indicator's objects in definition order */
    int indent;          /* tegn.emit's indent option */
    tg_path *paths;      /* what files the script may touch; NULL = any */
    int format;          /* --format, a tg_run_format */
    void (*out)(void *ud, const char *text, size_t len);
    void *out_ud;
    char *text; /* tegn.emit's text under --format csv or table */
    size_t text_len;
    int dry;            /* tegn check --data: nothing is written */
    size_t sample_rows; /* tegn check --data: rows kept of each input; 0 = all */
    char **dbs;         /* database services allowed (--allow-db), each */
    int *db_write;      /* ... and whether it may be written (--allow-db-write) */
    size_t n_dbs;
};

static int cmp_param(const void *a, const void *b) {
    return strcmp(((const tg_luactx_param *)a)->key, ((const tg_luactx_param *)b)->key);
}

tg_luactx *tg_luactx_new(const char *const *params, size_t n_params,
                         void (*print)(void *ud, const char *text, size_t len), void *ud,
                         int progress, tg_error *err) {
    tg_luactx *ctx = tg_calloc(1, sizeof *ctx);
    if (!ctx) {
        tg_err_nomem(err);
        return NULL;
    }
    ctx->print = print;
    ctx->ud = ud;
    ctx->progress = progress;
    ctx->params = tg_calloc(n_params ? n_params : 1, sizeof *ctx->params);
    if (!ctx->params) goto nomem;
    for (size_t i = 0; i < n_params; i++) {
        const char *eq = strchr(params[i], '=');
        if (!eq || eq == params[i]) {
            tg_err_set(err, TG_EARG, NULL, 0, 0, "bad --param '%s': expected NAME=VALUE",
                       params[i]);
            goto fail;
        }
        ctx->params[i].key = tg_strndup(params[i], (size_t)(eq - params[i]));
        ctx->params[i].value = tg_strdup(eq + 1);
        ctx->n_params = i + 1;
        if (!ctx->params[i].key || !ctx->params[i].value) goto nomem;
    }
    qsort(ctx->params, ctx->n_params, sizeof *ctx->params, cmp_param);
    for (size_t i = 1; i < ctx->n_params; i++) {
        if (strcmp(ctx->params[i - 1].key, ctx->params[i].key) == 0) {
            tg_err_set(err, TG_EARG, NULL, 0, 0, "--param '%s' given twice", ctx->params[i].key);
            goto fail;
        }
    }
    return ctx;

nomem:
    tg_err_nomem(err);
fail:
    tg_luactx_free(ctx);
    return NULL;
}

void tg_luactx_free(tg_luactx *ctx) {
    if (!ctx) return;
    tg_free(ctx->text);
    for (size_t i = 0; i < ctx->n_params; i++) {
        tg_free(ctx->params[i].key);
        tg_free(ctx->params[i].value);
    }
    tg_free(ctx->params);
    for (size_t i = 0; i < ctx->n_asked; i++) tg_free(ctx->asked[i]);
    tg_free(ctx->asked);
    for (size_t i = 0; i < ctx->n_inputs; i++) {
        tg_free(ctx->inputs[i].path);
        tg_free(ctx->inputs[i].query);
        tg_free(ctx->inputs[i].col_names);
        tg_free(ctx->inputs[i].col_types);
        for (size_t k = 0; k < ctx->inputs[i].n_notes; k++) tg_free(ctx->inputs[i].notes[k]);
        tg_free(ctx->inputs[i].notes);
    }
    tg_free(ctx->inputs);
    tg_json_free(ctx->doc);
    tg_json_free(ctx->indicators);
    tg_path_free(ctx->paths);
    for (size_t i = 0; i < ctx->n_dbs; i++) tg_free(ctx->dbs[i]);
    tg_free(ctx->dbs);
    tg_free(ctx->db_write);
    tg_free(ctx);
}

void tg_luactx_set_format(tg_luactx *ctx, int format,
                          void (*out)(void *ud, const char *text, size_t len), void *ud) {
    ctx->format = format;
    ctx->out = out;
    ctx->out_ud = ud;
}

int tg_luactx_format(const tg_luactx *ctx) {
    return ctx ? ctx->format : 0;
}

void tg_luactx_stdout(const tg_luactx *ctx, const char *text, size_t len) {
    if (ctx && ctx->out) ctx->out(ctx->out_ud, text, len);
}

char *tg_luactx_take_text(tg_luactx *ctx, size_t *len) {
    char *text = ctx->text;
    *len = ctx->text_len;
    ctx->text = NULL;
    return text;
}

void tg_luactx_set_text(lua_State *L, char *text, size_t len) {
    tg_luactx *ctx = tg_luactx_of(L);
    tg_free(ctx->text);
    ctx->text = text;
    ctx->text_len = len;
}

void tg_luactx_set_check(tg_luactx *ctx, int dry, size_t sample_rows) {
    ctx->dry = dry;
    ctx->sample_rows = sample_rows;
}

size_t tg_luactx_sample(const tg_luactx *ctx) {
    return ctx ? ctx->sample_rows : 0;
}

void tg_luactx_sample_table(lua_State *L, tg_table **slot) {
    size_t n = tg_luactx_of(L)->sample_rows;
    if (n == 0 || !*slot || (*slot)->n_rows <= n) return;
    tg_table *head = tg_table_head(*slot, n);
    if (!head) tg_lua_raise(L, TG_ENOMEM, NULL);
    tg_table_release(*slot);
    *slot = head;
}

void tg_luactx_set_tty(tg_luactx *ctx, int tty) {
    ctx->tty = tty;
}

int tg_luactx_tty(const tg_luactx *ctx) {
    return ctx ? ctx->tty : 0;
}

void tg_luactx_set_quiet(tg_luactx *ctx, int quiet) {
    ctx->quiet = quiet;
}

int tg_luactx_quiet(const tg_luactx *ctx) {
    return ctx->quiet;
}

void tg_luactx_set_paths(tg_luactx *ctx, tg_path *paths) {
    tg_path_free(ctx->paths);
    ctx->paths = paths;
}

int tg_luactx_open_read(lua_State *L, const char *fn, const char *path, int *by_name) {
    tg_luactx *ctx = tg_luactx_of(L);
    tg_error err;
    tg_status st;
    int fd, e;
    *by_name = !ctx->paths;
    if (!ctx->paths) return -1;
    tg_err_clear(&err);
    st = tg_path_open_read(ctx->paths, fn, path, &fd, &err);
    e = errno;
    if (st != TG_OK) tg_lua_raise(L, st, &err);
    errno = e;
    return fd;
}

tg_status tg_luactx_allow_db(tg_luactx *ctx, const char *service, int write, tg_error *err) {
    for (size_t i = 0; i < ctx->n_dbs; i++) {
        if (strcmp(ctx->dbs[i], service) != 0) continue;
        ctx->db_write[i] |= write;
        return TG_OK;
    }
    char **names = tg_realloc(ctx->dbs, (ctx->n_dbs + 1) * sizeof *names);
    if (names) ctx->dbs = names;
    int *w = names ? tg_realloc(ctx->db_write, (ctx->n_dbs + 1) * sizeof *w) : NULL;
    if (w) ctx->db_write = w;
    char *copy = w ? tg_strdup(service) : NULL;
    if (!copy) return tg_err_nomem(err);
    ctx->dbs[ctx->n_dbs] = copy;
    ctx->db_write[ctx->n_dbs++] = write;
    return TG_OK;
}

int tg_luactx_check_db(lua_State *L, const char *fn, const char *service, int write) {
    tg_luactx *ctx = tg_luactx_of(L);
    tg_error err;
    if (write) {
        tg_err_clear(&err);
        tg_status st = tg_luactx_check_params(ctx, " before its first write", &err);
        if (st != TG_OK) tg_lua_raise(L, st, &err);
    }
    if (!ctx->paths) return write && ctx->dry; /* no policy: an embedding program's own code */
    for (size_t i = 0; i < ctx->n_dbs; i++)
        if (!strcmp(ctx->dbs[i], service) && (!write || ctx->db_write[i])) return write && ctx->dry;
    tg_err_set(&err, TG_EIO, NULL, 0, 0,
               "%s: database service '%s' is not allowed for this run (allow it with %s %s)", fn,
               service, write ? "--allow-db-write" : "--allow-db", service);
    return tg_lua_raise(L, TG_EIO, &err);
}

int tg_luactx_open_write(lua_State *L, const char *fn, const char *path, const char **name) {
    tg_luactx *ctx = tg_luactx_of(L);
    tg_error err;
    tg_status st;
    int dir;
    *name = path;
    tg_err_clear(&err);
    /* A misspelt --param must stop the run before it writes anything. */
    if ((st = tg_luactx_check_params(ctx, " before its first write", &err)) != TG_OK)
        tg_lua_raise(L, st, &err);
    if (ctx->dry) { /* judged as the run will judge it, and not written */
        if (ctx->paths && (st = tg_path_check(ctx->paths, TG_PATH_WRITE, fn, path, &err)) != TG_OK)
            tg_lua_raise(L, st, &err);
        return TG_LUACTX_DRY;
    }
    if (!ctx->paths) return -1;
    st = tg_path_open_write(ctx->paths, fn, path, &dir, name, &err);
    if (st != TG_OK) tg_lua_raise(L, st, &err);
    return dir;
}

void tg_luactx_print(void *ud, const char *text, size_t len) {
    tg_luactx *ctx = ud;
    if (ctx && ctx->print) ctx->print(ctx->ud, text, len);
}

size_t tg_luactx_n_inputs(const tg_luactx *ctx) {
    return ctx->n_inputs;
}

const tg_luactx_input *tg_luactx_input_at(const tg_luactx *ctx, size_t i) {
    assert(i < ctx->n_inputs);
    return &ctx->inputs[i];
}

size_t tg_luactx_n_params(const tg_luactx *ctx) {
    return ctx->n_params;
}

const tg_luactx_param *tg_luactx_param_at(const tg_luactx *ctx, size_t i) {
    assert(i < ctx->n_params);
    return &ctx->params[i];
}

const tg_luactx_param *tg_luactx_find_param(const tg_luactx *ctx, const char *key) {
    tg_luactx_param probe;
    probe.key = (char *)key;
    return bsearch(&probe, ctx->params, ctx->n_params, sizeof *ctx->params, cmp_param);
}

/* Adds 'key' to the names asked for. Out of memory it is left out: the
** list only explains the error, and the param itself is marked read. */
static void note_asked(tg_luactx *ctx, const char *key) {
    for (size_t i = 0; i < ctx->n_asked; i++)
        if (strcmp(ctx->asked[i], key) == 0) return;
    if (ctx->n_asked == ctx->cap_asked) {
        size_t cap = ctx->cap_asked ? 2 * ctx->cap_asked : 8;
        char **grown = tg_realloc(ctx->asked, cap * sizeof *grown);
        if (!grown) return;
        ctx->asked = grown;
        ctx->cap_asked = cap;
    }
    if ((ctx->asked[ctx->n_asked] = tg_strdup(key))) ctx->n_asked++;
}

const tg_luactx_param *tg_luactx_use_param(tg_luactx *ctx, const char *key) {
    tg_luactx_param *p = (tg_luactx_param *)tg_luactx_find_param(ctx, key);
    if (p) p->read = 1;
    note_asked(ctx, key);
    return p;
}

tg_status tg_luactx_check_params(const tg_luactx *ctx, const char *when, tg_error *err) {
    tg_sbuf unread = { NULL, 0, 0, 0 }, asked = { NULL, 0, 0, 0 };
    size_t n = 0;
    tg_status st = TG_OK;

    for (size_t i = 0; i < ctx->n_params; i++)
        if (!ctx->params[i].read)
            tg_sbuf_printf(&unread, "%s'%s'", n++ ? ", " : "", ctx->params[i].key);
    if (n == 0) return TG_OK;
    for (size_t i = 0; i < ctx->n_asked; i++)
        tg_sbuf_printf(&asked, "%s%s", i ? ", " : "", ctx->asked[i]);
    if (unread.oom || asked.oom) st = tg_err_nomem(err);
    else
        st = tg_err_set(err, TG_EARG, NULL, 0, 0, "--param %s %s not read by the script%s (%s%s)",
                        unread.p, n > 1 ? "are" : "is", when,
                        ctx->n_asked ? "it reads: " : "it reads no params",
                        ctx->n_asked ? asked.p : "");
    tg_free(unread.p);
    tg_free(asked.p);
    return st;
}

int tg_luactx_progress(const tg_luactx *ctx) {
    return ctx->progress;
}

tg_luactx *tg_luactx_of(lua_State *L) {
    return tg_lua_userdata(tg_lua_from_state(L));
}

int tg_luactx_set_doc(lua_State *L, tg_json *doc, int indent) {
    tg_luactx *ctx = tg_luactx_of(L);
    if (ctx->doc) return 0;
    ctx->doc = doc;
    ctx->indent = indent;
    return 1;
}

void tg_luactx_add_indicator(lua_State *L, tg_json *ind) {
    tg_luactx *ctx = tg_luactx_of(L);
    tg_error err;
    tg_status st = TG_OK;
    if (!ctx->indicators && !(ctx->indicators = tg_json_array())) st = tg_err_nomem(&err);
    if (st == TG_OK) st = tg_json_push_take(ctx->indicators, ind, &err);
    else tg_json_free(ind);
    if (st != TG_OK) tg_lua_raise(L, st, &err);
}

/* The indicator document; NULL for none or out of memory. */
static tg_json *indicator_doc(tg_luactx *ctx) {
    tg_json *doc = tg_json_object(), *list = ctx->indicators;
    tg_status st = doc ? TG_OK : TG_ENOMEM;
    ctx->indicators = NULL;
    if (st == TG_OK) st = tg_json_set_take(doc, "format", tg_json_str("tegn-indicators", 15), NULL);
    if (st == TG_OK) st = tg_json_set_take(doc, "format_version", tg_json_int(1), NULL);
    if (st == TG_OK) st = tg_json_set_take(doc, "indicators", list, NULL);
    else tg_json_free(list);
    if (st != TG_OK) {
        tg_json_free(doc);
        return NULL;
    }
    return doc;
}

tg_json *tg_luactx_take_doc(tg_luactx *ctx, int *indent) {
    tg_json *doc = ctx->doc;
    ctx->doc = NULL;
    if (indent) *indent = ctx->indent;
    if (!doc && ctx->indicators) {
        if (indent) *indent = 2;
        doc = indicator_doc(ctx);
    }
    return doc;
}

/* ---- for the module's C functions ---- */

/* Copies t's column names (one block, each NUL-terminated) and types
** into 'in'; 0 on allocation failure, with nothing kept. */
static int keep_columns(tg_luactx_input *in, const tg_table *t) {
    size_t len = 0, at = 0;
    for (size_t k = 0; k < t->n_cols; k++) len += strlen(t->names[k]) + 1;
    in->col_names = tg_malloc(len ? len : 1);
    in->col_types = tg_malloc(t->n_cols ? t->n_cols : 1);
    if (!in->col_names || !in->col_types) {
        tg_free(in->col_names);
        tg_free(in->col_types);
        in->col_names = NULL;
        in->col_types = NULL;
        return 0;
    }
    for (size_t k = 0; k < t->n_cols; k++) {
        size_t n = strlen(t->names[k]) + 1;
        memcpy(in->col_names + at, t->names[k], n);
        at += n;
        in->col_types[k] = (unsigned char)t->cols[k]->type;
    }
    in->n_cols = t->n_cols;
    return 1;
}

void tg_luactx_add_input(lua_State *L, const char *path, const char *query, const tg_table *t,
                         size_t rejected) {
    char sha[65];
    tg_interrupt intr;
    tg_error err;
    tg_status st;

    intr.fn = tg_lua_interrupt;
    intr.ud = tg_lua_from_state(L);
    st = tg_sha256_file_poll(path, &intr, sha, &err);
    if (st != TG_OK) tg_lua_raise(L, st, &err);
    tg_luactx_add_input_sha(L, path, query, t, rejected, sha);
}

void tg_luactx_add_input_sha(lua_State *L, const char *path, const char *query, const tg_table *t,
                             size_t rejected, const char *sha256) {
    tg_luactx *ctx = tg_luactx_of(L);
    tg_luactx_input in;

    memset(&in, 0, sizeof in);
    in.rows = t->n_rows;
    in.rejected = rejected;
    memcpy(in.sha256, sha256, sizeof in.sha256 - 1);
    if (ctx->n_inputs == ctx->cap_inputs) {
        size_t cap = ctx->cap_inputs ? 2 * ctx->cap_inputs : 8;
        tg_luactx_input *p = tg_realloc(ctx->inputs, cap * sizeof *p);
        if (!p) tg_lua_raise(L, TG_ENOMEM, NULL);
        ctx->inputs = p;
        ctx->cap_inputs = cap;
    }
    in.path = tg_strdup(path);
    in.query = query ? tg_strdup(query) : NULL;
    if (!in.path || (query && !in.query) || !keep_columns(&in, t)) {
        tg_free(in.path);
        tg_free(in.query);
        tg_free(in.col_names);
        tg_free(in.col_types);
        tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    ctx->inputs[ctx->n_inputs++] = in;
}

tg_luactx_input *tg_luactx_last_input(lua_State *L) {
    tg_luactx *ctx = tg_luactx_of(L);
    return ctx->n_inputs ? &ctx->inputs[ctx->n_inputs - 1] : NULL;
}

void tg_luactx_input_note(lua_State *L, const char *note) {
    tg_luactx_input *in = tg_luactx_last_input(L);
    if (!in) return;
    char **notes = tg_realloc(in->notes, (in->n_notes + 1) * sizeof *notes);
    if (!notes) tg_lua_raise(L, TG_ENOMEM, NULL);
    in->notes = notes;
    if (!(notes[in->n_notes] = tg_strdup(note))) tg_lua_raise(L, TG_ENOMEM, NULL);
    in->n_notes++;
}

/* ---- tegn.read_csv ---- */
