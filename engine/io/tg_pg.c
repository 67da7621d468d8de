/*
** tg_pg.c -- PostgreSQL adapter: query results into tables, tables into
** PostgreSQL. Every wait for the server goes through wait_socket, which
** asks the run's interrupt every POLL_MS and cancels the statement
** (PQcancel) when told to stop, so a time limit holds inside a long query.
** Values arrive in binary and are decoded in C (big-endian integers and
** IEEE floats here, numeric and timestamps by tg_pgbin), never as text
** parsed row by row. The caller's SQL is cut and its error positions
** placed by tg_pgsql.
*/
#include "tg_pg.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_pgbin.h"
#include "tg_pgsql.h"
#include "tg_sbuf.h"
#include "tg_sha256.h"

#define POLL_MS    100       /* between asks of the interrupt while waiting */
#define COPY_CHUNK (1 << 20) /* bytes handed to PQputCopyData at a time */

/* The type OIDs tegn reads (pg_type.dat; stable since PostgreSQL 7). */
enum {
    OID_BOOL = 16,
    OID_NAME = 19,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_TEXT = 25,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_BPCHAR = 1042,
    OID_VARCHAR = 1043,
    OID_DATE = 1082,
    OID_TIMESTAMP = 1114,
    OID_TIMESTAMPTZ = 1184,
    OID_NUMERIC = 1700
};

/* ---- connection, waiting, errors ---- */

/* One connection in use, and what its waits and messages need. While the
** caller's query runs, 'sql' is its text and 'skip' the characters tegn's
** wrapper puts before it (COPY, DECLARE), so an error position the server
** reports is told as a line and column of the query the caller wrote;
** NULL for tegn's own statements. */
typedef struct session {
    PGconn *c;
    const char *label;
    const tg_interrupt *intr;
    const char *sql;
    long skip;
} session;

/* The tegn status for a server error by its SQLSTATE class: the caller's
** SQL and names are TG_EARG, values TG_EDATA, the rest TG_EIO. */
static tg_status status_of(const PGresult *res) {
    const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!s || strlen(s) < 2) return TG_EIO;
    if (!strncmp(s, "42", 2) || !strncmp(s, "0A", 2) || !strncmp(s, "34", 2) ||
        !strncmp(s, "25", 2) || !strncmp(s, "2B", 2) || !strncmp(s, "08P01", 5))
        return TG_EARG;
    if (!strncmp(s, "22", 2) || !strncmp(s, "23", 2)) return TG_EDATA;
    if (!strcmp(s, "53200")) return TG_ENOMEM;
    return TG_EIO;
}

/* libpq's messages end in a newline and may run over several lines. */
static int trimmed(const char *msg) {
    size_t n = msg ? strlen(msg) : 0;
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) n--;
    return (int)n;
}

/* " (query line L, column C)" for the error position of 'res' in the
** caller's query, or "" when it has none or it falls in tegn's wrapper. */
static void query_place(const session *s, const PGresult *res, char *buf, size_t size) {
    const char *p = res && s->sql ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
    int line, col;
    buf[0] = '\0';
    if (p && tg_pgsql_locate(s->sql, strtol(p, NULL, 10) - s->skip, &line, &col))
        snprintf(buf, size, " (query line %d, column %d)", line, col);
}

/* Reports a failed result (or the connection's error when res is NULL):
** the primary message, where in the query (query_place), PostgreSQL's
** context (the COPY line and column) and 'what' (the step that failed).
** The primary message is cut, not the place, when all is too long. */
static tg_status pg_fail(const session *s, const PGresult *res, const char *what, tg_error *err) {
    const char *prim = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *ctx = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
    const char *msg = prim ? prim : res ? PQresultErrorMessage(res) : PQerrorMessage(s->c);
    char place[64];
    if (!msg || !*msg) msg = s->c ? PQerrorMessage(s->c) : "unknown error";
    tg_status st = res ? status_of(res) : TG_EIO;
    if (st == TG_ENOMEM) return tg_err_nomem(err);
    query_place(s, res, place, sizeof place);
    int room = (int)(sizeof err->msg - strlen(what) - strlen(place) - 3);
    int n = trimmed(msg) < room ? trimmed(msg) : room;
    if (ctx && !strncmp(ctx, "COPY ", 5))
        return tg_err_set(err, st, s->label, 0, 0, "%s: %.*s%s (%.*s)", what, n, msg, place,
                          trimmed(ctx), ctx);
    return tg_err_set(err, st, s->label, 0, 0, "%s: %.*s%s", what, n, msg, place);
}

/* Asks the server to stop the running statement; the caller then reads
** the results that follow (the cancelled statement's error). */
static void cancel(PGconn *c) {
    char buf[256];
    PGcancel *k = PQgetCancel(c);
    if (k) {
        (void)PQcancel(k, buf, sizeof buf);
        PQfreeCancel(k);
    }
}

