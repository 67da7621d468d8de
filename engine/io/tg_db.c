/*
** tg_db.c -- SQLite adapter: query results into tables, tables into SQLite.
** Reading stages every result value losslessly (an 8-byte payload and a
** storage class per row, text interned in the column's dictionary) and
** decides the column type only when the whole result is in, so the type
** reflects every value, not the first. Writing runs inside one transaction
** on a copy that replaces the file only when complete. SQL text is built in
** tg_mem buffers; SQLite's own allocations stay inside SQLite.
*/
#include "tg_db.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>
#include <sqlite3.h>

#include "tg_date.h"
#include "tg_dbvfs.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_out.h"
#include "tg_path.h"
#include "tg_sbuf.h"

#define BUSY_MS      5000  /* how long to wait for another connection's lock */
#define BUSY_STEP_MS 10    /* sleep between tries, and between polls while waiting */
#define PROGRESS_OPS 10000 /* VM instructions between polls of a running query */
#define SQL_SHOW     120   /* bytes of SQL quoted in an error message */
#define WRITE_TRIES  8     /* attempts when other writers keep replacing the file */

/* ---- small helpers: SQL text, dates, errors ---- */

/* Appends 'name' as an SQL identifier: in double quotes, inner quotes
** doubled, so any name (spaces, keywords, æøå) is taken literally. */
static void sb_ident(tg_sbuf *b, const char *name) {
    const char *q;
    tg_sbuf_add(b, "\"", 1);
    while ((q = strchr(name, '"')) != NULL) {
        tg_sbuf_add(b, name, (size_t)(q - name + 1));
        tg_sbuf_add(b, "\"", 1);
        name = q + 1;
    }
    tg_sbuf_str(b, name);
    tg_sbuf_add(b, "\"", 1);
}

/* Writes "YYYY-MM-DD" into buf (at least 11 bytes); -1 outside years
** 1..9999, which the ISO form (and tg_db_read) cannot express. */
static int format_date(int32_t days, char *buf) {
    int y = tg_date_year(days);
    if (y < 1 || y > 9999) return -1;
    tg_date_format(days, buf);
    return 0;
}

/* The tegn status for an SQLite result code: the caller's SQL or names
** are TG_EARG, values breaking the schema TG_EDATA, everything about the
** file or its locks TG_EIO. */
static tg_status status_of(int rc) {
    switch (rc & 0xff) {
    case SQLITE_NOMEM: return TG_ENOMEM;
    case SQLITE_ERROR:
    case SQLITE_AUTH:
    case SQLITE_RANGE: return TG_EARG;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG: return TG_EDATA;
    default: return TG_EIO;
    }
}

/* How many bytes of 'sql' a message quotes: at most SQL_SHOW, never
** cutting a UTF-8 sequence; ellipsis() marks that some were left out. */
static int show_len(const char *sql) {
    size_t n = strlen(sql);
    if (n <= SQL_SHOW) return (int)n;
    for (n = SQL_SHOW; n > 0 && ((unsigned char)sql[n] & 0xc0) == 0x80; n--) continue;
    return (int)n;
}

static const char *ellipsis(const char *sql) {
    return strlen(sql) > SQL_SHOW ? "..." : "";
}

/* Reports SQLite's error on 'db' (or for 'rc' when there is no handle).
** When 'sql' is given the message quotes it, with the position SQLite
** blames when it knows one. */
static tg_status db_fail(tg_error *err, const char *path, sqlite3 *db, int rc, const char *sql) {
    tg_status st = status_of(rc);
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

    if (st == TG_ENOMEM) return tg_err_nomem(err);
    if (!sql) return tg_err_set(err, st, path, 0, 0, "%s", msg);
    int at = -1, chars = 0;
#if SQLITE_VERSION_NUMBER >= 3038000
    if (db) at = sqlite3_error_offset(db);
#endif
    if (at < 0)
        return tg_err_set(err, st, path, 0, 0, "%s in SQL: %.*s%s", msg, show_len(sql), sql,
                          ellipsis(sql));
    /* SQLite counts bytes; people count characters (æøå are two bytes). */
    const char *nul = memchr(sql, '\0', (size_t)at);
    chars = (int)tg_enc_utf8_len(sql, nul ? (size_t)(nul - sql) : (size_t)at);
    return tg_err_set(err, st, path, 0, 0, "%s at character %d of SQL: %.*s%s", msg, chars + 1,
                      show_len(sql), sql, ellipsis(sql));
}

/* ---- SQLite's memory goes through tg_mem, so it counts against the cap ---- */

static void *sq_malloc(int n) {
    return tg_malloc((size_t)n);
}

static void sq_free(void *p) {
    tg_free(p);
}

static void *sq_realloc(void *p, int n) {
    return tg_realloc(p, (size_t)n);
}

static int sq_size(void *p) {
    return (int)tg_mem_size(p);
}

static int sq_roundup(int n) {
    return (n + 7) & ~7;
}

static int sq_init(void *ud) {
    (void)ud;
    return SQLITE_OK;
}

static void sq_shutdown(void *ud) {
    (void)ud;
}

static pthread_once_t sq_once = PTHREAD_ONCE_INIT;

/* Must run before SQLite initialises itself; if something in the process
** initialised it first, SQLite keeps its own allocator (config refuses). */
static void sq_install(void) {
    static const sqlite3_mem_methods methods = { sq_malloc,  sq_free, sq_realloc,  sq_size,
                                                 sq_roundup, sq_init, sq_shutdown, NULL };
    sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
    tg_dbvfs_register();
}

void tg_db_setup(void) {
    pthread_once(&sq_once, sq_install);
}

