/*
** tg_repl.c -- `tegn repl`: an interactive Lua prompt with the tegn module,
** line editing through libedit when the build found it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(TG_HAVE_LIBEDIT)
#include <editline/readline.h>
#endif

#include "tg_cli.h"
#include "tg_err.h"
#include "tg_home.h"
#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_lualib.h"
#include "tg_repl.h"

#if defined(TG_HAVE_LIBEDIT)
static char *read_line(const char *prompt) {
    char *line = readline(prompt);
    if (line && *line) add_history(line);
    return line;
}
#else
static char *read_line(const char *prompt) {
    char buf[4096];
    fputs(prompt, stdout);
    fflush(stdout);
    if (!fgets(buf, sizeof buf, stdin)) return NULL;
    buf[strcspn(buf, "\n")] = '\0';
    return strdup(buf);
}
#endif

/* A prompt for trying things: each line (or block, when Lua says the
** input is incomplete) runs in one sandboxed state with the tegn module. */
int tg_repl_main(void) {
    tg_error err;
    tg_luactx *lib = tg_luactx_new(NULL, 0, tg_cli_print_stderr, NULL, 0, &err);
    tg_lua_opts lo;
    tg_lua *rt = NULL;
    char *buf = NULL;
    size_t len = 0;

    if (!lib) {
        tg_cli_print_error(&err, 0);
        return tg_cli_exit_code(err.code);
    }
    tg_lua_opts_init(&lo);
    lo.lib_dir = tg_home_find("scripts/lib");
    lo.print = tg_luactx_print;
    lo.open_libs = tg_lualib_open;
    lo.ud = lib;
    if (!(rt = tg_lua_new(&lo, &err))) {
        tg_cli_print_error(&err, 0);
        tg_luactx_free(lib);
        return tg_cli_exit_code(err.code);
    }
    printf("tegn %s -- Lua 5.4 with the tegn module. Ctrl-D quits.\n", TG_VERSION_STRING);
    fflush(stdout);
    for (;;) {
        char *line = read_line(buf ? ">> " : "> ");
        if (!line) break;
        size_t n = strlen(line);
        char *grown = realloc(buf, len + n + 2);
        if (!grown) {
            free(line);
            break;
        }
        buf = grown;
        memcpy(buf + len, line, n);
        len += n;
        buf[len++] = '\n';
        buf[len] = '\0';
        free(line);
        tg_lua_clear_signal();
        tg_lua_install_signal_handlers();
        tg_status st = tg_lua_run_string(rt, "stdin", buf, TG_LUA_REPL, &err);
        if (st != TG_OK && tg_lua_incomplete(&err)) continue; /* read more */
        if (st != TG_OK) {
            char msg[1024];
            fprintf(stderr, "%s\n", tg_err_format(&err, msg, sizeof msg));
        }
        free(buf);
        buf = NULL;
        len = 0;
    }
    printf("\n");
    free(buf);
    tg_lua_free(rt);
    tg_luactx_free(lib);
    return EXIT_OK;
}
