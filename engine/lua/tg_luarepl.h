/*
** tg_luarepl.h -- what `tegn repl` adds to a runtime: each result shown for
** reading (a Table's first rows, as t:show() prints them; a Lua table's
** fields), the globals help() and help(f), and completion candidates.
** Scripts never see these: only a runtime opened with tg_lualib_open_repl
** has them.
*/
#ifndef TG_LUAREPL_H
#define TG_LUAREPL_H

#include <stddef.h>

#include "tg_lua.h"

struct lua_State;

/* Registers the result printer (TG_LUA_REPL_SHOW) and the global help. */
void tg_luarepl_open(struct lua_State *L);

/* The docs help(f) quotes from: the text of the docs (docs/NAME.md), each file starting
** with a line "\f<path>" (the REPL reads them from the installation). */
void tg_luarepl_set_docs(tg_lua *rt, const char *text, size_t len);

typedef void (*tg_luarepl_add_fn)(void *ud, const char *candidate);

/* Calls add for each completion of 'word', the text before the cursor:
** "tegn.su" -> tegn functions, "t:fi" -> the methods of t's kind, "t.x" ->
** t's fields or columns, a bare word -> globals; with 'in_string' (the word
** follows a quote) the column names of every Table among the globals.
** Reads only, runs no script code; offers nothing when anything fails. */
void tg_luarepl_complete(tg_lua *rt, const char *word, int in_string, tg_luarepl_add_fn add,
                         void *ud);

#endif