/* Opens 'file' by name, or with 'fd' >= 0 the open file 'fd' through the
** tegn-fd VFS ('file' is then ignored; 'flags' READWRITE makes it the
** writable kind); messages name 'path' (the database the caller was asked
** for: a write works on a temporary copy whose name means nothing to the
** user). */
static tg_status open_db(const char *file, int fd, const char *path, int flags, sqlite3 **out,
                         tg_error *err) {
    sqlite3 *db = NULL;
    char name[64];
    pthread_once(&sq_once, sq_install);
    if (fd >= 0 && tg_dbvfs_name(name, sizeof name, fd, (flags & SQLITE_OPEN_READWRITE) != 0) == 0)
        file = name;
    int rc = sqlite3_open_v2(file, &db, flags, fd >= 0 ? tg_dbvfs_register() : NULL);

    *out = NULL;
    if (rc != SQLITE_OK) {
        tg_status st;
        if (!db) st = tg_err_nomem(err);
        else if (sqlite3_system_errno(db) == ENOENT)
            st = tg_err_set(err, TG_EIO, path, 0, 0,
                            "cannot open database: no such file or directory");
        else
            st =
                tg_err_set(err, TG_EIO, path, 0, 0, "cannot open database: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return st;
    }
    *out = db;
    return TG_OK;
}

/* ---- reading: the smallest surface ---- */

/* The SQL functions a query may call: SQLite's core, aggregate, window,
** date, math and JSON functions, which compute values from values. Left
** out: everything with a side effect or that reveals the process, such as
** load_extension, fts3_tokenizer (returns a pointer into the library),
** sqlite_offset (a file offset) and whatever an extension registers.
** Sorted for bsearch; names are ASCII lower case. */
static const char *const safe_functions[] = {
    "->",
    "->>",
    "abs",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "avg",
    "ceil",
    "ceiling",
    "char",
    "coalesce",
    "concat",
    "concat_ws",
    "cos",
    "cosh",
    "count",
    "cume_dist",
    "date",
    "datetime",
    "degrees",
    "dense_rank",
    "exp",
    "first_value",
    "floor",
    "format",
    "glob",
    "group_concat",
    "hex",
    "ifnull",
    "iif",
    "instr",
    "json",
    "json_array",
    "json_array_length",
    "json_extract",
    "json_group_array",
    "json_group_object",
    "json_insert",
    "json_object",
    "json_patch",
    "json_quote",
    "json_remove",
    "json_replace",
    "json_set",
    "json_type",
    "json_valid",
    "julianday",
    "lag",
    "last_value",
    "lead",
    "length",
    "like",
    "likelihood",
    "likely",
    "ln",
    "log",
    "log10",
    "log2",
    "lower",
    "ltrim",
    "max",
    "min",
    "mod",
    "nth_value",
    "ntile",
    "nullif",
    "octet_length",
    "percent_rank",
    "pi",
    "pow",
    "power",
    "printf",
    "quote",
    "radians",
    "random",
    "randomblob",
    "rank",
    "replace",
    "round",
    "row_number",
    "rtrim",
    "sign",
    "sin",
    "sinh",
    "soundex",
    "sqlite_version",
    "sqrt",
    "strftime",
    "string_agg",
    "substr",
    "substring",
    "sum",
    "tan",
    "tanh",
    "time",
    "timediff",
    "total",
    "trim",
    "trunc",
    "typeof",
    "unhex",
    "unicode",
    "unixepoch",
    "unlikely",
    "upper",
    "zeroblob",
};

/* The pragmas a query may read: what a table looks like. */
static const char *const safe_pragmas[] = {
    "foreign_key_list", "index_info", "index_list", "index_xinfo", "table_info", "table_xinfo",
};

static int cmp_name(const void *key, const void *elem) {
    return sqlite3_stricmp((const char *)key, *(const char *const *)elem);
}

static int listed(const char *name, const char *const *list, size_t n) {
    return name && bsearch(name, list, n, sizeof *list, cmp_name) != NULL;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Lets a query read and compute, nothing else: no ATTACH, no writes, no
** pragma that changes anything, no function outside the list. The first
** refusal is noted in *ud (an int) so the error can say what was wrong. */
static int authorize(void *ud, int action, const char *a1, const char *a2, const char *db,
                     const char *trigger) {
    int ok;
    (void)db, (void)trigger;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE: ok = 1; break;
    case SQLITE_FUNCTION: ok = listed(a2, safe_functions, COUNT(safe_functions)); break;
    case SQLITE_PRAGMA: ok = listed(a1, safe_pragmas, COUNT(safe_pragmas)); break;
    case SQLITE_UPDATE:
        /* Declaring a table-valued function's table (json_each,
        ** pragma_table_info) compiles an update of sqlite_master that
        ** never runs; a real UPDATE of it still fails the read-only
        ** checks (read-only connection, defensive mode, the statement). */
        ok = a1 && strcmp(a1, "sqlite_master") == 0;
        break;
    default: ok = 0;
    }
    if (!ok && *(int *)ud == 0) *(int *)ud = action;
    return ok ? SQLITE_OK : SQLITE_DENY;
}

/* A database file can come from anyone: its schema (views, triggers,
** defaults) must not reach unsafe functions, and the caller's SQL gets
** the authorizer. The options are applied to every read connection. */
static tg_status harden(sqlite3 *db, int *refused, const char *path, tg_error *err) {
    static const int off[] = { SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
                               SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER,
                               SQLITE_DBCONFIG_TRUSTED_SCHEMA };
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < COUNT(off); i++)
        rc = sqlite3_db_config(db, off[i], 0, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_set_authorizer(db, authorize, refused);
    return rc == SQLITE_OK ? TG_OK : db_fail(err, path, db, rc, NULL);
}

/* ---- reading: parameters ---- */

/* Index of the parameter 'name' names, trying each prefix for a bare
** name; 0 when the statement has no such parameter. */
static int param_index(sqlite3_stmt *stmt, const char *name) {
    char buf[256];
    size_t n = strlen(name);

    if (strchr(":@$?", name[0])) return sqlite3_bind_parameter_index(stmt, name);
    if (n + 2 > sizeof buf) return 0;
    memcpy(buf + 1, name, n + 1);
    for (const char *pre = ":@$"; *pre; pre++) {
        buf[0] = *pre;
        int i = sqlite3_bind_parameter_index(stmt, buf);
        if (i) return i;
    }
    return 0;
}

/* How a parameter is called in messages: its name, or ?k. */
static const char *param_label(sqlite3_stmt *stmt, int i, char *buf, size_t size) {
    const char *name = sqlite3_bind_parameter_name(stmt, i);
    if (name) return name;
    snprintf(buf, size, "?%d", i);
    return buf;
}

static tg_status bind_one(sqlite3_stmt *stmt, int i, const tg_db_param *p, const char *path,
                          tg_error *err) {
    char date[16], label[32];
    int rc;

    switch (p->is_null ? 0 : p->type) {
    case 0: rc = sqlite3_bind_null(stmt, i); break;
    case TG_INT: rc = sqlite3_bind_int64(stmt, i, p->v.i); break;
    case TG_FLOAT: rc = sqlite3_bind_double(stmt, i, p->v.f); break;
    case TG_BOOL: rc = sqlite3_bind_int(stmt, i, p->v.b != 0); break;
    case TG_DATE:
        if (format_date(p->v.date, date) != 0)
            return tg_err_set(err, TG_EARG, path, 0, 0, "parameter %s: date outside years 1..9999",
                              param_label(stmt, i, label, sizeof label));
        rc = sqlite3_bind_text(stmt, i, date, 10, SQLITE_TRANSIENT);
        break;
    case TG_STRING:
        if (!p->v.s)
            return tg_err_set(err, TG_EARG, path, 0, 0, "parameter %s: the string is NULL",
                              param_label(stmt, i, label, sizeof label));
        rc = sqlite3_bind_text(stmt, i, p->v.s, -1, SQLITE_STATIC);
        break;
    default:
        return tg_err_set(err, TG_EARG, path, 0, 0, "parameter %s: unknown type %d",
                          param_label(stmt, i, label, sizeof label), (int)p->type);
    }
    if (rc != SQLITE_OK) return db_fail(err, path, sqlite3_db_handle(stmt), rc, NULL);
    return TG_OK;
}

/* Binds every entry of 'params' and checks that each parameter of the
** statement got exactly one value: SQLite would silently read an unbound
** parameter as NULL, which turns a typo into an empty result. */
static tg_status bind_params(sqlite3_stmt *stmt, const tg_db_param *params, size_t n,
                             const char *path, tg_error *err) {
    int count = sqlite3_bind_parameter_count(stmt), next = 0;
    char label[32];
    uint8_t *bound;
    tg_status st = TG_OK;

    if (count == 0 && n == 0) return TG_OK;
    bound = tg_calloc((size_t)count + 1, 1);
    if (!bound) return tg_err_nomem(err);
    for (size_t k = 0; k < n && st == TG_OK; k++) {
        const tg_db_param *p = &params[k];
        int i = p->name ? param_index(stmt, p->name) : ++next;
        if (p->name && i == 0)
            st = tg_err_set(err, TG_EARG, path, 0, 0, "the query has no parameter '%s'", p->name);
        else if (i > count)
            st = tg_err_set(err, TG_EARG, path, 0, 0,
                            "positional parameter %d given, but the query has %d parameter%s", i,
                            count, count == 1 ? "" : "s");
        else if (bound[i])
            st = tg_err_set(err, TG_EARG, path, 0, 0, "parameter %s is given twice",
                            param_label(stmt, i, label, sizeof label));
        else if ((st = bind_one(stmt, i, p, path, err)) == TG_OK) bound[i] = 1;
    }
    for (int i = 1; i <= count && st == TG_OK; i++)
        if (!bound[i])
            st = tg_err_set(err, TG_EARG, path, 0, 0, "parameter %s has no value",
                            param_label(stmt, i, label, sizeof label));
    tg_free(bound);
    return st;
}

/* ---- reading: staging and typing ---- */

enum { V_NULL, V_INT, V_REAL, V_TEXT }; /* storage class of a staged value */
#define SEEN(c) (1u << (c))

/* What a declared column type says, following SQLite's affinity rules
** where they apply and adding BOOLEAN and DATE, which SQLite lacks. */
enum decl { D_NONE, D_INT, D_FLOAT, D_BOOL, D_DATE, D_TEXT, D_OTHER };

struct stage {
    int64_t *v;    /* integer, bits of a double, or dictionary code */
    uint8_t *cls;  /* V_* per row */
    tg_dict *dict; /* the text values; NULL until the first */
    unsigned seen; /* SEEN(V_*) of every class met */
    int not_bool;  /* an integer other than 0 and 1 was met */
    enum decl decl;
};

struct reader {
    const char *path;
    sqlite3 *db;
    sqlite3_stmt *stmt;
    sqlite3_stmt *cast; /* SELECT CAST(?1 AS TEXT), made when a mixed column needs it */
    int n_cols;
    struct stage *st;
    size_t n_rows, cap;
    int refused; /* the first action the authorizer refused, 0 for none */
    const tg_interrupt *intr;
    tg_status stopped; /* the poll's status once it stopped the statement */
};

/* SQLite's progress handler: a query (a cross join, a recursive CTE) can
** run for hours inside one sqlite3_step, so the run's poll is asked every
** PROGRESS_OPS virtual machine instructions; a nonzero return makes the
** statement fail with SQLITE_INTERRUPT. */
static int on_progress(void *ud) {
    struct reader *r = ud;
    tg_status st = tg_poll(r->intr);
    if (st == TG_OK) return 0;
    r->stopped = st;
    return 1;
}

/* The error for a failed prepare or step: the poll's status when the
** poll stopped it, else SQLite's. */
static tg_status step_fail(struct reader *r, int rc, const char *sql, tg_error *err) {
    if (r->stopped != TG_OK) return tg_err_set(err, r->stopped, r->path, 0, 0, "query interrupted");
    return db_fail(err, r->path, r->db, rc, sql);
}

static int has_word(const char *s, const char *w) {
    size_t n = strlen(w);
    for (; *s; s++)
        if (sqlite3_strnicmp(s, w, (int)n) == 0) return 1;
    return 0;
}

static enum decl parse_decl(const char *t) {
    if (!t || !*t) return D_NONE;
    if (has_word(t, "INT")) return D_INT;
    if (has_word(t, "BOOL")) return D_BOOL;
    if (has_word(t, "CHAR") || has_word(t, "CLOB") || has_word(t, "TEXT")) return D_TEXT;
    if (has_word(t, "REAL") || has_word(t, "FLOA") || has_word(t, "DOUB") ||
        has_word(t, "NUMERIC") || has_word(t, "DEC"))
        return D_FLOAT;
    if (has_word(t, "TIME")) return D_OTHER; /* DATETIME, TIMESTAMP carry a time of day */
    if (has_word(t, "DATE")) return D_DATE;
    return D_OTHER;
}

/* A bare table or view name rather than SQL: letters, digits, '_' and
** any non-ASCII byte (æøå), not starting with a digit. */
static int is_plain_name(const char *s) {
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
        if (!alpha && !(p > s && c >= '0' && c <= '9')) return 0;
    }
    return *s != '\0';
}

