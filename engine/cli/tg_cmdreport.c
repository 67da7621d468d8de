/*
** tg_cmdreport.c -- the report command (see tg_cmdreport.h): arguments,
** reading the document, and where the HTML goes. The HTML itself is
** engine/report's.
*/
#include "tg_cmdreport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tg_cli.h"
#include "tg_cmdhistory.h"
#include "tg_err.h"
#include "tg_json.h"
#include "tg_mem.h"
#include "tg_pdf.h"
#include "tg_report.h"

/* Reads and parses the JSON file at 'path' into *doc; an exit code. */
static int read_doc(const char *path, tg_json **doc) {
    FILE *f = fopen(path, "rb");
    struct stat sb;
    char *text = NULL;
    long len = -1;
    int rc = EXIT_DATA;
    tg_error err;

    *doc = NULL;
    if (f && fstat(fileno(f), &sb) == 0 && !S_ISREG(sb.st_mode)) {
        fprintf(stderr, "tegn: %s: not a file (report reads an indicator JSON file)\n", path);
    } else if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
               fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)len + 1)) &&
               fread(text, 1, (size_t)len, f) == (size_t)len) {
        tg_err_clear(&err);
        if (tg_json_parse(text, (size_t)len, doc, &err) == TG_OK) {
            rc = EXIT_OK;
        } else {
            if (!err.file[0]) snprintf(err.file, sizeof err.file, "%s", path);
            tg_cli_print_error(&err, 0);
        }
    } else {
        fprintf(stderr, "tegn: %s: cannot read: %s\n", path, strerror(errno));
    }
    if (f) fclose(f);
    free(text);
    return rc;
}

int tg_cmdreport_same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int tg_cmdreport_load_brand(const char *path, tg_brand *b) {
    tg_error err;
    tg_err_clear(&err);
    memset(b, 0, sizeof *b);
    if (!path) return EXIT_OK;
    tg_status st = tg_brand_load(path, b, &err);
    if (st == TG_OK) return EXIT_OK;
    tg_cli_print_error(&err, 0);
    tg_brand_free(b);
    return tg_cli_exit_code(st);
}

/* The report of 'doc' as HTML to stdout or, when given, printed to 'pdf';
** marked with what changed since the last run when 'since' is given. */
static int put_report(const tg_json *doc, const char *pdf, const tg_brand *brand,
                      const tg_histdiff *since) {
    int rc;
    char *html = tg_report_html_full(doc, brand, since);
    if (!html) {
        fprintf(stderr, "tegn: out of memory writing the report\n");
        return EXIT_INTERNAL;
    }
    if (pdf) {
        rc = tg_pdf_write(html, strlen(html), pdf);
    } else {
        fputs(html, stdout);
        rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_DATA;
    }
    tg_free(html);
    return rc;
}

/* The report of 'doc': to 'out' atomically, then printed to 'pdf'; to
** stdout when neither is given. */
static int write_report(const tg_json *doc, const char *out, const char *pdf, const tg_brand *brand,
                        const tg_histdiff *since) {
    tg_error err;
    int rc = EXIT_OK;
    tg_err_clear(&err);
    if (out) {
        tg_status st = tg_report_write_full(doc, brand, since, out, &err);
        if (st != TG_OK) tg_cli_print_error(&err, 0);
        rc = tg_cli_exit_code(st);
    }
    if (rc == EXIT_OK && (pdf || !out)) rc = put_report(doc, pdf, brand, since);
    return rc;
}

/* The usage error for two of the report's files naming the same file;
** 0 when they do not. */
static int same_target(const char *a, const char *what_a, const char *b, const char *what_b) {
    if (!a || !b || !(strcmp(a, b) == 0 || tg_cmdreport_same_file(a, b))) return 0;
    fprintf(stderr, "tegn: report: %s %s is the %s\n", what_a, a, what_b);
    return 1;
}

