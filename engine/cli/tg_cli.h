/*
** tg_cli.h -- what the command line's files share: exit codes, the
** compiler-style error display and the print callback that writes to stderr.
** Only the CLI prints or exits; the engine reports through tg_error records.
*/
#ifndef TG_CLI_H
#define TG_CLI_H

#include <stddef.h>

#include "tegn.h"

/* Exit codes (documented in README.md and `tegn --help`). */
enum {
    EXIT_OK = 0,
    EXIT_SCRIPT = 1,       /* the Lua script raised an error */
    EXIT_DATA = 2,         /* input data malformed or unreadable */
    EXIT_LIMIT = 3,        /* time or memory limit reached */
    EXIT_INTERNAL = 4,     /* out of memory outside any limit, or a bug */
    EXIT_CHANGED = 10,     /* --fail-on: the run history shows a change of a named kind */
    EXIT_USAGE = 64,       /* bad command line (as BSD sysexits) */
    EXIT_UNAVAILABLE = 69, /* a program tegn needs is missing or failed: Chromium for
                           ** --pdf (as sysexits' EX_UNAVAILABLE) */
    EXIT_CANCEL = 130      /* stopped by SIGINT/SIGTERM (128 + SIGINT) */
};

/* The exit code for an engine status. */
int tg_cli_exit_code(tg_status st);

/* Prints 'err' as "tegn: file:line:col: message" on stderr and, for a data
** error with a position, the offending line with a caret under the field
** ('delim' 0: guessed from the line). */
void tg_cli_print_error(const tg_error *err, char delim);

/* The value of option 'name' at argv[*i], given as "--name VALUE" or
** "--name=VALUE", stepping *i over it; NULL when argv[*i] is another
** option, and also when the value is missing (then *missing is set, and
** the caller says so in its own words). The one option reader of the CLI. */
const char *tg_cli_opt_value(int argc, char **argv, int *i, const char *name, int *missing);

/* A tg_lua print callback that writes the text to stderr. */
void tg_cli_print_stderr(void *ud, const char *text, size_t len);
/* The same to stdout (tegn run --format: print() of a Table). */
void tg_cli_print_stdout(void *ud, const char *text, size_t len);

#endif
