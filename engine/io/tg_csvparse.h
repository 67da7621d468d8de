/*
** tg_csvparse.h -- parsing CSV records with libcsv for the loader (tg_csv):
** the header record, one byte range ("chunk") of data records into column
** parts (tg_csvcol), and finding afterwards the physical line of a
** (row, field) position in a chunk. The only module that includes csv.h.
**
** Why a module of its own: the loader plans the load (sniffing, rewrites,
** chunk boundaries, passes, type decisions, the report); this module is
** what runs per record, on every thread, and the one place that knows
** libcsv's callbacks and state. The loader owns every struct below and
** fills the context before any call; the parser writes only the chunk it
** was given and, of the context the threads share, the atomic done_bytes.
*/
#ifndef TG_CSVPARSE_H
#define TG_CSVPARSE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "tegn.h"
#include "tg_csvcol.h"
#include "tg_lines.h"
#include "tg_sniff.h"

/* What every chunk's parse reads: the source, its dialect and columns, and
** the options that matter per record (copied from tg_csv_opts). */
typedef struct tg_csvparse {
    tg_src src;
    tg_dialect dialect;
    size_t n_cols;
    char **names;    /* n_cols names, set by tg_csvparse_header */
    int enc_guessed; /* 1: UTF-8 is a guess; 2: it proved wrong (Windows-1252 retry) */
    int reject;      /* on_error is TG_CSV_REJECT */
    size_t max_errors;
    int no_fast_path; /* every record through libcsv */
    int watch_cr;     /* bare CRs are not rewritten yet: a chunk that meets one says so */
    tg_status (*interrupt)(void *ud);
    void (*progress)(void *ud, size_t done, size_t total);
    void *ud;
    atomic_size_t done_bytes;
    pthread_t caller; /* the thread that called tg_csv_read: the only one reporting progress */
    tg_error *err;    /* for read errors while locating lines */
} tg_csvparse;

/* A rejected row as a chunk records it; its line is found for the report. */
typedef struct tg_csvreject {
    int col;          /* field number, 1-based */
    char column[64];  /* the column's name, or "" past the last column */
    char value[64];   /* the offending text, truncated */
    char reason[128]; /* what was expected */
} tg_csvreject;

/* One byte range of the file and everything parsed from it. */
typedef struct tg_csvchunk {
    tg_csvparse *ps;
    size_t start, end; /* raw byte offsets */
    size_t first_line; /* physical line of 'start' */
    size_t newlines;   /* '\n' bytes in [start, end) */
    size_t comments;   /* comment lines skipped */
    int end_clean;     /* libcsv was between records at 'end' */
    tg_csvcol **cols;  /* the column parts kept from every pass */
    tg_csvcol **pcols; /* the parts the current pass fills (== cols in pass 1) */
    size_t row, field;
    int pass;    /* 0 = first pass */
    int row_bad; /* current row has a problem: its field and reason below */
    size_t bad_field;
    char bad_reason[128], bad_value[64];
    /* first failure (TG_CSV_FAIL) */
    int failed;
    size_t fail_row, fail_field;
    size_t fail_nl; /* with fail_at_nl: the failure's line is first_line + fail_nl */
    int fail_at_nl;
    char fail_reason[300];
    /* rejected rows (TG_CSV_REJECT): row indices, ascending */
    size_t *rej_rows;
    tg_csvreject *rejects;
    size_t n_rej, cap_rej;
    tg_status status;
    int utf8_bad; /* found invalid UTF-8 while the encoding was a guess */
    int bare_cr;  /* with watch_cr: met a CR that is not a line's CRLF (the parse stops) */
    int cr_piece; /* the last piece of a long line ended in CR */
} tg_csvchunk;

/* Where the data begins, as the header reader found it. */
typedef struct tg_csvhead {
    size_t data_start, data_line; /* first data byte and its line */
    size_t avg_record;            /* bytes per record in the sample */
    size_t comments;              /* comment lines before the header */
} tg_csvhead;

/* Reads the header record line by line from the data start (after the
** BOM and sep= line, or from pre_bytes when 'transcoded': src.mem holds
** the file already decoded from them), so that where data begins and on
** which line is exact. Sets ps->names and ps->n_cols (owned by the caller
** even on failure; unique and non-empty on TG_OK), and lowers
** ps->enc_guessed to 2 when a name is not UTF-8; counts the comment lines
** above the header in head->comments. TG_EDATA names 'path'. */
tg_status tg_csvparse_header(tg_csvparse *ps, int transcoded, tg_csvhead *head, const char *path,
                             tg_error *err);

/* Parses the chunk's [start, end) into its pcols (one part per column),
** counting rows, newlines and comments; records the first failure or the
** rejects in the chunk, and ch->status TG_ENOMEM, TG_EIO or the interrupt's
** status. Stops early, setting ch->utf8_bad or ch->bare_cr, when the file
** must be read again (as Windows-1252, or with bare CRs rewritten). Calls ps->progress only on
*ps->caller's thread. Thread-safe for
** distinct chunks. */
void tg_csvparse_chunk(tg_csvchunk *ch);

/* A position whose physical line is wanted. */
typedef struct tg_csvpos {
    size_t row, field;
    size_t line; /* result; 0 = not found */
} tg_csvpos;

/* Parses the chunk again line by line until every position has a line.
** 'pos' must be sorted by row, then field. TG_OK, TG_ENOMEM or TG_EIO. */
tg_status tg_csvparse_locate(const tg_csvparse *ps, const tg_csvchunk *ch, tg_csvpos *pos,
                             size_t n);

/* Line of one position; 0 if it cannot be found. */
size_t tg_csvparse_line_of(const tg_csvparse *ps, const tg_csvchunk *ch, size_t row, size_t field);

#endif /* TG_CSVPARSE_H */
