/*
** tg_cmdhistory.c -- the history commands and run's recording (see
** tg_cmdhistory.h). Recording happens after the output is written, so a
** history that cannot be written never costs the run its output; it does
** make the run fail (exit 2), since the caller asked for the record.
*/
#include "tg_cmdhistory.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tg_cli.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_hist.h"
#include "tg_histdiff.h"
#include "tg_lua.h"
#include "tg_mem.h"
#include "tg_sbuf.h"
#include "tg_sha256.h"

void tg_cmdhistory_opts_init(tg_cmdhistory_opts *h) {
    memset(h, 0, sizeof *h);
    h->row_drop = 0.1;
}

/* --row-drop PERCENT: 0 to 100, a share of the rows. */
static int parse_drop(const char *v, double *out) {
    char *end;
    double pct = strtod(v, &end);
    if (end == v || (*end != '\0' && strcmp(end, "%") != 0) || !(pct >= 0 && pct <= 100)) {
        fprintf(stderr, "tegn: --row-drop needs a percentage from 0 to 100, got '%s'\n", v);
        return -1;
    }
    *out = pct / 100;
    return 0;
}

static int parse_fail_on(const char *v, int *mask) {
    if ((*mask = tg_histdiff_parse_kinds(v)) < 0) {
        fprintf(stderr,
                "tegn: --fail-on needs kinds from verdict, revision, group, indicator, input "
                "or all, separated by commas, got '%s'\n",
                v);
        return -1;
    }
    return 0;
}

int tg_cmdhistory_run_arg(int argc, char **argv, int *i, tg_cmdhistory_opts *h) {
    const char *v;
    int missing = 0;
    if ((v = tg_cli_opt_value(argc, argv, i, "--history", &missing))) {
        if (!*v) {
            fprintf(stderr, "tegn: --history needs a file\n");
            return -1;
        }
        h->path = v;
    } else if (!missing && (v = tg_cli_opt_value(argc, argv, i, "--fail-on", &missing))) {
        if (parse_fail_on(v, &h->fail_on)) return -1;
    } else if (!missing && (v = tg_cli_opt_value(argc, argv, i, "--row-drop", &missing))) {
        if (parse_drop(v, &h->row_drop)) return -1;
    } else if (missing) {
        fprintf(stderr, "tegn: %s needs a value\n", argv[*i]);
        return -1;
    } else {
        return 0;
    }
    return 1;
}

static double mono_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void tg_cmdhistory_start(tg_cmdhistory_opts *h) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(h->started_at, sizeof h->started_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    h->t0 = mono_now();
}

/* ---- recording a run ---- */

/* The params as a JSON object's text, keys sorted (as meta.params). */
static char *params_json(const tg_run_opts *o) {
    tg_json *obj = tg_json_object();
    char *text;
    for (size_t i = 0; obj && i < o->n_params; i++) {
        const char *eq = strchr(o->params[i], '=');
        char *key = tg_strndup(o->params[i], eq ? (size_t)(eq - o->params[i]) : 0);
        const char *val = eq ? eq + 1 : "";
        if (!key || tg_json_set_take(obj, key, tg_json_str(val, strlen(val)), NULL) != TG_OK) {
            tg_free(key);
            tg_json_free(obj);
            return NULL;
        }
        tg_free(key);
    }
    if (!obj) return NULL;
    tg_json_sort_keys(obj);
    text = tg_json_dump(obj, 0);
    tg_json_free(obj);
    return text;
}

/* The recording's poll: Ctrl-C or SIGTERM (the handlers run installed)
** stops it, and the transaction is rolled back. */
static tg_status signal_poll(void *ud) {
    (void)ud;
    return tg_lua_signal() ? TG_ECANCEL : TG_OK;
}

/* Prints the diff of run 'id' with the previous successful run of its
** script; EXIT_CHANGED when it has a change of a kind in h->fail_on. */
static int fail_on(tg_hist *hist, const tg_cmdhistory_opts *h, const char *script, int64_t id);

