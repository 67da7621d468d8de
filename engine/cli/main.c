/*
** main.c -- the tegn command line: argument parsing, exit codes, and all
** printing. The engine never prints; this file turns its tg_error records
** into compiler-style messages with the offending source line and a caret.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tegn.h"
#include "tg_cli.h"
#include "tg_cmdcheck.h"
#include "tg_cmddefs.h"
#include "tg_cmdhistory.h"
#include "tg_cmdreport.h"
#include "tg_cmdrun.h"
#include "tg_conv.h"
#include "tg_csv.h"
#include "tg_date.h"
#include "tg_db.h"
#include "tg_describe.h"
#include "tg_enc.h"
#include "tg_err.h"
#include "tg_excel.h"
#include "tg_home.h"
#include "tg_indsum.h"
#include "tg_json.h"
#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_lualib.h"
#include "tg_mem.h"
#include "tg_par.h"
#include "tg_repl.h"
#include "tg_sbuf.h"
#include "tg_show.h"

static const char usage_head[] =
    "usage: tegn COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  run SCRIPT        run an analysis script; its tegn.emit document is written as\n"
    "                    JSON to --out (or stdout) when the run succeeds; -e CODE runs\n"
    "                    the code given, - a script read from stdin\n"
    "  check SCRIPT      what would fail in a run, without running it: syntax, the\n"
    "                    sandbox, unknown tegn functions and methods, params; --data\n"
    "                    also runs it on the first 1000 rows of each input, writing\n"
    "                    nothing, so a misspelt column fails with its line\n"
    "  repl              an interactive Lua prompt with the tegn module\n"
    "  inspect FILE...   load CSV files (or every table of a .sqlite/.db file, or every\n"
    "                    sheet of an .xlsx/.xls workbook) and print\n"
    "                    each table's dialect, schema, nulls and notes\n"
    "  summary FILE      print the summary table of an indicator JSON file (--groups: the\n"
    "                    verdict of each group too)\n"
    "  report FILE       the committee report of an indicator JSON file: one HTML file\n"
    "                    with a chart and a table per indicator, to --out FILE or stdout;\n"
    "                    --pdf FILE prints it to PDF with headless Chromium\n"
    "  demo [DIR]        the main job: every indicator in scripts/alle.lua over the datasets\n"
    "                    in DIR (default: the datasets installed with tegn); writes\n"
    "                    out/indikatorer.json and out/rapport.html and prints the\n"
    "                    summary table\n"
    "  history list|diff|prune  the runs recorded with --history FILE, what changed\n"
    "                    between two of them (in Danish, or --json), and retention\n"
    "  help [COMMAND]    this text, or one command's usage (also: tegn COMMAND --help)\n";

static const char run_options[] =
    "  -e CODE           run CODE instead of a script file (named \"(command line)\"\n"
    "                    in messages); `tegn run -` reads the script from stdin\n"
    "  --param KEY=VALUE  a value for tegn.params (repeatable); one the script never\n"
    "                    reads is a usage error, reported before anything is written\n"
    "  --format FMT      what tegn.emit and print of a Table write to stdout: json (the\n"
    "                    document; print(t): its rows as JSON), csv or table (the\n"
    "                    document's Tables, and print(t), as CSV or aligned text)\n"
    "  --timing          after the run, print on stderr the time each top-level line of\n"
    "                    the script took, how often it ran, and its code\n"
    "  --out FILE        write the JSON document here (atomically) instead of stdout\n"
    "  --seed N          seed for math.random and tegn's random numbers (default 42)\n"
    "  --mem SIZE        memory cap for Lua and data with a unit, e.g. 2G, 512M\n"
    "                    (default: none)\n"
    "  --timeout TIME    wall-clock limit, e.g. 90s, 10m, 1h (default: none)\n"
    "  --threads N       threads for loading and for the query verbs, 1 to 256\n"
    "                    (default: one per core); answers never depend on it\n"
    "  --lib DIR         folder require() searches after the script's (default: scripts/lib\n"
    "                    of the working folder if it has one, else the installed library)\n"
    "  --allow-read DIR  let the script read files beneath DIR too (repeatable); it may\n"
    "                    always read beneath its own folder and the working directory\n"
    "  --allow-write DIR let the script write files beneath DIR (repeatable); without it,\n"
    "                    only beneath the folder of --out, never --out itself or an input\n"
    "  --allow-db SERVICE  let the script read the PostgreSQL service SERVICE (a name in\n"
    "                    ~/.pg_service.conf or PGSERVICEFILE; repeatable; docs/postgres.md)\n"
    "  --allow-db-write SERVICE  let it read and write that service\n"
    "  --progress        announce each load on stderr (default: only on a terminal)\n"
    "  --quiet           no progress even on a terminal (not with --progress)\n"
    "  --summary         print the summary table of the indicator document (stdout when\n"
    "                    --out is given, else stderr)\n"
    "  --report FILE     also write the committee report of the indicator document as\n"
    "                    HTML (atomically; never --out, the script or an input)\n"
    "  --pdf FILE        also print the report to PDF with headless Chromium (A4; the\n"
    "                    same rules as --report; exit 69 when Chromium is missing)\n"
    "  --brand FILE      the report's region name, logo and colours (tegn help report)\n"
    "  --history FILE    after the output is written, record the run (a failed run: its\n"
    "                    error only) in this SQLite run history (docs/history.md)\n"
    "  --fail-on KINDS   with --history: compare with the previous successful run of the\n"
    "                    script and exit 10 when it changed in one of KINDS: verdict,\n"
    "                    revision, group, indicator, input, all (comma-separated); the\n"
    "                    changes go to stderr (under --quiet only then)\n"
    "  --row-drop PCT    an input whose rows fell by more than PCT % is a change\n"
    "                    (default 10)\n"
    "  --param disclosure=dst  the disclosure rules of every indicator (default tegn)\n"
    "  The key of t:pseudonymise is the file TEGN_PSEUDONYM_KEY_FILE names (in the\n"
    "  environment), which no script may read (docs/disclosure.md).\n";

static const char inspect_options[] =
    "  --head N          also print the first N rows as a table\n"
    "  --stats           also print per column: type, nulls, distinct values, min and max,\n"
    "                    mean and median of numbers, the most frequent text values\n"
    "                    (t:describe() in scripts)\n"
    "  --reject          collect malformed rows instead of stopping at the first\n"
    "  --threads N       loader threads, 1 to 256 (default: one per core)\n"
    "  --sep C           the delimiter: one character or tab (default: sniffed)\n"
    "  --header yes|no   whether line 1 names the columns (default: sniffed)\n"
    "  --encoding NAME   utf-8, windows-1252, latin-1, utf-16le, utf-16be (default: detected)\n"
    "  --quotes strict|lenient  text after a closing quote: an error, or kept as it stands\n"
    "  --escape C|none   the character escaping a quote inside quotes (default: sniffed)\n"
    "  --comment C|none  the character starting comment lines (default: sniffed '#')\n"
    "  --skip N          lines to skip above the header (default: title lines sniffed)\n"
    "  These are read_csv's options sep, header, encoding, quotes, escape, comment and\n"
    "  skip, which the notes under \"decided:\" name.\n";

static const char exit_codes[] =
    "exit codes: 0 ok, 1 script error, 2 data error, 3 limit reached, 4 internal error,\n"
    "            10 a change --fail-on names, 64 usage error, 69 Chromium missing or failed\n"
    "            (--pdf), 130 cancelled\n";

/* One command's usage: its synopsis, what it does, its options. */
typedef struct command_help {
    const char *name, *synopsis, *about, *options;
} command_help;

