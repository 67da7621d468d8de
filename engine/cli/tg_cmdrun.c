/*
** tg_cmdrun.c -- the script from stdin and the --timing table of `tegn
** run` (see tg_cmdrun.h).
*/
#include "tg_cmdrun.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_enc.h"

#define CODE_WIDTH 48 /* characters of a line's code shown in the table */

char *tg_cmdrun_read_stdin(void) {
    size_t len = 0, cap = 4096, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
        len += got;
        if (cap - len - 1 == 0) {
            char *more = realloc(buf, cap * 2);
            if (!more) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
            cap *= 2;
        }
    }
    if (!buf) {
        fprintf(stderr, "tegn: out of memory reading the script from stdin\n");
        return NULL;
    }
    if (ferror(stdin)) {
        fprintf(stderr, "tegn: cannot read the script from stdin: %s\n", strerror(errno));
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        fprintf(stderr, "tegn: the script on stdin holds a NUL byte: not Lua text\n");
        free(buf);
        return NULL;
    }
    return buf;
}

/* The text of the script (read from 'script' when 'code' is NULL), or
** NULL when it cannot be read: the table then shows no code. */
static char *script_text(const char *script, const char *code) {
    FILE *f;
    char *text;
    long len;
    if (code) return strdup(code);
    if (!(f = fopen(script, "rb"))) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(text = malloc((size_t)len + 1))) {
        fclose(f);
        return NULL;
    }
    text[fread(text, 1, (size_t)len, f)] = '\0';
    fclose(f);
    return text;
}

/* Prints line 'want' of 'text' (1-based), blanks squeezed at the start,
** cut at CODE_WIDTH characters with "...". */
static void print_code(const char *text, int want) {
    const char *p = text, *end;
    for (int line = 1; p && line < want; line++) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!p) return;
    p += strspn(p, " \t");
    end = p + strcspn(p, "\r\n");
    size_t bytes = (size_t)(end - p), chars = tg_enc_utf8_len(p, bytes), keep = bytes;
    if (chars > CODE_WIDTH) { /* cut at a character boundary */
        size_t n = 0;
        for (keep = 0; keep < bytes && n < CODE_WIDTH - 3; keep++)
            if (((unsigned char)p[keep] & 0xC0) != 0x80) n++;
        while (keep < bytes && ((unsigned char)p[keep] & 0xC0) == 0x80) keep++;
    }
    fprintf(stderr, "%.*s%s", (int)keep, p, keep < bytes ? "..." : "");
}

void tg_cmdrun_print_timing(const tg_run_line_time *lines, size_t n, const char *script,
                            const char *code) {
    double total = 0;
    char *text = script_text(script, code);
    for (size_t i = 0; i < n; i++) total += lines[i].seconds;
    fprintf(stderr, "timing: %zu line%s of %s ran, %.3f s in all\n", n, n == 1 ? "" : "s", script,
            total);
    fprintf(stderr, "   line    seconds       %%     runs  code\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "%7d %10.3f %7.1f %8zu  ", lines[i].line, lines[i].seconds,
                total > 0 ? 100 * lines[i].seconds / total : 0.0, lines[i].hits);
        if (text) print_code(text, lines[i].line);
        fputc('\n', stderr);
    }
    free(text);
}
