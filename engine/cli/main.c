/*
** main.c -- the tegn command line: argument parsing, exit codes, and all
** printing. The engine never prints; this file turns its tg_error records
** into compiler-style messages with the offending source line and a caret.
*/
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(TG_HAVE_LIBEDIT)
#include <editline/readline.h>
#endif

#include "tegn.h"
#include "tg_conv.h"
#include "tg_csv.h"
#include "tg_date.h"
#include "tg_db.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_indsum.h"
#include "tg_json.h"
#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_lualib.h"
#include "tg_mem.h"
#include "tg_run.h"

/* Exit codes (documented in README.md and `tegn --help`). */
enum {
    EXIT_OK = 0,
    EXIT_SCRIPT = 1,   /* the Lua script raised an error */
    EXIT_DATA = 2,     /* input data malformed or unreadable */
    EXIT_LIMIT = 3,    /* time or memory limit reached */
    EXIT_INTERNAL = 4, /* out of memory outside any limit, or a bug */
    EXIT_USAGE = 64,   /* bad command line (as BSD sysexits) */
    EXIT_CANCEL = 130  /* stopped by SIGINT/SIGTERM (128 + SIGINT) */
};

static const char usage[] =
    "usage: tegn COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  run SCRIPT        run an analysis script; its tegn.emit document is written as\n"
    "                    JSON to --out (or stdout) when the run succeeds\n"
    "  repl              an interactive Lua prompt with the tegn module\n"
    "  inspect FILE...   load CSV files (or every table of a .sqlite/.db file) and print\n"
    "                    each table's dialect, schema, nulls and notes\n"
    "  summary FILE      print the summary table of an indicator JSON file\n"
    "  demo [DIR]        the main job: every indicator in scripts/alle.lua over the datasets\n"
    "                    in DIR (default datasets); writes out/indikatorer.json and prints\n"
    "                    the summary table\n"
    "\n"
    "options for run:\n"
    "  --param KEY=VALUE  a value for tegn.params (repeatable)\n"
    "  --out FILE        write the JSON document here (atomically) instead of stdout\n"
    "  --seed N          seed for math.random and tegn's random numbers (default 42)\n"
    "  --mem SIZE        memory cap for Lua and data, e.g. 2G, 512M (default: none)\n"
    "  --timeout TIME    wall-clock limit, e.g. 90s, 10m, 1h (default: none)\n"
    "  --lib DIR         folder require() searches after the script's (default scripts/lib)\n"
    "  --allow-read DIR  let the script read files beneath DIR too (repeatable); it may\n"
    "                    always read beneath its own folder and the working directory\n"
    "  --allow-write DIR let the script write files beneath DIR (repeatable); without it,\n"
    "                    only beneath the folder of --out, never --out itself or an input\n"
    "  --progress        announce each load on stderr (default: only on a terminal)\n"
    "  --quiet           no progress even on a terminal\n"
    "  --summary         print the summary table of the indicator document (stdout when\n"
    "                    --out is given, else stderr)\n"
    "\n"
    "options for inspect:\n"
    "  --reject          collect malformed rows instead of stopping at the first\n"
    "  --threads N       loader threads (default: one per core)\n"
    "\n"
    "  -h, --help        this text\n"
    "  --version         print the version\n"
    "\n"
    "exit codes: 0 ok, 1 script error, 2 data error, 3 limit reached, 4 internal error,\n"
    "            64 usage error, 130 cancelled\n";

static int exit_code(tg_status st) {
    switch (st) {
    case TG_OK: return EXIT_OK;
    case TG_ESCRIPT: return EXIT_SCRIPT;
    case TG_EDATA:
    case TG_EIO: return EXIT_DATA;
    case TG_ELIMIT: return EXIT_LIMIT;
    case TG_ECANCEL: return EXIT_CANCEL;
    case TG_EARG: return EXIT_USAGE;
    case TG_ENOMEM: return EXIT_INTERNAL;
    }
    return EXIT_INTERNAL;
}

static int has_suffix(const char *s, const char *suffix);

/* ---- error display ---- */