static const command_help commands[] = {
    { "run", "tegn run SCRIPT|-e CODE|- [OPTIONS]",
      "Runs an analysis script in the sandbox. Its tegn.emit document (or, for\n"
      "indicator scripts, the indicator document) is written as JSON to --out or\n"
      "stdout when the run succeeds; a failed run writes nothing.\n",
      run_options },
    { "check", "tegn check SCRIPT [--param KEY=VALUE]... [--data] [OPTIONS]",
      "Finds what would fail in `tegn run SCRIPT` before the run. Without --data the\n"
      "script is not run: Lua compiles it (syntax errors), then its names are checked\n"
      "against the sandbox and the tegn module: globals the sandbox lacks (io, debug,\n"
      "os.execute, ...), require of a module that is not there or of a path, tegn.*\n"
      "functions and :methods nothing has, tegn.param names without a default not\n"
      "given, and --param names the script never reads. The scan follows names as\n"
      "written (best-effort: docs/lua-api.md). Exit codes as run: 1 for problems,\n"
      "64 for an unread --param; 0 prints \"SCRIPT: ok\".\n",
      "  --param KEY=VALUE  the run's params (repeatable)\n"
      "  --data            then run the script as `tegn run` would, on the first 1000\n"
      "                    rows of each input (a CSV file's first records are read;\n"
      "                    workbooks and SQLite tables are read whole, then cut),\n"
      "                    writing nothing (no --out, no write_csv/_xlsx/_sqlite/\n"
      "                    _postgres): a missing column or a bad type stops it with the\n"
      "                    script's line\n"
      "  --out FILE, --allow-read DIR, --allow-write DIR, --lib DIR  as for run: what\n"
      "                    the run may read and write is judged the same way\n"
      "  --allow-db SERVICE, --allow-db-write SERVICE  as for run: a PostgreSQL\n"
      "                    result is read whole, then cut\n" },
    { "repl", "tegn repl",
      "An interactive Lua prompt with the tegn module, in the same sandbox as run.\n"
      "Ctrl-D quits.\n",
      NULL },
    { "inspect",
      "tegn inspect [--head N] [--stats] [--reject] [--threads N] [DIALECT OPTIONS] FILE...",
      "Loads each CSV file (or every table of a .sqlite/.db/.sqlite3 file) and prints\n"
      "its dialect, the type of each column, nulls and notes, as read_csv reads it.\n",
      inspect_options },
    { "summary", "tegn summary FILE [--groups]",
      "Prints the summary table of an indicator JSON file (as written by an indicator\n"
      "script's run or by tegn demo). Any other JSON is a data error (exit 2).\n"
      "--groups: under a grouped indicator, one line per group with its verdict.\n",
      NULL },
    { "report",
      "tegn report FILE [--out FILE.html] [--pdf FILE.pdf] [--history FILE] [--brand FILE]",
      "Writes the committee report of an indicator JSON file (as written by an\n"
      "indicator script's run or by tegn demo): one self-contained HTML file in Danish\n"
      "with a front page and, per indicator, its chart and the numbers behind it.\n"
      "Suppressed numbers never appear. A document of takst scenarios or forecasts\n"
      "(tegn.scenario.run, tegn.forecast.holt_winters tables, as the examples emit\n"
      "them) gets their fan charts. Any other JSON is a data error (exit 2).\n",
      "  --out FILE        write the HTML here (atomically) instead of stdout\n"
      "  --pdf FILE        print the report to PDF (A4) with headless Chromium, written\n"
      "                    atomically; Chromium is $TEGN_CHROMIUM or chromium on PATH,\n"
      "                    and without it the exit code is 69 (with --pdf and no --out,\n"
      "                    no HTML is written)\n"
      "  --history FILE    mark what changed since the previous run of the document's\n"
      "                    script in this run history (docs/history.md)\n"
      "  --brand FILE      brand the report: a JSON file such as\n"
      "                      {\"region\": \"Region Sjælland\", \"logo\": \"logo.png\",\n"
      "                       \"colours\": {\"primary\": \"#00557f\", \"accent\": \"#a34400\"}}\n"
      "                    every key optional; the logo (PNG, JPEG or SVG, at most 256 KiB,\n"
      "                    beneath the brand file's folder or the working directory) is\n"
      "                    embedded; colours must meet WCAG AA against white (primary\n"
      "                    4.5:1, accent 3:1). See docs/report.md\n" },
    { "demo",
      "tegn demo [DIR] [--history FILE [--fail-on KINDS] [--row-drop PCT]] [--quiet] [--timing]\n"
      "          [--threads N]",
      "The main job: runs every indicator of scripts/alle.lua over the datasets in DIR\n"
      "(default: the datasets installed with tegn), writes out/indikatorer.json and\n"
      "its committee report out/rapport.html, and prints the summary table. --history\n"
      "and its options, --timing (the time of each indicator script, on stderr) and\n"
      "--threads work as for run.\n",
      NULL },
    { "history", "tegn history list|diff [A] [B]|prune --keep N [--history FILE] [OPTIONS]",
      "The run history that tegn run --history FILE (or tegn demo --history) records,\n"
      "a SQLite file (docs/history.md). FILE may also come from TEGN_HISTORY.\n"
      "  list       every run: when, how long, its exit status and error, its script\n"
      "  diff A B   what changed from run A to run B, in Danish, most important first:\n"
      "             verdicts, revised past periods, groups, indicators, inputs.\n"
      "             Default: the last two successful runs of the latest run's script;\n"
      "             with only A, A against the latest successful run of its script\n"
      "  prune      delete all but the newest N runs, keeping the first successful run\n"
      "             of each script in each month\n",
      "  --history FILE    the history (default: $TEGN_HISTORY)\n"
      "  --json            list, diff: JSON instead of text\n"
      "  --fail-on KINDS   diff: exit 10 when a change of these kinds is found\n"
      "                    (verdict, revision, group, indicator, input, all)\n"
      "  --row-drop PCT    diff: an input losing more than PCT % of its rows (default 10)\n"
      "  --quiet           diff: print only when --fail-on found something; prune: no count\n"
      "  --keep N          prune: the number of newest runs to keep\n" },
    { "help", "tegn help [COMMAND]", "Prints the usage of tegn, or of one command.\n", NULL },
};