int tg_cmdhistory_after_run(const tg_cmdhistory_opts *h, const tg_run_opts *o, const tg_json *doc,
                            int rc, const char *error) {
    tg_hist_run run;
    tg_hist *hist = NULL;
    tg_error err;
    char sha[65], seed[32];
    char *params = params_json(o);
    int64_t id = 0;

    tg_err_clear(&err);
    memset(&run, 0, sizeof run);
    /* A document's own start and duration, so the report can tell its run
    ** in the history (tg_cmdhistory_since_doc); else the CLI's clock. */
    const tg_json *meta = rc == EXIT_OK && doc ? tg_json_get(doc, "meta") : NULL;
    double doc_s = tg_json_num_at(meta, "duration_s");
    run.started_at =
        tg_json_str_at(meta, "started_at")[0] ? tg_json_str_at(meta, "started_at") : h->started_at;
    run.duration_s = isnan(doc_s) ? mono_now() - h->t0 : doc_s;
    run.tegn_version = TG_VERSION_STRING;
    run.script = o->script;
    run.script_sha256 = tg_sha256_file(o->script, sha, NULL) == TG_OK ? sha : NULL;
    run.params = params;
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    run.seed = seed;
    run.exit_status = rc;
    run.error = rc == EXIT_OK ? NULL : error ? error : "the run failed";
    tg_status st = params ? tg_hist_open(h->path, 1, &hist, &err) : tg_err_nomem(&err);
    tg_interrupt intr = { signal_poll, NULL };
    if (st == TG_OK) st = tg_hist_record(hist, &run, rc == EXIT_OK ? doc : NULL, &intr, &id, &err);
    tg_free(params);
    if (st != TG_OK) {
        tg_cli_print_error(&err, 0);
        tg_hist_close(hist);
        return rc != EXIT_OK                        ? rc
               : tg_cli_exit_code(st) == EXIT_USAGE ? EXIT_DATA
                                                    : tg_cli_exit_code(st);
    }
    if (rc == EXIT_OK && h->fail_on) rc = fail_on(hist, h, o->script, id);
    tg_hist_close(hist);
    return rc;
}

/* ---- diff ---- */

/* Loads runs a and b, diffs them and prints the result (text, or JSON
** when 'json'); under 'quiet' only when a change of a kind in 'mask'
** was found. An exit code: EXIT_CHANGED for such a change. */
static int show_diff(tg_hist *hist, int64_t a, int64_t b, const tg_cmdhistory_opts *h, int json,
                     FILE *to) {
    tg_hist_snap *sa = NULL, *sb = NULL;
    tg_histdiff *d = NULL;
    tg_histdiff_opts dopts;
    tg_error err;
    char *text = NULL;
    int rc = EXIT_OK;

    tg_err_clear(&err);
    tg_histdiff_opts_init(&dopts);
    dopts.row_drop = h->row_drop;
    tg_status st = tg_hist_load(hist, a, &sa, &err);
    if (st == TG_OK) st = tg_hist_load(hist, b, &sb, &err);
    if (st == TG_OK && !(d = tg_histdiff_compute(sa, sb, &dopts))) st = tg_err_nomem(&err);
    if (st != TG_OK) {
        tg_cli_print_error(&err, 0);
        rc = tg_cli_exit_code(st) == EXIT_USAGE ? EXIT_USAGE : EXIT_DATA;
    } else {
        int hit = h->fail_on && tg_histdiff_any(d, h->fail_on);
        if (json) {
            tg_json *doc = tg_histdiff_json(d);
            text = doc ? tg_json_dump(doc, 2) : NULL;
            tg_json_free(doc);
        } else {
            text = tg_histdiff_text(d);
        }
        if (!text) {
            fprintf(stderr, "tegn: out of memory writing the diff\n");
            rc = EXIT_INTERNAL;
        } else if (!h->quiet || hit) {
            fprintf(to, "%s%s", text, json ? "\n" : "");
        }
        if (rc == EXIT_OK && hit) rc = EXIT_CHANGED;
    }
    tg_free(text);
    tg_histdiff_free(d);
    tg_hist_snap_free(sa);
    tg_hist_snap_free(sb);
    return rc;
}