/* Room for one more row in every column. The arrays grow one at a time;
** 'cap' moves only once all have, so a failure leaves a consistent reader. */
static tg_status grow_rows(struct reader *r) {
    size_t cap = r->cap ? r->cap * 2 : 64;
    for (int c = 0; c < r->n_cols; c++) {
        struct stage *s = &r->st[c];
        int64_t *v = tg_realloc(s->v, cap * sizeof *v);
        if (!v) return TG_ENOMEM;
        s->v = v;
        uint8_t *cls = tg_realloc(s->cls, cap);
        if (!cls) return TG_ENOMEM;
        s->cls = cls;
    }
    r->cap = cap;
    return TG_OK;
}

/* Stages column c of the current row. */
static tg_status stage_value(struct reader *r, int c, tg_error *err) {
    struct stage *s = &r->st[c];
    size_t row = r->n_rows;
    int cls;

    switch (sqlite3_column_type(r->stmt, c)) {
    case SQLITE_INTEGER: {
        int64_t x = sqlite3_column_int64(r->stmt, c);
        s->v[row] = x;
        s->not_bool |= x != 0 && x != 1;
        cls = V_INT;
        break;
    }
    case SQLITE_FLOAT: {
        double x = sqlite3_column_double(r->stmt, c);
        memcpy(&s->v[row], &x, sizeof x);
        cls = V_REAL;
        break;
    }
    case SQLITE_TEXT: {
        const char *p = (const char *)sqlite3_column_text(r->stmt, c);
        uint32_t code;
        if (!p) return tg_err_nomem(err);
        if (!s->dict && !(s->dict = tg_dict_new())) return tg_err_nomem(err);
        if (tg_dict_intern(s->dict, p, (size_t)sqlite3_column_bytes(r->stmt, c), &code) != TG_OK)
            return tg_err_nomem(err);
        s->v[row] = code;
        cls = V_TEXT;
        break;
    }
    case SQLITE_BLOB: {
        const char *name = sqlite3_column_name(r->stmt, c);
        return tg_err_set(err, TG_EDATA, r->path, 0, 0,
                          "column '%s', row %zu: a BLOB value, which tegn cannot hold "
                          "(select hex(...) to read it as text)",
                          name ? name : "?", row + 1);
    }
    default:
        s->v[row] = 0;
        cls = V_NULL;
        break;
    }
    s->cls[row] = (uint8_t)cls;
    s->seen |= SEEN(cls);
    return TG_OK;
}

