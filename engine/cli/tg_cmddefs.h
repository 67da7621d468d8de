/*
** tg_cmddefs.h -- `tegn --definitions`: prints the LuaLS definitions of the
** tegn module (lua/tegn.d.lua, docs/editor.md), made by tg_luadefs from
** its annotations after checking them against a runtime's registry.
*/
#ifndef TG_CMDDEFS_H
#define TG_CMDDEFS_H

/* Prints the definitions on stdout; returns EXIT_OK, or EXIT_INTERNAL
** after listing on stderr each function without an annotation and each
** annotation of nothing (the file is printed all the same). */
int tg_cmddefs_main(void);

#endif