static int fail_on(tg_hist *hist, const tg_cmdhistory_opts *h, const char *script, int64_t id) {
    int64_t prev = 0;
    tg_error err;
    if (tg_hist_previous(hist, script, id, &prev, &err) != TG_OK) {
        tg_cli_print_error(&err, 0);
        return EXIT_DATA;
    }
    if (!prev) return EXIT_OK; /* the first run: nothing to compare with */
    return show_diff(hist, prev, id, h, 0, stderr);
}

/* ---- the report's comparison ---- */

struct tg_cmdhistory_since {
    tg_hist_snap *a, *b;
    tg_histdiff *d;
};

void tg_cmdhistory_since_free(tg_cmdhistory_since *s) {
    if (!s) return;
    tg_histdiff_free(s->d);
    tg_hist_snap_free(s->a);
    tg_hist_snap_free(s->b);
    tg_free(s);
}

const tg_histdiff *tg_cmdhistory_since_diff(const tg_cmdhistory_since *s) {
    return s ? s->d : NULL;
}

/* 1 when run 'r' is the document's own run, recorded already: the same
** start and duration (both from its meta; the duration to the ms). */
static int same_run(const tg_hist_run *r, const tg_hist_run *doc) {
    return strcmp(r->started_at, doc->started_at) == 0 &&
           fabs(r->duration_s - doc->duration_s) < 0.0005;
}

/* The latest successful run of b's script that is not b itself; NULL
** when none. */
static tg_status previous_of(tg_hist *hist, const tg_hist_snap *b, tg_hist_snap **a,
                             tg_error *err) {
    int64_t id = 0;
    tg_status st = tg_hist_latest(hist, b->run.script, &id, err);
    *a = NULL;
    while (st == TG_OK && id) {
        if ((st = tg_hist_load(hist, id, a, err)) != TG_OK) break;
        if (!same_run(&(*a)->run, &b->run)) return TG_OK;
        tg_hist_snap_free(*a);
        *a = NULL;
        st = tg_hist_previous(hist, b->run.script, id, &id, err);
    }
    return st;
}

int tg_cmdhistory_since_doc(const char *path, const tg_json *doc, tg_cmdhistory_since **out) {
    tg_cmdhistory_since *s = tg_calloc(1, sizeof *s);
    tg_hist *hist = NULL;
    tg_error err;
    tg_status st = s ? TG_OK : tg_err_nomem(&err);
    *out = NULL;
    if (st == TG_OK && access(path, F_OK) != 0) {
        tg_free(s);
        return EXIT_OK; /* the first run: nothing to mark */
    }
    tg_err_clear(&err);
    if (st == TG_OK) st = tg_hist_open(path, 0, &hist, &err);
    if (st == TG_OK) st = tg_hist_snap_of(doc, &s->b, &err);
    if (st == TG_OK) st = previous_of(hist, s->b, &s->a, &err);
    if (st == TG_OK && s->a && !(s->d = tg_histdiff_compute(s->a, s->b, NULL)))
        st = tg_err_nomem(&err);
    tg_hist_close(hist);
    if (st != TG_OK) {
        tg_cli_print_error(&err, 0);
        tg_cmdhistory_since_free(s);
        return tg_cli_exit_code(st) == EXIT_USAGE ? EXIT_DATA : tg_cli_exit_code(st);
    }
    if (!s->d) {
        tg_cmdhistory_since_free(s);
        s = NULL;
    }
    *out = s;
    return EXIT_OK;
}

/* ---- tegn history ---- */

static void print_runs(const tg_hist_runlist *l) {
    /* Spelt out: printf pads bytes, and ø and æ are two. */
    printf(" kørsel  startet (UTC)             sek.  udfald  inddata  værdier  script\n");
    for (size_t i = 0; i < l->n; i++) {
        const tg_hist_run *r = &l->runs[i];
        char secs[TG_FMT_DA_MAX], status[16];
        if (isnan(r->duration_s)) snprintf(secs, sizeof secs, "–");
        else tg_fmt_da(r->duration_s, 1, secs);
        if (r->exit_status == 0) snprintf(status, sizeof status, "ok");
        else snprintf(status, sizeof status, "fejl %d", r->exit_status);
        printf("%7lld  %-20s  %8s  %-6s  %7lld  %7lld  %s\n", (long long)r->id, r->started_at, secs,
               status, (long long)r->n_inputs, (long long)r->n_values, r->script);
        if (r->error) printf("%7s  %s\n", "", r->error);
    }
}