static tg_status collect_rows(struct reader *r, tg_error *err) {
    int rc;
    while ((rc = sqlite3_step(r->stmt)) == SQLITE_ROW) {
        if (r->n_rows == r->cap && grow_rows(r) != TG_OK) return tg_err_nomem(err);
        for (int c = 0; c < r->n_cols; c++) {
            tg_status st = stage_value(r, c, err);
            if (st != TG_OK) return st;
        }
        r->n_rows++;
    }
    if (rc != SQLITE_DONE) return step_fail(r, rc, NULL, err);
    return TG_OK;
}

/* The column type, from the classes met and the declared type. */
static tg_type decide_type(const struct stage *s) {
    unsigned num = s->seen & (SEEN(V_INT) | SEEN(V_REAL));

    /* Text-only columns are dates only when the schema says DATE or there is
    ** no schema type (an expression); build_column falls back to string. */
    if (s->seen & SEEN(V_TEXT))
        return !num && (s->decl == D_DATE || s->decl == D_NONE) ? TG_DATE : TG_STRING;
    if (num) {
        if (s->decl == D_BOOL && num == SEEN(V_INT) && !s->not_bool) return TG_BOOL;
        if ((num & SEEN(V_REAL)) || s->decl == D_FLOAT) return TG_FLOAT;
        return TG_INT;
    }
    switch (s->decl) {
    case D_INT: return TG_INT;
    case D_FLOAT: return TG_FLOAT;
    case D_BOOL: return TG_BOOL;
    case D_DATE: return TG_DATE;
    default: return TG_STRING;
    }
}

static tg_status mark_nulls(tg_col *col, const struct stage *s, size_t n) {
    if (!(s->seen & SEEN(V_NULL))) return TG_OK;
    for (size_t i = 0; i < n; i++)
        if (s->cls[i] == V_NULL && tg_col_set_null(col, i) != TG_OK) return TG_ENOMEM;
    return TG_OK;
}

/* An int or float column taking over the staged payload buffer (no copy):
** integers are already int64, reals already hold their double's bits. */
static tg_col *build_number(struct reader *r, struct stage *s, tg_type type) {
    tg_col *col = tg_col_new(type, 0, NULL);
    if (!col) return NULL;
    col->v.i64 = s->v;
    col->cap = r->cap;
    col->len = r->n_rows;
    s->v = NULL;
    if (type == TG_FLOAT && (s->seen & SEEN(V_INT))) {
        for (size_t i = 0; i < r->n_rows; i++) {
            if (s->cls[i] != V_INT) continue;
            double x = (double)col->v.i64[i];
            memcpy(&col->v.i64[i], &x, sizeof x);
        }
    }
    if (mark_nulls(col, s, r->n_rows) != TG_OK) {
        tg_col_release(col);
        return NULL;
    }
    tg_col_shrink(col);
    return col;
}

/* Text of a staged number as SQLite itself writes it, so a mixed column
** reads the same as CAST(x AS TEXT) in the query would. */
static tg_status push_number_text(struct reader *r, tg_col *col, const struct stage *s, size_t i,
                                  tg_error *err) {
    char buf[32];
    if (s->cls[i] == V_INT) {
        int n = snprintf(buf, sizeof buf, "%" PRId64, s->v[i]);
        return tg_col_push_str(col, buf, (size_t)n) == TG_OK ? TG_OK : tg_err_nomem(err);
    }
    if (!r->cast) {
        int rc = sqlite3_prepare_v2(r->db, "SELECT CAST(?1 AS TEXT)", -1, &r->cast, NULL);
        if (rc != SQLITE_OK) return db_fail(err, r->path, r->db, rc, NULL);
    }
    double x;
    memcpy(&x, &s->v[i], sizeof x);
    sqlite3_bind_double(r->cast, 1, x);
    int rc = sqlite3_step(r->cast);
    const char *p = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(r->cast, 0) : NULL;
    tg_status st = TG_OK;
    if (!p) st = db_fail(err, r->path, r->db, rc == SQLITE_ROW ? SQLITE_NOMEM : rc, NULL);
    else if (tg_col_push_str(col, p, (size_t)sqlite3_column_bytes(r->cast, 0)) != TG_OK)
        st = tg_err_nomem(err);
    sqlite3_reset(r->cast);
    return st;
}

static tg_status build_string(struct reader *r, struct stage *s, tg_col **out, tg_error *err) {
    tg_col *col = tg_col_new(TG_STRING, r->n_rows, s->dict);
    tg_status st = TG_OK;

    if (!col) return tg_err_nomem(err);
    for (size_t i = 0; i < r->n_rows && st == TG_OK; i++) {
        switch (s->cls[i]) {
        case V_TEXT: col->v.str[col->len++] = (uint32_t)s->v[i]; break;
        case V_NULL: st = tg_col_push_null(col) == TG_OK ? TG_OK : tg_err_nomem(err); break;
        default: st = push_number_text(r, col, s, i, err); break;
        }
    }
    if (st != TG_OK) {
        tg_col_release(col);
        return st;
    }
    *out = col;
    return TG_OK;
}

/* A date column when every distinct text is an ISO date; *out stays NULL
** when one is not (the caller then builds a string column). Each distinct
** string is parsed once. */
static tg_status build_date(struct reader *r, struct stage *s, tg_col **out, tg_error *err) {
    uint32_t n = s->dict ? tg_dict_size(s->dict) : 0;
    int32_t *days = tg_malloc((n ? n : 1) * sizeof *days);
    tg_col *col = NULL;

    *out = NULL;
    if (!days) return tg_err_nomem(err);
    for (uint32_t c = 0; c < n; c++) {
        size_t len;
        const char *str = tg_dict_str(s->dict, c, &len);
        if (tg_date_parse_iso(str, len, &days[c]) != 0) {
            tg_free(days);
            return TG_OK;
        }
    }
    col = tg_col_new(TG_DATE, r->n_rows, NULL);
    if (!col) goto nomem;
    for (size_t i = 0; i < r->n_rows; i++) {
        tg_status st =
            s->cls[i] == V_NULL ? tg_col_push_null(col) : tg_col_push_date(col, days[s->v[i]]);
        if (st != TG_OK) goto nomem;
    }
    tg_free(days);
    *out = col;
    return TG_OK;

nomem:
    tg_free(days);
    tg_col_release(col);
    return tg_err_nomem(err);
}