/* Reads whatever the statement on 'c' still sends, to its end: a COPY
** OUT's rows are dropped, a COPY IN is ended with an error (so the
** server aborts it); PQgetResult alone would hand back the COPY state
** again and again. */
static void drain(PGconn *c) {
    PGresult *r;
    char *buf;
    while ((r = PQgetResult(c)) != NULL) {
        ExecStatusType s = PQresultStatus(r);
        PQclear(r);
        if (s == PGRES_COPY_OUT) {
            while (PQgetCopyData(c, &buf, 0) > 0) PQfreemem(buf);
        } else if (s == PGRES_COPY_IN) {
            if (PQputCopyEnd(c, "stopped by tegn") != 1) return;
        } else if (PQstatus(c) == CONNECTION_BAD) {
            return;
        }
    }
}

/* Waits until the socket of 'c' has what 'ev' asks (POLLIN, POLLOUT),
** asking 'intr' every POLL_MS. TG_OK, intr's status, or TG_EIO. */
static tg_status wait_socket(PGconn *c, short ev, const tg_interrupt *intr) {
    struct pollfd p = { PQsocket(c), ev, 0 };
    for (;;) {
        tg_status st = tg_poll(intr);
        if (st != TG_OK) return st;
        int n = poll(&p, 1, POLL_MS);
        if (n > 0) return TG_OK;
        if (n < 0 && errno != EINTR) return TG_EIO;
    }
}

/* Waits for the next result of the statement sent on 'c', asking 'intr'
** meanwhile; on a stop, cancels the statement, drains it and returns the
** stop's status with *res NULL. TG_EIO when the connection broke. */
static tg_status next_result(PGconn *c, const tg_interrupt *intr, PGresult **res) {
    *res = NULL;
    while (PQisBusy(c)) {
        tg_status st = wait_socket(c, POLLIN, intr);
        if (st == TG_ELIMIT || st == TG_ECANCEL) {
            cancel(c);
            drain(c);
            return st;
        }
        if (st != TG_OK || !PQconsumeInput(c)) return TG_EIO;
    }
    *res = PQgetResult(c);
    return TG_OK;
}

/* The one result of a statement sent on 'c' (later ones are drained);
** TG_OK with *res set, else an error in err (the result's, or intr's). */
static tg_status finish(const session *s, const char *what, ExecStatusType want, PGresult **res,
                        tg_error *err) {
    PGresult *r = NULL, *extra;
    tg_status st = next_result(s->c, s->intr, &r);
    *res = NULL;
    if (st == TG_OK && r && PQresultStatus(r) != PGRES_COPY_IN &&
        PQresultStatus(r) != PGRES_COPY_OUT) {
        /* the end marker (NULL) must be read before the next statement;
        ** a COPY has none until its data has passed */
        while (next_result(s->c, s->intr, &extra) == TG_OK && extra) PQclear(extra);
    }
    if (st == TG_ELIMIT || st == TG_ECANCEL)
        return tg_err_set(err, st, s->label, 0, 0, "%s: %s", what,
                          st == TG_ELIMIT ? "time limit reached; the statement was cancelled"
                                          : "cancelled by a signal");
    if (st != TG_OK || !r) {
        PQclear(r);
        return pg_fail(s, NULL, what, err);
    }
    if (PQresultStatus(r) != want) {
        st = pg_fail(s, r, what, err);
        PQclear(r);
        return st;
    }
    *res = r;
    return TG_OK;
}

/* Runs one parameterless statement and checks it succeeded. */
static tg_status exec_simple(const session *s, const char *sql, const char *what, tg_error *err) {
    PGresult *r;
    if (!PQsendQuery(s->c, sql)) return pg_fail(s, NULL, what, err);
    tg_status st = finish(s, what, PGRES_COMMAND_OK, &r, err);
    PQclear(r);
    return st;
}

/* Connects s->c without blocking past a stop: the conninfo goes to libpq
** as its dbname, which libpq expands ("service=x", "host=... dbname=...",
** a URI); the client encoding is UTF-8 whatever the database's. */
static tg_status connect_to(session *s, const char *conninfo, tg_error *err) {
    const char *const keys[] = { "dbname", "client_encoding", "application_name", NULL };
    const char *const vals[] = { conninfo, "UTF8", "tegn", NULL };
    PGconn *c = PQconnectStartParams(keys, vals, 1);
    PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
    tg_status st = TG_OK;

    s->c = NULL;
    if (!c) return tg_err_nomem(err);
    while (st == TG_OK && PQstatus(c) != CONNECTION_BAD && ps != PGRES_POLLING_OK &&
           ps != PGRES_POLLING_FAILED) {
        st = wait_socket(c, ps == PGRES_POLLING_READING ? POLLIN : POLLOUT, s->intr);
        if (st == TG_OK) ps = PQconnectPoll(c);
    }
    if (st == TG_ELIMIT || st == TG_ECANCEL) {
        PQfinish(c);
        return tg_err_set(err, st, s->label, 0, 0, "connecting: %s",
                          st == TG_ELIMIT ? "time limit reached" : "cancelled by a signal");
    }
    if (PQstatus(c) != CONNECTION_OK) {
        /* libpq's text names the host and port, not always the database
        ** and user the service gave (not on a refused password), so they
        ** are added; the password never is */
        const char *m = PQerrorMessage(c), *db = PQdb(c), *user = PQuser(c);
        if (db && *db && user && *user)
            st = tg_err_set(err, TG_EIO, s->label, 0, 0,
                            "cannot connect to database '%s' as user '%s': %.*s", db, user,
                            trimmed(m), m);
        else st = tg_err_set(err, TG_EIO, s->label, 0, 0, "cannot connect: %.*s", trimmed(m), m);
        PQfinish(c);
        return st;
    }
    s->c = c;
    return TG_OK;
}