static void print_runs_json(const tg_hist_runlist *l) {
    tg_json *arr = tg_json_array();
    for (size_t i = 0; arr && i < l->n; i++) {
        const tg_hist_run *r = &l->runs[i];
        tg_json *o = tg_json_object();
        tg_json_set_take(o, "run", tg_json_int(r->id), NULL);
        tg_json_set_take(o, "started_at", tg_json_str(r->started_at, strlen(r->started_at)), NULL);
        tg_json_set_take(o, "duration_s", tg_json_real(r->duration_s, 3), NULL);
        tg_json_set_take(o, "script", tg_json_str(r->script, strlen(r->script)), NULL);
        tg_json_set_take(o, "exit_status", tg_json_int(r->exit_status), NULL);
        tg_json_set_take(o, "error",
                         r->error ? tg_json_str(r->error, strlen(r->error)) : tg_json_null(), NULL);
        tg_json_set_take(o, "inputs", tg_json_int(r->n_inputs), NULL);
        tg_json_set_take(o, "values", tg_json_int(r->n_values), NULL);
        tg_json_push_take(arr, o, NULL);
    }
    char *text = arr ? tg_json_dump(arr, 2) : NULL;
    if (text) printf("%s\n", text);
    else fprintf(stderr, "tegn: out of memory listing the runs\n");
    tg_free(text);
    tg_json_free(arr);
}

/* A run id argument: a whole number >= 1. */
static int parse_id(const char *v, int64_t *id) {
    char *end;
    long long n = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < 1) {
        fprintf(stderr, "tegn: history diff takes run numbers (see tegn history list), got '%s'\n",
                v);
        return -1;
    }
    *id = n;
    return 0;
}

/* The runs diff compares: given, or the last two successful runs of the
** latest successful run's script. 0 after printing why there are none. */
static int pick_runs(tg_hist *hist, int n_ids, int64_t *a, int64_t *b) {
    tg_hist_snap *s = NULL;
    tg_error err;
    tg_status st = TG_OK;
    if (n_ids == 2) return 1;
    if (n_ids == 0) st = tg_hist_latest(hist, NULL, b, &err);
    if (st == TG_OK && n_ids == 0 && *b == 0) {
        fprintf(stderr, "tegn: history diff: the history has no successful run\n");
        return 0;
    }
    if (st == TG_OK) st = tg_hist_load(hist, n_ids == 0 ? *b : *a, &s, &err);
    if (st == TG_OK && n_ids == 0) st = tg_hist_previous(hist, s->run.script, *b, a, &err);
    if (st == TG_OK && n_ids == 1) st = tg_hist_latest(hist, s->run.script, b, &err);
    if (st != TG_OK) {
        tg_cli_print_error(&err, 0);
        tg_hist_snap_free(s);
        return 0;
    }
    if (*a == 0 || *b == 0 || *a == *b)
        fprintf(stderr, "tegn: history diff: no other successful run of %s to compare with\n",
                s->run.script);
    int ok = *a && *b && *a != *b;
    tg_hist_snap_free(s);
    return ok;
}

/* 1 when runs a and b both succeeded; else says which failed (a failed
** run recorded no values: every sign would read as removed). */
static int both_succeeded(tg_hist *hist, int64_t a, int64_t b) {
    int64_t ids[2] = { a, b };
    tg_error err;
    for (int k = 0; k < 2; k++) {
        tg_hist_snap *s = NULL;
        if (tg_hist_load(hist, ids[k], &s, &err) != TG_OK) {
            tg_cli_print_error(&err, 0);
            return 0;
        }
        int failed = s->run.exit_status != 0;
        if (failed)
            fprintf(stderr,
                    "tegn: history diff: run %lld failed (exit %d) and recorded nothing to "
                    "compare\n",
                    (long long)ids[k], s->run.exit_status);
        tg_hist_snap_free(s);
        if (failed) return 0;
    }
    return 1;
}

/* The arguments every history command takes. */
typedef struct hist_args {
    tg_cmdhistory_opts h;
    const char *ids[2];
    int n_ids, json;
    long long keep;
} hist_args;

