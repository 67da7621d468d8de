/*
** tg_csv.h -- loading a CSV file into a columnar table.
** The loader sniffs the dialect (tg_sniff.h), transcodes to UTF-8, splits
** the file into row-aligned chunks parsed in parallel by libcsv, and
** decides each column's type, decimal mark and date format from every
** value in the column, not from a sample. Explicit options override every
** guess. A malformed value is an error naming file, line, column, the
** value and what was expected, or, with TG_CSV_REJECT, a rejected row
** recorded in the report (up to a cap).
*/
#ifndef TG_CSV_H
#define TG_CSV_H

#include <stddef.h>

#include "tegn.h"
#include "tg_sniff.h"
#include "tg_table.h"

enum { TG_CSV_FAIL = 0, TG_CSV_REJECT = 1 };

/* A per-column override: the column called 'name' is read as 'type';
** 'format' optionally fixes a date format ("%d-%m-%Y") or, for numbers,
** the decimal mark ("," or "."). */
typedef struct tg_csv_coltype {
    const char *name;
    tg_type type;
    const char *format;
} tg_csv_coltype;

typedef struct tg_csv_opts {
    tg_sniff_opts dialect;       /* delimiter, quote, header, encoding */
    char decimal;                /* 0 = infer per column, or '.' or ',' */
    const char *const *na;       /* null tokens; NULL = "", "NA", "NULL" */
    size_t n_na;                 /* at most 16 */
    const tg_csv_coltype *types; /* per-column overrides */
    size_t n_types;
    int on_error;      /* TG_CSV_FAIL or TG_CSV_REJECT */
    size_t max_errors; /* with TG_CSV_REJECT: more rejects than this fail the load */
    int threads;       /* 0 = tg_par_threads() (at most 8), 1 = single-threaded */
    int no_fast_path;  /* 1 = every record through libcsv (a reference for tests) */
    /* use_fd = 1: read the open file 'fd' (not closed) instead of opening
    ** path, which then only names it in messages; for a caller that opened
    ** it beneath an allowed folder (tg_path_open_read). */
    int use_fd, fd;
    /* Polled between chunks of work; a nonzero return stops the load with
    ** that status (TG_ELIMIT or TG_ECANCEL). May be NULL. */
    tg_status (*interrupt)(void *ud);
    /* Called from the loading thread as bytes are parsed. May be NULL. */
    void (*progress)(void *ud, size_t done, size_t total);
    void *ud;
    /* 1: the report's sha256 gets the SHA-256 of the file's bytes (as
    ** sha256sum prints it), hashed from the descriptor the load reads,
    ** on a thread of its own while the chunks are parsed when the load
    ** is split between threads, after the load otherwise. */
    int sha256;
} tg_csv_opts;

/* Sets the defaults: sniff everything, fail on the first bad value,
** max_errors 100, threads 0. */
void tg_csv_opts_init(tg_csv_opts *opts);

/* One rejected row (TG_CSV_REJECT). */
typedef struct tg_reject {
    size_t line;      /* physical line in the file, 1-based */
    int col;          /* field number, 1-based */
    char column[64];  /* the column's name */
    char value[64];   /* the offending text, truncated */
    char reason[128]; /* what was expected */
} tg_reject;

/* What the loader decided, per column. */
typedef struct tg_csv_colinfo {
    tg_type type;
    char decimal;      /* '.' or ',' for numbers; 0 otherwise */
    unsigned date_fmt; /* one TG_DF_* bit for dates; 0 otherwise */
    char note[160];    /* why a column that looked typed is text, or "" */
} tg_csv_colinfo;

/* One decision about the whole file, and why, naming the option that
** overrides it ("header: 'id' (column 1) is not like the values below it"). */
typedef struct tg_csv_note {
    int unusual; /* 1: a reader of the results should know (lenient quotes, escapes, bare CR
                    line ends, gzip, an unsure header); 0: routine (delimiter, encoding) */
    char text[240];
} tg_csv_note;

typedef struct tg_csv_report {
    tg_dialect dialect;
    size_t n_rows;
    size_t n_bytes;    /* bytes of the file */
    size_t n_rejected; /* rows rejected in all */
    size_t n_rejects;  /* of which kept in 'rejects' (at most max_errors) */
    tg_reject *rejects;
    size_t n_cols;
    tg_csv_colinfo *cols;
    size_t n_notes; /* what the sniffer and loader decided about the file */
    tg_csv_note *notes;
    char sha256[65]; /* with opts.sha256 on TG_OK: the file's digest in hex; else "" */
} tg_csv_report;

/* Loads the CSV file at 'path' into a new table (*out, one reference).
** When 'report' is not NULL, *report receives a new report (free it with
** tg_csv_report_free) on TG_OK and on TG_EDATA. 'opts' may be NULL for
** the defaults. Errors: TG_EIO (cannot open or read), TG_EDATA (malformed
** file; err has file, line, field number and message), TG_EARG (a bad
** option, e.g. a type override naming no column), TG_ENOMEM, or the
** interrupt's status. On failure *out is NULL. */
tg_status tg_csv_read(const char *path, const tg_csv_opts *opts, tg_table **out,
                      tg_csv_report **report, tg_error *err);

void tg_csv_report_free(tg_csv_report *report);

#endif /* TG_CSV_H */
