/*
** tg_cli.c -- exit codes and the error display every command shares. The
** engine's tg_error records become compiler-style messages with the
** offending source line and a caret.
*/
#include <stdio.h>
#include <string.h>

#include "tg_cli.h"
#include "tg_err.h"

int tg_cli_exit_code(tg_status st) {
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

void tg_cli_print_error(const tg_error *err, char delim) {
    char msg[1024];
    fprintf(stderr, "tegn: %s\n", tg_err_format(err, msg, sizeof msg));
    if (err->code == TG_EDATA && err->line > 0 && err->col > 0)
        show_source_line(err->file, err->line, err->col, delim);
}

void tg_cli_print_stderr(void *ud, const char *text, size_t len) {
    (void)ud;
    fwrite(text, 1, len, stderr);
}
