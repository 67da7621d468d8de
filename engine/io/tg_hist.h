/*
** tg_hist.h -- the run history: a SQLite file that records runs so a later
** run can be compared with an earlier one (docs/history.md). Each record
** is one transaction (a run row, its inputs and their columns, and for an
** indicator document every indicator, series value and verdict), so a
** reader sees a run whole or not at all, also after a crash or a full
** disk. The file is in WAL mode with a busy timeout, so runs recording at
** once all land. Tables are STRICT; PRAGMA user_version is the schema
** version, migrated forward on open. The third module that includes
** sqlite3.h (with tg_db and tg_dbvfs): its SQL is its own schema's.
*/
#ifndef TG_HIST_H
#define TG_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_json.h"

/* The schema version this tegn writes (PRAGMA user_version). */
#define TG_HIST_VERSION 1

typedef struct tg_hist tg_hist;

/* One run. For tg_hist_record the strings are borrowed (script_sha256,
** error may be NULL; params is a JSON object's text); read back by
** tg_hist_runs or tg_hist_load they belong to the list or snapshot. */
typedef struct tg_hist_run {
    int64_t id;
    const char *started_at; /* UTC, "YYYY-MM-DDTHH:MM:SSZ" */
    double duration_s;
    const char *tegn_version, *script, *script_sha256, *params, *seed;
    int exit_status; /* the exit code tegn gave; 0 for a success */
    const char *error;
    /* Read back only: what the run recorded. */
    int64_t n_inputs, n_values;
} tg_hist_run;

/* An input as recorded: its columns as parallel name and type lists. */
typedef struct tg_hist_input {
    const char *path, *query, *sha256;
    int64_t rows, rejected;
    size_t n_cols;
    const char **col_names, **col_types;
} tg_hist_input;

typedef struct tg_hist_indicator {
    const char *id, *title, *kind, *unit;
} tg_hist_indicator;

/* A series value. 'grp' is the group's values joined by " / " ("" for
** an indicator without groups), 'period' the period as text ("2024",
** "2021K1"), 'pos' its place in the indicator's series. Absent numbers
** are NaN. */
typedef struct tg_hist_value {
    const char *indicator, *grp, *period;
    int64_t pos;
    double value, lo, hi, n, numerator, denominator, target;
    int suppressed, flag; /* flag: -1 when the indicator has no target */
} tg_hist_value;

typedef struct tg_hist_verdict {
    const char *indicator, *grp, *verdict;
} tg_hist_verdict;

/* Everything recorded for one run. Values are sorted by indicator, group
** and period text, verdicts by indicator and group, indicators by id
** (byte order, as strcmp), inputs in the order the run read them. */
typedef struct tg_hist_snap {
    tg_hist_run run;
    tg_hist_input *inputs;
    size_t n_inputs;
    tg_hist_indicator *indicators;
    size_t n_indicators;
    tg_hist_value *values;
    size_t n_values;
    tg_hist_verdict *verdicts;
    size_t n_verdicts;
    struct tg_hist_pool *pool; /* owns every string above */
} tg_hist_snap;

/* Opens the history at 'path' read-write, creating it when 'create' is
** set (else a missing file is TG_EIO), puts it in WAL mode with a 5 s busy
** timeout and migrates its schema forward to TG_HIST_VERSION inside one
** transaction. A SQLite file that is not a history (tables of its own and
** user_version 0) or one from a newer tegn (user_version above
** TG_HIST_VERSION) is TG_EDATA. *out is NULL on failure. err->file is
** 'path'. ":memory:" opens a private history in memory (no WAL). */
tg_status tg_hist_open(const char *path, int create, tg_hist **out, tg_error *err);

/* Closes the connection (SQLite checkpoints the WAL); NULL is a no-op. */
void tg_hist_close(tg_hist *h);

/* Records 'run' and, when 'doc' is not NULL, the document's meta.inputs
** and (for an indicator document) its indicators, series values and
** verdicts, in one transaction; a failed run passes doc NULL and records
** only its run row. 'intr' (may be NULL) is asked between rows; when it
** says stop, or anything fails (a full disk too), the transaction is
** rolled back and the history is as it was. *id receives the new run's
** id. TG_EIO (locked past the timeout, I/O, full), TG_EDATA (a document
** whose shape breaks a constraint), TG_ENOMEM, or intr's status. */
tg_status tg_hist_record(tg_hist *h, const tg_hist_run *run, const struct tg_json *doc,
                         const tg_interrupt *intr, int64_t *id, tg_error *err);

/* Every run, oldest first, with n_inputs and n_values filled. */
typedef struct tg_hist_runlist {
    tg_hist_run *runs;
    size_t n;
    struct tg_hist_pool *pool; /* owns the strings */
} tg_hist_runlist;
tg_status tg_hist_runs(tg_hist *h, tg_hist_runlist **out, tg_error *err);
void tg_hist_runlist_free(tg_hist_runlist *l);

/* The id of the latest successful run of 'script' before run 'before'
** (0: of all), or 0 when there is none. */
tg_status tg_hist_previous(tg_hist *h, const char *script, int64_t before, int64_t *id,
                           tg_error *err);

/* The id of the latest successful run (of 'script' when not NULL), or 0. */
tg_status tg_hist_latest(tg_hist *h, const char *script, int64_t *id, tg_error *err);

/* Everything recorded for run 'id' (TG_EARG when there is no such run). */
tg_status tg_hist_load(tg_hist *h, int64_t id, tg_hist_snap **out, tg_error *err);
void tg_hist_snap_free(tg_hist_snap *s);

/* The snapshot tg_hist_load would give for 'doc' (an indicator document,
** borrowed) once recorded, without recording it anywhere: the run row
** from its meta (id 1). So a report compares a document with the history
** before the run is recorded. */
tg_status tg_hist_snap_of(const struct tg_json *doc, tg_hist_snap **out, tg_error *err);

/* Deletes all runs but the newest 'keep', except that the first run of
** each calendar month (by started_at) is always kept, in one transaction;
** *removed receives how many runs went. */
tg_status tg_hist_prune(tg_hist *h, int64_t keep, int64_t *removed, tg_error *err);

#endif /* TG_HIST_H */
