/*
** tg_hist.c -- the run history (see tg_hist.h): the schema and its forward
** migrations, recording a run in one transaction, reading runs back, and
** pruning. Every write is inside BEGIN IMMEDIATE ... COMMIT on a WAL
** database, so concurrent recorders queue on the busy timeout instead of
** failing, and a process killed mid-record leaves only an uncommitted WAL
** tail that SQLite discards on the next open.
*/
#include "tg_hist.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tg_db.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_mem.h"
#include "tg_sbuf.h"

#define BUSY_MS      5000 /* how long a recorder waits for another's lock */
#define BUSY_STEP_MS 10   /* between tries of a busy open */
#define POLL_ROWS    64   /* rows between polls of the interrupt */

struct tg_hist {
    sqlite3 *db;
    int last_rc;    /* SQLite's code of the last failure, to retry a busy open */
    char path[256]; /* for messages */
};

/* ---- the schema: one entry per version step; never edit a released one ---- */

static const char *const migrations[TG_HIST_VERSION] = {
    /* 0 -> 1 */
    "CREATE TABLE run ("
    " id INTEGER PRIMARY KEY,"
    " started_at TEXT NOT NULL,"
    " duration_s REAL,"
    " tegn_version TEXT NOT NULL,"
    " script TEXT NOT NULL,"
    " script_sha256 TEXT,"
    " params TEXT NOT NULL,"
    " seed TEXT NOT NULL,"
    " exit_status INTEGER NOT NULL,"
    " error TEXT) STRICT;"
    "CREATE INDEX run_script ON run (script, exit_status, id);"
    "CREATE TABLE input ("
    " run_id INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,"
    " pos INTEGER NOT NULL,"
    " path TEXT NOT NULL,"
    " query TEXT,"
    " sha256 TEXT NOT NULL,"
    " rows INTEGER NOT NULL,"
    " rejected INTEGER NOT NULL,"
    " PRIMARY KEY (run_id, pos)) STRICT;"
    "CREATE TABLE input_column ("
    " run_id INTEGER NOT NULL,"
    " input_pos INTEGER NOT NULL,"
    " pos INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " PRIMARY KEY (run_id, input_pos, pos),"
    " FOREIGN KEY (run_id, input_pos) REFERENCES input (run_id, pos) ON DELETE CASCADE)"
    " STRICT;"
    "CREATE TABLE indicator ("
    " run_id INTEGER NOT NULL REFERENCES run (id) ON DELETE CASCADE,"
    " id TEXT NOT NULL,"
    " pos INTEGER NOT NULL,"
    " title TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " unit TEXT,"
    " period_name TEXT NOT NULL,"
    " by_cols TEXT NOT NULL,"
    " PRIMARY KEY (run_id, id)) STRICT;"
    "CREATE TABLE value ("
    " run_id INTEGER NOT NULL,"
    " indicator TEXT NOT NULL,"
    " grp TEXT NOT NULL,"
    " period TEXT NOT NULL,"
    " pos INTEGER NOT NULL,"
    " value REAL, lo REAL, hi REAL, n REAL, numerator REAL, denominator REAL,"
    " suppressed INTEGER NOT NULL CHECK (suppressed IN (0, 1)),"
    " target REAL,"
    " flag INTEGER CHECK (flag IN (0, 1)),"
    " PRIMARY KEY (run_id, indicator, grp, period),"
    " FOREIGN KEY (run_id, indicator) REFERENCES indicator (run_id, id) ON DELETE CASCADE)"
    " STRICT;"
    "CREATE TABLE verdict ("
    " run_id INTEGER NOT NULL,"
    " indicator TEXT NOT NULL,"
    " grp TEXT NOT NULL,"
    " verdict TEXT NOT NULL,"
    " baseline_period TEXT,"
    " latest_period TEXT,"
    " change REAL,"
    " p REAL,"
    " PRIMARY KEY (run_id, indicator, grp),"
    " FOREIGN KEY (run_id, indicator) REFERENCES indicator (run_id, id) ON DELETE CASCADE)"
    " STRICT;",
};

/* ---- errors and small statement helpers ---- */

static tg_status fail(tg_hist *h, int rc, const char *what, tg_error *err) {
    int base = rc & 0xff;
    h->last_rc = rc;
    if (base == SQLITE_NOMEM) return tg_err_nomem(err);
    tg_status st = base == SQLITE_CONSTRAINT || base == SQLITE_MISMATCH ? TG_EDATA : TG_EIO;
    return tg_err_set(err, st, h->path, 0, 0, "%s: %s", what,
                      h->db ? sqlite3_errmsg(h->db) : sqlite3_errstr(rc));
}

static tg_status exec(tg_hist *h, const char *sql, const char *what, tg_error *err) {
    int rc = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? TG_OK : fail(h, rc, what, err);
}

