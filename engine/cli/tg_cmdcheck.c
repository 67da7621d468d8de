/*
** tg_cmdcheck.c -- `tegn check` (see tg_cmdcheck.h): the static reading,
** then with --data a dry run on a sample. Both use the runtime `tegn run`
** builds (tg_run_runtime, tg_run), so the check sees the globals, the
** module and the file policy the run will see.
*/
#include "tg_cmdcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_cli.h"
#include "tg_home.h"
#include "tg_lua.h"
#include "tg_luacheck.h"
#include "tg_luactx.h"
#include "tg_mem.h"
#include "tg_run.h"
#include "tg_sbuf.h"

#define SAMPLE_ROWS 1000 /* rows of each input a --data run keeps */

typedef struct check_args {
    const char *script;
    int data;
    /* --allow-db, then from argc on --allow-db-write: the run's services,
    ** so the dry run reads (a sample of) what the run will read */
    const char **dbs;
} check_args;

/* Reads the command line into 'a' and 'o' (params and folders into the
** caller's arrays, argc long); EXIT_USAGE after saying why. --out and
** --allow-write are the run's, so the dry run judges its writes as the
** run's policy will. */
static int parse(int argc, char **argv, check_args *a, tg_run_opts *o, const char **params,
                 const char **reads, const char **writes) {
    const char *v;
    int missing = 0;
    for (int i = 2; i < argc; i++) {
        if ((v = tg_cli_opt_value(argc, argv, &i, "--param", &missing))) {
            params[o->n_params++] = v;
        } else if ((v = tg_cli_opt_value(argc, argv, &i, "--lib", &missing))) {
            o->lib_dir = v;
        } else if ((v = tg_cli_opt_value(argc, argv, &i, "--allow-read", &missing))) {
            reads[o->n_allow_read++] = v;
        } else if ((v = tg_cli_opt_value(argc, argv, &i, "--allow-write", &missing))) {
            writes[o->n_allow_write++] = v;
        } else if ((v = tg_cli_opt_value(argc, argv, &i, "--allow-db", &missing))) {
            a->dbs[o->n_allow_db++] = v;
        } else if ((v = tg_cli_opt_value(argc, argv, &i, "--allow-db-write", &missing))) {
            a->dbs[argc + (int)o->n_allow_db_write++] = v;
        } else if ((v = tg_cli_opt_value(argc, argv, &i, "--out", &missing))) {
            o->out = v; /* only where the run may write: nothing is written */
        } else if (missing) {
            fprintf(stderr, "tegn: %s needs a value\n", argv[i]);
            return EXIT_USAGE;
        } else if (strcmp(argv[i], "--data") == 0) {
            a->data = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s' for check\n", argv[i]);
            return EXIT_USAGE;
        } else if (a->script) {
            fprintf(stderr, "tegn: check takes one script, got '%s' too\n", argv[i]);
            return EXIT_USAGE;
        } else {
            a->script = argv[i];
        }
    }
    if (!a->script) {
        fprintf(stderr, "tegn: check needs a script (tegn check SCRIPT [--param KEY=VALUE]... "
                        "[--data])\n");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The script's text (free with free), or NULL after saying why. */
static char *read_script(const char *path) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long len;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)len + 1))) {
        text[fread(text, 1, (size_t)len, f)] = '\0';
    }
    if (!text) fprintf(stderr, "tegn: %s: cannot open script: %s\n", path, strerror(errno));
    if (f) fclose(f);
    return text;
}

/* The static reading; its exit code. */
static int read_only(const tg_run_opts *o, const char *code) {
    tg_luactx *lib;
    tg_lua *rt;
    tg_error err;
    tg_sbuf out = { 0 };
    tg_luacheck_result res;
    tg_luacheck_opts co = { o->script, code, o->lib_dir, o->params, o->n_params };
    tg_status st;

    tg_err_clear(&err);
    if ((st = tg_run_runtime(o, &lib, &rt, &err)) != TG_OK) {
        tg_cli_print_error(&err, 0);
        return tg_cli_exit_code(st);
    }
    st = tg_luacheck_run(rt, &co, &out, &res);
    tg_lua_free(rt);
    tg_luactx_free(lib);
    if (out.p) fputs(out.p, stderr);
    tg_free(out.p);
    if (st != TG_OK) {
        fprintf(stderr, "tegn: out of memory checking %s\n", o->script);
        return EXIT_INTERNAL;
    }
    if (res.syntax || res.errors) {
        fprintf(stderr, "tegn: %s: %d problem%s found\n", o->script,
                res.syntax + res.errors + res.unused,
                res.syntax + res.errors + res.unused == 1 ? "" : "s");
        return EXIT_SCRIPT;
    }
    return res.unused ? EXIT_USAGE : EXIT_OK;
}

/* --data: the script run on a sample, writing nothing; its exit code. */
static int dry_run(tg_run_opts *o) {
    tg_error err;
    char *tb = NULL;
    o->dry = 1;
    o->sample_rows = SAMPLE_ROWS;
    o->print = tg_cli_print_stderr;
    o->quiet = 1;
    tg_lua_install_signal_handlers();
    tg_err_clear(&err);
    tg_status st = tg_run(o, &err, &tb);
    if (st == TG_ESCRIPT && tb) {
        fprintf(stderr, "tegn: %s\n", tb);
    } else if (st != TG_OK) {
        const char *trace = tb ? strstr(tb, "\nstack traceback:") : NULL;
        tg_cli_print_error(&err, 0);
        if (trace && st != TG_ELIMIT && st != TG_ECANCEL) fprintf(stderr, "%s\n", trace + 1);
    }
    tg_free(tb);
    return tg_cli_exit_code(st);
}

int tg_cmdcheck_main(int argc, char **argv) {
    check_args a = { NULL, 0, NULL };
    tg_run_opts o;
    const char **params = calloc((size_t)argc, sizeof *params);
    const char **reads = calloc((size_t)argc, sizeof *reads);
    const char **writes = calloc((size_t)argc, sizeof *writes);
    const char **dbs = calloc(2 * (size_t)argc, sizeof *dbs);
    char *code = NULL;
    int rc;

    tg_run_opts_init(&o);
    o.lib_dir = tg_home_find("scripts/lib");
    a.dbs = dbs;
    rc = params && reads && writes && dbs ? parse(argc, argv, &a, &o, params, reads, writes)
                                          : EXIT_INTERNAL;
    o.script = a.script;
    o.params = params;
    o.allow_read = reads;
    o.allow_write = writes;
    o.allow_db = dbs;
    o.allow_db_write = dbs + argc;
    if (rc == EXIT_OK && !(code = read_script(a.script))) rc = EXIT_DATA;
    if (rc == EXIT_OK) rc = read_only(&o, code);
    if (rc == EXIT_OK && a.data) rc = dry_run(&o);
    if (rc == EXIT_OK)
        printf("%s: ok%s\n", a.script,
               a.data ? " (ran on the first 1000 rows of each input; wrote nothing)" : "");
    free(code);
    free(params);
    free(reads);
    free(writes);
    free(dbs);
    return rc;
}
