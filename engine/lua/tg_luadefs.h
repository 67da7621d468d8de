/*
** tg_luadefs.h -- the editor definitions of the `tegn` module: a LuaLS
** `---@meta` file (lua/tegn.d.lua, `tegn --definitions`) made from a C
** table of signatures checked against the registry of a live runtime.
** Every function of the module, every method and operator of each value
** (Table, Expr, GroupBy, ...) must have an annotation, and every
** annotation must name something the runtime registers: a binding that
** adds a function without one, or an annotation left behind by a removed
** function, is a problem the caller reports (and the `definitions` test
** fails on).
*/
#ifndef TG_LUADEFS_H
#define TG_LUADEFS_H

#include <stddef.h>

#include "tg_lua.h"
#include "tg_sbuf.h"

/* Appends the definitions file to 'out' and one line per mismatch between
** the annotations and what 'rt' (a runtime opened with tg_lualib_open)
** registers to 'problems' ("no annotation for Table:foo", "annotation for
** tegn.bar, which the runtime does not register"). Returns the number of
** problems; -1 when the runtime could not be walked (out of memory). */
int tg_luadefs_write(tg_lua *rt, tg_sbuf *out, tg_sbuf *problems);

/* Appends the signature of owner.name (owner "tegn", "tegn.sim" or a
** class, "Table") to 'out' as help() shows it, "tegn.sum(e) -> tegn.Agg:
** The sum (NULLs skipped).", and returns 1; 0 (nothing appended) when no
** annotation names it. */
int tg_luadefs_signature(const char *owner, const char *name, tg_sbuf *out);

/* Calls 'fn' with each name the annotations give: "tegn.read_csv",
** "tegn.sim.run" for functions of the module, "Table:filter" for methods.
** For `tegn check`, which knows the API without a runtime walk. */
void tg_luadefs_each(void (*fn)(void *ud, const char *owner, const char *name), void *ud);

#endif /* TG_LUADEFS_H */