int tg_cmdreport_main(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *pdf = NULL, *history = NULL, *brand_path = NULL, *v;
    tg_json *doc;
    tg_brand brand;
    char why[300];
    int missing = 0; /* a file option without its file: the unknown-option message below */
    for (int i = 2; i < argc; i++) {
        if ((v = tg_cli_opt_value(argc, argv, &i, "--out", &missing))) out = v;
        else if ((v = tg_cli_opt_value(argc, argv, &i, "--pdf", &missing))) pdf = v;
        else if ((v = tg_cli_opt_value(argc, argv, &i, "--history", &missing))) history = v;
        else if ((v = tg_cli_opt_value(argc, argv, &i, "--brand", &missing))) brand_path = v;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s' for report%s\n", argv[i],
                    strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "--pdf") == 0 ||
                            strcmp(argv[i], "--history") == 0 || strcmp(argv[i], "--brand") == 0
                        ? " (it needs a file)"
                        : "");
            return EXIT_USAGE;
        } else if (!in) in = argv[i];
        else {
            fprintf(stderr, "tegn: report takes one indicator JSON file, got '%s' too\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!in || (out && !out[0]) || (pdf && !pdf[0]) || (brand_path && !brand_path[0])) {
        fprintf(stderr, "tegn: usage: tegn report FILE.json [--out FILE.html] [--pdf FILE.pdf] "
                        "[--history FILE] [--brand FILE]\n");
        return EXIT_USAGE;
    }
    if (same_target(out, "--out", in, "document itself") ||
        same_target(pdf, "--pdf", in, "document itself") ||
        same_target(pdf, "--pdf", out, "--out file"))
        return EXIT_USAGE;
    int rc = tg_cmdreport_load_brand(brand_path, &brand);
    if (rc != EXIT_OK) return rc;
    rc = read_doc(in, &doc);
    if (rc == EXIT_OK && !tg_report_check(doc, why, sizeof why)) {
        fprintf(stderr, "tegn: %s: not an indicator document: %s\n", in, why);
        rc = EXIT_DATA;
    }
    tg_cmdhistory_since *since = NULL;
    if (rc == EXIT_OK && history) rc = tg_cmdhistory_since_doc(history, doc, &since);
    if (rc == EXIT_OK) rc = write_report(doc, out, pdf, &brand, tg_cmdhistory_since_diff(since));
    tg_cmdhistory_since_free(since);
    tg_json_free(doc);
    tg_brand_free(&brand);
    return rc;
}

/* 1 when 'path' is the same file as one of doc's meta.inputs. */
static int is_input(const tg_json *doc, const char *path) {
    const tg_json *meta = tg_json_get(doc, "meta"), *inputs = NULL;
    if (meta && tg_json_kind_of(meta) == TG_JSON_OBJECT) inputs = tg_json_get(meta, "inputs");
    if (!inputs || tg_json_kind_of(inputs) != TG_JSON_ARRAY) return 0;
    for (size_t i = 0; i < tg_json_len(inputs); i++) {
        const tg_json *in = tg_json_at(inputs, i);
        const tg_json *p = tg_json_kind_of(in) == TG_JSON_OBJECT ? tg_json_get(in, "path") : NULL;
        const char *name = tg_json_str_value(p, NULL);
        if (name && tg_cmdreport_same_file(path, name)) return 1;
    }
    return 0;
}

int tg_cmdreport_after_run(const tg_json *doc, const char *path, const char *pdf,
                           const tg_brand *brand, const tg_histdiff *since) {
    char why[300];
    const char *opt = path ? "--report" : "--pdf";
    if (!doc) {
        fprintf(stderr, "tegn: %s: the script emitted no document to report\n", opt);
        return EXIT_DATA;
    }
    if (!tg_report_check(doc, why, sizeof why)) {
        fprintf(stderr, "tegn: %s: not an indicator document: %s\n", opt, why);
        return EXIT_DATA;
    }
    if ((path && is_input(doc, path)) || (pdf && is_input(doc, pdf))) {
        fprintf(stderr, "tegn: %s %s is an input of the run; not written\n",
                path && is_input(doc, path) ? "--report" : "--pdf",
                path && is_input(doc, path) ? path : pdf);
        return EXIT_USAGE;
    }
    return write_report(doc, path, pdf, brand, since);
}
