/*
** tg_pgsql.c -- a PostgreSQL statement's text, token by token (see
** tg_pgsql.h). Follows the server's lexer (scan.l) as far as where tokens
** begin and end: standard_conforming_strings on (the default since 9.1),
** so only E'...' reads backslashes; identifiers may hold '$' after their
** first character, so "a$b" is no dollar quote and "$1" no tag.
*/
#include "tg_pgsql.h"

static int ident_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int ident_char(unsigned char c) {
    return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Past the quoted run opened by q at s[i]; a doubled q stands for itself,
** and with 'backslash' (E'...') so does the character after a '\'. */
static size_t skip_quoted(const char *s, size_t i, char q, int backslash) {
    for (i++; s[i]; i++) {
        if (backslash && s[i] == '\\' && s[i + 1]) i++;
        else if (s[i] == q && s[i + 1] == q) i++;
        else if (s[i] == q) return i + 1;
    }
    return i;
}

/* The length of the dollar quote's opening tag at s ("$$", "$tag$"), or 0
** when s is no such tag ("$1", "$ "). */
static size_t dollar_tag(const char *s) {
    size_t n = 1;
    if (ident_start((unsigned char)s[1]))
        while (ident_char((unsigned char)s[n]) && s[n] != '$') n++;
    return s[n] == '$' ? n + 1 : 0;
}

/* Past the dollar-quoted string whose tag (tag bytes) opens at s[i]; an
** unclosed one runs to the end. */
static size_t skip_dollar(const char *s, size_t i, size_t tag) {
    size_t k = i + tag;
    for (; s[k]; k++) {
        size_t m = 0;
        while (m < tag && s[k + m] == s[i + m]) m++;
        if (m == tag) return k + tag;
    }
    return k;
}

/* Past the comment at s[i] ("--" to the line's end, or a nested slash-star
** one); 0 when none begins there. */
static size_t skip_comment(const char *s, size_t i) {
    if (s[i] == '-' && s[i + 1] == '-') {
        while (s[i] && s[i] != '\n' && s[i] != '\r') i++;
        return i;
    }
    if (s[i] != '/' || s[i + 1] != '*') return 0;
    int depth = 0;
    while (s[i]) {
        if (s[i] == '/' && s[i + 1] == '*') {
            depth++;
            i += 2;
        } else if (s[i] == '*' && s[i + 1] == '/') {
            i += 2;
            if (--depth == 0) return i;
        } else {
            i++;
        }
    }
    return i;
}

/* Past the token at s[i] (s[i] not NUL); *counts is 0 for what may follow
** the statement (a blank, a comment, a ';'), else 1. */
static size_t token(const char *s, size_t i, int *counts) {
    unsigned char c = (unsigned char)s[i];
    size_t j = skip_comment(s, i), tag;
    *counts = !(j || blank(s[i]) || c == ';');
    if (j) return j;
    if (c == '\'' || c == '"') return skip_quoted(s, i, (char)c, 0);
    if (c == '$' && (tag = dollar_tag(s + i)) > 0) return skip_dollar(s, i, tag);
    if (!ident_char(c) || c == '$') return i + 1;
    for (j = i + 1; ident_char((unsigned char)s[j]); j++) continue;
    if (j == i + 1 && (c == 'E' || c == 'e') && s[j] == '\'') return skip_quoted(s, j, '\'', 1);
    return j;
}

size_t tg_pgsql_end(const char *sql) {
    size_t i = 0, end = 0;
    int counts;
    while (sql[i]) {
        i = token(sql, i, &counts);
        if (counts) end = i;
    }
    return end;
}

int tg_pgsql_locate(const char *sql, long pos, int *line, int *col) {
    const unsigned char *p = (const unsigned char *)sql;
    int l = 1, c = 1;
    if (pos < 1) return 0;
    for (long k = 1;; p++) {
        if ((*p & 0xC0) == 0x80) continue; /* a UTF-8 continuation byte */
        if (k == pos) {
            *line = l;
            *col = c;
            return 1;
        }
        if (!*p) return 0;
        k++;
        if (*p == '\n' || (*p == '\r' && p[1] != '\n')) {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
}