/* ---- reading ---- */

/* One result column: how its values are decoded, and the column built. */
typedef struct pgcol {
    unsigned oid;
    int num_int; /* numeric kept as int so far */
    char *name;
    tg_col *col;
} pgcol;

typedef struct reader {
    session s;
    pgcol *cols;
    int n;
    size_t rows;
    tg_sha256 hash;
} reader;

static tg_type type_of(unsigned oid, int typmod) {
    switch (oid) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8: return TG_INT;
    case OID_FLOAT4:
    case OID_FLOAT8: return TG_FLOAT;
    case OID_NUMERIC: /* typmod: ((precision << 16) | scale) + 4, or -1 */
        return typmod >= 4 && ((typmod - 4) & 0xffff) > 0 ? TG_FLOAT : TG_INT;
    case OID_BOOL: return TG_BOOL;
    case OID_DATE: return TG_DATE;
    case OID_TEXT:
    case OID_VARCHAR:
    case OID_BPCHAR:
    case OID_NAME:
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ: return TG_STRING;
    }
    return (tg_type)0; /* none tegn reads */
}

/* The columns of the first chunk's result: names unique, types known. */
static tg_status start_columns(reader *r, const PGresult *res, tg_error *err) {
    r->n = PQnfields(res);
    r->cols = tg_calloc(r->n ? (size_t)r->n : 1, sizeof *r->cols);
    if (!r->cols) return tg_err_nomem(err);
    for (int k = 0; k < r->n; k++) {
        const char *name = PQfname(res, k);
        for (int j = 0; j < k; j++)
            if (!strcmp(PQfname(res, j), name))
                return tg_err_set(err, TG_EARG, r->s.label, 0, 0,
                                  "two result columns are called '%s' (rename one with AS)", name);
        unsigned oid = PQftype(res, k);
        tg_type t = type_of(oid, PQfmod(res, k));
        if (t == (tg_type)0)
            return tg_err_set(err, TG_EDATA, r->s.label, 0, 0,
                              "column '%s' has a type tegn cannot read (type oid %u); cast it in "
                              "the SQL, e.g. %s::text",
                              name, oid, name);
        r->cols[k].oid = oid;
        r->cols[k].num_int = oid == OID_NUMERIC && t == TG_INT;
        if (!(r->cols[k].name = tg_strdup(name))) return tg_err_nomem(err);
        if (!(r->cols[k].col = tg_col_new(t, 0, NULL))) return tg_err_nomem(err);
    }
    return TG_OK;
}

static tg_status bad_value(reader *r, int k, size_t row, const char *why, tg_error *err) {
    return tg_err_set(err, TG_EDATA, r->s.label, 0, 0, "column '%s', row %zu: %s", r->cols[k].name,
                      row + 1, why);
}

/* Decodes one non-NULL value of column k into its column. */
static tg_status push_value(reader *r, int k, size_t row, const char *p, int len, tg_error *err) {
    pgcol *pc = &r->cols[k];
    char ts[48];
    int64_t i;
    double f;
    union {
        uint32_t u;
        float f;
    } f4;
    union {
        uint64_t u;
        double f;
    } f8;

    switch (pc->oid) {
    case OID_INT2: return len == 2 ? tg_col_push_i64(pc->col, (int16_t)tg_pgbin_be16(p)) : TG_EDATA;
    case OID_INT4: return len == 4 ? tg_col_push_i64(pc->col, (int32_t)tg_pgbin_be32(p)) : TG_EDATA;
    case OID_INT8: return len == 8 ? tg_col_push_i64(pc->col, (int64_t)tg_pgbin_be64(p)) : TG_EDATA;
    case OID_FLOAT4:
        if (len != 4) return TG_EDATA;
        f4.u = tg_pgbin_be32(p);
        return tg_col_push_f64(pc->col, f4.f);
    case OID_FLOAT8:
        if (len != 8) return TG_EDATA;
        f8.u = tg_pgbin_be64(p);
        return tg_col_push_f64(pc->col, f8.f);
    case OID_BOOL: return len == 1 ? tg_col_push_bool(pc->col, p[0] != 0) : TG_EDATA;
    case OID_DATE: {
        if (len != 4) return TG_EDATA;
        int32_t d = (int32_t)tg_pgbin_be32(p);
        if (d == INT32_MIN || d == INT32_MAX || d > INT32_MAX - TG_PGBIN_EPOCH)
            return bad_value(r, k, row, "an infinite date, which tegn cannot hold", err);
        return tg_col_push_date(pc->col, d + TG_PGBIN_EPOCH);
    }
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ:
        if (len != 8) return TG_EDATA;
        if (tg_pgbin_timestamp((int64_t)tg_pgbin_be64(p), pc->oid == OID_TIMESTAMP ? "" : "+00",
                               ts) != 0)
            return bad_value(r, k, row, "a timestamp outside years 1..9999 (or infinity)", err);
        return tg_col_push_str(pc->col, ts, strlen(ts));
    case OID_NUMERIC: {
        int whole = tg_pgbin_numeric(p, len, &i, &f);
        if (whole < 0) return TG_EDATA;
        if (whole == 2)
            return bad_value(r, k, row,
                             "a numeric beyond a float's range (about 1.8e308); cast it in "
                             "the SQL (::text)",
                             err);
        if (pc->col->type == TG_FLOAT) return tg_col_push_f64(pc->col, whole ? (double)i : f);
        if (whole) return tg_col_push_i64(pc->col, i);
        tg_col_int_to_float(pc->col); /* a fraction or beyond 64 bits: float from now on */
        pc->num_int = 0;
        return tg_col_push_f64(pc->col, f);
    }
    default: return tg_col_push_str(pc->col, p, (size_t)len);
    }
}