static tg_status build_column(struct reader *r, struct stage *s, tg_col **out, tg_error *err) {
    tg_type type = decide_type(s);
    tg_col *col = NULL;

    *out = NULL;
    if (type == TG_INT || type == TG_FLOAT) {
        col = build_number(r, s, type);
        if (!col) return tg_err_nomem(err);
    } else if (type == TG_BOOL) {
        col = tg_col_new(TG_BOOL, r->n_rows, NULL);
        for (size_t i = 0; col && i < r->n_rows; i++) {
            tg_status st =
                s->cls[i] == V_NULL ? tg_col_push_null(col) : tg_col_push_bool(col, s->v[i] != 0);
            if (st != TG_OK) {
                tg_col_release(col);
                col = NULL;
            }
        }
        if (!col) return tg_err_nomem(err);
    } else if (type == TG_DATE) {
        tg_status st = build_date(r, s, &col, err);
        if (st != TG_OK) return st;
    }
    if (!col) { /* a string column, or text that turned out not to be all dates */
        tg_status st = build_string(r, s, &col, err);
        if (st != TG_OK) return st;
    }
    *out = col;
    return TG_OK;
}

/* ---- reading: the statement ---- */

/* Prepares exactly one statement that returns rows. 'shown' is the SQL to
** quote in messages (NULL for a generated SELECT * FROM name). */
static tg_status prepare_query(struct reader *r, const char *sql, const char *shown,
                               tg_error *err) {
    const char *tail = NULL;
    sqlite3_stmt *more = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql, -1, &r->stmt, &tail);

    /* A statement that would write or attach is refused by the authorizer
    ** already; say so in the words used for any other statement that is
    ** not a query (a refused function or pragma keeps SQLite's message,
    ** which names it). */
    if (rc == SQLITE_AUTH && r->refused != SQLITE_FUNCTION && r->refused != SQLITE_PRAGMA)
        return tg_err_set(err, TG_EARG, r->path, 0, 0, "not a query returning rows: %.*s%s",
                          show_len(sql), sql, ellipsis(sql));
    if (rc != SQLITE_OK) return step_fail(r, rc, shown, err);
    if (!r->stmt)
        return tg_err_set(err, TG_EARG, r->path, 0, 0, "no SQL statement in '%.*s%s'",
                          show_len(sql), sql, ellipsis(sql));
    /* Preparing the rest tells "trailing comment" (no statement) from a
    ** second statement that would otherwise be silently ignored. */
    rc = sqlite3_prepare_v2(r->db, tail, -1, &more, NULL);
    sqlite3_finalize(more);
    if (rc == SQLITE_NOMEM) return tg_err_nomem(err);
    if (rc != SQLITE_OK || more)
        return tg_err_set(err, TG_EARG, r->path, 0, 0,
                          "only one SQL statement can be read, got more in: %.*s%s", show_len(sql),
                          sql, ellipsis(sql));
    if (!sqlite3_stmt_readonly(r->stmt) || sqlite3_column_count(r->stmt) == 0)
        return tg_err_set(err, TG_EARG, r->path, 0, 0, "not a query returning rows: %.*s%s",
                          show_len(sql), sql, ellipsis(sql));
    return TG_OK;
}

/* Sets up one stage per result column; result names must be unique
** because table columns are found by name. */
static tg_status init_stages(struct reader *r, tg_error *err) {
    r->n_cols = sqlite3_column_count(r->stmt);
    r->st = tg_calloc((size_t)r->n_cols, sizeof *r->st);
    if (!r->st) return tg_err_nomem(err);
    for (int c = 0; c < r->n_cols; c++) {
        const char *name = sqlite3_column_name(r->stmt, c);
        if (!name) return tg_err_nomem(err);
        for (int k = 0; k < c; k++)
            if (strcmp(sqlite3_column_name(r->stmt, k), name) == 0)
                return tg_err_set(err, TG_EARG, r->path, 0, 0,
                                  "two result columns are called '%s'; rename one with AS", name);
        r->st[c].decl = parse_decl(sqlite3_column_decltype(r->stmt, c));
    }
    return TG_OK;
}

static tg_status build_table(struct reader *r, tg_table **out, tg_error *err) {
    tg_table *t = tg_table_new();
    if (!t) return tg_err_nomem(err);
    for (int c = 0; c < r->n_cols; c++) {
        tg_col *col;
        tg_status st = build_column(r, &r->st[c], &col, err);
        if (st == TG_OK && tg_table_add(t, sqlite3_column_name(r->stmt, c), col) != TG_OK)
            st = tg_err_nomem(err);
        tg_col_release(col);
        if (st != TG_OK) {
            tg_table_release(t);
            return st;
        }
        /* Free each column's staging as soon as it is built to cap the peak. */
        tg_free(r->st[c].v);
        tg_free(r->st[c].cls);
        r->st[c].v = NULL;
        r->st[c].cls = NULL;
    }
    *out = t;
    return TG_OK;
}

/* Refuses a FIFO, a device or a directory: /dev/zero would read as an
** empty database. */
static tg_status check_regular(int fd, const char *path, tg_error *err) {
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return tg_err_set(err, TG_EIO, path, 0, 0, "cannot open database: %s", strerror(errno));
    if (!S_ISREG(sb.st_mode)) return tg_err_set(err, TG_EIO, path, 0, 0, "not a regular file");
    return TG_OK;
}

/* The file is read through its descriptor as immutable (tg_dbvfs), so
** SQLite does not look next to it: a database another program is
** writing, with a journal or a write-ahead log beside it holding what is
** not yet in the file, would read stale or half-written. Those are
** refused, as a read-only connection refuses a hot journal. The lookup
** is by name; it guards against a mistake, not an attack. */
/* 1 when the file 'side' holds something: a -wal file with any bytes, a
** -journal whose header is not zeroed (journal_mode = PERSIST zeroes it
** when a transaction ends, and a zeroed journal is not hot). */
static int has_pending(const char *side, int journal) {
    unsigned char head[8] = { 0 };
    struct stat sb;
    int fd = open(side, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), pending;
    if (fd < 0) return 0;
    pending = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
    if (pending && journal)
        pending = pread(fd, head, sizeof head, 0) > 0 && memcmp(head, "\0\0\0\0\0\0\0\0", 8) != 0;
    close(fd);
    return pending;
}

static tg_status check_quiet(const char *path, tg_error *err) {
    static const char *const sides[] = { "-journal", "-wal" };
    char side[4096];
    for (size_t i = 0; i < 2; i++) {
        if ((size_t)snprintf(side, sizeof side, "%s%s", path, sides[i]) >= sizeof side) break;
        if (has_pending(side, i == 0))
            return tg_err_set(err, TG_EIO, path, 0, 0,
                              "cannot open database: its %s file holds changes not yet in it "
                              "(another program is writing it, or crashed while writing)",
                              sides[i] + 1);
    }
    return TG_OK;
}

tg_status tg_db_open_failed(const char *db_path, int errnum, tg_error *err) {
    if (errnum == ENOENT)
        return tg_err_set(err, TG_EIO, db_path, 0, 0,
                          "cannot open database: no such file or directory");
    return tg_err_set(err, TG_EIO, db_path, 0, 0, "cannot open database: %s", strerror(errnum));
}

tg_status tg_db_read(const char *db_path, const char *table_or_sql, const tg_db_param *params,
                     size_t n_params, tg_table **out, tg_error *err) {
    return tg_db_read_poll(db_path, table_or_sql, params, n_params, NULL, out, err);
}

