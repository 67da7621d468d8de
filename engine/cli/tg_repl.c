/*
** tg_repl.c -- `tegn repl`: an interactive Lua prompt with the tegn module,
** line editing through libedit when the build found it.
*/
#include <dirent.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(TG_HAVE_LIBEDIT)
#include <editline/readline.h>
#endif

#include "tg_cli.h"
#include "tg_err.h"
#include "tg_home.h"
#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_lualib.h"
#include "tg_luarepl.h"
#include "tg_repl.h"

/* The runtime completion and help ask; one REPL per process. */
static tg_lua *repl_rt;

#if defined(TG_HAVE_LIBEDIT)
static char history_path[4096];

/* The candidates of the current completion, handed out one by one. */
static struct {
    char **v;
    size_t n, cap, next;
} cands;

static void add_cand(void *ud, const char *c) {
    (void)ud;
    if (cands.n == cands.cap) {
        size_t cap = cands.cap ? 2 * cands.cap : 32;
        char **v = realloc(cands.v, cap * sizeof *v);
        if (!v) return;
        cands.v = v;
        cands.cap = cap;
    }
    if ((cands.v[cands.n] = strdup(c))) cands.n++;
}

static char *next_cand(const char *text, int state) {
    (void)text;
    if (state == 0) cands.next = 0;
    return cands.next < cands.n ? strdup(cands.v[cands.next++]) : NULL;
}

/* Tab: tegn's candidates for the word before the cursor, never file names. */
static char **complete(const char *text, int start, int end) {
    (void)end;
    int in_string =
        start > 0 && (rl_line_buffer[start - 1] == '"' || rl_line_buffer[start - 1] == '\'');
    for (size_t i = 0; i < cands.n; i++) free(cands.v[i]);
    cands.n = 0;
    tg_luarepl_complete(repl_rt, text, in_string, add_cand, NULL);
    rl_attempted_completion_over = 1;
    rl_completion_append_character = '\0'; /* "(", ":" or a quote come next */
    if (cands.n == 0) return NULL;
    return rl_completion_matches(text, next_cand);
}

/* Line editing in UTF-8 (libedit drops what the C locale cannot decode),
** completion, and the history of earlier runs from ~/.tegn_history. */
static void edit_init(void) {
    const char *home = getenv("HOME");
    setlocale(LC_CTYPE, "");
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) setlocale(LC_CTYPE, "C.UTF-8");
    rl_readline_name = "tegn";
    rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{}()[],+-*/%^#~!";
    rl_attempted_completion_function = complete;
    using_history();
    stifle_history(1000);
    if (home && *home) {
        snprintf(history_path, sizeof history_path, "%s/.tegn_history", home);
        read_history(history_path);
    }
}

static char *read_line(const char *prompt) {
    char *line = readline(prompt);
    if (line && *line) {
        add_history(line);
        if (history_path[0]) write_history(history_path);
    }
    return line;
}

static void edit_done(void) {
    for (size_t i = 0; i < cands.n; i++) free(cands.v[i]);
    free(cands.v);
}
#else
static void edit_init(void) {}

static char *read_line(const char *prompt) {
    char buf[4096];
    fputs(prompt, stdout);
    fflush(stdout);
    if (!fgets(buf, sizeof buf, stdin)) return NULL;
    buf[strcspn(buf, "\n")] = '\0';
    return strdup(buf);
}

static void edit_done(void) {}
#endif

/* Hands help() the docs: lua-api.md first, then the other docs (NAME.md) in
** name order, each after a line "\f<path>". Quietly none when not found. */
static void load_docs(tg_lua *rt) {
    const char *dir = tg_home_docs();
    struct dirent **names = NULL;
    char *text = NULL;
    size_t len = 0;
    int n;
    if (!dir || (n = scandir(dir, &names, NULL, alphasort)) < 0) return;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            const char *nm = names[i]->d_name;
            size_t l = strlen(nm);
            int api = strcmp(nm, "lua-api.md") == 0;
            if (l < 4 || strcmp(nm + l - 3, ".md") != 0 || api != (pass == 0)) continue;
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", dir, nm);
            FILE *f = fopen(path, "rb");
            if (!f) continue;
            char *grown = realloc(text, len + l + 16);
            if (grown) {
                text = grown;
                len += (size_t)sprintf(text + len, "\fdocs/%s\n", nm);
                char chunk[8192];
                size_t got;
                while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 &&
                       (grown = realloc(text, len + got + 2))) {
                    text = grown;
                    memcpy(text + len, chunk, got);
                    len += got;
                }
                if (len && text[len - 1] != '\n') text[len++] = '\n';
            }
            fclose(f);
        }
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    if (text) tg_luarepl_set_docs(rt, text, len);
    free(text);
}

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
    tg_luactx_set_tty(lib, isatty(STDERR_FILENO)); /* print goes to stderr */
    tg_lua_opts_init(&lo);
    lo.lib_dir = tg_home_find("scripts/lib");
    lo.print = tg_luactx_print;
    lo.open_libs = tg_lualib_open_repl;
    lo.ud = lib;
    if (!(rt = tg_lua_new(&lo, &err))) {
        tg_cli_print_error(&err, 0);
        tg_luactx_free(lib);
        return tg_cli_exit_code(err.code);
    }
    repl_rt = rt;
    load_docs(rt);
    edit_init();
    printf("tegn %s -- Lua 5.4 with the tegn module. help() helps, Ctrl-D quits.\n",
           TG_VERSION_STRING);
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
    edit_done();
    free(buf);
    tg_lua_free(rt);
    tg_luactx_free(lib);
    return EXIT_OK;
}