static void print_usage(FILE *to) {
    fprintf(to, "%s\noptions for run:\n%s\noptions for inspect:\n%s\n", usage_head, run_options,
            inspect_options);
    fprintf(to,
            "  -h, --help        this text (tegn help COMMAND: one command's)\n"
            "  --version         print the version\n"
            "  --definitions     print the editor definitions of the tegn module, the LuaLS\n"
            "                    file lua/tegn.d.lua (docs/editor.md)\n\n%s",
            exit_codes);
}

static const command_help *find_command(const char *name) {
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static void print_command_help(const command_help *c, FILE *to) {
    fprintf(to, "usage: %s\n\n%s", c->synopsis, c->about);
    fprintf(to, "\noptions:\n%s  -h, --help        this text\n\n%s", c->options ? c->options : "",
            exit_codes);
}

/* 1 when the arguments after the command ask for its help. */
static int wants_help(int argc, char **argv) {
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
    return 0;
}

/* tegn help [COMMAND] */
static int cmd_help(int argc, char **argv) {
    const command_help *c;
    if (argc < 3) {
        print_usage(stdout);
        return EXIT_OK;
    }
    if (argc > 3) {
        fprintf(stderr, "tegn: help takes one command, got '%s' too\n", argv[3]);
        return EXIT_USAGE;
    }
    if (!(c = find_command(argv[2]))) {
        fprintf(stderr,
                "tegn: help: no command '%s' (commands: run, check, repl, inspect, summary, "
                "report, demo, history, help)\n",
                argv[2]);
        return EXIT_USAGE;
    }
    print_command_help(c, stdout);
    return EXIT_OK;
}

static int has_suffix(const char *s, const char *suffix);

/* ---- run ---- */

/* "90", "90s", "500ms", "10m", "1h" -> seconds; -1 when not a duration. */
static double parse_duration(const char *s) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || !(v >= 0) || isinf(v)) return -1; /* also nan and inf */
    if (strcmp(end, "") == 0 || strcmp(end, "s") == 0) return v;
    if (strcmp(end, "ms") == 0) return v / 1000;
    if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0) return v * 60;
    if (strcmp(end, "h") == 0) return v * 3600;
    return -1;
}

/* tg_cli_opt_value for the options of run, demo and inspect: a missing
** value is a usage error. */
static const char *opt_value(int argc, char **argv, int *i, const char *name) {
    int missing = 0;
    const char *v = tg_cli_opt_value(argc, argv, i, name, &missing);
    if (missing) {
        fprintf(stderr, "tegn: %s needs a value\n", name);
        exit(EXIT_USAGE);
    }
    return v;
}

/* Prints the summary table of 'doc' (read from 'name') to 'to'; any other
** JSON gets a message naming what is amiss and EXIT_DATA. */
static int print_doc_summary(const tg_json *doc, const char *name, FILE *to, int groups) {
    char why[300];
    char *sum;
    if (!doc) {
        fprintf(stderr, "tegn: %s: the script emitted no document to summarize\n", name);
        return EXIT_DATA;
    }
    if (!tg_indsum_check(doc, why, sizeof why)) {
        fprintf(stderr, "tegn: %s: not an indicator document: %s\n", name, why);
        return EXIT_DATA;
    }
    if (!(sum = tg_indsum_format_groups(doc, groups))) {
        fprintf(stderr, "tegn: %s: out of memory formatting the summary\n", name);
        return EXIT_INTERNAL;
    }
    fputs(sum, to);
    tg_free(sum);
    return EXIT_OK;
}