static tg_status prepare(tg_hist *h, const char *sql, sqlite3_stmt **stmt, tg_error *err) {
    int rc = sqlite3_prepare_v2(h->db, sql, -1, stmt, NULL);
    return rc == SQLITE_OK ? TG_OK : fail(h, rc, "cannot read the history", err);
}

/* Binds text (NULL binds NULL). Not copied (so binding cannot fail for
** memory and bind NULL instead): every INSERT here is stepped and reset
** (insert) while the text it was given is alive. */
static void bind_text(sqlite3_stmt *s, int i, const char *v) {
    if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else sqlite3_bind_null(s, i);
}

/* Binds a number; NaN (an absent value) binds NULL. */
static void bind_num(sqlite3_stmt *s, int i, double v) {
    if (isnan(v)) sqlite3_bind_null(s, i);
    else sqlite3_bind_double(s, i, v);
}

/* Steps an INSERT and resets it for the next row. */
static tg_status insert(tg_hist *h, sqlite3_stmt *s, tg_error *err) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? TG_OK : fail(h, rc, "cannot record the run", err);
}

/* The one integer a query returns (0 when it returns no row or NULL). */
static tg_status query_int(tg_hist *h, const char *sql, const char *text, int64_t arg, int64_t *out,
                           tg_error *err) {
    sqlite3_stmt *s;
    tg_status st = prepare(h, sql, &s, err);
    *out = 0;
    if (st != TG_OK) return st;
    if (sqlite3_bind_parameter_count(s) >= 1) bind_text(s, 1, text);
    if (sqlite3_bind_parameter_count(s) >= 2) sqlite3_bind_int64(s, 2, arg);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(s, 0);
    else if (rc != SQLITE_DONE) st = fail(h, rc, "cannot read the history", err);
    sqlite3_finalize(s);
    return st;
}

/* ---- opening and migrating ---- */

/* Brings the schema from its user_version to TG_HIST_VERSION, in one
** transaction that holds the write lock, so two first runs do not both
** create the tables. */
static tg_status migrate(tg_hist *h, tg_error *err) {
    int64_t v, objects;
    tg_status st = query_int(h, "PRAGMA user_version", NULL, 0, &v, err);
    if (st != TG_OK || v == TG_HIST_VERSION) return st;
    if ((st = exec(h, "BEGIN IMMEDIATE", "cannot open the history", err)) != TG_OK) return st;
    st = query_int(h, "PRAGMA user_version", NULL, 0, &v, err);
    if (st == TG_OK)
        st = query_int(h, "SELECT count(*) FROM sqlite_master", NULL, 0, &objects, err);
    if (st == TG_OK && v > TG_HIST_VERSION)
        st = tg_err_set(err, TG_EDATA, h->path, 0, 0,
                        "a run history of schema version %lld, from a newer tegn (this one "
                        "knows up to version %d)",
                        (long long)v, TG_HIST_VERSION);
    else if (st == TG_OK && v == 0 && objects > 0)
        st = tg_err_set(err, TG_EDATA, h->path, 0, 0,
                        "not a tegn run history (a SQLite file with tables of its own)");
    for (int64_t k = v; st == TG_OK && k < TG_HIST_VERSION; k++)
        st = exec(h, migrations[k], "cannot create the history's tables", err);
    if (st == TG_OK) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", TG_HIST_VERSION);
        st = exec(h, sql, "cannot create the history's tables", err);
    }
    if (st == TG_OK) st = exec(h, "COMMIT", "cannot create the history's tables", err);
    if (st != TG_OK) sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

/* WAL: readers never block the recorder, and a commit is one append. */
static tg_status use_wal(tg_hist *h, tg_error *err) {
    sqlite3_stmt *s;
    tg_status st = prepare(h, "PRAGMA journal_mode = WAL", &s, err);
    if (st != TG_OK) return st;
    int rc = sqlite3_step(s);
    const char *mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
    if (rc != SQLITE_ROW) st = fail(h, rc, "cannot open the history", err);
    else if (!mode || strcmp(mode, "wal") != 0)
        st = tg_err_set(err, TG_EIO, h->path, 0, 0,
                        "cannot open the history: SQLite refused WAL mode (journal mode '%s')",
                        mode ? mode : "?");
    sqlite3_finalize(s);
    return st;
}

/* WAL mode and the schema. Switching to WAL and the first reads of a WAL
** file another process is just creating can be refused as busy without
** SQLite's busy handler being asked (several first runs at once), so
** those are retried here, for up to the same 5 s. */
static tg_status setup(tg_hist *h, int wal, tg_error *err) {
    struct timespec tick = { 0, BUSY_STEP_MS * 1000000L };
    tg_status st = TG_OK;
    for (int waited = 0; waited <= BUSY_MS; waited += BUSY_STEP_MS) {
        h->last_rc = SQLITE_OK;
        st = wal ? use_wal(h, err) : TG_OK;
        if (st == TG_OK) st = migrate(h, err);
        int base = h->last_rc & 0xff;
        if (st == TG_OK || (base != SQLITE_BUSY && base != SQLITE_LOCKED)) break;
        nanosleep(&tick, NULL);
    }
    return st;
}

