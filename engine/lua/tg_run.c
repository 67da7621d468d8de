/*
** tg_run.c -- one run of one script (see tg_run.h): the memory cap, the
** runtime with the `tegn` module, the script, and on success the emitted
** document plus its `meta` object, written atomically. The meta keys come
** in a fixed order with the three that vary between runs (started_at,
** duration_s, peak_memory_bytes) last, so a diff of two outputs shows
** real changes first.
*/
#include "tg_run.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tg_err.h"
#include "tg_json.h"
#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_lualib.h"
#include "tg_luapriv.h"
#include "tg_mem.h"
#include "tg_out.h"
#include "tg_path.h"

void tg_run_opts_init(tg_run_opts *opts) {
    assert(opts != NULL);
    memset(opts, 0, sizeof *opts);
    opts->seed = TG_LUA_DEFAULT_SEED;
    opts->lib_dir = "scripts/lib";
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Writing the result stops only for a signal: the script's time limit
** is over once the script has finished. */
/* The poll while the document is written, after the script's runtime is
** gone: writing counts toward the time limit, so a signal or the deadline
** ('ud' points to it, in now() seconds; 0 for none) stops the write and
** nothing is left behind. */
static tg_status write_poll(void *ud) {
    const double *deadline = ud;
    if (tg_lua_signal()) return TG_ECANCEL;
    if (*deadline > 0 && now() >= *deadline) return TG_ELIMIT;
    return TG_OK;
}

static tg_status set_str(tg_json *obj, const char *key, const char *s, tg_error *err) {
    return tg_json_set_take(obj, key, tg_json_str(s, strlen(s)), err);
}

static tg_status set_char(tg_json *obj, const char *key, char c, tg_error *err) {
    char s[2] = { c, 0 };
    return tg_json_set_take(obj, key, c ? tg_json_str(s, 1) : tg_json_bool(0), err);
}

/* A CSV input's dialect ("csv") and the notes a reader should know. */
static tg_status csv_meta(tg_json *item, const tg_luactx_input *in, tg_error *err) {
    tg_json *csv = tg_json_object();
    tg_status st = csv ? TG_OK : tg_err_nomem(err);
    if (st == TG_OK) st = set_char(csv, "sep", in->sep, err);
    if (st == TG_OK) st = set_char(csv, "quote", in->quote, err);
    if (st == TG_OK) st = set_char(csv, "escape", in->escape, err);
    if (st == TG_OK) st = tg_json_set_take(csv, "header", tg_json_bool(in->header), err);
    if (st == TG_OK) st = set_str(csv, "encoding", in->encoding, err);
    if (st != TG_OK) {
        tg_json_free(csv);
        return st;
    }
    if ((st = tg_json_set_take(item, "csv", csv, err)) != TG_OK || in->n_notes == 0) return st;
    tg_json *notes = tg_json_array();
    if (!notes) return tg_err_nomem(err);
    for (size_t i = 0; i < in->n_notes && st == TG_OK; i++)
        st = tg_json_push_take(notes, tg_json_str(in->notes[i], strlen(in->notes[i])), err);
    if (st != TG_OK) {
        tg_json_free(notes);
        return st;
    }
    return tg_json_set_take(item, "notes", notes, err);
}

/* An input's columns as [{"name": ..., "type": ...}, ...] in load order. */
static tg_status columns_meta(tg_json *item, const tg_luactx_input *in, tg_error *err) {
    tg_json *cols = tg_json_array();
    const char *name = in->col_names;
    tg_status st = cols ? TG_OK : tg_err_nomem(err);
    for (size_t k = 0; st == TG_OK && k < in->n_cols; k++) {
        tg_json *c = tg_json_object();
        st = c ? set_str(c, "name", name, err) : tg_err_nomem(err);
        if (st == TG_OK) st = set_str(c, "type", tg_type_name((tg_type)in->col_types[k]), err);
        if (st == TG_OK) st = tg_json_push_take(cols, c, err);
        else tg_json_free(c);
        name += strlen(name) + 1;
    }
    if (st != TG_OK) {
        tg_json_free(cols);
        return st;
    }
    return tg_json_set_take(item, "columns", cols, err);
}

/* The meta object: what was run on what, reproducibly, then timings. */
static tg_status build_meta(const tg_run_opts *o, const tg_luactx *lib, const char *started,
                            double duration, size_t peak, tg_json **out, tg_error *err) {
    tg_json *meta = tg_json_object(), *inputs = tg_json_array(), *params = tg_json_object();
    size_t rejected = 0;
    tg_status st = meta && inputs && params ? TG_OK : tg_err_nomem(err);

    if (st == TG_OK) st = set_str(meta, "tegn_version", TG_VERSION_STRING, err);
    if (st == TG_OK) st = set_str(meta, "script", o->script, err);
    for (size_t i = 0; st == TG_OK && i < tg_luactx_n_inputs(lib); i++) {
        const tg_luactx_input *in = tg_luactx_input_at(lib, i);
        tg_json *item = tg_json_object();
        st = item ? TG_OK : tg_err_nomem(err);
        if (st == TG_OK) st = set_str(item, "path", in->path, err);
        if (st == TG_OK && in->query) st = set_str(item, "query", in->query, err);
        if (st == TG_OK) st = set_str(item, "sha256", in->sha256, err);
        if (st == TG_OK) st = tg_json_set_take(item, "rows", tg_json_int((int64_t)in->rows), err);
        if (st == TG_OK)
            st = tg_json_set_take(item, "rejected", tg_json_int((int64_t)in->rejected), err);
        if (st == TG_OK) st = columns_meta(item, in, err);
        if (st == TG_OK && in->csv) st = csv_meta(item, in, err);
        if (st == TG_OK) st = tg_json_push_take(inputs, item, err);
        else tg_json_free(item);
        rejected += in->rejected;
    }
    if (st == TG_OK) {
        st = tg_json_set_take(meta, "inputs", inputs, err);
        inputs = NULL;
    }
    for (size_t i = 0; st == TG_OK && i < tg_luactx_n_params(lib); i++) {
        const tg_luactx_param *p = tg_luactx_param_at(lib, i);
        st = set_str(params, p->key, p->value, err);
    }
    if (st == TG_OK) {
        st = tg_json_set_take(meta, "params", params, err);
        params = NULL;
    }
    /* The seed as text: a uint64 may not fit a JSON integer readers accept. */
    if (st == TG_OK) {
        char seed[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
        st = set_str(meta, "seed", seed, err);
    }
    if (st == TG_OK) st = tg_json_set_take(meta, "rejected", tg_json_int((int64_t)rejected), err);
    if (st == TG_OK) st = set_str(meta, "started_at", started, err);
    if (st == TG_OK) st = tg_json_set_take(meta, "duration_s", tg_json_real(duration, 3), err);
    if (st == TG_OK)
        st = tg_json_set_take(meta, "peak_memory_bytes", tg_json_int((int64_t)peak), err);
    tg_json_free(inputs);
    tg_json_free(params);
    if (st != TG_OK) {
        tg_json_free(meta);
        meta = NULL;
    }
    *out = meta;
    return st;
}

/* Writes the text of 'doc' and a newline to f. */
static tg_status write_stream(FILE *f, const char *name, const tg_json *doc, int indent,
                              const tg_interrupt *intr, tg_error *err) {
    char *text = tg_json_dump(doc, indent);
    size_t len;
    int bad;

    if (!text) return tg_err_nomem(err);
    tg_status st = tg_poll(intr); /* the dump took the time: past the limit, write nothing */
    if (st != TG_OK) {
        tg_free(text);
        return tg_err_set(err, st, name, 0, 0, "stopped while writing");
    }
    len = strlen(text);
    bad = fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF || fflush(f) != 0;
    tg_free(text);
    if (bad) return tg_err_set(err, TG_EIO, name, 0, 0, "cannot write the result");
    return TG_OK;
}

/* Writes the document to stdout (o->out NULL) or atomically to o->out,
** in the folder open as 'dir' when it is >= 0. An existing output that is
** not a regular file (/dev/stdout, a FIFO) is written in place: renaming
** a temporary file over /dev/null would replace the device. */
static tg_status write_doc(const tg_run_opts *o, int dir, const tg_json *doc, int indent,
                           double deadline, tg_error *err) {
    tg_interrupt intr = { write_poll, &deadline };
    struct stat sb;
    const char *name;
    tg_out *out;
    FILE *f;
    tg_status st;

    if (!o->out) return write_stream(stdout, "<stdout>", doc, indent, &intr, err);
    name = strrchr(o->out, '/') ? strrchr(o->out, '/') + 1 : o->out;
    if (dir >= 0 && (fstatat(dir, name, &sb, 0) != 0 || S_ISREG(sb.st_mode))) {
        st = tg_out_openat(dir, name, o->out, &out, err);
        return st != TG_OK ? st : tg_json_write_take(doc, indent, out, o->out, &intr, err);
    }
    if (stat(o->out, &sb) != 0 || S_ISREG(sb.st_mode))
        return tg_json_write_file(doc, indent, o->out, &intr, err);
    f = fopen(o->out, "w");
    if (!f) return tg_err_set(err, TG_EIO, o->out, 0, 0, "cannot open: %s", strerror(errno));
    st = write_stream(f, o->out, doc, indent, &intr, err);
    if (fclose(f) != 0 && st == TG_OK)
        st = tg_err_set(err, TG_EIO, o->out, 0, 0, "cannot write the result");
    return st;
}

/* Writes the text tegn.emit made under --format csv or table where the
** document would go: stdout, or o->out atomically (in the folder open as
** 'dir' when it is >= 0). */
static tg_status write_text(const tg_run_opts *o, int dir, const char *text, size_t len,
                            tg_error *err) {
    tg_out *out;
    tg_status st;
    if (!o->out) {
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
            return tg_err_set(err, TG_EIO, "<stdout>", 0, 0, "cannot write the result");
        return TG_OK;
    }
    if (dir < 0) return tg_out_write_atomic(o->out, text, len, err);
    st = tg_out_openat(dir, strrchr(o->out, '/') ? strrchr(o->out, '/') + 1 : o->out, o->out, &out,
                       err);
    if (st == TG_OK && (st = tg_out_write(out, text, len, err)) != TG_OK) tg_out_abort(out);
    else if (st == TG_OK) st = tg_out_commit(out, err);
    return st;
}

/* Adds the folder part of 'path' ("." when it has none) as a root. */
static tg_status allow_folder_of(tg_path *p, tg_path_access access, const char *path,
                                 tg_error *err) {
    const char *slash = strrchr(path, '/');
    char *dir =
        slash ? tg_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : tg_strdup(".");
    tg_status st = dir ? tg_path_allow(p, access, dir, err) : tg_err_nomem(err);
    tg_free(dir);
    return st;
}

/* The run's file access policy (see tg_run_opts). The folder of --out
** becomes writable only when --out is, or will be, a regular file: for
** --out /dev/stdout it would open /dev. */
static tg_status build_paths(const tg_run_opts *o, tg_path **out, tg_error *err) {
    tg_path *p = tg_path_new();
    struct stat sb;
    tg_status st = p ? TG_OK : tg_err_nomem(err);

    /* A script that does not exist is reported when it is opened. */
    if (st == TG_OK && o->script && !o->code &&
        allow_folder_of(p, TG_PATH_READ, o->script, err) == TG_ENOMEM)
        st = TG_ENOMEM;
    if (st == TG_OK) st = tg_path_allow_cwd(p, err);
    if (st == TG_OK && getenv(TG_LUAPRIV_KEY_FILE_ENV))
        st = tg_path_forbid_secret(p, getenv(TG_LUAPRIV_KEY_FILE_ENV), err);
    for (size_t i = 0; st == TG_OK && i < o->n_allow_read; i++)
        st = tg_path_allow(p, TG_PATH_READ, o->allow_read[i], err);
    for (size_t i = 0; st == TG_OK && i < o->n_allow_write; i++)
        st = tg_path_allow(p, TG_PATH_WRITE, o->allow_write[i], err);
    if (st == TG_OK && o->out && (stat(o->out, &sb) != 0 || S_ISREG(sb.st_mode))) {
        tg_error ignored; /* a missing folder: the final write reports it */
        if (tg_path_forbid_write(p, o->out, &ignored) == TG_OK)
            st = allow_folder_of(p, TG_PATH_WRITE, o->out, err);
        else if (ignored.code == TG_ENOMEM) st = tg_err_nomem(err);
    }
    for (int k = 0; k < 2; k++) {
        const char *file = k ? o->pdf : o->report;
        tg_error ignored; /* a missing folder: the report's own write reports it */
        if (st == TG_OK && file &&
            tg_path_forbid_report(p, file, k ? "--pdf" : "--report", &ignored) != TG_OK &&
            ignored.code == TG_ENOMEM)
            st = tg_err_nomem(err);
    }
    if (st == TG_OK && o->history) {
        tg_error ignored; /* a missing folder: recording reports it */
        if (tg_path_forbid_history(p, o->history, &ignored) != TG_OK && ignored.code == TG_ENOMEM)
            st = tg_err_nomem(err);
    }
    if (st != TG_OK) {
        tg_path_free(p);
        p = NULL;
    }
    *out = p;
    return st;
}

/* ---- --timing: the time of each top-level line ---- */

/* The lines seen so far, indexed by line number; 'last' started at 't'. */
struct timing {
    tg_run_line_time *lines;
    size_t cap;
    int last;
    double t;
};

/* tg_lua_opts.line: the line that ran until now gets the time since it
** started; 'line' starts (0: the script ended). */
static void timing_line(void *ud, int line) {
    struct timing *tm = ud;
    double t = now();
    if (tm->last > 0 && (size_t)tm->last < tm->cap) tm->lines[tm->last].seconds += t - tm->t;
    if (line > 0 && (size_t)line >= tm->cap) {
        size_t cap = (size_t)line * 2 + 16;
        tg_run_line_time *more = tg_realloc(tm->lines, cap * sizeof *more);
        if (more) {
            memset(more + tm->cap, 0, (cap - tm->cap) * sizeof *more);
            tm->lines = more;
            tm->cap = cap;
        }
    }
    if (line > 0 && (size_t)line < tm->cap) {
        tm->lines[line].line = line;
        tm->lines[line].hits++;
    }
    tm->last = line;
    tm->t = t;
}

/* Hands the lines that ran to o->times, in line order. */
static void timing_report(const tg_run_opts *o, struct timing *tm) {
    size_t n = 0;
    timing_line(tm, 0);
    for (size_t i = 0; i < tm->cap; i++)
        if (tm->lines[i].hits) tm->lines[n++] = tm->lines[i];
    *o->times = n ? tm->lines : NULL;
    *o->n_times = n;
    if (!n) tg_free(tm->lines);
    tm->lines = NULL;
}

/* The runtime of tg_run_runtime, with 'tm' (NULL: none) told each line. */
static tg_status runtime(const tg_run_opts *o, struct timing *tm, tg_luactx **lib, tg_lua **rt,
                         tg_error *err) {
    tg_lua_opts lo;
    tg_path *paths;

    assert(o != NULL && lib != NULL && rt != NULL);
    *rt = NULL;
    *lib = tg_luactx_new(o->params, o->n_params, o->print, o->ud, o->progress, err);
    if (*lib) tg_luactx_set_quiet(*lib, o->quiet);
    if (*lib) tg_luactx_set_tty(*lib, o->tty);
    if (*lib) tg_luactx_set_format(*lib, o->format, o->stdout_text, o->ud);
    if (*lib) tg_luactx_set_check(*lib, o->dry, o->sample_rows);
    if (!*lib) return err ? err->code : TG_ENOMEM;
    tg_status st = build_paths(o, &paths, err);
    if (st != TG_OK) {
        tg_luactx_free(*lib);
        *lib = NULL;
        return st;
    }
    tg_luactx_set_paths(*lib, paths);
    for (size_t i = 0; st == TG_OK && i < o->n_allow_db; i++)
        st = tg_luactx_allow_db(*lib, o->allow_db[i], 0, err);
    for (size_t i = 0; st == TG_OK && i < o->n_allow_db_write; i++)
        st = tg_luactx_allow_db(*lib, o->allow_db_write[i], 1, err);
    if (st != TG_OK) {
        tg_luactx_free(*lib);
        *lib = NULL;
        return st;
    }
    tg_lua_opts_init(&lo);
    lo.seed = o->seed;
    lo.timeout_s = o->timeout_s;
    lo.lib_dir = o->lib_dir;
    lo.print = tg_luactx_print;
    lo.open_libs = tg_lualib_open;
    lo.ud = *lib;
    if (tm) {
        lo.line = timing_line;
        lo.line_ud = tm;
    }
    *rt = tg_lua_new(&lo, err);
    if (*rt) return TG_OK;
    tg_luactx_free(*lib);
    *lib = NULL;
    return err ? err->code : TG_ENOMEM;
}

tg_status tg_run_runtime(const tg_run_opts *o, tg_luactx **lib, tg_lua **rt, tg_error *err) {
    return runtime(o, NULL, lib, rt, err);
}

tg_status tg_run(const tg_run_opts *o, tg_error *err, char **traceback) {
    size_t old_cap = tg_mem_cap(), peak, refusals;
    tg_luactx *lib = NULL;
    tg_lua *rt = NULL;
    tg_json *doc = NULL, *meta = NULL;
    char started[32];
    time_t wall = time(NULL);
    struct tm tm;
    double t0 = now();
    int indent = 2, out_dir = -1;
    const char *out_name;
    struct timing lines = { NULL, 0, 0, 0 };
    char *text = NULL; /* --format csv, table: what tegn.emit wrote */
    size_t text_len = 0;
    tg_status st;

    assert(o != NULL && o->script != NULL);
    if (traceback) *traceback = NULL;
    if (o->times) *o->times = NULL;
    if (o->times) *o->n_times = 0;
    if (o->doc) *o->doc = NULL;
    tg_err_clear(err);
    if (gmtime_r(&wall, &tm)) strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else snprintf(started, sizeof started, "unknown");
    tg_mem_reset_peak();
    tg_mem_set_cap(o->mem_cap);
    refusals = tg_mem_cap_refusals();
    /* A run killed during its emit left its temporary file; clear it now,
    ** not only when this run gets as far as writing. */
    /* --out names its folder too: made when missing, as mkdir -p would.
    ** The folder of --out is opened now and the document written through
    ** it (tg_out_openat), so a folder on the way replaced by a symlink
    ** during the run cannot redirect it; when it cannot be opened, the
    ** final write reports why. */
    if (o->out && !o->dry) (void)tg_path_make_folders(o->out);
    if (o->out && !o->dry && (out_dir = tg_out_open_folder(o->out, &out_name)) >= 0)
        tg_out_sweepat(out_dir, out_name);

    st = runtime(o, o->times ? &lines : NULL, &lib, &rt, err);
    if (st != TG_OK) goto done;
    st = o->code ? tg_lua_run_string(rt, o->script, o->code, 0, err)
                 : tg_lua_run_file(rt, o->script, err);
    if (o->times) timing_report(o, &lines);
    if (st != TG_OK) {
        if (traceback && tg_lua_traceback(rt)) *traceback = tg_strdup(tg_lua_traceback(rt));
        goto done;
    }
    /* Before any output: a --param the script never read is a usage error. */
    if ((st = tg_luactx_check_params(lib, "", err)) != TG_OK) goto done;
    doc = tg_luactx_take_doc(lib, &indent);
    text = tg_luactx_take_text(lib, &text_len);
    if (o->dry) goto done; /* tegn check --data: the script ran; nothing is written */
    peak = tg_mem_peak();
    if (!doc) goto done;
    /* The script is done: its state goes before writing, so the write
    ** has the memory the script's leftovers held. */
    tg_lua_free(rt);
    rt = NULL;
    st = build_meta(o, lib, started, now() - t0, peak, &meta, err);
    if (st == TG_OK) st = tg_json_set_take(doc, "meta", meta, err);
    if (st == TG_OK && text) st = write_text(o, out_dir, text, text_len, err);
    else if (st == TG_OK)
        st = write_doc(o, out_dir, doc, indent, o->timeout_s > 0 ? t0 + o->timeout_s : 0, err);
    if (st == TG_ELIMIT)
        tg_err_set(err, st, NULL, 0, 0, "time limit %g s exceeded while writing the result",
                   o->timeout_s);
    if (st == TG_OK && o->doc) {
        *o->doc = doc;
        doc = NULL;
    }

done:
    /* The cap is one limit wherever it is hit: building or writing the
    ** document reports it as the script's own allocations do. */
    if (st == TG_ENOMEM) st = tg_lua_mem_status(refusals, err);
    tg_json_free(doc);
    tg_lua_free(rt);
    tg_luactx_free(lib);
    tg_free(lines.lines); /* when the run stopped before the script started */
    tg_free(text);
    tg_mem_set_cap(old_cap);
    if (out_dir >= 0) close(out_dir);
    return st;
}
