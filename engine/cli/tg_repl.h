/*
** tg_repl.h -- `tegn repl`, the interactive prompt.
*/
#ifndef TG_REPL_H
#define TG_REPL_H

/* Reads Lua from the terminal until end of input; returns the exit code. */
int tg_repl_main(void);

#endif