tg_status tg_hist_open(const char *path, int create, tg_hist **out, tg_error *err) {
    tg_hist *h;
    tg_status st;
    assert(path != NULL && out != NULL);
    *out = NULL;
    tg_db_setup();
    if (!create && access(path, F_OK) != 0)
        return tg_err_set(err, TG_EIO, path, 0, 0, "cannot open the history: %s", strerror(errno));
    if (!(h = tg_calloc(1, sizeof *h))) return tg_err_nomem(err);
    snprintf(h->path, sizeof h->path, "%s", path);
    int rc = sqlite3_open_v2(path, &h->db,
                             SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), NULL);
    if (rc != SQLITE_OK) {
        st = h->db && (sqlite3_errcode(h->db) & 0xff) != SQLITE_NOMEM
                 ? tg_err_set(err, TG_EIO, path, 0, 0, "cannot open the history: %s",
                              sqlite3_errmsg(h->db))
                 : tg_err_nomem(err);
        tg_hist_close(h);
        return st;
    }
    sqlite3_extended_result_codes(h->db, 1);
    sqlite3_busy_timeout(h->db, BUSY_MS);
    st = exec(h, "PRAGMA foreign_keys = ON", "cannot open the history", err);
    if (st == TG_OK) st = setup(h, strcmp(path, ":memory:") != 0, err);
    if (st != TG_OK) {
        tg_hist_close(h);
        return st;
    }
    *out = h;
    return TG_OK;
}

void tg_hist_close(tg_hist *h) {
    if (!h) return;
    sqlite3_close(h->db);
    tg_free(h);
}

/* ---- recording ---- */

/* The statements of one record, prepared once and reused per row. */
struct rec {
    tg_hist *h;
    int64_t run_id;
    const tg_interrupt *intr;
    size_t rows; /* inserted so far, for the polls */
    sqlite3_stmt *input, *column, *indicator, *value, *verdict;
};

static tg_status rec_poll(struct rec *r, tg_error *err) {
    if (++r->rows % POLL_ROWS) return TG_OK;
    tg_status st = tg_poll(r->intr);
    return st == TG_OK ? TG_OK
                       : tg_err_set(err, st, r->h->path, 0, 0, "stopped while recording the run");
}

/* A scalar JSON value as text: a group's value or a period. */
static void scalar_text(const tg_json *v, tg_sbuf *b) {
    char buf[TG_FMT_DOUBLE_MAX];
    switch (v ? tg_json_kind_of(v) : TG_JSON_NULL) {
    case TG_JSON_STRING: tg_sbuf_str(b, tg_json_str_value(v, NULL)); break;
    case TG_JSON_INT: tg_sbuf_printf(b, "%lld", (long long)tg_json_int_value(v)); break;
    case TG_JSON_REAL:
        tg_fmt_double(tg_json_real_value(v), -1, 0, buf);
        tg_sbuf_str(b, buf);
        break;
    case TG_JSON_BOOL: tg_sbuf_str(b, tg_json_bool_value(v) ? "true" : "false"); break;
    default: tg_sbuf_str(b, "–"); break;
    }
}

/* The group key of a series or verdict row: its 'by' values joined. */
static char *group_key(const tg_json *row, const tg_json *by) {
    tg_sbuf b = { 0 };
    tg_sbuf_str(&b, "");
    for (size_t k = 0; k < tg_json_len(by); k++) {
        if (k) tg_sbuf_str(&b, " / ");
        scalar_text(tg_json_get(row, tg_json_str_value(tg_json_at(by, k), NULL)), &b);
    }
    if (b.oom) {
        tg_free(b.p);
        return NULL;
    }
    return b.p;
}

static char *value_text(const tg_json *row, const char *key) {
    tg_sbuf b = { 0 };
    const tg_json *v = tg_json_get(row, key);
    if (!v || tg_json_kind_of(v) == TG_JSON_NULL) return NULL;
    scalar_text(v, &b);
    if (b.oom) {
        tg_free(b.p);
        return NULL;
    }
    return b.p;
}

