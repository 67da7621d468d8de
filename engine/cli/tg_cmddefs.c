/*
** tg_cmddefs.c -- `tegn --definitions` (see tg_cmddefs.h): a runtime as
** `tegn run` builds it, so the walk sees exactly the module scripts see.
*/
#include "tg_cmddefs.h"

#include <stdio.h>

#include "tg_cli.h"
#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_luadefs.h"
#include "tg_mem.h"
#include "tg_run.h"
#include "tg_sbuf.h"

int tg_cmddefs_main(void) {
    tg_run_opts o;
    tg_luactx *lib = NULL;
    tg_lua *rt = NULL;
    tg_sbuf out = { 0 }, problems = { 0 };
    tg_error err;
    int n, rc = EXIT_OK;

    tg_run_opts_init(&o);
    tg_err_clear(&err);
    if (tg_run_runtime(&o, &lib, &rt, &err) != TG_OK) {
        tg_cli_print_error(&err, 0);
        return EXIT_INTERNAL;
    }
    n = tg_luadefs_write(rt, &out, &problems);
    if (n < 0) {
        fprintf(stderr, "tegn: --definitions: the runtime could not be walked: %s",
                problems.p ? problems.p : "out of memory\n");
        rc = EXIT_INTERNAL;
    } else {
        if (out.p) fputs(out.p, stdout);
        if (n > 0) {
            fprintf(stderr,
                    "tegn: --definitions: %d mismatch%s between the annotations "
                    "(engine/lua/tg_luadefs.c) and the runtime:\n%s",
                    n, n == 1 ? "" : "es", problems.p ? problems.p : "");
            rc = EXIT_INTERNAL;
        }
    }
    tg_free(out.p);
    tg_free(problems.p);
    tg_lua_free(rt);
    tg_luactx_free(lib);
    return rc;
}