/* Hashes one value (len -1: NULL) and moves it into column k. */
static tg_status take_value(reader *r, int k, size_t row, const char *p, int len, tg_error *err) {
    char lenbuf[4];
    tg_status st;
    tg_pgbin_put32(lenbuf, (uint32_t)len);
    tg_sha256_update(&r->hash, lenbuf, 4);
    if (len < 0) {
        st = tg_col_push_null(r->cols[k].col);
    } else {
        tg_sha256_update(&r->hash, p, (size_t)len);
        err->code = TG_OK;
        st = push_value(r, k, row, p, len, err);
    }
    if (st == TG_ENOMEM) return tg_err_nomem(err);
    if (st == TG_EDATA && err->code != TG_EDATA)
        return bad_value(r, k, row, "malformed binary value", err);
    return st;
}

/* Moves one fetched chunk into the columns and the hash. */
static tg_status take_chunk(reader *r, const PGresult *res, tg_error *err) {
    int rows = PQntuples(res);
    for (int k = 0; k < r->n; k++) {
        if (tg_col_reserve(r->cols[k].col, r->rows + (size_t)rows) != TG_OK)
            return tg_err_nomem(err);
    }
    for (int i = 0; i < rows; i++) {
        for (int k = 0; k < r->n; k++) {
            int null = PQgetisnull(res, i, k);
            tg_status st =
                take_value(r, k, r->rows + (size_t)i, null ? NULL : PQgetvalue(res, i, k),
                           null ? -1 : PQgetlength(res, i, k), err);
            if (st != TG_OK) return st;
        }
    }
    r->rows += (size_t)rows;
    return TG_OK;
}

/* Declares the cursor over the caller's query (s->sql), sending $1..$n as
** text with the types tegn knows (0: the server infers). */
static tg_status send_declare(session *s, const tg_pg_param *params, size_t n, tg_error *err) {
    static const char declare[] = "DECLARE tegn_read NO SCROLL CURSOR FOR ";
    tg_sbuf q = { 0 };
    char(*text)[40] = tg_calloc(n ? n : 1, sizeof *text);
    const char **vals = tg_calloc(n ? n : 1, sizeof *vals);
    unsigned *types = tg_calloc(n ? n : 1, sizeof *types);
    tg_status st = TG_OK;

    tg_sbuf_cat(&q, declare, s->sql, NULL);
    s->skip = (long)sizeof declare - 1;
    if (!text || !vals || !types || q.oom) st = tg_err_nomem(err);
    for (size_t k = 0; st == TG_OK && k < n; k++) {
        const tg_pg_param *p = &params[k];
        vals[k] = text[k];
        if (p->is_null) {
            vals[k] = NULL;
            continue;
        }
        switch (p->type) {
        case TG_INT:
            types[k] = OID_INT8;
            snprintf(text[k], sizeof text[k], "%" PRId64, p->v.i);
            break;
        case TG_FLOAT:
            types[k] = OID_FLOAT8;
            snprintf(text[k], sizeof text[k], "%.17g", p->v.f);
            if (isnan(p->v.f)) strcpy(text[k], "NaN");
            else if (isinf(p->v.f)) strcpy(text[k], p->v.f > 0 ? "Infinity" : "-Infinity");
            break;
        case TG_BOOL:
            types[k] = OID_BOOL;
            strcpy(text[k], p->v.b ? "true" : "false");
            break;
        case TG_DATE:
            types[k] = OID_DATE;
            if (tg_date_year(p->v.date) < 1 || tg_date_year(p->v.date) > 9999)
                st = tg_err_set(err, TG_EARG, s->label, 0, 0,
                                "parameter $%zu: a date outside years 1..9999", k + 1);
            else tg_date_format(p->v.date, text[k]);
            break;
        default: vals[k] = p->v.s; break;
        }
    }
    if (st == TG_OK && !PQsendQueryParams(s->c, q.p, (int)n, types, vals, NULL, NULL, 1))
        st = pg_fail(s, NULL, "query", err);
    tg_free(q.p);
    tg_free(text);
    tg_free(vals);
    tg_free(types);
    return st;
}

/* A statement without result columns: CREATE TABLE ..., or SELECT FROM t,
** whose rows a table cannot hold. */
static tg_status no_columns(const reader *r, tg_error *err) {
    return tg_err_set(err, TG_EARG, r->s.label, 0, 0,
                      "query: the statement returns no columns (read_postgres runs one SELECT, "
                      "VALUES or TABLE statement with at least one result column)");
}

