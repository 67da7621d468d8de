/*
** tg_luacheck.h -- `tegn check`'s reading of a script without running it:
** the Lua 5.4 parser for its syntax, then a scan of its tokens for what
** would fail at run time -- globals the sandbox does not have (io, debug,
** os.execute), `require` of a module that is not there or a name that may
** not be required, tegn.* functions and methods no value has, tegn.param
** names not given and --param names never read. The scan is best-effort
** by design: it sees names as they are written, not values as they flow
** (a local that holds tegn under another name is followed only when it is
** assigned `require "tegn"` or `tegn`), so it reports only what is certain
** to be wrong where it can see it.
*/
#ifndef TG_LUACHECK_H
#define TG_LUACHECK_H

#include <stddef.h>

#include "tg_lua.h"
#include "tg_sbuf.h"

typedef struct tg_luacheck_opts {
    const char *script;        /* the name in messages, and the folder require searches first */
    const char *code;          /* the script's text */
    const char *lib_dir;       /* the second folder require searches (NULL: none) */
    const char *const *params; /* the --param "key=value" strings */
    size_t n_params;
} tg_luacheck_opts;

/* What was found, by the exit code it leads to. */
typedef struct tg_luacheck_result {
    int syntax;   /* a syntax error (then nothing else is looked at) */
    int errors;   /* what would fail the run: sandbox, unknown names, missing params */
    int unused;   /* --param names the script never reads (a usage error, as for run) */
    int complete; /* 1 when every param the script reads was seen (no dynamic reads) */
} tg_luacheck_result;

/* Checks o->code in the runtime 'rt' (one tg_run_runtime made: its
** globals and its tegn module are what the script would see), appending
** one line "script:line: message\n" per finding to 'out'. Runs none of
** the script's code. Returns TG_OK (findings or not) or TG_ENOMEM. */
tg_status tg_luacheck_run(tg_lua *rt, const tg_luacheck_opts *o, tg_sbuf *out,
                          tg_luacheck_result *res);

#endif /* TG_LUACHECK_H */