/* Prints the summary table of the indicator document in 'path' to 'to'. */
static int print_summary(const char *path, FILE *to, int groups) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long len = -1;
    tg_json *doc = NULL;
    tg_error err;
    int rc = EXIT_DATA;
    struct stat sb;

    if (f && fstat(fileno(f), &sb) == 0 && !S_ISREG(sb.st_mode)) {
        fprintf(stderr, "tegn: %s: not a file (summary reads an indicator JSON file)\n", path);
        fclose(f);
        return EXIT_DATA;
    }
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)len + 1)) && fread(text, 1, (size_t)len, f) == (size_t)len) {
        tg_err_clear(&err);
        if (tg_json_parse(text, (size_t)len, &doc, &err) != TG_OK) {
            if (!err.file[0]) snprintf(err.file, sizeof err.file, "%s", path);
            tg_cli_print_error(&err, 0);
        } else {
            rc = print_doc_summary(doc, path, to, groups);
        }
    } else {
        fprintf(stderr, "tegn: %s: cannot read: %s\n", path, strerror(errno));
    }
    if (f) fclose(f);
    free(text);
    tg_json_free(doc);
    return rc;
}

/* tegn summary FILE [--groups] */
static int cmd_summary(int argc, char **argv) {
    const char *file = NULL;
    int groups = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--groups") == 0) {
            groups = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s' for summary\n", argv[i]);
            return EXIT_USAGE;
        } else if (file) {
            file = NULL;
            break;
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        fprintf(stderr, "tegn: summary takes one indicator JSON file\n");
        return EXIT_USAGE;
    }
    return print_summary(file, stdout, groups);
}

/* What run's flags ask for beyond tg_run_opts. */
typedef struct run_flags {
    int quiet, progress, summary;
    int timing; /* --timing: the time of each top-level line, on stderr */
    tg_cmdhistory_opts hist;
    const char *brand; /* --brand: the report's brand file, or NULL */
    /* --allow-db and --allow-db-write names: the caller's array, argc
    ** long, and another argc long after it (the write ones) */
    const char **dbs;
} run_flags;

/* 1, after saying so, when the run's output 'file' (given by 'opt') would
** overwrite 'other' (the 'what'). */
static int clobbers(const char *file, const char *opt, const char *other, const char *what) {
    if (!file || !other || !(strcmp(file, other) == 0 || tg_cmdreport_same_file(file, other)))
        return 0;
    fprintf(stderr, "tegn: %s %s would overwrite the %s\n", opt, file, what);
    return 1;
}

/* --threads N: 1 to 256 (the pool stops at TG_PAR_MAX_THREADS, the
** loader at 8); EXIT_USAGE after saying why, else 0 with *n set. */
static int threads_arg(const char *v, int *n) {
    char *end;
    long k = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || k < 1 || k > 256) {
        fprintf(stderr, "tegn: --threads needs a whole number from 1 to 256, got '%s'\n", v);
        return EXIT_USAGE;
    }
    *n = (int)k;
    return 0;
}