/* Reads the query's result through a cursor, TG_PG_CHUNK rows per FETCH,
** in binary: the way with parameters, which COPY cannot take. */
static tg_status read_cursor(reader *r, const tg_pg_param *params, size_t n, tg_error *err) {
    char fetch[64];
    PGresult *res;
    tg_status st = send_declare(&r->s, params, n, err);
    if (st == TG_OK) st = finish(&r->s, "query", PGRES_COMMAND_OK, &res, err);
    if (st != TG_OK) return st;
    PQclear(res);
    r->s.sql = NULL; /* FETCH is tegn's own text */
    snprintf(fetch, sizeof fetch, "FETCH FORWARD %d FROM tegn_read", TG_PG_CHUNK);
    for (;;) {
        if (!PQsendQueryParams(r->s.c, fetch, 0, NULL, NULL, NULL, NULL, 1))
            return pg_fail(&r->s, NULL, "query", err);
        st = finish(&r->s, "query", PGRES_TUPLES_OK, &res, err);
        if (st == TG_OK && !r->cols) st = start_columns(r, res, err);
        if (st == TG_OK && r->n == 0) st = no_columns(r, err);
        if (st == TG_OK) st = take_chunk(r, res, err);
        int got = res ? PQntuples(res) : 0;
        PQclear(res);
        if (st != TG_OK || got < TG_PG_CHUNK) return st;
    }
}

/* Checks that the caller's query is one statement that returns columns,
** and learns them: prepared and described by the server, never run. */
static tg_status describe(reader *r, tg_error *err) {
    PGresult *res;
    r->s.skip = 0;
    if (!PQsendPrepare(r->s.c, "", r->s.sql, 0, NULL)) return pg_fail(&r->s, NULL, "query", err);
    tg_status st = finish(&r->s, "query", PGRES_COMMAND_OK, &res, err);
    PQclear(res);
    if (st == TG_OK && !PQsendDescribePrepared(r->s.c, ""))
        return pg_fail(&r->s, NULL, "query", err);
    if (st == TG_OK) st = finish(&r->s, "query", PGRES_COMMAND_OK, &res, err);
    if (st != TG_OK) return st;
    st = PQnfields(res) == 0 ? no_columns(r, err) : start_columns(r, res, err);
    PQclear(res);
    return st;
}

/* Moves one CopyData message of binary COPY into the columns: the
** header (once), then rows of a field count and (length, bytes) per
** field; the count -1 ends the data. */
static tg_status take_copy(reader *r, const char *buf, int n, int *header, tg_error *err) {
    static const char sig[11] = "PGCOPY\n\377\r\n";
    int pos = 0;
    if (!*header) {
        if (n < 19 || memcmp(buf, sig, 11) != 0) goto bad;
        pos = 19 + (int)tg_pgbin_be32(buf + 15); /* flags, extension length, extension */
        *header = 1;
    }
    while (pos < n) {
        if (pos + 2 > n) goto bad;
        int nf = (int16_t)tg_pgbin_be16(buf + pos);
        pos += 2;
        if (nf == -1) return TG_OK;
        if (nf != r->n) goto bad;
        for (int k = 0; k < nf; k++) {
            if (pos + 4 > n) goto bad;
            int len = (int32_t)tg_pgbin_be32(buf + pos);
            pos += 4;
            if (len > n - pos) goto bad;
            tg_status st =
                take_value(r, k, r->rows, len < 0 ? NULL : buf + pos, len < 0 ? -1 : len, err);
            if (st != TG_OK) return st;
            if (len > 0) pos += len;
        }
        r->rows++;
    }
    return TG_OK;
bad:
    return tg_err_set(err, TG_EIO, r->s.label, 0, 0, "query: malformed COPY data after row %zu",
                      r->rows);
}

/* Stops a COPY OUT: asks the server to cancel, then reads to its end. */
static void abandon_copy(PGconn *c) {
    char *buf;
    cancel(c);
    while (PQgetCopyData(c, &buf, 0) > 0) PQfreemem(buf);
    drain(c);
}