tg_status tg_db_read_poll(const char *db_path, const char *table_or_sql, const tg_db_param *params,
                          size_t n_params, const tg_interrupt *intr, tg_table **out,
                          tg_error *err) {
    assert(db_path != NULL && out != NULL);
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer */
    int fd = open(db_path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return tg_db_open_failed(db_path, errno, err);
    tg_status st = tg_db_read_fd(fd, db_path, table_or_sql, params, n_params, intr, out, err);
    close(fd);
    return st;
}

tg_status tg_db_read_fd(int fd, const char *db_path, const char *table_or_sql,
                        const tg_db_param *params, size_t n_params, const tg_interrupt *intr,
                        tg_table **out, tg_error *err) {
    struct reader r = { 0 };
    tg_sbuf q = { 0 };
    const char *sql = table_or_sql, *shown = table_or_sql;
    tg_status st;

    assert(fd >= 0 && db_path != NULL && table_or_sql != NULL && out != NULL);
    assert(params != NULL || n_params == 0);
    *out = NULL;
    r.path = db_path;
    r.intr = intr;
    if ((st = check_regular(fd, db_path, err)) != TG_OK) return st;
    if ((st = check_quiet(db_path, err)) != TG_OK) return st;
    if (is_plain_name(table_or_sql)) {
        tg_sbuf_str(&q, "SELECT * FROM ");
        sb_ident(&q, table_or_sql);
        if (q.oom) return tg_err_nomem(err);
        sql = q.p;
        shown = NULL;
    }
    st = open_db(NULL, fd, db_path, SQLITE_OPEN_READONLY, &r.db, err);
    if (st == TG_OK && intr) sqlite3_progress_handler(r.db, PROGRESS_OPS, on_progress, &r);
    if (st == TG_OK) st = harden(r.db, &r.refused, db_path, err);
    if (st == TG_OK) st = prepare_query(&r, sql, shown, err);
    if (st == TG_OK) st = bind_params(r.stmt, params, n_params, db_path, err);
    if (st == TG_OK) st = init_stages(&r, err);
    if (st == TG_OK) st = collect_rows(&r, err);
    if (st == TG_OK) st = build_table(&r, out, err);

    for (int c = 0; r.st && c < r.n_cols; c++) {
        tg_free(r.st[c].v);
        tg_free(r.st[c].cls);
        tg_dict_release(r.st[c].dict);
    }
    tg_free(r.st);
    sqlite3_finalize(r.cast);
    sqlite3_finalize(r.stmt);
    sqlite3_close(r.db);
    tg_free(q.p);
    return st;
}

/* ---- writing ---- */

static const char *decl_of(tg_type type) {
    switch (type) {
    case TG_INT: return "INTEGER";
    case TG_FLOAT: return "REAL";
    case TG_BOOL: return "BOOLEAN";
    case TG_DATE: return "DATE";
    case TG_STRING: return "TEXT";
    }
    return "";
}

static tg_status exec_sql(sqlite3 *db, const char *sql, const char *path, tg_error *err) {
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? TG_OK : db_fail(err, path, db, rc, NULL);
}

/* What 'table' currently is in the main schema: 0 nothing, 1 a table,
** 2 a view. SQLite matches names ASCII case-insensitively; so does this. */
static tg_status object_kind(sqlite3 *db, const char *table, int *kind, const char *path,
                             tg_error *err) {
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT type FROM sqlite_master WHERE name = ?1 COLLATE NOCASE "
                                "AND type IN ('table', 'view')",
                                -1, &stmt, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        *kind = 0;
        if (rc == SQLITE_ROW) {
            const char *type = (const char *)sqlite3_column_text(stmt, 0);
            *kind = type && strcmp(type, "view") == 0 ? 2 : 1;
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    tg_status st = rc == SQLITE_OK ? TG_OK : db_fail(err, path, db, rc, NULL);
    sqlite3_finalize(stmt);
    return st;
}

/* APPEND needs the same set of column names (in any order, since values
** are inserted by name); a mismatch names the first offending column and
** lists the table's columns. */
static tg_status check_columns(sqlite3 *db, const char *table, const tg_table *t, const char *path,
                               tg_error *err) {
    sqlite3_stmt *stmt = NULL;
    tg_sbuf have = { 0 };
    uint8_t *used = tg_calloc(t->n_cols, 1);
    char lacking[128] = ""; /* first table column the data does not have */
    tg_status st = TG_OK;
    int rc;

    if (!used) return tg_err_nomem(err);
    rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &stmt, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        size_t i = 0;
        if (!name) {
            rc = SQLITE_NOMEM;
            break;
        }
        while (i < t->n_cols && sqlite3_stricmp(name, t->names[i]) != 0) i++;
        if (i < t->n_cols) used[i] = 1;
        else if (!lacking[0]) snprintf(lacking, sizeof lacking, "%s", name);
        if (have.len) tg_sbuf_str(&have, ", ");
        tg_sbuf_str(&have, name);
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) st = db_fail(err, path, db, rc, NULL);
    else if (have.oom) st = tg_err_nomem(err);
    sqlite3_finalize(stmt);
    for (size_t i = 0; st == TG_OK && i < t->n_cols; i++)
        if (!used[i])
            st = tg_err_set(err, TG_EARG, path, 0, 0,
                            "cannot append to '%s': it has no column '%s' (table columns: %s)",
                            table, t->names[i], have.p ? have.p : "");
    if (st == TG_OK && lacking[0])
        st = tg_err_set(err, TG_EARG, path, 0, 0,
                        "cannot append to '%s': the data has no column '%s' (table columns: %s)",
                        table, lacking, have.p ? have.p : "");
    tg_free(used);
    tg_free(have.p);
    return st;
}

static tg_status create_table(sqlite3 *db, const char *table, const tg_table *t, const char *path,
                              tg_error *err) {
    tg_sbuf b = { 0 };
    tg_sbuf_str(&b, "CREATE TABLE ");
    sb_ident(&b, table);
    tg_sbuf_str(&b, " (");
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c) tg_sbuf_str(&b, ", ");
        sb_ident(&b, t->names[c]);
        tg_sbuf_str(&b, " ");
        tg_sbuf_str(&b, decl_of(t->cols[c]->type));
    }
    tg_sbuf_str(&b, ")");
    tg_status st = b.oom ? tg_err_nomem(err) : exec_sql(db, b.p, path, err);
    tg_free(b.p);
    return st;
}

static int bind_cell(sqlite3_stmt *stmt, int i, const tg_col *col, size_t row, int *bad_date) {
    char date[16];
    size_t len;
    const char *s;

    if (!tg_col_is_valid(col, row)) return sqlite3_bind_null(stmt, i);
    switch (col->type) {
    case TG_INT: return sqlite3_bind_int64(stmt, i, col->v.i64[row]);
    case TG_FLOAT: return sqlite3_bind_double(stmt, i, col->v.f64[row]);
    case TG_BOOL: return sqlite3_bind_int(stmt, i, col->v.b8[row] != 0);
    case TG_DATE:
        if (format_date(col->v.date[row], date) != 0) {
            *bad_date = 1;
            return SQLITE_OK;
        }
        return sqlite3_bind_text(stmt, i, date, 10, SQLITE_TRANSIENT);
    case TG_STRING:
        /* The dictionary is not touched while the statement runs. */
        s = tg_dict_str(col->dict, col->v.str[row], &len);
        return sqlite3_bind_text64(stmt, i, s, len, SQLITE_STATIC, SQLITE_UTF8);
    }
    return SQLITE_MISUSE;
}