/* Reads run's arguments into 'o' and 'f' (the repeatable ones into the
** caller's arrays, each argc long); EXIT_USAGE after saying why. */
static int run_args(int argc, char **argv, tg_run_opts *o, run_flags *f, const char **params,
                    const char **reads, const char **writes) {
    const char *v;
    int h;
    for (int i = 2; i < argc; i++) {
        if ((v = opt_value(argc, argv, &i, "--param"))) {
            params[o->n_params++] = v;
        } else if ((v = opt_value(argc, argv, &i, "-e"))) {
            if (o->code || o->script) {
                fprintf(stderr, "tegn: run takes one script: a file, -e CODE or - (stdin)\n");
                return EXIT_USAGE;
            }
            o->code = v;
            o->script = "(command line)";
        } else if (strcmp(argv[i], "--timing") == 0) {
            f->timing = 1;
        } else if ((v = opt_value(argc, argv, &i, "--format"))) {
            if (strcmp(v, "json") == 0) o->format = TG_LUACTX_FORMAT_JSON;
            else if (strcmp(v, "csv") == 0) o->format = TG_LUACTX_FORMAT_CSV;
            else if (strcmp(v, "table") == 0) o->format = TG_LUACTX_FORMAT_TABLE;
            else {
                fprintf(stderr, "tegn: --format needs table, csv or json, got '%s'\n", v);
                return EXIT_USAGE;
            }
        } else if ((v = opt_value(argc, argv, &i, "--out"))) {
            o->out = v;
        } else if ((v = opt_value(argc, argv, &i, "--seed"))) {
            char *end;
            unsigned long long seed = strtoull(v, &end, 10);
            if (*v == '\0' || *end != '\0' || *v == '-') {
                fprintf(stderr, "tegn: --seed needs a whole number, got '%s'\n", v);
                return EXIT_USAGE;
            }
            o->seed = (uint64_t)seed;
        } else if ((v = opt_value(argc, argv, &i, "--mem"))) {
            /* A bare number would be bytes: "--mem 10" meant 10G, not a cap
            ** that stops the run at once. */
            size_t n = strlen(v);
            if (n == 0 || (v[n - 1] >= '0' && v[n - 1] <= '9') ||
                tg_mem_parse_size(v, &o->mem_cap) != 0 || o->mem_cap == 0) {
                fprintf(stderr,
                        "tegn: --mem needs a size with a unit such as 512M or 2G, got '%s'\n", v);
                return EXIT_USAGE;
            }
        } else if ((v = opt_value(argc, argv, &i, "--threads"))) {
            int n;
            if (threads_arg(v, &n) != 0) return EXIT_USAGE;
            tg_par_set_threads(n); /* one setting for loading and queries */
        } else if ((v = opt_value(argc, argv, &i, "--timeout"))) {
            if ((o->timeout_s = parse_duration(v)) < 0) {
                fprintf(stderr, "tegn: --timeout needs a duration such as 90s or 10m, got '%s'\n",
                        v);
                return EXIT_USAGE;
            }
        } else if ((v = opt_value(argc, argv, &i, "--lib"))) {
            o->lib_dir = v;
        } else if ((v = opt_value(argc, argv, &i, "--allow-read"))) {
            reads[o->n_allow_read++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--allow-write"))) {
            writes[o->n_allow_write++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--allow-db"))) {
            f->dbs[o->n_allow_db++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--allow-db-write"))) {
            f->dbs[argc + (int)o->n_allow_db_write++] = v;
        } else if (strcmp(argv[i], "--progress") == 0) {
            f->progress = 1;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            f->quiet = 1;
        } else if (strcmp(argv[i], "--summary") == 0) {
            f->summary = 1;
        } else if ((v = opt_value(argc, argv, &i, "--report"))) {
            o->report = v;
        } else if ((v = opt_value(argc, argv, &i, "--pdf"))) {
            o->pdf = v;
        } else if ((v = opt_value(argc, argv, &i, "--brand"))) {
            f->brand = v;
        } else if ((h = tg_cmdhistory_run_arg(argc, argv, &i, &f->hist)) != 0) {
            if (h < 0) return EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s' for run\n", argv[i]);
            return EXIT_USAGE;
        } else if (!o->script) {
            o->script = argv[i];
        } else {
            fprintf(stderr, "tegn: run takes one script, got '%s' too\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (f->quiet && f->progress) {
        fprintf(stderr, "tegn: --quiet and --progress contradict each other; give one\n");
        return EXIT_USAGE;
    }
    if ((f->hist.fail_on || f->hist.row_drop != 0.1) && !f->hist.path) {
        fprintf(stderr, "tegn: --fail-on and --row-drop need --history FILE\n");
        return EXIT_USAGE;
    }
    o->history = f->hist.path;
    if (!o->script) {
        fprintf(stderr, "tegn: run needs a script\n");
        print_command_help(find_command("run"), stderr);
        return EXIT_USAGE;
    }
    if (f->brand && !o->report && !o->pdf) {
        fprintf(stderr, "tegn: --brand brands the committee report; give --report FILE too\n");
        return EXIT_USAGE;
    }
    if (clobbers(o->report, "--report", o->script, "script") ||
        clobbers(o->report, "--report", o->out, "document (--out)") ||
        clobbers(o->pdf, "--pdf", o->script, "script") ||
        clobbers(o->pdf, "--pdf", o->out, "document (--out)") ||
        clobbers(o->pdf, "--pdf", o->report, "report (--report)"))
        return EXIT_USAGE;
    return EXIT_OK;
}

/* The document as written: its tables as rows, the form --summary,
** --report and --history read. NULL when the script emitted none or on
** out of memory (*oom set). Frees 'doc'. */
static tg_json *plain_doc(tg_json *doc, int *oom) {
    char *text = doc ? tg_json_dump(doc, 0) : NULL;
    tg_json *plain = NULL;
    tg_error err;
    *oom = doc != NULL;
    tg_json_free(doc);
    if (text && tg_json_parse(text, strlen(text), &plain, &err) != TG_OK) plain = NULL;
    *oom = *oom && !plain;
    tg_free(text);
    return plain;
}

/* --summary, --report and --pdf, from the document the run handed over. With
** --out the summary is the output; without, stdout holds the document and
** the summary goes beside it, to stderr. */
static int after_run(const tg_json *plain, int oom, const tg_run_opts *o, int summary,
                     const tg_brand *brand) {
    tg_cmdhistory_since *since = NULL;
    if (oom) {
        fprintf(stderr, "tegn: out of memory reading the document back for --summary\n");
        return EXIT_INTERNAL;
    }
    /* --report, --pdf with --history: marked with what changed since the last run */
    int rc = (o->report || o->pdf) && o->history && plain
                 ? tg_cmdhistory_since_doc(o->history, plain, &since)
                 : EXIT_OK;
    if (rc == EXIT_OK && (o->report || o->pdf))
        rc = tg_cmdreport_after_run(plain, o->report, o->pdf, brand,
                                    tg_cmdhistory_since_diff(since));
    tg_cmdhistory_since_free(since);
    if (rc == EXIT_OK && summary)
        rc = print_doc_summary(plain, o->out ? o->out : o->script, o->out ? stdout : stderr, 0);
    return rc;
}

/* The one-line error a failed run leaves in the history. */
static void run_error(tg_status st, const tg_error *err, const char *tb, char *buf, size_t size) {
    if (st == TG_ESCRIPT && tb) {
        size_t n = strcspn(tb, "\n");
        snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), tb);
    } else {
        tg_err_format(err, buf, size);
    }
}

static int cmd_run(int argc, char **argv) {
    tg_run_opts o;
    run_flags fl;
    tg_brand brand;
    char errtext[1024] = "";
    const char **params = calloc((size_t)argc, sizeof *params);
    const char **reads = calloc((size_t)argc, sizeof *reads);
    const char **writes = calloc((size_t)argc, sizeof *writes);
    const char **dbs = calloc(2 * (size_t)argc, sizeof *dbs);
    tg_error err;
    char *tb = NULL;
    tg_json *doc = NULL;
    char *stdin_code = NULL;
    tg_run_line_time *times = NULL;
    size_t n_times = 0;
    int rc;

    memset(&fl, 0, sizeof fl);
    tg_run_opts_init(&o);
    tg_cmdhistory_opts_init(&fl.hist);
    o.lib_dir = tg_home_find("scripts/lib");
    fl.dbs = dbs;
    rc = params && reads && writes && dbs ? run_args(argc, argv, &o, &fl, params, reads, writes)
                                          : EXIT_INTERNAL;
    if (rc == EXIT_OK && !o.code && strcmp(o.script, "-") == 0) { /* tegn run - */
        if (!(stdin_code = tg_cmdrun_read_stdin())) rc = EXIT_DATA;
        o.code = stdin_code;
        o.script = "stdin";
    }
    /* A bad brand file is said before the run, not after an hour of it. */
    if (rc == EXIT_OK) rc = tg_cmdreport_load_brand(fl.brand, &brand);
    if (rc != EXIT_OK) {
        if (rc == EXIT_INTERNAL) fprintf(stderr, "tegn: out of memory\n");
        free(params);
        free(reads);
        free(writes);
        free(dbs);
        free(stdin_code);
        return rc;
    }
    int quiet = fl.quiet, summary = fl.summary;
    if (fl.timing) {
        o.times = &times;
        o.n_times = &n_times;
    }
    o.params = params;
    o.allow_read = reads;
    o.allow_write = writes;
    o.allow_db = dbs;
    o.allow_db_write = dbs + argc;
    o.print = tg_cli_print_stderr;
    o.stdout_text = tg_cli_print_stdout;
    /* Progress on a terminal, silence under cron unless asked. */
    o.progress = !quiet && (fl.progress || isatty(STDERR_FILENO));
    o.tty = isatty(STDERR_FILENO); /* where print goes */
    if (summary || o.report || o.pdf || fl.hist.path) o.doc = &doc;
    o.quiet = quiet;
    fl.hist.quiet = quiet;
    tg_cmdhistory_start(&fl.hist);
    tg_lua_install_signal_handlers();
    tg_err_clear(&err);
    tg_status st = tg_run(&o, &err, &tb);
    if (st != TG_OK) {
        if (st == TG_ESCRIPT && tb) {
            fprintf(stderr, "tegn: %s\n", tb);
        } else {
            /* A loader's error names the data position; the traceback
            ** below it names the script line that asked for the load. */
            const char *trace = tb ? strstr(tb, "\nstack traceback:") : NULL;
            tg_cli_print_error(&err, 0);
            if (trace && st != TG_ELIMIT && st != TG_ECANCEL) fprintf(stderr, "%s\n", trace + 1);
        }
    }
    if (fl.timing) tg_cmdrun_print_timing(times, n_times, o.script, o.code);
    tg_free(times);
    if (st != TG_OK) run_error(st, &err, tb, errtext, sizeof errtext);
    tg_free(tb);
    int oom = 0;
    tg_json *plain = st == TG_OK ? plain_doc(doc, &oom) : NULL;
    rc = tg_cli_exit_code(st);
    if (st == TG_OK && (summary || o.report || o.pdf))
        rc = after_run(plain, oom, &o, summary, &brand);
    tg_brand_free(&brand);
    if (rc != EXIT_OK && st == TG_OK)
        snprintf(errtext, sizeof errtext, "the run's output was written, but %s failed (exit %d)",
                 o.report || o.pdf ? "--report, --pdf or --summary" : "--summary", rc);
    if (fl.hist.path) rc = tg_cmdhistory_after_run(&fl.hist, &o, plain, rc, errtext);
    tg_json_free(plain);
    free(params);
    free(reads);
    free(writes);
    free(dbs);
    free(stdin_code);
    return rc;
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

/* What inspect prints besides the load report. */
typedef struct look {
    long head; /* rows to show, -1: none */
    int stats;
} look;

/* The first rows and the per-column statistics of t, as --head and --stats
** ask; a failure (out of memory) is said and gives its exit code. */
static int print_look(const tg_table *t, const look *lk) {
    tg_show_opts so = { -1, 0, 1 };
    tg_sbuf text = { 0 };
    tg_table *d = NULL;
    tg_error err;
    tg_err_clear(&err);
    if (lk->head >= 0) {
        tg_sbuf_printf(&text, "  first rows:\n");
        tg_show_table(t, (size_t)lk->head, &so, &text);
    }
    if (lk->stats) {
        tg_status st = tg_describe(t, &d, &err);
        if (st != TG_OK) {
            tg_free(text.p);
            tg_cli_print_error(&err, 0);
            return tg_cli_exit_code(st);
        }
        so.count = 0;
        tg_sbuf_printf(&text, "  statistics:\n");
        tg_show_table(d, d->n_rows, &so, &text);
        tg_table_release(d);
    }
    if (text.oom) {
        tg_free(text.p);
        tg_err_nomem(&err);
        tg_cli_print_error(&err, 0);
        return tg_cli_exit_code(TG_ENOMEM);
    }
    if (text.p) fwrite(text.p, 1, text.len, stdout);
    tg_free(text.p);
    return EXIT_OK;
}

static int is_sqlite(const char *path) {
    return has_suffix(path, ".sqlite") || has_suffix(path, ".db") || has_suffix(path, ".sqlite3");
}

static int inspect_csv(const char *path, const tg_csv_opts *opts, const look *lk) {
    tg_table *t = NULL;
    tg_csv_report *r = NULL;
    tg_error err;
    tg_err_clear(&err);
    tg_status st = tg_csv_read(path, opts, &t, &r, &err);
    if (st != TG_OK) {
        tg_cli_print_error(&err, r ? r->dialect.delim : ';');
        tg_csv_report_free(r);
        return tg_cli_exit_code(st);
    }
    print_report(path, t, r);
    int rc = print_look(t, lk);
    tg_csv_report_free(r);
    tg_table_release(t);
    return rc;
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
static int inspect_sqlite(const char *path, const look *lk) {
    tg_table *names = NULL;
    tg_error err;
    tg_status st = tg_db_read(path,
                              "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                              "LIKE 'sqlite_%' ORDER BY name",
                              NULL, 0, &names, &err);
    if (st != TG_OK) {
        tg_cli_print_error(&err, 0);
        return tg_cli_exit_code(st);
    }
    const tg_col *name = names->n_rows ? names->cols[0] : NULL;
    printf("%s: SQLite database, %zu tables\n", path, names->n_rows);
    for (size_t i = 0; i < names->n_rows; i++) {
        const char *table = tg_dict_str(name->dict, name->v.str[i], NULL);
        tg_table *t = NULL;
        if ((st = tg_db_read(path, table, NULL, 0, &t, &err)) != TG_OK) {
            tg_cli_print_error(&err, 0);
            tg_table_release(names);
            return tg_cli_exit_code(st);
        }
        printf(" %s: %zu rows, %zu columns\n", table, t->n_rows, t->n_cols);
        print_schema(t);
        int rc = print_look(t, lk);
        tg_table_release(t);
        if (rc != EXIT_OK) {
            tg_table_release(names);
            return rc;
        }
    }
    tg_table_release(names);
    return EXIT_OK;
}

/* A workbook: its sheets with their stated sizes, then each sheet's
** schema as read_excel reads it by default. */
static int inspect_excel(const char *path, const look *lk) {
    static const char *const states[] = { "", " (hidden)", " (very hidden)" };
    tg_excel_report *list = NULL;
    tg_error err;
    tg_status st = tg_excel_list(path, -1, &list, &err);
    if (st != TG_OK) {
        tg_cli_print_error(&err, 0);
        return tg_cli_exit_code(st);
    }
    printf("%s: Excel workbook (.%s%s), %zu sheet%s\n", path,
           list->kind == TG_EXCEL_XLS ? "xls" : "xlsx", list->date1904 ? ", 1904 date system" : "",
           list->n_sheets, list->n_sheets == 1 ? "" : "s");
    for (size_t i = 0; i < list->n_sheets; i++)
        printf("  %zu. %s%s%s%s\n", i + 1, list->sheets[i].name, states[list->sheets[i].state],
               list->sheets[i].dim[0] ? ": " : "", list->sheets[i].dim);
    int rc = EXIT_OK;
    for (size_t i = 0; i < list->n_sheets; i++) {
        tg_excel_opts o;
        tg_table *t = NULL;
        tg_excel_report *r = NULL;
        tg_excel_opts_init(&o);
        o.sheet_index = (int)i + 1;
        if ((st = tg_excel_read(path, &o, &t, &r, &err)) != TG_OK) {
            tg_cli_print_error(&err, 0);
            if (rc == EXIT_OK) rc = tg_cli_exit_code(st);
            continue;
        }
        const tg_sheet_report *s = r->rep;
        printf("%s[%s]: %zu rows, %zu columns", path, list->sheets[i].name, t->n_rows, t->n_cols);
        if (s->header_row) printf(" (header row %u)", s->header_row);
        printf("\n");
        for (size_t k = 0; k < t->n_cols; k++) {
            size_t nulls = tg_col_null_count(t->cols[k]);
            printf("  ");
            print_padded(t->names[k], 29);
            printf("%-7s", tg_type_name(t->cols[k]->type));
            if (nulls) printf("  (%zu null)", nulls);
            if (s->cols[k].note[0]) printf("  -- %s", s->cols[k].note);
            printf("\n");
        }
        if (s->n_notes) printf("  decided:\n");
        for (size_t k = 0; k < s->n_notes; k++)
            printf("    %s%s\n", s->notes[k].unusual ? "NOTE " : "", s->notes[k].text);
        int look_rc = print_look(t, lk);
        if (look_rc != EXIT_OK && rc == EXIT_OK) rc = look_rc;
        tg_excel_report_free(r);
        tg_table_release(t);
    }
    tg_excel_report_free(list);
    return rc;
}

/* 1 when the file's first bytes are a workbook's (whatever its name). */
static int is_workbook(const char *path) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    int kind = tg_excel_kind_fd(fd);
    close(fd);
    return kind > 0;
}

static int has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* One character for --sep, --escape, --comment: "tab", "none" (when
** 'none' is allowed: 0) or the character; -1 when it is none of those. */
static int opt_char(const char *v, int none) {
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0) return '\t';
    if (none && strcmp(v, "none") == 0) return 0;
    return v[0] && !v[1] ? (unsigned char)v[0] : -1;
}

static int bad_value(const char *opt, const char *want, const char *v) {
    fprintf(stderr, "tegn: %s needs %s, got '%s'\n", opt, want, v);
    return EXIT_USAGE;
}

/* The dialect options of inspect (read_csv's, spelt as flags): 1 when
** argv[*i] was one (its value consumed), 0 when not, or EXIT_USAGE + 1000
** for a bad value (after saying so). */
static int dialect_opt(int argc, char **argv, int *i, tg_csv_opts *o) {
    const char *v;
    int c;
    if ((v = opt_value(argc, argv, i, "--sep"))) {
        if ((c = opt_char(v, 0)) <= 0 || c == '"')
            return 1000 + bad_value("--sep", "one character or tab", v);
        o->dialect.delim = (char)c;
    } else if ((v = opt_value(argc, argv, i, "--header"))) {
        if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
            return 1000 + bad_value("--header", "yes or no", v);
        o->dialect.header = v[0] == 'y';
    } else if ((v = opt_value(argc, argv, i, "--encoding"))) {
        int e = tg_enc_parse(v);
        if (e < 0) return 1000 + bad_value("--encoding", "utf-8, windows-1252, latin-1, ...", v);
        o->dialect.encoding = (tg_encoding)e;
    } else if ((v = opt_value(argc, argv, i, "--quotes"))) {
        if (strcmp(v, "strict") != 0 && strcmp(v, "lenient") != 0)
            return 1000 + bad_value("--quotes", "strict or lenient", v);
        o->dialect.lenient = v[0] == 'l';
    } else if ((v = opt_value(argc, argv, i, "--escape"))) {
        if ((c = opt_char(v, 1)) < 0)
            return 1000 + bad_value("--escape", "one character or none", v);
        o->dialect.escape = c;
    } else if ((v = opt_value(argc, argv, i, "--comment"))) {
        if ((c = opt_char(v, 1)) < 0)
            return 1000 + bad_value("--comment", "one character or none", v);
        o->dialect.comment = c;
    } else if ((v = opt_value(argc, argv, i, "--skip"))) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*v == '\0' || *end != '\0' || n < 0 || n > 1000000)
            return 1000 + bad_value("--skip", "a whole number of lines", v);
        o->dialect.skip = (int)n;
    } else {
        return 0;
    }
    return 1;
}

/* tegn inspect [--reject] [--threads N] [dialect options] FILE...: the
** options are checked before the first file is read, wherever they stand. */
static int cmd_inspect(int argc, char **argv) {
    tg_csv_opts opts;
    static const char *const with_value[] = { "--threads",  "--sep",    "--header",
                                              "--encoding", "--quotes", "--escape",
                                              "--comment",  "--skip",   "--head" };
    int rc = EXIT_OK, files = 0, d;
    const char *v;
    look lk = { -1, 0 };

    tg_csv_opts_init(&opts);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--reject") == 0) {
            opts.on_error = TG_CSV_REJECT;
        } else if (strcmp(argv[i], "--stats") == 0) {
            lk.stats = 1;
        } else if ((v = opt_value(argc, argv, &i, "--head"))) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || n < 0 || n > 1000000000L)
                return bad_value("--head", "a whole number of rows", v);
            lk.head = n;
        } else if ((v = opt_value(argc, argv, &i, "--threads"))) {
            if (threads_arg(v, &opts.threads) != 0) return EXIT_USAGE;
        } else if ((d = dialect_opt(argc, argv, &i, &opts)) != 0) {
            if (d >= 1000) return d - 1000;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s' for inspect\n", argv[i]);
            return EXIT_USAGE;
        } else {
            files++;
        }
    }
    if (files == 0) {
        fprintf(stderr, "tegn: inspect needs at least one file\n");
        return EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        int value_next = 0;
        for (size_t k = 0; k < TG_ARRAY_LEN(with_value); k++)
            value_next |= strcmp(argv[i], with_value[k]) == 0;
        if (value_next) {
            i++; /* the option's value, not a file */
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') continue;
        int r = is_sqlite(argv[i])     ? inspect_sqlite(argv[i], &lk)
                : is_workbook(argv[i]) ? inspect_excel(argv[i], &lk)
                                       : inspect_csv(argv[i], &opts, &lk);
        if (r != EXIT_OK && rc == EXIT_OK) rc = r;
    }
    return rc;
}