/* The likeliest delimiter of one line, when the caller does not know it
** (errors that reach the CLI through a script). */
static char guess_delim(const char *s, size_t len) {
    const char *cands = ";,\t|";
    char best = ',';
    size_t best_n = 0;
    for (const char *c = cands; *c; c++) {
        size_t k = 0;
        for (size_t i = 0; i < len; i++) k += s[i] == *c;
        if (k > best_n) {
            best_n = k;
            best = *c;
        }
    }
    return best;
}

/* Prints line 'line' of 'path' and a caret under field 'col' (counting
** delimiters outside quotes), as compilers and jq do. Quietly does nothing
** when the file cannot be read again. */
static void show_source_line(const char *path, int line, int col, char delim) {
    FILE *f = fopen(path, "rb");
    char buf[4096];
    int n = 1;
    if (!f || line <= 0) {
        if (f) fclose(f);
        return;
    }
    while (n < line && fgets(buf, sizeof buf, f))
        if (strchr(buf, '\n')) n++;
    if (n == line && fgets(buf, sizeof buf, f)) {
        size_t len = strcspn(buf, "\r\n"), caret = 0;
        if (!delim) delim = guess_delim(buf, len);
        int field = 1, quoted = 0;
        for (size_t i = 0; i < len && field < col; i++) {
            if (buf[i] == '"') quoted = !quoted;
            else if (buf[i] == delim && !quoted && ++field == col) caret = i + 1;
        }
        if (field < col) caret = len; /* a missing field: point past the end */
        if (len > 160) len = 160;
        fprintf(stderr, "  %.*s\n  %*s^\n", (int)len, buf, (int)(caret < len ? caret : len), "");
    }
    fclose(f);
}

static void print_error(const tg_error *err, char delim) {
    char msg[1024];
    fprintf(stderr, "tegn: %s\n", tg_err_format(err, msg, sizeof msg));
    if (err->code == TG_EDATA && err->line > 0 && err->col > 0)
        show_source_line(err->file, err->line, err->col, delim);
}

/* ---- run and repl ---- */

static void print_stderr(void *ud, const char *text, size_t len) {
    (void)ud;
    fwrite(text, 1, len, stderr);
}

/* "90", "90s", "500ms", "10m", "1h" -> seconds; -1 when not a duration. */
static double parse_duration(const char *s) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    if (strcmp(end, "") == 0 || strcmp(end, "s") == 0) return v;
    if (strcmp(end, "ms") == 0) return v / 1000;
    if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0) return v * 60;
    if (strcmp(end, "h") == 0) return v * 3600;
    return -1;
}

/* The value of an option given as "--opt VALUE" or "--opt=VALUE". */
static const char *opt_value(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "tegn: %s needs a value\n", name);
        exit(EXIT_USAGE);
    }
    return argv[++*i];
}

/* Prints the summary table of the indicator document in 'path' to 'to'. */
static int print_summary(const char *path, FILE *to) {
    FILE *f = fopen(path, "rb");
    char *text = NULL, *sum = NULL;
    long len = -1;
    tg_json *doc = NULL;
    tg_error err;
    int rc = EXIT_DATA;

    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)len + 1)) && fread(text, 1, (size_t)len, f) == (size_t)len) {
        tg_err_clear(&err);
        if (tg_json_parse(text, (size_t)len, &doc, &err) != TG_OK) {
            if (!err.file[0]) snprintf(err.file, sizeof err.file, "%s", path);
            print_error(&err, 0);
        } else if (!(sum = tg_indsum_format(doc))) {
            fprintf(stderr, "tegn: %s: not an indicator document (no \"indicators\" list)\n", path);
        } else {
            fputs(sum, to);
            rc = EXIT_OK;
        }
    } else {
        fprintf(stderr, "tegn: %s: cannot read: %s\n", path, strerror(errno));
    }
    if (f) fclose(f);
    free(text);
    tg_free(sum);
    tg_json_free(doc);
    return rc;
}