static tg_status record_inputs(struct rec *r, const tg_json *inputs, tg_error *err) {
    tg_status st = TG_OK;
    for (size_t i = 0; st == TG_OK && i < tg_json_len(inputs); i++) {
        const tg_json *in = tg_json_at(inputs, i), *cols = tg_json_get(in, "columns");
        sqlite3_bind_int64(r->input, 1, r->run_id);
        sqlite3_bind_int64(r->input, 2, (sqlite3_int64)i);
        bind_text(r->input, 3, tg_json_str_at(in, "path"));
        bind_text(r->input, 4, tg_json_str_value(tg_json_get(in, "query"), NULL));
        bind_text(r->input, 5, tg_json_str_at(in, "sha256"));
        sqlite3_bind_int64(r->input, 6, tg_json_int_value(tg_json_get(in, "rows")));
        sqlite3_bind_int64(r->input, 7, tg_json_int_value(tg_json_get(in, "rejected")));
        st = insert(r->h, r->input, err);
        for (size_t k = 0; st == TG_OK && k < tg_json_len(cols); k++) {
            const tg_json *c = tg_json_at(cols, k);
            sqlite3_bind_int64(r->column, 1, r->run_id);
            sqlite3_bind_int64(r->column, 2, (sqlite3_int64)i);
            sqlite3_bind_int64(r->column, 3, (sqlite3_int64)k);
            bind_text(r->column, 4, tg_json_str_at(c, "name"));
            bind_text(r->column, 5, tg_json_str_at(c, "type"));
            st = insert(r->h, r->column, err);
            if (st == TG_OK) st = rec_poll(r, err);
        }
    }
    return st;
}

static tg_status record_value(struct rec *r, const char *id, const tg_json *row, const char *grp,
                              const char *period, size_t pos, tg_error *err) {
    sqlite3_stmt *s = r->value;
    const tg_json *flag = tg_json_get(row, "flag");
    sqlite3_bind_int64(s, 1, r->run_id);
    bind_text(s, 2, id);
    bind_text(s, 3, grp);
    bind_text(s, 4, period ? period : "–");
    sqlite3_bind_int64(s, 5, (sqlite3_int64)pos);
    bind_num(s, 6, tg_json_num_at(row, "value"));
    bind_num(s, 7, tg_json_num_at(row, "lo"));
    bind_num(s, 8, tg_json_num_at(row, "hi"));
    bind_num(s, 9, tg_json_num_at(row, "n"));
    bind_num(s, 10, tg_json_num_at(row, "numerator"));
    bind_num(s, 11, tg_json_num_at(row, "denominator"));
    sqlite3_bind_int(s, 12, tg_json_bool_value(tg_json_get(row, "suppressed")));
    bind_num(s, 13, tg_json_num_at(row, "target"));
    if (flag && tg_json_kind_of(flag) == TG_JSON_BOOL)
        sqlite3_bind_int(s, 14, tg_json_bool_value(flag));
    else sqlite3_bind_null(s, 14);
    tg_status st = insert(r->h, s, err);
    return st == TG_OK ? rec_poll(r, err) : st;
}

static tg_status record_series(struct rec *r, const tg_json *ind, tg_error *err) {
    const char *id = tg_json_str_at(ind, "id"), *pname = tg_json_str_at(ind, "period");
    const tg_json *by = tg_json_get(ind, "by"), *series = tg_json_get(ind, "series");
    tg_status st = TG_OK;
    for (size_t i = 0; st == TG_OK && i < tg_json_len(series); i++) {
        const tg_json *row = tg_json_at(series, i);
        char *grp = group_key(row, by), *period = value_text(row, pname);
        st = grp ? record_value(r, id, row, grp, period, i, err) : tg_err_nomem(err);
        tg_free(grp);
        tg_free(period);
    }
    return st;
}

static tg_status record_verdicts(struct rec *r, const tg_json *ind, tg_error *err) {
    const tg_json *by = tg_json_get(ind, "by"), *verdicts = tg_json_get(ind, "verdicts");
    tg_status st = TG_OK;
    for (size_t i = 0; st == TG_OK && i < tg_json_len(verdicts); i++) {
        const tg_json *row = tg_json_at(verdicts, i);
        char *grp = group_key(row, by), *base = value_text(row, "baseline_period"),
             *latest = value_text(row, "latest_period");
        sqlite3_bind_int64(r->verdict, 1, r->run_id);
        bind_text(r->verdict, 2, tg_json_str_at(ind, "id"));
        bind_text(r->verdict, 3, grp);
        bind_text(r->verdict, 4, tg_json_str_at(row, "verdict"));
        bind_text(r->verdict, 5, base);
        bind_text(r->verdict, 6, latest);
        bind_num(r->verdict, 7, tg_json_num_at(row, "change"));
        bind_num(r->verdict, 8, tg_json_num_at(row, "p"));
        st = grp ? insert(r->h, r->verdict, err) : tg_err_nomem(err);
        if (!grp) sqlite3_reset(r->verdict);
        tg_free(grp);
        tg_free(base);
        tg_free(latest);
    }
    return st;
}

