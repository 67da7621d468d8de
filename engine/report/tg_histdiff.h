/*
** tg_histdiff.h -- what changed between two recorded runs (tg_hist
** snapshots), grouped and sorted by importance, and its two renderings:
** Danish text for people and cron mail, JSON for programs. The kinds, in
** order: verdicts that changed; revised past periods (a value present in
** both runs whose shown figure -- tg_rnum's rounding -- moved, a
** suppressed cell that became visible or the reverse, a period that
** went); groups that appeared or went; indicators added or removed;
** inputs that went, came, fell in rows by more than a threshold or whose
** columns changed (renamed, retyped, added, removed). See docs/history.md.
*/
#ifndef TG_HISTDIFF_H
#define TG_HISTDIFF_H

#include <stddef.h>

#include "tegn.h"
#include "tg_hist.h"
#include "tg_json.h"

typedef enum tg_histdiff_kind {
    TG_HD_VERDICT,
    TG_HD_REVISION,
    TG_HD_GROUP,
    TG_HD_INDICATOR,
    TG_HD_INPUT,
    TG_HD_KINDS
} tg_histdiff_kind;

/* One change. Strings are borrowed from the two snapshots (NULL when not
** relevant); 'what' is a fixed code (docs/history.md lists them). For a
** revision 'from'/'to' are the values and 'from_s'/'to_s' their shown
** text; for rows, the row counts. */
typedef struct tg_histdiff_change {
    tg_histdiff_kind kind;
    const char *what;
    const char *indicator, *group, *period, *input;
    const char *from_s, *to_s;
    double from, to;
    char shown[2][64]; /* the shown values of a revision */
} tg_histdiff_change;

typedef struct tg_histdiff {
    const tg_hist_run *a, *b; /* borrowed from the snapshots */
    tg_histdiff_change *changes;
    size_t n;
    size_t counts[TG_HD_KINDS];
} tg_histdiff;

typedef struct tg_histdiff_opts {
    double row_drop; /* report an input whose rows fell by more than this share (0.1) */
} tg_histdiff_opts;

void tg_histdiff_opts_init(tg_histdiff_opts *o);

/* The changes from run 'a' to run 'b' (both borrowed: they must outlive
** the result, which points into them), sorted by kind, then indicator,
** group and period, or input. NULL on allocation failure. */
tg_histdiff *tg_histdiff_compute(const tg_hist_snap *a, const tg_hist_snap *b,
                                 const tg_histdiff_opts *o);
void tg_histdiff_free(tg_histdiff *d);

/* The kind's code ("verdict", "revision", "group", "indicator", "input"). */
const char *tg_histdiff_kind_name(tg_histdiff_kind k);

/* Reads a comma-separated list of kind codes (or "all") into a bit mask
** (1 << kind); -1 when a word is not a kind. */
int tg_histdiff_parse_kinds(const char *list);

/* 1 when 'd' has a change of a kind in 'mask'. */
int tg_histdiff_any(const tg_histdiff *d, int mask);

/* The changes in Danish, one heading per kind that has any; "Ingen
** ændringer ..." when there are none. tg_malloc'ed; NULL on OOM. */
char *tg_histdiff_text(const tg_histdiff *d);

/* The changes as a JSON document {"format": "tegn-history-diff", ...}
** (docs/history.md); NULL on OOM. */
tg_json *tg_histdiff_json(const tg_histdiff *d);

#endif /* TG_HISTDIFF_H */