/* The main job: every indicator over the datasets in 'dir' (default the
** installation's), the document in out/indikatorer.json beneath the working
** folder, its committee report in out/rapport.html and its summary on
** stdout; 'extra' (n_extra) are run options
** passed on (--history and its options, --quiet). */
static int demo(const char *dir, char **extra, int n_extra) {
    char script[4200], param[4216], datasets[4200];
    char *args[32] = { "tegn",
                       "run",
                       script,
                       "--param",
                       param,
                       "--allow-read",
                       datasets,
                       "--out",
                       "out/indikatorer.json",
                       "--report",
                       "out/rapport.html",
                       "--summary" };
    int n_args = 12;
    struct stat st;
    snprintf(datasets, sizeof datasets, "%s", dir ? dir : tg_home_find("datasets"));
    if (stat(datasets, &st) != 0 || !S_ISDIR(st.st_mode)) {
        const char *why = stat(datasets, &st) != 0 ? strerror(errno) : "not a folder";
        fprintf(stderr, "tegn: demo: %s: %s; give the folder that holds the datasets\n", datasets,
                why);
        return EXIT_DATA;
    }
    snprintf(script, sizeof script, "%s", tg_home_find("scripts/alle.lua"));
    if (mkdir("out", 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tegn: out: cannot make the folder: %s\n", strerror(errno));
        return EXIT_DATA;
    }
    snprintf(param, sizeof param, "datasets=%s", datasets);
    for (int i = 0; i < n_extra; i++) /* quiet for cron: no summary either */
        if (strcmp(extra[i], "--quiet") == 0) n_args = 9;
    for (int i = 0; i < n_extra && n_args < 31; i++) args[n_args++] = extra[i];
    args[n_args] = NULL;
    return cmd_run(n_args, args);
}

/* tegn demo [DIR] [--history FILE [--fail-on KINDS] [--row-drop PCT]] [--quiet] [--timing]
** [--threads N] */
static int cmd_demo(int argc, char **argv) {
    const char *dir = NULL;
    int first_opt = argc;
    for (int i = 2; i < argc; i++) {
        int takes_value = strcmp(argv[i], "--history") == 0 || strcmp(argv[i], "--fail-on") == 0 ||
                          strcmp(argv[i], "--row-drop") == 0 || strcmp(argv[i], "--threads") == 0;
        int flag =
            strncmp(argv[i], "--history=", 10) == 0 || strncmp(argv[i], "--fail-on=", 10) == 0 ||
            strncmp(argv[i], "--row-drop=", 11) == 0 || strncmp(argv[i], "--threads=", 10) == 0 ||
            strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "--timing") == 0;
        if (takes_value || flag) {
            if (first_opt == argc) first_opt = i;
            if (takes_value && ++i >= argc) {
                fprintf(stderr, "tegn: %s needs a value\n", argv[i - 1]);
                return EXIT_USAGE;
            }
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s' for demo\n", argv[i]);
            return EXIT_USAGE;
        } else if (dir || first_opt != argc) {
            fprintf(stderr,
                    "tegn: demo takes at most one folder, before its options, got '%s' too\n",
                    argv[i]);
            return EXIT_USAGE;
        } else {
            dir = argv[i];
        }
    }
    if (argc - first_opt > 20) {
        fprintf(stderr, "tegn: demo: too many options\n");
        return EXIT_USAGE;
    }
    return demo(dir, argv + first_opt, argc - first_opt);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        print_usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0) return cmd_help(argc, argv);
    if (find_command(argv[1]) && wants_help(argc, argv)) {
        print_command_help(find_command(argv[1]), stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--definitions") == 0 && argc == 2) return tg_cmddefs_main();
    if (strcmp(argv[1], "--version") == 0) {
        printf("tegn %s\n", TG_VERSION_STRING);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "demo") == 0) return cmd_demo(argc, argv);
    if (strcmp(argv[1], "run") == 0) return cmd_run(argc, argv);
    if (strcmp(argv[1], "check") == 0) return tg_cmdcheck_main(argc, argv);
    if (strcmp(argv[1], "summary") == 0) return cmd_summary(argc, argv);
    if (strcmp(argv[1], "report") == 0) return tg_cmdreport_main(argc, argv);
    if (strcmp(argv[1], "history") == 0) return tg_cmdhistory_main(argc, argv);
    if (strcmp(argv[1], "repl") == 0) return tg_repl_main();
    if (strcmp(argv[1], "inspect") == 0) return cmd_inspect(argc, argv);
    fprintf(stderr, "tegn: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return EXIT_USAGE;
}