static tg_status record_indicators(struct rec *r, const tg_json *inds, tg_error *err) {
    tg_status st = TG_OK;
    for (size_t i = 0; st == TG_OK && i < tg_json_len(inds); i++) {
        const tg_json *ind = tg_json_at(inds, i);
        char *by = tg_json_dump(tg_json_get(ind, "by"), 0);
        if (!by) return tg_err_nomem(err);
        sqlite3_bind_int64(r->indicator, 1, r->run_id);
        bind_text(r->indicator, 2, tg_json_str_at(ind, "id"));
        sqlite3_bind_int64(r->indicator, 3, (sqlite3_int64)i);
        bind_text(r->indicator, 4, tg_json_str_at(ind, "title"));
        bind_text(r->indicator, 5, tg_json_str_at(ind, "kind"));
        bind_text(r->indicator, 6, tg_json_str_value(tg_json_get(ind, "unit"), NULL));
        bind_text(r->indicator, 7, tg_json_str_at(ind, "period"));
        bind_text(r->indicator, 8, by);
        st = insert(r->h, r->indicator, err);
        tg_free(by);
        if (st == TG_OK) st = record_series(r, ind, err);
        if (st == TG_OK) st = record_verdicts(r, ind, err);
    }
    return st;
}

static tg_status record_run(struct rec *r, const tg_hist_run *run, tg_error *err) {
    sqlite3_stmt *s;
    tg_status st = prepare(r->h,
                           "INSERT INTO run (started_at, duration_s, tegn_version, script, "
                           "script_sha256, params, seed, exit_status, error) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           &s, err);
    if (st != TG_OK) return st;
    bind_text(s, 1, run->started_at);
    bind_num(s, 2, run->duration_s);
    bind_text(s, 3, run->tegn_version);
    bind_text(s, 4, run->script);
    bind_text(s, 5, run->script_sha256);
    bind_text(s, 6, run->params ? run->params : "{}");
    bind_text(s, 7, run->seed);
    sqlite3_bind_int(s, 8, run->exit_status);
    bind_text(s, 9, run->error);
    st = insert(r->h, s, err);
    sqlite3_finalize(s);
    r->run_id = sqlite3_last_insert_rowid(r->h->db);
    return st;
}

static tg_status rec_prepare(struct rec *r, tg_error *err) {
    tg_status st =
        prepare(r->h, "INSERT INTO input VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &r->input, err);
    if (st == TG_OK)
        st = prepare(r->h, "INSERT INTO input_column VALUES (?1, ?2, ?3, ?4, ?5)", &r->column, err);
    if (st == TG_OK)
        st = prepare(r->h, "INSERT INTO indicator VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                     &r->indicator, err);
    if (st == TG_OK)
        st = prepare(r->h,
                     "INSERT INTO value VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                     "?13, ?14)",
                     &r->value, err);
    if (st == TG_OK)
        st = prepare(r->h, "INSERT INTO verdict VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                     &r->verdict, err);
    return st;
}

static void rec_finalize(struct rec *r) {
    sqlite3_finalize(r->input);
    sqlite3_finalize(r->column);
    sqlite3_finalize(r->indicator);
    sqlite3_finalize(r->value);
    sqlite3_finalize(r->verdict);
}

tg_status tg_hist_record(tg_hist *h, const tg_hist_run *run, const tg_json *doc,
                         const tg_interrupt *intr, int64_t *id, tg_error *err) {
    struct rec r;
    const tg_json *meta = doc ? tg_json_get(doc, "meta") : NULL;
    assert(h != NULL && run != NULL);
    memset(&r, 0, sizeof r);
    r.h = h;
    r.intr = intr;
    if (id) *id = 0;
    tg_status st = exec(h, "BEGIN IMMEDIATE", "cannot record the run", err);
    if (st != TG_OK) return st;
    st = rec_prepare(&r, err);
    if (st == TG_OK) st = record_run(&r, run, err);
    if (st == TG_OK && meta) st = record_inputs(&r, tg_json_get(meta, "inputs"), err);
    if (st == TG_OK && doc && strcmp(tg_json_str_at(doc, "format"), "tegn-indicators") == 0)
        st = record_indicators(&r, tg_json_get(doc, "indicators"), err);
    if (st == TG_OK && (st = tg_poll(intr)) != TG_OK)
        tg_err_set(err, st, h->path, 0, 0, "stopped while recording the run");
    rec_finalize(&r);
    if (st == TG_OK) st = exec(h, "COMMIT", "cannot record the run", err);
    if (st != TG_OK) {
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    if (id) *id = r.run_id;
    return TG_OK;
}

/* ---- reading back ---- */

/* The strings of a snapshot, freed together. */
struct tg_hist_pool {
    char **s;
    size_t n, cap;
    int oom;
};

/* A pooled copy of column 'col' of the current row (NULL for NULL). */
static const char *pool_col(struct tg_hist_pool *p, sqlite3_stmt *s, int col) {
    const char *t = (const char *)sqlite3_column_text(s, col);
    if (!t) return NULL;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        char **ns = tg_realloc(p->s, cap * sizeof *ns);
        if (!ns) {
            p->oom = 1;
            return "";
        }
        p->s = ns;
        p->cap = cap;
    }
    char *c = tg_strdup(t);
    if (!c) {
        p->oom = 1;
        return "";
    }
    return p->s[p->n++] = c;
}

static double col_num(sqlite3_stmt *s, int col) {
    return sqlite3_column_type(s, col) == SQLITE_NULL ? NAN : sqlite3_column_double(s, col);
}

/* Grows *items (of 'size' bytes each) to hold one more than *n. */
static void *grow(void **items, size_t *n, size_t *cap, size_t size) {
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 16;
        void *p = tg_realloc(*items, c * size);
        if (!p) return NULL;
        *items = p;
        *cap = c;
    }
    return (char *)*items + (*n)++ * size;
}

/* Reads one run row (columns id .. error, then two counts) into 'run'. */
static void read_run(struct tg_hist_pool *p, sqlite3_stmt *s, tg_hist_run *run) {
    run->id = sqlite3_column_int64(s, 0);
    run->started_at = pool_col(p, s, 1);
    run->duration_s = col_num(s, 2);
    run->tegn_version = pool_col(p, s, 3);
    run->script = pool_col(p, s, 4);
    run->script_sha256 = pool_col(p, s, 5);
    run->params = pool_col(p, s, 6);
    run->seed = pool_col(p, s, 7);
    run->exit_status = sqlite3_column_int(s, 8);
    run->error = pool_col(p, s, 9);
    run->n_inputs = sqlite3_column_int64(s, 10);
    run->n_values = sqlite3_column_int64(s, 11);
}

#define RUN_COLUMNS                                                                           \
    "r.id, r.started_at, r.duration_s, r.tegn_version, r.script, r.script_sha256, r.params, " \
    "r.seed, r.exit_status, r.error, "                                                        \
    "(SELECT count(*) FROM input i WHERE i.run_id = r.id), "                                  \
    "(SELECT count(*) FROM value v WHERE v.run_id = r.id)"

static void pool_free(struct tg_hist_pool *p) {
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) tg_free(p->s[i]);
    tg_free(p->s);
    tg_free(p);
}

tg_status tg_hist_runs(tg_hist *h, tg_hist_runlist **out, tg_error *err) {
    sqlite3_stmt *s;
    tg_hist_runlist *l = tg_calloc(1, sizeof *l);
    size_t cap = 0;
    int rc = SQLITE_DONE;
    *out = NULL;
    if (!l || !(l->pool = tg_calloc(1, sizeof *l->pool))) {
        tg_free(l);
        return tg_err_nomem(err);
    }
    tg_status st = prepare(h, "SELECT " RUN_COLUMNS " FROM run r ORDER BY r.id", &s, err);
    while (st == TG_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        tg_hist_run *run = grow((void **)&l->runs, &l->n, &cap, sizeof *run);
        if (!run) st = tg_err_nomem(err);
        else read_run(l->pool, s, run);
    }
    if (st == TG_OK && rc != SQLITE_DONE) st = fail(h, rc, "cannot read the history", err);
    sqlite3_finalize(s);
    if (st == TG_OK && l->pool->oom) st = tg_err_nomem(err);
    if (st != TG_OK) {
        tg_hist_runlist_free(l);
        return st;
    }
    *out = l;
    return TG_OK;
}

void tg_hist_runlist_free(tg_hist_runlist *l) {
    if (!l) return;
    pool_free(l->pool);
    tg_free(l->runs);
    tg_free(l);
}

tg_status tg_hist_previous(tg_hist *h, const char *script, int64_t before, int64_t *id,
                           tg_error *err) {
    return query_int(h,
                     "SELECT max(id) FROM run WHERE script = ?1 AND exit_status = 0 "
                     "AND (?2 = 0 OR id < ?2)",
                     script, before, id, err);
}

tg_status tg_hist_latest(tg_hist *h, const char *script, int64_t *id, tg_error *err) {
    if (!script)
        return query_int(h, "SELECT max(id) FROM run WHERE exit_status = 0", NULL, 0, id, err);
    return tg_hist_previous(h, script, 0, id, err);
}

static tg_status load_inputs(tg_hist *h, tg_hist_snap *sn, tg_error *err) {
    sqlite3_stmt *s, *c;
    size_t cap = 0;
    int rc;
    tg_status st = prepare(h,
                           "SELECT pos, path, query, sha256, rows, rejected FROM input "
                           "WHERE run_id = ?1 ORDER BY pos",
                           &s, err);
    if (st != TG_OK) return st;
    if ((st = prepare(h,
                      "SELECT name, type FROM input_column WHERE run_id = ?1 AND input_pos = ?2 "
                      "ORDER BY pos",
                      &c, err)) != TG_OK) {
        sqlite3_finalize(s);
        return st;
    }
    sqlite3_bind_int64(s, 1, sn->run.id);
    while (st == TG_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        tg_hist_input *in = grow((void **)&sn->inputs, &sn->n_inputs, &cap, sizeof *in);
        size_t ccap = 0;
        if (!in) {
            st = tg_err_nomem(err);
            break;
        }
        memset(in, 0, sizeof *in);
        in->path = pool_col(sn->pool, s, 1);
        in->query = pool_col(sn->pool, s, 2);
        in->sha256 = pool_col(sn->pool, s, 3);
        in->rows = sqlite3_column_int64(s, 4);
        in->rejected = sqlite3_column_int64(s, 5);
        sqlite3_bind_int64(c, 1, sn->run.id);
        sqlite3_bind_int64(c, 2, sqlite3_column_int64(s, 0));
        while (st == TG_OK && (rc = sqlite3_step(c)) == SQLITE_ROW) {
            if (in->n_cols == ccap) {
                ccap = ccap ? 2 * ccap : 16;
                const char **names = tg_realloc(in->col_names, ccap * sizeof *names);
                if (names) in->col_names = names;
                const char **types = tg_realloc(in->col_types, ccap * sizeof *types);
                if (types) in->col_types = types;
                if (!names || !types) {
                    st = tg_err_nomem(err);
                    break;
                }
            }
            in->col_names[in->n_cols] = pool_col(sn->pool, c, 0);
            in->col_types[in->n_cols++] = pool_col(sn->pool, c, 1);
        }
        sqlite3_reset(c);
    }
    sqlite3_finalize(s);
    sqlite3_finalize(c);
    return st;
}

static tg_status load_indicators(tg_hist *h, tg_hist_snap *sn, tg_error *err) {
    sqlite3_stmt *s;
    size_t cap = 0;
    int rc = SQLITE_DONE;
    tg_status st = prepare(h,
                           "SELECT id, title, kind, unit FROM indicator WHERE run_id = ?1 "
                           "ORDER BY id",
                           &s, err);
    if (st != TG_OK) return st;
    sqlite3_bind_int64(s, 1, sn->run.id);
    while (st == TG_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        tg_hist_indicator *ind =
            grow((void **)&sn->indicators, &sn->n_indicators, &cap, sizeof *ind);
        if (!ind) st = tg_err_nomem(err);
        else {
            ind->id = pool_col(sn->pool, s, 0);
            ind->title = pool_col(sn->pool, s, 1);
            ind->kind = pool_col(sn->pool, s, 2);
            ind->unit = pool_col(sn->pool, s, 3);
        }
    }
    if (st == TG_OK && rc != SQLITE_DONE) st = fail(h, rc, "cannot read the history", err);
    sqlite3_finalize(s);
    return st;
}

static tg_status load_values(tg_hist *h, tg_hist_snap *sn, tg_error *err) {
    sqlite3_stmt *s;
    size_t cap = 0;
    int rc = SQLITE_DONE;
    tg_status st = prepare(h,
                           "SELECT indicator, grp, period, pos, value, lo, hi, n, numerator, "
                           "denominator, target, suppressed, flag FROM value WHERE run_id = ?1 "
                           "ORDER BY indicator, grp, period",
                           &s, err);
    if (st != TG_OK) return st;
    sqlite3_bind_int64(s, 1, sn->run.id);
    while (st == TG_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        tg_hist_value *v = grow((void **)&sn->values, &sn->n_values, &cap, sizeof *v);
        if (!v) {
            st = tg_err_nomem(err);
            break;
        }
        v->indicator = pool_col(sn->pool, s, 0);
        v->grp = pool_col(sn->pool, s, 1);
        v->period = pool_col(sn->pool, s, 2);
        v->pos = sqlite3_column_int64(s, 3);
        v->value = col_num(s, 4);
        v->lo = col_num(s, 5);
        v->hi = col_num(s, 6);
        v->n = col_num(s, 7);
        v->numerator = col_num(s, 8);
        v->denominator = col_num(s, 9);
        v->target = col_num(s, 10);
        v->suppressed = sqlite3_column_int(s, 11);
        v->flag = sqlite3_column_type(s, 12) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 12);
    }
    if (st == TG_OK && rc != SQLITE_DONE) st = fail(h, rc, "cannot read the history", err);
    sqlite3_finalize(s);
    return st;
}

