/*
** tg_home.h -- where tegn finds what it ships besides the binary: the Lua
** library (scripts/lib), the demo's scripts and its datasets.
*/
#ifndef TG_HOME_H
#define TG_HOME_H

/* The path of 'rel' (such as "scripts/lib"): 'rel' itself when the working
** folder has it (a checkout of tegn, or a project laid out like one), else
** beneath the installation -- $TEGN_HOME, else <bin>/../share/tegn beside the
** running binary, else the source tree it was built from. The result is a
** static buffer, valid until the next call; 'rel' when nothing has it. */
const char *tg_home_find(const char *rel);

/* The folder of the docs (lua-api.md and the rest): docs/ as
** tg_home_find finds it, else the installed <bin>/../share/doc/tegn; NULL
** when neither has lua-api.md. A static buffer, as tg_home_find's. */
const char *tg_home_docs(void);

#endif
