/*
** tg_cmdrun.h -- what `tegn run` adds around tg_run for people at a
** prompt: the script given as text (-e CODE) or read from stdin (-), and
** the --timing table of the time each top-level line of the script took.
*/
#ifndef TG_CMDRUN_H
#define TG_CMDRUN_H

#include <stddef.h>

#include "tg_run.h"

/* The whole of stdin as a NUL-terminated string (free with free), or NULL
** after saying why on stderr (unreadable, or a NUL byte: not Lua text). */
char *tg_cmdrun_read_stdin(void);

/* Prints the --timing table on stderr: for each of the n lines of the
** script's top level that ran, its number, seconds, share of the total,
** how often it started, and its code (the line of 'code', or of the file
** 'script' when code is NULL, shortened to fit). */
void tg_cmdrun_print_timing(const tg_run_line_time *lines, size_t n, const char *script,
                            const char *code);

#endif