static int cmd_run(int argc, char **argv) {
    tg_run_opts o;
    const char **params = calloc((size_t)argc, sizeof *params);
    const char **reads = calloc((size_t)argc, sizeof *reads);
    const char **writes = calloc((size_t)argc, sizeof *writes);
    size_t n_params = 0;
    const char *v;
    int quiet = 0, progress = 0, summary = 0;
    tg_error err;
    char *tb = NULL;

    tg_run_opts_init(&o);
    for (int i = 2; i < argc; i++) {
        if ((v = opt_value(argc, argv, &i, "--param"))) {
            params[n_params++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--out"))) {
            o.out = v;
        } else if ((v = opt_value(argc, argv, &i, "--seed"))) {
            char *end;
            unsigned long long seed = strtoull(v, &end, 10);
            if (*v == '\0' || *end != '\0' || *v == '-') {
                fprintf(stderr, "tegn: --seed needs a whole number, got '%s'\n", v);
                return EXIT_USAGE;
            }
            o.seed = (uint64_t)seed;
        } else if ((v = opt_value(argc, argv, &i, "--mem"))) {
            if (tg_mem_parse_size(v, &o.mem_cap) != 0) {
                fprintf(stderr, "tegn: --mem needs a size such as 512M or 2G, got '%s'\n", v);
                return EXIT_USAGE;
            }
        } else if ((v = opt_value(argc, argv, &i, "--timeout"))) {
            if ((o.timeout_s = parse_duration(v)) < 0) {
                fprintf(stderr, "tegn: --timeout needs a duration such as 90s or 10m, got '%s'\n",
                        v);
                return EXIT_USAGE;
            }
        } else if ((v = opt_value(argc, argv, &i, "--lib"))) {
            o.lib_dir = v;
        } else if ((v = opt_value(argc, argv, &i, "--allow-read"))) {
            reads[o.n_allow_read++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--allow-write"))) {
            writes[o.n_allow_write++] = v;
        } else if (strcmp(argv[i], "--progress") == 0) {
            progress = 1;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--summary") == 0) {
            summary = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s' for run\n", argv[i]);
            return EXIT_USAGE;
        } else if (!o.script) {
            o.script = argv[i];
        } else {
            fprintf(stderr, "tegn: run takes one script, got '%s' too\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!o.script) {
        fprintf(stderr, "tegn: run needs a script\n%s", usage);
        free(params);
        free(reads);
        free(writes);
        return EXIT_USAGE;
    }
    o.params = params;
    o.n_params = n_params;
    o.allow_read = reads;
    o.allow_write = writes;
    o.print = print_stderr;
    /* Progress on a terminal, silence under cron unless asked. */
    o.progress = !quiet && (progress || isatty(STDERR_FILENO));
    o.quiet = quiet;
    tg_lua_install_signal_handlers();
    tg_err_clear(&err);
    tg_status st = tg_run(&o, &err, &tb);
    if (st != TG_OK) {
        if (st == TG_ESCRIPT && tb) fprintf(stderr, "tegn: %s\n", tb);
        else print_error(&err, 0);
    }
    tg_free(tb);
    free(params);
    free(reads);
    free(writes);
    if (st == TG_OK && summary) {
        if (!o.out) {
            fprintf(stderr, "tegn: --summary needs --out (the summary reads the written file)\n");
            return EXIT_USAGE;
        }
        return print_summary(o.out, stdout);
    }
    return exit_code(st);
}

#if defined(TG_HAVE_LIBEDIT)
static char *read_line(const char *prompt) {
    char *line = readline(prompt);
    if (line && *line) add_history(line);
    return line;
}
#else
static char *read_line(const char *prompt) {
    char buf[4096];
    fputs(prompt, stdout);
    fflush(stdout);
    if (!fgets(buf, sizeof buf, stdin)) return NULL;
    buf[strcspn(buf, "\n")] = '\0';
    return strdup(buf);
}
#endif

/* A prompt for trying things: each line (or block, when Lua says the
** input is incomplete) runs in one sandboxed state with the tegn module. */
static int cmd_repl(void) {
    tg_error err;
    tg_luactx *lib = tg_luactx_new(NULL, 0, print_stderr, NULL, 0, &err);
    tg_lua_opts lo;
    tg_lua *rt = NULL;
    char *buf = NULL;
    size_t len = 0;

    if (!lib) {
        print_error(&err, 0);
        return exit_code(err.code);
    }
    tg_lua_opts_init(&lo);
    lo.lib_dir = "scripts/lib";
    lo.print = tg_luactx_print;
    lo.open_libs = tg_lualib_open;
    lo.ud = lib;
    if (!(rt = tg_lua_new(&lo, &err))) {
        print_error(&err, 0);
        tg_luactx_free(lib);
        return exit_code(err.code);
    }
    printf("tegn %s -- Lua 5.4 with the tegn module. Ctrl-D quits.\n", TG_VERSION_STRING);
    fflush(stdout);
    for (;;) {
        char *line = read_line(buf ? ">> " : "> ");
        if (!line) break;
        size_t n = strlen(line);
        char *grown = realloc(buf, len + n + 2);
        if (!grown) {
            free(line);
            break;
        }
        buf = grown;
        memcpy(buf + len, line, n);
        len += n;
        buf[len++] = '\n';
        buf[len] = '\0';
        free(line);
        tg_lua_clear_signal();
        tg_lua_install_signal_handlers();
        tg_status st = tg_lua_run_string(rt, "stdin", buf, TG_LUA_REPL, &err);
        if (st != TG_OK && tg_lua_incomplete(&err)) continue; /* read more */
        if (st != TG_OK) {
            char msg[1024];
            fprintf(stderr, "%s\n", tg_err_format(&err, msg, sizeof msg));
        }
        free(buf);
        buf = NULL;
        len = 0;
    }
    printf("\n");
    free(buf);
    tg_lua_free(rt);
    tg_luactx_free(lib);
    return EXIT_OK;
}

/* Prints s padded to 'width' characters (not bytes: names hold æøå). */
static void print_padded(const char *s, int width) {
    int chars = (int)tg_enc_utf8_len(s, strlen(s));
    printf("%s%*s", s, width > chars ? width - chars : 0, "");
}

/* ---- inspect ---- */

static const char *delim_name(char d) {
    switch (d) {
    case ',': return "','";
    case ';': return "';'";
    case '\t': return "tab";
    case '|': return "'|'";
    }
    return "?";
}

static void print_report(const char *path, const tg_table *t, const tg_csv_report *r) {
    printf("%s: %zu rows, %zu columns (%s, %s%s, %s)\n", path, t->n_rows, t->n_cols,
           tg_enc_name(r->dialect.encoding), delim_name(r->dialect.delim),
           r->dialect.sep_line ? " from sep= line" : "",
           r->dialect.header ? "header" : "no header");
    for (size_t k = 0; k < t->n_cols; k++) {
        const tg_csv_colinfo *ci = &r->cols[k];
        char detail[64] = "";
        if (ci->type == TG_DATE)
            snprintf(detail, sizeof detail, " %s", tg_conv_date_fmt_name(ci->date_fmt));
        else if (ci->type == TG_FLOAT)
            snprintf(detail, sizeof detail, " decimal '%c'", ci->decimal);
        size_t nulls = tg_col_null_count(t->cols[k]);
        printf("  ");
        print_padded(t->names[k], 29);
        printf("%-7s%s", tg_type_name(ci->type), detail);
        if (nulls) printf("  (%zu null)", nulls);
        if (ci->note[0]) printf("  -- %s", ci->note);
        printf("\n");
    }
    if (r->n_notes) printf("  decided:\n");
    for (size_t i = 0; i < r->n_notes; i++)
        printf("    %s%s\n", r->notes[i].unusual ? "NOTE " : "", r->notes[i].text);
    if (r->n_rejected) {
        printf("  %zu rejected row(s):\n", r->n_rejected);
        for (size_t i = 0; i < r->n_rejects && i < 10; i++)
            printf("    %s:%zu:%d: column '%s': %s\n", path, r->rejects[i].line, r->rejects[i].col,
                   r->rejects[i].column, r->rejects[i].reason);
    }
}

static int is_sqlite(const char *path) {
    return has_suffix(path, ".sqlite") || has_suffix(path, ".db") || has_suffix(path, ".sqlite3");
}

static int inspect_csv(const char *path, const tg_csv_opts *opts) {
    tg_table *t = NULL;
    tg_csv_report *r = NULL;
    tg_error err;
    tg_err_clear(&err);
    tg_status st = tg_csv_read(path, opts, &t, &r, &err);
    if (st != TG_OK) {
        print_error(&err, r ? r->dialect.delim : ';');
        tg_csv_report_free(r);
        return exit_code(st);
    }
    print_report(path, t, r);
    tg_csv_report_free(r);
    tg_table_release(t);
    return EXIT_OK;
}

static void print_schema(const tg_table *t) {
    for (size_t k = 0; k < t->n_cols; k++) {
        size_t nulls = tg_col_null_count(t->cols[k]);
        printf("  ");
        print_padded(t->names[k], 29);
        printf("%-7s", tg_type_name(t->cols[k]->type));
        if (nulls) printf("  (%zu null)", nulls);
        printf("\n");
    }
}

/* Every table of a SQLite database, in name order. */
static int inspect_sqlite(const char *path) {
    tg_table *names = NULL;
    tg_error err;
    tg_status st = tg_db_read(path,
                              "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                              "LIKE 'sqlite_%' ORDER BY name",
                              NULL, 0, &names, &err);
    if (st != TG_OK) {
        print_error(&err, 0);
        return exit_code(st);
    }
    const tg_col *name = names->n_rows ? names->cols[0] : NULL;
    printf("%s: SQLite database, %zu tables\n", path, names->n_rows);
    for (size_t i = 0; i < names->n_rows; i++) {
        const char *table = tg_dict_str(name->dict, name->v.str[i], NULL);
        tg_table *t = NULL;
        if ((st = tg_db_read(path, table, NULL, 0, &t, &err)) != TG_OK) {
            print_error(&err, 0);
            tg_table_release(names);
            return exit_code(st);
        }
        printf(" %s: %zu rows, %zu columns\n", table, t->n_rows, t->n_cols);
        print_schema(t);
        tg_table_release(t);
    }
    tg_table_release(names);
    return EXIT_OK;
}

static int has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The main job: every indicator over the datasets in 'dir', the document
** in out/indikatorer.json and its summary on stdout. */
static int demo(const char *dir) {
    char param[4200];
    char *args[] = { "tegn", "run",   "scripts/alle.lua",     "--param",
                     param,  "--out", "out/indikatorer.json", "--summary",
                     NULL };
    if (mkdir("out", 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tegn: out: cannot make the folder: %s\n", strerror(errno));
        return EXIT_DATA;
    }
    snprintf(param, sizeof param, "datasets=%s", dir);
    return cmd_run(8, args);
}

int main(int argc, char **argv) {
    tg_csv_opts opts;
    int rc = EXIT_OK, files = 0;

    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("tegn %s\n", TG_VERSION_STRING);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "demo") == 0) return demo(argc > 2 ? argv[2] : "datasets");
    if (strcmp(argv[1], "run") == 0) return cmd_run(argc, argv);
    if (strcmp(argv[1], "summary") == 0) {
        if (argc != 3) {
            fprintf(stderr, "tegn: summary takes one indicator JSON file\n");
            return EXIT_USAGE;
        }
        return print_summary(argv[2], stdout);
    }
    if (strcmp(argv[1], "repl") == 0) return cmd_repl();
    if (strcmp(argv[1], "inspect") != 0) {
        fprintf(stderr, "tegn: unknown command '%s'\n%s", argv[1], usage);
        return EXIT_USAGE;
    }
    tg_csv_opts_init(&opts);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--reject") == 0) {
            opts.on_error = TG_CSV_REJECT;
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            opts.threads = atoi(argv[++i]);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s'\n", argv[i]);
            return EXIT_USAGE;
        } else {
            int r = is_sqlite(argv[i]) ? inspect_sqlite(argv[i]) : inspect_csv(argv[i], &opts);
            if (r != EXIT_OK && rc == EXIT_OK) rc = r;
            files++;
        }
    }
    if (files == 0) {
        fprintf(stderr, "tegn: inspect needs at least one file\n");
        return EXIT_USAGE;
    }
    return rc;
}
