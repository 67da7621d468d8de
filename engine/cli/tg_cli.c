/*
** tg_cli.c -- exit codes and the error display every command shares. The
** engine's tg_error records become compiler-style messages with the
** offending source line and a caret.
*/
#include <stdio.h>
#include <string.h>

#include "tg_cli.h"
#include "tg_enc.h"
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

/* The byte offset in s[0..len) where field 'col' starts (counting
** delimiters outside quotes); len when the line has fewer fields. */
static size_t field_offset(const char *s, size_t len, int col, char delim) {
    int field = 1, quoted = 0;
    for (size_t i = 0; i < len && field < col; i++) {
        if (s[i] == '"') quoted = !quoted;
        else if (s[i] == delim && !quoted && ++field == col) return i + 1;
    }
    return col <= 1 ? 0 : len; /* a missing field: point past the end */
}

/* Appends s[0..n) to out as UTF-8: as it is when it is valid UTF-8, else
** read as Windows-1252 (Danish Excel's "ANSI"), so a data error echoes
** "Næstved", not raw bytes. 'out' has room for 3 * n + 1 bytes. */
static size_t echo_utf8(char *out, const char *s, size_t n) {
    size_t used, w;
    if (tg_enc_utf8_valid((const unsigned char *)s, n, 1) == n) w = n, memcpy(out, s, n);
    else
        w = tg_enc_to_utf8(TG_ENC_CP1252, (const unsigned char *)s, n, (unsigned char *)out, &used);
    for (size_t i = 0; i < w; i++) /* a binary file's control bytes would garble the terminal */
        if ((unsigned char)out[i] < 0x20 && out[i] != '\t') out[i] = '?';
    out[w] = '\0';
    return w;
}

/* Prints line 'line' of 'path' and a caret under field 'col', as
** compilers and jq do: the line in UTF-8, cut to 160 characters, and the
** caret counted in characters (æ is one column, a tab stays a tab).
** Quietly does nothing when the file cannot be read again or is UTF-16. */
static void show_source_line(const char *path, int line, int col, char delim) {
    FILE *f = fopen(path, "rb");
    char buf[4096], text[3 * sizeof buf + 1], pad[sizeof buf + 1];
    int n = 1;
    size_t bom;
    if (!f || line <= 0) {
        if (f) fclose(f);
        return;
    }
    /* UTF-16 and gzip (read decompressed by the loader) are not echoed */
    if (fread(buf, 1, 2, f) == 2 &&
        (tg_enc_bom((unsigned char *)buf, 2, &bom) >= TG_ENC_UTF16LE ||
         ((unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b))) {
        fclose(f);
        return;
    }
    rewind(f);
    /* lines end at LF, CRLF or a bare CR, as the loader counts them */
    int c, prev = 0;
    size_t len = 0;
    while (n < line && (c = getc(f)) != EOF) {
        if (c == '\n' ? prev != '\r' : c == '\r') n++;
        prev = c;
    }
    if (n == line && prev == '\r' && (c = getc(f)) != '\n' && c != EOF) ungetc(c, f);
    while (n == line && len + 1 < sizeof buf && (c = getc(f)) != EOF && c != '\n' && c != '\r')
        buf[len++] = (char)c;
    buf[len] = '\0';
    if (n == line && (len > 0 || c != EOF)) {
        size_t k = 0;
        if (!delim) delim = guess_delim(buf, len);
        size_t caret = field_offset(buf, len, col, delim);
        size_t head = echo_utf8(text, buf, caret);
        echo_utf8(text + head, buf + caret, len - caret);
        /* the caret's padding: one character per character before it */
        for (size_t i = 0; i < head && k < 160; i++)
            if (((unsigned char)text[i] & 0xC0) != 0x80) pad[k++] = text[i] == '\t' ? '\t' : ' ';
        pad[k] = '\0';
        size_t cut = 0, chars = 0;
        while (text[cut] && chars < 160) {
            cut++;
            while (((unsigned char)text[cut] & 0xC0) == 0x80) cut++;
            chars++;
        }
        fprintf(stderr, "  %.*s\n  %s^\n", (int)cut, text, pad);
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

void tg_cli_print_stdout(void *ud, const char *text, size_t len) {
    (void)ud;
    fwrite(text, 1, len, stdout);
}

const char *tg_cli_opt_value(int argc, char **argv, int *i, const char *name, int *missing) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}
