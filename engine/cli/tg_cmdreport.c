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
#include "tg_indsum.h"
#include "tg_json.h"
#include "tg_mem.h"
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

static int write_report(const tg_json *doc, const char *out, const tg_histdiff *since) {
    tg_error err;
    tg_err_clear(&err);
    if (out) {
        tg_status st = tg_report_write_since(doc, since, out, &err);
        if (st != TG_OK) tg_cli_print_error(&err, 0);
        return tg_cli_exit_code(st);
    }
    char *html = tg_report_html_since(doc, since);
    if (!html) {
        fprintf(stderr, "tegn: out of memory writing the report\n");
        return EXIT_INTERNAL;
    }
    fputs(html, stdout);
    tg_free(html);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_DATA;
}

int tg_cmdreport_main(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *history = NULL;
    tg_json *doc;
    char why[300];
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
        else if (strncmp(argv[i], "--out=", 6) == 0) out = argv[i] + 6;
        else if (strcmp(argv[i], "--history") == 0 && i + 1 < argc) history = argv[++i];
        else if (strncmp(argv[i], "--history=", 10) == 0) history = argv[i] + 10;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tegn: unknown option '%s' for report\n", argv[i]);
            return EXIT_USAGE;
        } else if (!in) in = argv[i];
        else {
            fprintf(stderr, "tegn: report takes one indicator JSON file, got '%s' too\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!in || (out && !out[0])) {
        fprintf(stderr, "tegn: usage: tegn report FILE.json [--out FILE.html] [--history FILE]\n");
        return EXIT_USAGE;
    }
    if (out && tg_cmdreport_same_file(in, out)) {
        fprintf(stderr, "tegn: report: --out %s is the document itself\n", out);
        return EXIT_USAGE;
    }
    int rc = read_doc(in, &doc);
    if (rc == EXIT_OK && !tg_indsum_check(doc, why, sizeof why)) {
        fprintf(stderr, "tegn: %s: not an indicator document: %s\n", in, why);
        rc = EXIT_DATA;
    }
    tg_cmdhistory_since *since = NULL;
    if (rc == EXIT_OK && history) rc = tg_cmdhistory_since_doc(history, doc, &since);
    if (rc == EXIT_OK) rc = write_report(doc, out, tg_cmdhistory_since_diff(since));
    tg_cmdhistory_since_free(since);
    tg_json_free(doc);
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

int tg_cmdreport_after_run(const tg_json *doc, const char *path, const tg_histdiff *since) {
    char why[300];
    if (!doc) {
        fprintf(stderr, "tegn: --report: the script emitted no document to report\n");
        return EXIT_DATA;
    }
    if (!tg_indsum_check(doc, why, sizeof why)) {
        fprintf(stderr, "tegn: --report: not an indicator document: %s\n", why);
        return EXIT_DATA;
    }
    if (is_input(doc, path)) {
        fprintf(stderr, "tegn: --report %s is an input of the run; not written\n", path);
        return EXIT_USAGE;
    }
    return write_report(doc, path, since);
}
