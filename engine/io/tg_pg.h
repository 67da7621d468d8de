/*
** tg_pg.h -- reading query results from and writing tables to PostgreSQL.
** The only module that includes libpq-fe.h. A read runs the query in a
** read-only transaction by binary COPY (with parameters, as a cursor
** fetched in binary chunks), decoding each value in C (tg_pgbin)
** straight into typed columns; a write runs one transaction with COPY
** FROM STDIN and rolls everything back on any error.
** Messages name the caller's label (never the connection string, which
** may hold a password) and carry PostgreSQL's own words.
*/
#ifndef TG_PG_H
#define TG_PG_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_param.h"
#include "tg_table.h"

/* A value bound to the query parameter $k (the k-th entry). With
** 'is_null' set it is NULL and 'type' is ignored. int binds as bigint,
** float as double precision, bool as boolean, date as date; a string is
** sent untyped, so PostgreSQL infers its type from where $k stands. */
typedef tg_param tg_pg_param; /* its name is ignored */

/* How tg_pg_write treats an existing table. A missing table is created in
** every mode. */
typedef enum tg_pg_mode {
    TG_PG_CREATE = 1, /* fail if the table exists */
    TG_PG_REPLACE,    /* drop the existing table and create it anew */
    TG_PG_APPEND      /* COPY into the existing table (its columns by name) */
} tg_pg_mode;

/* Rows per FETCH: libpq holds one chunk (outside tegn's memory cap). */
#define TG_PG_CHUNK 20000

/* Runs 'sql' (one SELECT or VALUES statement, $1..$n bound from 'params')
** on the server 'conninfo' names (libpq's conninfo, e.g. "service=tilbud";
** passwords come from ~/.pgpass or the service file, never from here) and
** loads the result into a new table (*out, one reference). The statement
** runs in a READ ONLY, REPEATABLE READ transaction, by COPY TO STDOUT in
** binary, or with parameters as a cursor fetched TG_PG_CHUNK rows at a
** time in binary. Types: smallint, integer, bigint
** -> int; real, double precision -> float; numeric with a scale above 0
** -> float; numeric with scale 0 or none -> int while every value is whole
** and fits 64 bits, else float for the whole column; text, varchar, char,
** name -> string (char keeps its padding); boolean -> bool; date -> date;
** timestamp -> string "YYYY-MM-DD HH:MM:SS[.ffffff]"; timestamptz -> the
** same in UTC followed by "+00" (PostgreSQL's own ISO output with TimeZone
** UTC). NULL stays NULL. Any other type is TG_EDATA naming the column and
** the cast to add (::text). 'intr' (may be NULL) is asked while waiting
** for the server; when it says stop the query is cancelled (PQcancel) and
** the read ends with its status. 'sha256' (65 bytes, may be NULL)
** receives the SHA-256 of the result's values as read (each value's
** length as 4 bytes big-endian, -1 for NULL, then its binary form), so a
** run can record what it read. Errors: TG_EIO (cannot connect, the
** connection broke), TG_EARG (bad SQL, unknown table or column, parameter
** mismatch, two result columns with one name, a statement that is not a
** query), TG_EDATA (a value PostgreSQL or tegn cannot give: division by
** zero mid-result, an unsupported type, an infinite date, a numeric
** beyond a double), TG_ENOMEM. err->file is 'label'. 'sql' may end in
** ';', blanks and comments. An error PostgreSQL places ends in
** "(query line L, column C)", counted in the caller's 'sql'. */
tg_status tg_pg_read(const char *conninfo, const char *label, const char *sql,
                     const tg_pg_param *params, size_t n_params, const tg_interrupt *intr,
                     tg_table **out, char *sha256, tg_error *err);

/* Writes 't' (borrowed) into 'table' ("name" or "schema.name", each part
** taken literally, æøå and capitals included) on the server 'conninfo'
** names, in one transaction: the check for the table, DROP (replace),
** CREATE (int bigint, float double precision, bool boolean, date date,
** string text) and COPY FROM STDIN in text format. Any error (a
** constraint, a type the table's column refuses, a lost connection, the
** time limit) rolls all of it back: the table is as it was. APPEND needs
** every column of 't' in the table (by exact name); the table's other
** columns get their defaults. Errors: TG_EARG (CREATE on an existing
** table, a missing column, a view as target, 't' without columns),
** TG_EDATA (a value the table refuses, with PostgreSQL's line and column;
** a date outside years 1..9999), TG_EIO, TG_ENOMEM, or intr's status. */
tg_status tg_pg_write(const char *conninfo, const char *label, const char *table, const tg_table *t,
                      tg_pg_mode mode, const tg_interrupt *intr, tg_error *err);

#endif /* TG_PG_H */
