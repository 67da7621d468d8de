/*
** tg_luapriv.h -- keyed pseudonyms: t:pseudonymise(col [, opts]) replaces
** a column of personal identifiers (CPR numbers) by HMAC-SHA-256
** pseudonyms under a key the script never sees: the file named by the
** environment variable TEGN_PSEUDONYM_KEY_FILE (which the run's file
** policy makes unreadable to scripts, tg_run), else the variable
** TEGN_PSEUDONYM_KEY itself (the work: tg_pseudo); t:suppress{...} hides
** the counts of a table the disclosure rules hide (the work: tg_suppress).
** Part of the `tegn` module (docs/disclosure.md).
*/
#ifndef TG_LUAPRIV_H
#define TG_LUAPRIV_H

struct lua_State;

#define TG_LUAPRIV_KEY_FILE_ENV "TEGN_PSEUDONYM_KEY_FILE"
#define TG_LUAPRIV_KEY_ENV      "TEGN_PSEUDONYM_KEY"

/* Sets pseudonymise and suppress in the Table method table at the top of the stack. */
void tg_luapriv_open_methods(struct lua_State *L);

#endif /* TG_LUAPRIV_H */