static tg_status load_verdicts(tg_hist *h, tg_hist_snap *sn, tg_error *err) {
    sqlite3_stmt *s;
    size_t cap = 0;
    int rc = SQLITE_DONE;
    tg_status st = prepare(h,
                           "SELECT indicator, grp, verdict FROM verdict WHERE run_id = ?1 "
                           "ORDER BY indicator, grp",
                           &s, err);
    if (st != TG_OK) return st;
    sqlite3_bind_int64(s, 1, sn->run.id);
    while (st == TG_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        tg_hist_verdict *v = grow((void **)&sn->verdicts, &sn->n_verdicts, &cap, sizeof *v);
        if (!v) st = tg_err_nomem(err);
        else {
            v->indicator = pool_col(sn->pool, s, 0);
            v->grp = pool_col(sn->pool, s, 1);
            v->verdict = pool_col(sn->pool, s, 2);
        }
    }
    if (st == TG_OK && rc != SQLITE_DONE) st = fail(h, rc, "cannot read the history", err);
    sqlite3_finalize(s);
    return st;
}

/* Loads the run row of 'id' into sn->run; TG_EARG when there is none. */
static tg_status load_run(tg_hist *h, int64_t id, tg_hist_snap *sn, tg_error *err) {
    sqlite3_stmt *s;
    tg_status st = prepare(h, "SELECT " RUN_COLUMNS " FROM run r WHERE r.id = ?1", &s, err);
    if (st != TG_OK) return st;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) read_run(sn->pool, s, &sn->run);
    else if (rc == SQLITE_DONE)
        st = tg_err_set(err, TG_EARG, h->path, 0, 0, "the history has no run %lld", (long long)id);
    else st = fail(h, rc, "cannot read the history", err);
    sqlite3_finalize(s);
    return st;
}