/* Reads the query's result with COPY (...) TO STDOUT in binary, the
** fastest way out of the server; intr is asked every few thousand rows
** and while waiting. */
static tg_status read_copy(reader *r, tg_error *err) {
    static const char open[] = "COPY (\n";
    tg_sbuf q = { 0 };
    PGresult *res;
    int header = 0, got;
    char *buf;

    tg_status st = describe(r, err);
    if (st != TG_OK) return st;
    /* What follows the statement (';', comments) cannot stand inside the
    ** parentheses. The statement parsed alone, so it cannot close them
    ** early; the newline ends a -- comment should the cut misread one. */
    tg_sbuf_str(&q, open);
    tg_sbuf_add(&q, r->s.sql, tg_pgsql_end(r->s.sql));
    tg_sbuf_str(&q, "\n) TO STDOUT (FORMAT binary)");
    r->s.skip = (long)sizeof open - 1;
    if (q.oom) return tg_err_nomem(err);
    if (!PQsendQueryParams(r->s.c, q.p, 0, NULL, NULL, NULL, NULL, 0))
        st = pg_fail(&r->s, NULL, "query", err);
    tg_free(q.p);
    if (st == TG_OK) st = finish(&r->s, "query", PGRES_COPY_OUT, &res, err);
    if (st != TG_OK) return st;
    PQclear(res);
    for (size_t polled = 0;;) {
        got = PQgetCopyData(r->s.c, &buf, 1);
        if (got > 0) {
            st = take_copy(r, buf, got, &header, err);
            PQfreemem(buf);
        } else if (got == 0) {
            st = wait_socket(r->s.c, POLLIN, r->s.intr);
            if (st == TG_OK && !PQconsumeInput(r->s.c)) st = pg_fail(&r->s, NULL, "query", err);
        } else {
            break;
        }
        if (st == TG_OK && r->rows - polled >= TG_VECTOR * 8) {
            polled = r->rows;
            st = tg_poll(r->s.intr);
        }
        if (st != TG_OK) {
            abandon_copy(r->s.c);
            if (st == TG_ELIMIT || st == TG_ECANCEL)
                tg_err_set(err, st, r->s.label, 0, 0, "query: %s",
                           st == TG_ELIMIT ? "time limit reached; the statement was cancelled"
                                           : "cancelled by a signal");
            return st;
        }
    }
    if (got == -2) return pg_fail(&r->s, NULL, "query", err);
    res = PQgetResult(r->s.c); /* the COPY's outcome: an error mid-stream shows here */
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) st = pg_fail(&r->s, res, "query", err);
    PQclear(res);
    while ((res = PQgetResult(r->s.c)) != NULL) PQclear(res);
    return st;
}