static tg_status insert_rows(sqlite3 *db, const char *table, const tg_table *t, const char *path,
                             tg_error *err) {
    tg_sbuf b = { 0 };
    sqlite3_stmt *stmt = NULL;
    tg_status st = TG_OK;
    int rc;

    tg_sbuf_str(&b, "INSERT INTO ");
    sb_ident(&b, table);
    tg_sbuf_str(&b, " (");
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c) tg_sbuf_str(&b, ", ");
        sb_ident(&b, t->names[c]);
    }
    tg_sbuf_str(&b, ") VALUES (");
    for (size_t c = 0; c < t->n_cols; c++) tg_sbuf_str(&b, c ? ", ?" : "?");
    tg_sbuf_str(&b, ")");
    if (b.oom) {
        tg_free(b.p);
        return tg_err_nomem(err);
    }
    rc = sqlite3_prepare_v2(db, b.p, -1, &stmt, NULL);
    if (rc != SQLITE_OK) st = db_fail(err, path, db, rc, NULL);
    for (size_t row = 0; st == TG_OK && row < t->n_rows; row++) {
        for (size_t c = 0; st == TG_OK && c < t->n_cols; c++) {
            int bad_date = 0;
            rc = bind_cell(stmt, (int)c + 1, t->cols[c], row, &bad_date);
            if (bad_date)
                st = tg_err_set(err, TG_EDATA, path, 0, 0,
                                "column '%s', row %zu: date outside years 1..9999", t->names[c],
                                row + 1);
            else if (rc != SQLITE_OK) st = db_fail(err, path, db, rc, NULL);
        }
        if (st != TG_OK) break;
        rc = sqlite3_step(stmt);
        if (rc != SQLITE_DONE) {
            st = status_of(rc);
            if (st == TG_ENOMEM) tg_err_nomem(err);
            else tg_err_set(err, st, path, 0, 0, "row %zu: %s", row + 1, sqlite3_errmsg(db));
        }
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    tg_free(b.p);
    return st;
}

/* Everything between BEGIN and COMMIT. */
static tg_status write_in_tx(sqlite3 *db, const char *table, const tg_table *t, tg_db_mode mode,
                             const char *path, tg_error *err) {
    int kind;
    tg_status st = object_kind(db, table, &kind, path, err);

    if (st != TG_OK) return st;
    if (kind == 2)
        return tg_err_set(err, TG_EARG, path, 0, 0, "'%s' is a view, not a table", table);
    if (kind == 1 && mode == TG_DB_CREATE)
        return tg_err_set(err, TG_EARG, path, 0, 0,
                          "table '%s' already exists (replace or append to it instead)", table);
    if (kind == 1 && mode == TG_DB_APPEND) {
        st = check_columns(db, table, t, path, err);
    } else {
        if (kind == 1) { /* TG_DB_REPLACE */
            tg_sbuf b = { 0 };
            tg_sbuf_str(&b, "DROP TABLE ");
            sb_ident(&b, table);
            st = b.oom ? tg_err_nomem(err) : exec_sql(db, b.p, path, err);
            tg_free(b.p);
        }
        if (st == TG_OK) st = create_table(db, table, t, path, err);
    }
    if (st == TG_OK) st = insert_rows(db, table, t, path, err);
    return st;
}

/* BEGIN, everything, COMMIT on 'db'; rolled back on failure. */
static tg_status write_tx(sqlite3 *db, const char *begin, const char *table, const tg_table *t,
                          tg_db_mode mode, const char *path, tg_error *err) {
    tg_status st = exec_sql(db, begin, path, err);
    if (st != TG_OK) return st;
    st = write_in_tx(db, table, t, mode, path, err);
    if (st == TG_OK) st = exec_sql(db, "COMMIT", path, err);
    /* Some errors end the transaction themselves; roll back only if one
    ** is still open. */
    if (st != TG_OK && !sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

/* 1 when the database on 'db' is in WAL mode. */
static int is_wal(sqlite3 *db) {
    sqlite3_stmt *stmt = NULL;
    int wal = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(stmt, 0);
        wal = m && sqlite3_stricmp(m, "wal") == 0;
    }
    sqlite3_finalize(stmt);
    return wal;
}

/* Copies every page of the database open as 'fd' into 'to'. SQLite
** refuses a backup from a connection in a write transaction, so the copy
** is read through a second connection, on the descriptor as an immutable
** file: the caller's write lock (RESERVED) keeps other writers out. */
static tg_status copy_db(int fd, const char *path, sqlite3 *to, tg_error *err) {
    sqlite3 *from;
    tg_status st = open_db(NULL, fd, path, SQLITE_OPEN_READONLY, &from, err);
    if (st != TG_OK) return st;
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) st = db_fail(err, path, to, sqlite3_errcode(to), NULL);
    else {
        int rc = sqlite3_backup_step(b, -1);
        int rc2 = sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) st = db_fail(err, path, NULL, rc, NULL);
        else if (rc2 != SQLITE_OK) st = db_fail(err, path, to, rc2, NULL);
    }
    sqlite3_close(from);
    return st;
}

/* Where a write goes: the folder, open, and the file's name in it; 'path'
** names it in messages. While it waits for another connection's lock,
** 'intr' is polled; *stopped receives its status once it said stop. */
struct target {
    int dir;
    const char *name;
    const char *path;
    const tg_interrupt *intr;
    tg_status *stopped;
    struct timespec since; /* when the current wait began */
};

static double ms_since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* SQLite's busy handler for the connection that locks the database: up
** to BUSY_MS of waiting, in steps of BUSY_STEP_MS, asking the run's poll
** at each step, so the time limit and a signal end the wait (where
** sqlite3_busy_timeout would sleep through them). Returning 0 makes the
** statement fail with SQLITE_BUSY. */
static int on_busy(void *ud, int count) {
    struct target *to = ud;
    tg_status st;
    if (count == 0) clock_gettime(CLOCK_MONOTONIC, &to->since);
    if ((st = tg_poll(to->intr)) != TG_OK) {
        *to->stopped = st;
        return 0;
    }
    if (ms_since(&to->since) >= BUSY_MS) return 0;
    sqlite3_sleep(BUSY_STEP_MS);
    return 1;
}

/* The error for a failed statement on the locking connection: the poll's
** status when it ended the wait, else 'st' as reported. */
static tg_status lock_fail(const struct target *to, tg_status st, tg_error *err) {
    if (*to->stopped == TG_OK) return st;
    return tg_err_set(err, *to->stopped, to->path, 0, 0,
                      "stopped while waiting for another program's lock on the database");
}