tg_status tg_hist_load(tg_hist *h, int64_t id, tg_hist_snap **out, tg_error *err) {
    tg_hist_snap *sn = tg_calloc(1, sizeof *sn);
    tg_status st;
    *out = NULL;
    if (!sn || !(sn->pool = tg_calloc(1, sizeof *sn->pool))) {
        tg_free(sn);
        return tg_err_nomem(err);
    }
    /* One read transaction: the snapshot is one committed state. */
    st = exec(h, "BEGIN", "cannot read the history", err);
    if (st == TG_OK) st = load_run(h, id, sn, err);
    if (st == TG_OK) st = load_inputs(h, sn, err);
    if (st == TG_OK) st = load_indicators(h, sn, err);
    if (st == TG_OK) st = load_values(h, sn, err);
    if (st == TG_OK) st = load_verdicts(h, sn, err);
    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
    if (st == TG_OK && sn->pool->oom) st = tg_err_nomem(err);
    if (st != TG_OK) {
        tg_hist_snap_free(sn);
        return st;
    }
    *out = sn;
    return TG_OK;
}

void tg_hist_snap_free(tg_hist_snap *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n_inputs; i++) {
        tg_free(s->inputs[i].col_names);
        tg_free(s->inputs[i].col_types);
    }
    tg_free(s->inputs);
    tg_free(s->indicators);
    tg_free(s->values);
    tg_free(s->verdicts);
    pool_free(s->pool);
    tg_free(s);
}

