/*
** tg_cmdhistory.h -- the run history on the command line: `tegn history
** list|diff|prune` and what `tegn run --history FILE` does after a run
** (record it, then --fail-on). The store is engine/io/tg_hist, the
** comparison engine/report/tg_histdiff. See docs/history.md.
*/
#ifndef TG_CMDHISTORY_H
#define TG_CMDHISTORY_H

#include "tg_json.h"
#include "tg_run.h"

/* What run's history options ask for. */
typedef struct tg_cmdhistory_opts {
    const char *path; /* --history FILE; NULL: no history */
    int fail_on;      /* --fail-on: tg_histdiff kinds as a mask; 0 none */
    double row_drop;  /* --row-drop: share of rows an input may lose quietly */
    int quiet;        /* --quiet: print the diff only when --fail-on matched */
    /* Filled by tg_cmdhistory_start, before the run. */
    char started_at[32];
    double t0;
} tg_cmdhistory_opts;

void tg_cmdhistory_opts_init(tg_cmdhistory_opts *h);

/* Reads run's option argv[*i] when it is one of --history, --fail-on or
** --row-drop (taking its value): 1 when it was, 0 when not, -1 after
** printing why its value is bad. */
int tg_cmdhistory_run_arg(int argc, char **argv, int *i, tg_cmdhistory_opts *h);

/* Notes the start of the run (its clock time and a monotonic time). */
void tg_cmdhistory_start(tg_cmdhistory_opts *h);

/* After the run: records it in h->path -- 'doc' (the document as written,
** tables as rows; NULL for a failed run, which records only its run row
** with 'rc' and 'error') -- and then, for a successful run with
** --fail-on, compares it with the previous successful run of the same
** script. Returns the exit code: 'rc' unless recording failed (then the
** code for that, when rc was 0) or a change --fail-on names was found
** (EXIT_CHANGED). Prints its own messages. */
int tg_cmdhistory_after_run(const tg_cmdhistory_opts *h, const tg_run_opts *o, const tg_json *doc,
                            int rc, const char *error);

/* What changed from the previous successful run of doc's script in the
** history 'path' to the document 'doc' (borrowed; a run already recorded
** with the same started_at is skipped, so the previous is the one before
** it), for the report to mark. *out is NULL when the history does not
** exist or has no such run. An exit code, having printed any error. */
typedef struct tg_cmdhistory_since tg_cmdhistory_since;
int tg_cmdhistory_since_doc(const char *path, const tg_json *doc, tg_cmdhistory_since **out);
/* The diff (borrowed from 's'; NULL for s NULL). */
const struct tg_histdiff *tg_cmdhistory_since_diff(const tg_cmdhistory_since *s);
void tg_cmdhistory_since_free(tg_cmdhistory_since *s);

/* tegn history list|diff|prune ...: argv[1] is "history". */
int tg_cmdhistory_main(int argc, char **argv);

#endif /* TG_CMDHISTORY_H */