/* The write itself, on a temporary file next to the target (created and
** renamed through the folder's descriptor) that replaces it only once
** complete: a copy of the database open as 'src' (whose write lock the
** caller holds) when src >= 0, else a new database. SQLite reaches the
** copy through its descriptor (tg_dbvfs), never by name. Any failure,
** including a full disk, removes the copy and leaves the target as it
** was; its journal stays in memory, so no journal file is left either. */
static tg_status write_copy(const struct target *to, int src, const char *table, const tg_table *t,
                            tg_db_mode mode, tg_error *err) {
    tg_out *o;
    sqlite3 *db = NULL;
    tg_status st = tg_out_openat(to->dir, to->name, to->path, &o, err);

    if (st != TG_OK) return st;
    st = open_db(NULL, tg_out_fd(o), to->path, SQLITE_OPEN_READWRITE, &db, err);
    if (st == TG_OK) st = exec_sql(db, "PRAGMA journal_mode = MEMORY", to->path, err);
    if (st == TG_OK && src >= 0) st = copy_db(src, to->path, db, err);
    if (st == TG_OK) st = write_tx(db, "BEGIN", table, t, mode, to->path, err);
    if (db && sqlite3_close(db) != SQLITE_OK && st == TG_OK)
        st = tg_err_set(err, TG_EIO, to->path, 0, 0, "cannot close the database");
    if (st != TG_OK) {
        tg_out_abort(o);
        return st;
    }
    return src >= 0 ? tg_out_commit(o, err) : tg_out_commit_new(o, err);
}

static int same_file(const struct stat *a, const struct stat *b) {
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

/* The existing database, for the connection that holds its write lock.
** SQLite opens it by name (its locks and, for a WAL database, its -wal
** and -shm files live by the name); the name is the checked folder's
** descriptor in /proc, which points at that folder even after a swap,
** or the path as given where /proc is missing. 'db' must then be the
** file 'fd' is open on, which the caller checks once the lock is held. */
static tg_status open_locked(struct target *to, sqlite3 **db, tg_error *err) {
    char name[4200];
    struct stat sb;
    const char *file = to->path;
    if (stat("/proc/self/fd", &sb) == 0 &&
        (size_t)snprintf(name, sizeof name, "/proc/self/fd/%d/%s", to->dir, to->name) < sizeof name)
        file = name;
    tg_status st = open_db(file, -1, to->path, SQLITE_OPEN_READWRITE, db, err);
    if (st == TG_OK) sqlite3_busy_handler(*db, on_busy, to);
    return st;
}

/* 1 when the main database of 'db' is the file 'fd' is open on. */
static int holds(sqlite3 *db, int fd) {
    struct stat a, b;
    const char *file = sqlite3_db_filename(db, "main");
    return file && stat(file, &a) == 0 && fstat(fd, &b) == 0 && same_file(&a, &b);
}

/* One attempt at writing into the existing database open as 'fd'.
** *again is set when the file was replaced (by another writer) between
** opening it and locking it. */
static tg_status write_existing(struct target *to, int fd, const char *table, const tg_table *t,
                                tg_db_mode mode, int *again, tg_error *err) {
    struct stat before, now;
    sqlite3 *src;
    tg_status st;

    if (fstat(fd, &before) != 0 || !S_ISREG(before.st_mode))
        return tg_err_set(err, TG_EIO, to->path, 0, 0, "not a regular file");
    st = open_locked(to, &src, err);
    if (st != TG_OK) return st;
    if (is_wal(src)) {
        /* A WAL database commits atomically in place, and its -wal file
        ** must stay with its own database file. */
        if ((st = exec_sql(src, "BEGIN IMMEDIATE", to->path, err)) == TG_OK) {
            if (!holds(src, fd)) *again = 1;
            else st = write_in_tx(src, table, t, mode, to->path, err);
            if (st == TG_OK && !*again) st = exec_sql(src, "COMMIT", to->path, err);
            else sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
        }
    } else if ((st = exec_sql(src, "BEGIN IMMEDIATE", to->path, err)) == TG_OK) {
        /* With the write lock held, the name must still be the file opened
        ** (a writer that finished meanwhile renamed its copy over it), and
        ** the lock must be on that file. */
        if (fstatat(to->dir, to->name, &now, 0) != 0 || !same_file(&now, &before) ||
            !holds(src, fd))
            *again = 1;
        else st = write_copy(to, fd, table, t, mode, err);
        sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_close(src);
    return st == TG_OK ? st : lock_fail(to, st, err);
}

/* One attempt. *again is set when the file at the target was created or
** replaced by another writer meanwhile. The existing file is opened
** beneath the folder: a symlink there is followed only when it stays in
** the folder. */
static tg_status write_once(struct target *to, const char *table, const tg_table *t,
                            tg_db_mode mode, int *again, tg_error *err) {
    struct stat now;
    tg_status st;

    *again = 0;
    int fd = tg_path_openat_beneath(to->dir, to->name, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
    if (fd < 0 && errno == ENOENT) {
        st = write_copy(to, -1, table, t, mode, err);
        *again = st != TG_OK && fstatat(to->dir, to->name, &now, 0) == 0; /* created meanwhile */
        return st;
    }
    if (fd < 0)
        return tg_err_set(err, TG_EIO, to->path, 0, 0, "cannot open database: %s",
                          errno == EXDEV ? "a symbolic link out of its folder" : strerror(errno));
    st = write_existing(to, fd, table, t, mode, again, err);
    close(fd);
    return st;
}

tg_status tg_db_write(const char *db_path, const char *table, const tg_table *t, tg_db_mode mode,
                      const tg_interrupt *intr, tg_error *err) {
    const char *name;
    int fd;
    assert(db_path != NULL);
    if ((fd = tg_out_open_folder(db_path, &name)) < 0)
        return tg_out_folder_error(db_path, errno, err);
    tg_status st = tg_db_write_at(fd, name, db_path, table, t, mode, intr, err);
    close(fd);
    return st;
}

tg_status tg_db_write_at(int dir, const char *name, const char *db_path, const char *table,
                         const tg_table *t, tg_db_mode mode, const tg_interrupt *intr,
                         tg_error *err) {
    tg_status st = TG_OK, stopped = TG_OK;
    struct target to = { dir, name, db_path ? db_path : name, intr, &stopped, { 0, 0 } };
    int again = 1;

    assert(dir >= 0 && name != NULL && table != NULL && t != NULL);
    assert(mode == TG_DB_CREATE || mode == TG_DB_REPLACE || mode == TG_DB_APPEND);
    if (t->n_cols == 0)
        return tg_err_set(err, TG_EARG, to.path, 0, 0,
                          "cannot write '%s': the table has no columns", table);
    for (int attempt = 0; again && stopped == TG_OK && attempt < WRITE_TRIES; attempt++)
        st = write_once(&to, table, t, mode, &again, err);
    if (stopped != TG_OK) return st;
    if (again)
        return tg_err_set(err, TG_EIO, to.path, 0, 0,
                          "the database kept being replaced by other writers; not written");
    return st;
}
