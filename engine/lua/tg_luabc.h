/*
** tg_luabc.h -- one edit of compiled Lua 5.4 chunks: tail calls become
** ordinary calls. Lua reuses the caller's frame for `return f(x)`, so an
** error inside f (a scripts/lib helper) leaves no trace of the line that
** called it; with the call kept, the traceback and the "called from"
** headline name the user's line. The cost: a tail-recursive loop grows the
** stack (about 300,000 frames fit) instead of running in
** constant space. Works on the bytes lua_dump writes; knows nothing else
** of Lua, so it includes no Lua header.
*/
#ifndef TG_LUABC_H
#define TG_LUABC_H

#include <stddef.h>

/* Rewrites, in the binary chunk chunk[0..n) (as lua_dump writes it, with
** debug information), every OP_TAILCALL into OP_CALL returning all results;
** the OP_RETURN the compiler puts after each tail call then returns them,
** so the function's results are the same. 'op_call' and 'op_tailcall' are
** the opcodes of the running Lua (the caller checks them on a probe
** chunk). Returns the number of calls rewritten, or -1, leaving the chunk
** untouched, when it is not a Lua 5.4 chunk of the expected layout. */
long tg_luabc_untail(unsigned char *chunk, size_t n, unsigned op_call, unsigned op_tailcall);

/* The number of instructions with opcode 'op' in the chunk (all its
** functions), or -1 as above: how the caller finds the opcodes. */
long tg_luabc_count(const unsigned char *chunk, size_t n, unsigned op);

#endif /* TG_LUABC_H */