tg_status tg_hist_snap_of(const tg_json *doc, tg_hist_snap **out, tg_error *err) {
    const tg_json *meta = tg_json_get(doc, "meta");
    tg_hist *h = NULL;
    tg_hist_run r;
    int64_t id = 0;
    memset(&r, 0, sizeof r);
    r.started_at = tg_json_str_at(meta, "started_at");
    r.duration_s = tg_json_num_at(meta, "duration_s");
    r.tegn_version = tg_json_str_at(meta, "tegn_version");
    r.script = tg_json_str_at(meta, "script");
    r.seed = tg_json_str_at(meta, "seed");
    *out = NULL;
    tg_status st = tg_hist_open(":memory:", 1, &h, err);
    if (st == TG_OK) st = tg_hist_record(h, &r, doc, NULL, &id, err);
    if (st == TG_OK) st = tg_hist_load(h, id, out, err);
    tg_hist_close(h);
    return st;
}

/* ---- retention ---- */

tg_status tg_hist_prune(tg_hist *h, int64_t keep, int64_t *removed, tg_error *err) {
    sqlite3_stmt *s;
    assert(keep >= 0);
    *removed = 0;
    tg_status st = exec(h, "BEGIN IMMEDIATE", "cannot prune the history", err);
    if (st != TG_OK) return st;
    /* The first successful run of each script in each month stays, so a
    ** year-long comparison is still possible after years of nightly runs. */
    st = prepare(h,
                 "DELETE FROM run WHERE id NOT IN (SELECT id FROM run ORDER BY id DESC LIMIT ?1) "
                 "AND id NOT IN (SELECT min(id) FROM run WHERE exit_status = 0 "
                 "GROUP BY script, substr(started_at, 1, 7))",
                 &s, err);
    if (st == TG_OK) {
        sqlite3_bind_int64(s, 1, keep);
        int rc = sqlite3_step(s);
        if (rc != SQLITE_DONE) st = fail(h, rc, "cannot prune the history", err);
        else *removed = sqlite3_changes(h->db);
        sqlite3_finalize(s);
    }
    if (st == TG_OK) st = exec(h, "COMMIT", "cannot prune the history", err);
    if (st != TG_OK) sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}