static int parse_hist_args(int argc, char **argv, const char *cmd, hist_args *a) {
    tg_cmdhistory_opts_init(&a->h);
    a->keep = -1;
    for (int i = 3; i < argc; i++) {
        int r = tg_cmdhistory_run_arg(argc, argv, &i, &a->h);
        if (r < 0) return EXIT_USAGE;
        if (r > 0) continue;
        if (strcmp(argv[i], "--json") == 0) a->json = 1;
        else if (strcmp(argv[i], "--quiet") == 0) a->h.quiet = 1;
        else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc) {
            char *end;
            a->keep = strtoll(argv[++i], &end, 10);
            if (*argv[i] == '\0' || *end != '\0' || a->keep < 0) {
                fprintf(stderr, "tegn: --keep needs a whole number of runs, got '%s'\n", argv[i]);
                return EXIT_USAGE;
            }
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s' for history %s\n", argv[i], cmd);
            return EXIT_USAGE;
        } else if (a->n_ids < 2 && strcmp(cmd, "diff") == 0) {
            a->ids[a->n_ids++] = argv[i];
        } else {
            fprintf(stderr, "tegn: unexpected argument '%s' for history %s\n", argv[i], cmd);
            return EXIT_USAGE;
        }
    }
    if (!a->h.path) a->h.path = getenv("TEGN_HISTORY");
    if (!a->h.path || !a->h.path[0]) {
        fprintf(stderr, "tegn: history %s needs --history FILE (or TEGN_HISTORY)\n", cmd);
        return EXIT_USAGE;
    }
    if (strcmp(cmd, "prune") == 0 && a->keep < 0) {
        fprintf(stderr, "tegn: history prune needs --keep N\n");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int history_cmd(const char *cmd, hist_args *a, tg_hist *hist) {
    tg_error err;
    tg_err_clear(&err);
    if (strcmp(cmd, "list") == 0) {
        tg_hist_runlist *l = NULL;
        if (tg_hist_runs(hist, &l, &err) != TG_OK) {
            tg_cli_print_error(&err, 0);
            return EXIT_DATA;
        }
        if (a->json) print_runs_json(l);
        else print_runs(l);
        tg_hist_runlist_free(l);
        return EXIT_OK;
    }
    if (strcmp(cmd, "prune") == 0) {
        int64_t removed = 0;
        if (tg_hist_prune(hist, a->keep, &removed, &err) != TG_OK) {
            tg_cli_print_error(&err, 0);
            return EXIT_DATA;
        }
        if (!a->h.quiet)
            printf("%lld %s fjernet\n", (long long)removed, removed == 1 ? "kørsel" : "kørsler");
        return EXIT_OK;
    }
    int64_t ra = 0, rb = 0;
    if ((a->n_ids >= 1 && parse_id(a->ids[0], &ra)) || (a->n_ids == 2 && parse_id(a->ids[1], &rb)))
        return EXIT_USAGE;
    if (!pick_runs(hist, a->n_ids, &ra, &rb)) return EXIT_DATA;
    if (!both_succeeded(hist, ra, rb)) return EXIT_USAGE;
    return show_diff(hist, ra, rb, &a->h, a->json, stdout);
}

int tg_cmdhistory_main(int argc, char **argv) {
    hist_args a;
    tg_hist *hist = NULL;
    tg_error err;
    const char *cmd = argc > 2 ? argv[2] : "";
    memset(&a, 0, sizeof a);
    if (strcmp(cmd, "list") != 0 && strcmp(cmd, "diff") != 0 && strcmp(cmd, "prune") != 0) {
        fprintf(stderr, "tegn: history needs list, diff or prune%s%s%s\n", cmd[0] ? ", got '" : "",
                cmd, cmd[0] ? "'" : "");
        return EXIT_USAGE;
    }
    int rc = parse_hist_args(argc, argv, cmd, &a);
    if (rc != EXIT_OK) return rc;
    tg_err_clear(&err);
    if (tg_hist_open(a.h.path, 0, &hist, &err) != TG_OK) {
        tg_cli_print_error(&err, 0);
        return EXIT_DATA;
    }
    rc = history_cmd(cmd, &a, hist);
    tg_hist_close(hist);
    return rc;
}