/* Reads in a READ ONLY transaction: by COPY without parameters, else by
** a cursor. */
static tg_status read_all(reader *r, const char *sql, const tg_pg_param *params, size_t n,
                          tg_error *err) {
    tg_status st =
        exec_simple(&r->s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin", err);
    r->s.sql = sql;
    if (st == TG_OK) st = n ? read_cursor(r, params, n, err) : read_copy(r, err);
    r->s.sql = NULL;
    if (st == TG_OK) st = exec_simple(&r->s, "COMMIT", "commit", err);
    return st;
}

/* Frees what a read holds besides the connection. */
static void reader_free(reader *r) {
    for (int k = 0; r->cols && k < r->n; k++) {
        tg_col_release(r->cols[k].col);
        tg_free(r->cols[k].name);
    }
    tg_free(r->cols);
}

/* The table of the columns read, in the result's order. */
static tg_status make_table(reader *r, tg_table **out, tg_error *err) {
    tg_table *t = tg_table_new();
    tg_status st = t ? TG_OK : TG_ENOMEM;
    for (int k = 0; st == TG_OK && k < r->n; k++) {
        tg_col_shrink(r->cols[k].col);
        st = tg_table_add(t, r->cols[k].name, r->cols[k].col);
    }
    if (st != TG_OK) {
        tg_table_release(t);
        return st == TG_ENOMEM ? tg_err_nomem(err)
                               : tg_err_set(err, st, r->s.label, 0, 0, "bad result");
    }
    *out = t;
    return TG_OK;
}

tg_status tg_pg_read(const char *conninfo, const char *label, const char *sql,
                     const tg_pg_param *params, size_t n_params, const tg_interrupt *intr,
                     tg_table **out, char *sha256, tg_error *err) {
    reader r;
    unsigned char digest[32];

    *out = NULL;
    memset(&r, 0, sizeof r);
    r.s.label = label;
    r.s.intr = intr;
    tg_sha256_init(&r.hash);
    tg_status st = connect_to(&r.s, conninfo, err);
    if (st == TG_OK) st = read_all(&r, sql, params, n_params, err);
    if (st == TG_OK) st = make_table(&r, out, err);
    if (st == TG_OK && sha256) {
        tg_sha256_final(&r.hash, digest);
        for (int i = 0; i < 32; i++) sprintf(sha256 + 2 * i, "%02x", digest[i]);
    }
    reader_free(&r);
    PQfinish(r.s.c); /* a failed transaction ends with the connection */
    return st;
}

/* ---- writing ---- */

typedef struct writer {
    session s;
    char *target;  /* the table as a quoted SQL name */
    char *regname; /* the same as a text literal for to_regclass */
} writer;

/* The quoted name of 'table': "schema"."name" when it has a dot. */
static tg_status quote_target(writer *w, const char *table, tg_error *err) {
    const char *dot = strchr(table, '.');
    tg_sbuf b = { 0 };
    char *part;
    if (dot) {
        char *schema = tg_strndup(table, (size_t)(dot - table));
        part = schema ? PQescapeIdentifier(w->s.c, schema, strlen(schema)) : NULL;
        tg_free(schema);
        if (!part) return tg_err_nomem(err);
        tg_sbuf_cat(&b, part, ".", NULL);
        PQfreemem(part);
        table = dot + 1;
    }
    part = PQescapeIdentifier(w->s.c, table, strlen(table));
    if (!part) {
        tg_free(b.p);
        return tg_err_nomem(err);
    }
    tg_sbuf_str(&b, part);
    PQfreemem(part);
    if (b.oom) return tg_err_nomem(err);
    w->target = b.p;
    w->regname = PQescapeLiteral(w->s.c, b.p, b.len);
    return w->regname ? TG_OK : tg_err_nomem(err);
}

/* Runs 'sql' (no parameters) expecting rows; *res holds them. */
static tg_status query_rows(writer *w, const char *sql, PGresult **res, tg_error *err) {
    if (!PQsendQueryParams(w->s.c, sql, 0, NULL, NULL, NULL, NULL, 0))
        return pg_fail(&w->s, NULL, "write", err);
    return finish(&w->s, "write", PGRES_TUPLES_OK, res, err);
}

/* The kind of relation the target is ('r' table, 'p' partitioned, 'v'
** view, ...), or 0 when there is none. */
static tg_status target_kind(writer *w, char *kind, tg_error *err) {
    tg_sbuf q = { 0 };
    PGresult *res;
    tg_sbuf_cat(&q, "SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass(", w->regname, ")",
                NULL);
    if (q.oom) return tg_err_nomem(err);
    tg_status st = query_rows(w, q.p, &res, err);
    tg_free(q.p);
    if (st != TG_OK) return st;
    *kind = PQntuples(res) ? PQgetvalue(res, 0, 0)[0] : 0;
    PQclear(res);
    return TG_OK;
}

/* APPEND: every column of 't' must be a column of the table. */
static tg_status check_columns(writer *w, const char *table, const tg_table *t, tg_error *err) {
    tg_sbuf q = { 0 };
    PGresult *res;
    tg_sbuf_cat(&q, "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(", w->regname,
                ") AND attnum > 0 AND NOT attisdropped ORDER BY attnum", NULL);
    if (q.oom) return tg_err_nomem(err);
    tg_status st = query_rows(w, q.p, &res, err);
    tg_free(q.p);
    if (st != TG_OK) return st;
    for (size_t k = 0; st == TG_OK && k < t->n_cols; k++) {
        int found = 0;
        for (int i = 0; !found && i < PQntuples(res); i++)
            found = !strcmp(PQgetvalue(res, i, 0), t->names[k]);
        if (!found) {
            tg_sbuf have = { 0 };
            for (int i = 0; i < PQntuples(res); i++)
                tg_sbuf_cat(&have, i ? ", " : "", PQgetvalue(res, i, 0), NULL);
            st = tg_err_set(err, TG_EARG, w->s.label, 0, 0,
                            "cannot append to '%s': it has no column '%s' (table columns: %.300s)",
                            table, t->names[k], have.p ? have.p : "");
            tg_free(have.p);
        }
    }
    PQclear(res);
    return st;
}

static const char *sql_type(tg_type t) {
    switch (t) {
    case TG_INT: return "bigint";
    case TG_FLOAT: return "double precision";
    case TG_BOOL: return "boolean";
    case TG_DATE: return "date";
    default: return "text";
    }
}

/* Appends the quoted column list "(a, b, ...)", with types for CREATE. */
static tg_status column_list(writer *w, const tg_table *t, int typed, tg_sbuf *b, tg_error *err) {
    tg_sbuf_str(b, " (");
    for (size_t k = 0; k < t->n_cols; k++) {
        char *q = PQescapeIdentifier(w->s.c, t->names[k], strlen(t->names[k]));
        if (!q) return tg_err_nomem(err);
        tg_sbuf_cat(b, k ? ", " : "", q, typed ? " " : "", typed ? sql_type(t->cols[k]->type) : "",
                    NULL);
        PQfreemem(q);
    }
    tg_sbuf_str(b, ")");
    return b->oom ? tg_err_nomem(err) : TG_OK;
}

/* The table as the mode wants it, before the COPY: checked, dropped,
** created. */
static tg_status prepare_target(writer *w, const char *table, const tg_table *t, tg_pg_mode mode,
                                tg_error *err) {
    char kind = 0;
    tg_status st = target_kind(w, &kind, err);
    if (st != TG_OK) return st;
    if (kind && kind != 'r' && kind != 'p')
        return tg_err_set(err, TG_EARG, w->s.label, 0, 0, "'%s' is not a table (a view?)", table);
    if (kind && mode == TG_PG_CREATE)
        return tg_err_set(err, TG_EARG, w->s.label, 0, 0,
                          "table '%s' already exists (mode = \"replace\" or \"append\")", table);
    if (kind && mode == TG_PG_APPEND) return check_columns(w, table, t, err);
    tg_sbuf q = { 0 };
    if (kind) tg_sbuf_cat(&q, "DROP TABLE ", w->target, "; ", NULL);
    tg_sbuf_cat(&q, "CREATE TABLE ", w->target, NULL);
    st = column_list(w, t, 1, &q, err);
    if (st == TG_OK) st = exec_simple(&w->s, q.p, "create", err);
    tg_free(q.p);
    return st;
}

/* Appends one value in COPY's text format: NULL as \N; in text, the
** backslash, tab, newline and carriage return escaped. */
static tg_status copy_value(writer *w, const tg_table *t, size_t k, size_t i, tg_sbuf *b,
                            tg_error *err) {
    const tg_col *col = t->cols[k];
    char num[40];
    if (!tg_col_is_valid(col, i)) {
        tg_sbuf_add(b, "\\N", 2);
        return TG_OK;
    }
    switch (col->type) {
    case TG_INT: tg_sbuf_printf(b, "%" PRId64, col->v.i64[i]); return TG_OK;
    case TG_FLOAT: {
        double f = col->v.f64[i];
        if (isnan(f)) tg_sbuf_str(b, "NaN");
        else if (isinf(f)) tg_sbuf_str(b, f > 0 ? "Infinity" : "-Infinity");
        else {
            snprintf(num, sizeof num, "%.17g", f);
            tg_sbuf_str(b, num);
        }
        return TG_OK;
    }
    case TG_BOOL: tg_sbuf_str(b, col->v.b8[i] ? "t" : "f"); return TG_OK;
    case TG_DATE: {
        int32_t d = col->v.date[i];
        if (tg_date_year(d) < 1 || tg_date_year(d) > 9999)
            return tg_err_set(err, TG_EDATA, w->s.label, 0, 0,
                              "column '%s', row %zu: a date outside years 1..9999", t->names[k],
                              i + 1);
        tg_date_format(d, num);
        tg_sbuf_str(b, num);
        return TG_OK;
    }
    default: {
        size_t n;
        const char *s = tg_dict_str(col->dict, col->v.str[i], &n), *run = s, *end = s + n;
        for (; s < end; s++) {
            const char *esc = *s == '\\'   ? "\\\\"
                              : *s == '\t' ? "\\t"
                              : *s == '\n' ? "\\n"
                              : *s == '\r' ? "\\r"
                                           : NULL;
            if (!esc) continue;
            tg_sbuf_add(b, run, (size_t)(s - run));
            tg_sbuf_add(b, esc, 2);
            run = s + 1;
        }
        tg_sbuf_add(b, run, (size_t)(s - run));
        return TG_OK;
    }
    }
}

/* Streams the rows as COPY FROM STDIN data, COPY_CHUNK bytes at a time,
** asking intr between chunks; a stop or a bad value aborts the COPY. */
static tg_status copy_rows(writer *w, const tg_table *t, tg_error *err) {
    tg_sbuf b = { 0 };
    tg_status st = TG_OK;
    for (size_t i = 0; st == TG_OK && i < t->n_rows; i++) {
        for (size_t k = 0; st == TG_OK && k < t->n_cols; k++) {
            if (k) tg_sbuf_add(&b, "\t", 1);
            st = copy_value(w, t, k, i, &b, err);
        }
        tg_sbuf_add(&b, "\n", 1);
        if (b.oom) st = tg_err_nomem(err);
        if (st == TG_OK && (b.len >= COPY_CHUNK || i + 1 == t->n_rows)) {
            if ((st = tg_poll(w->s.intr)) != TG_OK)
                tg_err_set(err, st, w->s.label, 0, 0, "write: %s",
                           st == TG_ELIMIT ? "time limit reached" : "cancelled by a signal");
            else if (PQputCopyData(w->s.c, b.p, (int)b.len) != 1)
                st = pg_fail(&w->s, NULL, "write", err);
            b.len = 0;
        }
    }
    tg_free(b.p);
    return st;
}

/* COPY into the target; the server's verdict comes at the end. */
static tg_status copy_table(writer *w, const tg_table *t, tg_error *err) {
    tg_sbuf q = { 0 };
    PGresult *res;
    tg_sbuf_cat(&q, "COPY ", w->target, NULL);
    tg_status st = column_list(w, t, 0, &q, err);
    tg_sbuf_str(&q, " FROM STDIN");
    if (st == TG_OK && q.oom) st = tg_err_nomem(err);
    if (st == TG_OK && !PQsendQuery(w->s.c, q.p)) st = pg_fail(&w->s, NULL, "write", err);
    tg_free(q.p);
    if (st != TG_OK) return st;
    st = finish(&w->s, "write", PGRES_COPY_IN, &res, err);
    PQclear(res);
    if (st != TG_OK) return st;
    st = copy_rows(w, t, err);
    /* On our failure the server is told to abort: its error is ignored. */
    if (PQputCopyEnd(w->s.c, st == TG_OK ? NULL : "tegn stopped the write") != 1 && st == TG_OK)
        st = pg_fail(&w->s, NULL, "write", err);
    tg_error ignored;
    tg_status end = finish(&w->s, "write", PGRES_COMMAND_OK, &res, st == TG_OK ? err : &ignored);
    PQclear(res);
    return st != TG_OK ? st : end;
}

tg_status tg_pg_write(const char *conninfo, const char *label, const char *table, const tg_table *t,
                      tg_pg_mode mode, const tg_interrupt *intr, tg_error *err) {
    writer w = { { NULL, label, intr, NULL, 0 }, NULL, NULL };
    if (t->n_cols == 0)
        return tg_err_set(err, TG_EARG, label, 0, 0, "cannot write a table with no columns");
    tg_status st = connect_to(&w.s, conninfo, err);
    if (st == TG_OK) st = exec_simple(&w.s, "BEGIN", "begin", err);
    if (st == TG_OK) st = quote_target(&w, table, err);
    if (st == TG_OK) st = prepare_target(&w, table, t, mode, err);
    if (st == TG_OK) st = copy_table(&w, t, err);
    if (st == TG_OK) st = exec_simple(&w.s, "COMMIT", "commit", err);
    /* Anything else: closing the connection rolls the transaction back. */
    PQfinish(w.s.c);
    tg_free(w.target);
    PQfreemem(w.regname);
    return st;
}
