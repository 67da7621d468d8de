/*
** tg_pgsql.h -- the text of a PostgreSQL statement as PostgreSQL's lexer
** sees it: where the one statement ends (what follows it is blanks,
** comments and semicolons) and which line and column a character position
** of the server's error report is. Strings ('...', E'...'), quoted names,
** dollar-quoted strings ($$...$$, $tag$...$tag$) and comments (--, nested
** slash-star) are skipped whole, so a ';' or '--' inside them is text.
** Pure functions on borrowed strings; no allocation.
*/
#ifndef TG_PGSQL_H
#define TG_PGSQL_H

#include <stddef.h>

/* The length of 'sql' up to the end of its last token that is not a
** blank, a comment or a ';': "SELECT 1; -- slut" gives 8. A string or
** comment left open runs to the end (PostgreSQL refuses it anyway). */
size_t tg_pgsql_end(const char *sql);

/* Where the character 'pos' (1-based, in characters as PostgreSQL counts
** its error positions, UTF-8) of 'sql' stands: *line and *col, 1-based,
** the column in characters. pos may be one past the last character (the
** end of input). Returns 1, or 0 (line and col untouched) when pos is
** outside 'sql'. A line ends at LF, CRLF or a bare CR. */
int tg_pgsql_locate(const char *sql, long pos, int *line, int *col);

#endif /* TG_PGSQL_H */
