/*
** tg_luatakst.h -- tegn.takst: takst calculation for scripts (tg_takst).
** Rule sets are TakstRules userdata holding a checked tg_takst_rules, made
** from a built-in set with optional overrides; the functions take one
** table of named arguments in the Danish terms of takst sheets
** (normerede_pladser, budget_belaegning, omkostninger, belagte_dage, ...)
** and return plain Lua tables, or a tegn Table for compute_table. Part of
** the `tegn` module; the functions are listed in docs/takst.md.
*/
#ifndef TG_LUATAKST_H
#define TG_LUATAKST_H

struct lua_State;


/* Sets tegn.takst in the module table at the top of the stack and registers
** the TakstRules metatable. Leaves the stack as it found it. */
void tg_luatakst_open_module(struct lua_State *L);

#endif /* TG_LUATAKST_H */
