/*
** tg_lua.c -- the sandboxed Lua runtime (see tg_lua.h and docs/sandbox.md).
** Invariant: once a run is aborted (time limit, signal, cancel, memory) the
** status sits in rt->abort and every way Lua code has of catching an error
** (pcall, xpcall, coroutine.resume/close/wrap, load with a reader)
** re-raises it, while the hook raises again at the next instruction or
** call; so a run that was told to stop does stop, whatever the script does,
** and runs no more of its code (no __close handler) on the way out. The
** memory cap arms that hook when it first refuses (see cap_refused).
** The state's extra space holds the tg_lua pointer, which coroutines inherit.
*/
#include "tg_lua.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "tg_err.h"
#include "tg_luabc.h"
#include "tg_mem.h"
#include "tg_path.h"
#include "tg_rng.h"

#define HOOK_COUNT 10000               /* VM instructions between deadline checks */
#define MEMERR     "not enough memory" /* Lua's text for a refused allocation */
#define MAX_MODULE 200                 /* longest module name require accepts */

struct tg_lua {
    lua_State *L;
    tg_lua_opts opts;
    tg_rng rng;                /* math.random's generator */
    char *script_dir;          /* folder of the last run_file; NULL means "." */
    char *traceback;           /* last failed run's message and traceback */
    double deadline;           /* monotonic seconds; 0 = no time limit */
    atomic_int abort;          /* why the current run must stop; TG_OK while it may go on */
    atomic_int cancel;         /* set by tg_lua_cancel, consumed by the run it cancels */
    tg_error abort_err;        /* message and position for 'abort' */
    tg_error raised;           /* uncaught tg_lua_raise error; code TG_OK when none */
    tg_error pos;              /* innermost script position when the error was raised */
    unsigned long alloc_fails; /* allocations refused since the state was made */
    unsigned long run_fails;   /* alloc_fails when the current run started */
    size_t run_refusals;       /* tg_mem_cap_refusals() when the state or the run started */
    const void *refused_ptr;   /* the request the cap refused last (see cap_refused) */
    size_t refused_size;
    enum { REFUSAL_NONE, REFUSAL_RETRY, REFUSAL_HIT } refusal;
    int running;        /* inside run(): the hook may be armed */
    lua_State *current; /* the thread coroutine.resume last entered (see call_in) */
    int loading;        /* compiling a chunk: its errors get no traceback */
    int load_status;    /* luaL_loadfilex's status when the load failed */
    int closing;        /* coroutine.close calls under way (l_co_close) */
    int untail;         /* tail calls are rewritten: 1 yes, 0 no, -1 not probed yet */
    char *chunk;        /* the running chunk's name, for opts.line; NULL between runs */
};

/* The last SIGINT/SIGTERM; process-wide because a signal handler cannot
** know which runtime is running. */
static volatile sig_atomic_t signalled;

/* Its address is the error object of an aborted run. Scripts cannot make a
** light userdata, so they cannot forge or mistake it. */
static const char abort_key = 0;
static const char chunks_key = 0;   /* registry: short chunk id -> full name */
static const char current_key = 0;  /* registry: the thread in tg_lua.current */
static const char readonly_key = 0; /* registry: weak set of read-only views */
static const char builtins_key = 0; /* registry: the sandbox's globals (see protect_globals) */
static const char shown_key = 0;    /* registry: require's cache entry -> what require gives */

static tg_lua *get_rt(lua_State *L) {
    tg_lua *rt;
    memcpy(&rt, lua_getextraspace(L), sizeof rt);
    return rt;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- memory ---- */

static void cap_refused(tg_lua *rt, const void *ptr, size_t nsize);

/* Lua's allocator: every byte through tg_mem, so the one cap bounds Lua
** and column buffers together. When ptr is NULL, osize is a type tag. */
static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    tg_lua *rt = ud;
    size_t refusals;
    int grow;
    void *p;

    if (nsize == 0) {
        tg_free(ptr);
        return NULL;
    }
    grow = !ptr || nsize > osize;
    if (grow && rt->refusal == REFUSAL_RETRY &&
        (ptr != rt->refused_ptr || nsize != rt->refused_size))
        rt->refusal = REFUSAL_HIT; /* Lua did not retry the refused request: it gave up */
    refusals = tg_mem_cap_refusals();
    p = tg_realloc(ptr, nsize);
    if (p) {
        if (grow && rt->refusal == REFUSAL_RETRY) rt->refusal = REFUSAL_NONE; /* the retry fit */
        return p;
    }
    if (ptr && nsize <= osize) return ptr; /* a refused shrink: the old block still fits */
    rt->alloc_fails++;
    if (tg_mem_cap_refusals() != refusals) cap_refused(rt, ptr, nsize);
    return NULL;
}

/* "64 MiB" for a round size, else a byte count. */
static void format_size(char *buf, size_t size, size_t bytes) {
    static const char *const units[] = { "GiB", "MiB", "KiB" };
    for (size_t i = 0; i < TG_ARRAY_LEN(units); i++) {
        size_t unit = (size_t)1 << (10 * (3 - i));
        if (bytes >= unit && bytes % unit == 0) {
            snprintf(buf, size, "%zu %s", bytes / unit, units[i]);
            return;
        }
    }
    snprintf(buf, size, "%zu bytes", bytes);
}

/* Whether the error object at idx, raised with 'status', is a refused
** allocation: only if one was refused since 'snapshot', as lua_error turns
** a script's error("not enough memory") into LUA_ERRMEM too. The string
** test covers the places that report LUA_ERRMEM as "false, message"
** (coroutine.resume, load). */
static int is_mem_error(const tg_lua *rt, lua_State *L, int idx, int status,
                        unsigned long snapshot) {
    if (rt->alloc_fails == snapshot) return 0;
    if (status == LUA_ERRMEM || status == LUA_ERRERR) return 1;
    return lua_type(L, idx) == LUA_TSTRING && strcmp(lua_tostring(L, idx), MEMERR) == 0;
}

/* ---- aborting a run ---- */

/* The innermost Lua function's position (a C function has no line). */
static void locate(lua_State *L, char *file, size_t size, int *line) {
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            const char *src = ar.source;
            snprintf(file, size, "%s", (*src == '@' || *src == '=') ? src + 1 : ar.short_src);
            *line = ar.currentline;
            return;
        }
    }
    file[0] = '\0';
    *line = 0;
}

/* The one home of the "where" prefix of every error tegn raises (tg_lua.h). */
void tg_lua_push_where(lua_State *L) {
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline > 0) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}

/* Records why the run stops; the first reason wins. Only the Lua thread
** writes; tg_lua_poll readers see 'abort' last, after the details. */
static void set_abort(tg_lua *rt, lua_State *L, tg_status st, const char *msg) {
    char file[256];
    int line;

    if (atomic_load(&rt->abort) != TG_OK) return;
    file[0] = '\0';
    line = 0;
    if (L) locate(L, file, sizeof file, &line);
    tg_err_set(&rt->abort_err, st, file, line, 0, "%s", msg);
    atomic_store(&rt->abort, st);
}

static void limit_message(const tg_lua *rt, tg_status st, char *buf, size_t size) {
    if (st == TG_ECANCEL) snprintf(buf, size, signalled ? "cancelled by signal" : "cancelled");
    else snprintf(buf, size, "time limit %g s exceeded", rt->opts.timeout_s);
}

static void mem_abort(tg_lua *rt, lua_State *L) {
    char msg[64], size[32];
    if (tg_mem_cap_refusals() != rt->run_refusals) {
        format_size(size, sizeof size, tg_mem_cap());
        snprintf(msg, sizeof msg, "memory limit %s exceeded", size);
        set_abort(rt, L, TG_ELIMIT, msg);
    } else {
        set_abort(rt, L, TG_ENOMEM, "out of memory");
    }
}

static void hook(lua_State *L, lua_Debug *ar);

/* Makes the hook fire at the next instruction and the next call of this
** thread and of the main one, so Lua code that swallowed the abort, a
** __close handler on the way out, or a C function (say t.write_csv) set
** as one is stopped before it runs. */
static void arm(tg_lua *rt, lua_State *L) {
    lua_sethook(L, hook, LUA_MASKCOUNT | LUA_MASKCALL, 1);
    if (L != rt->L) lua_sethook(rt->L, hook, LUA_MASKCOUNT | LUA_MASKCALL, 1);
}

/* Lua answers a refused allocation with an emergency collection and one
** retry of the same request; only a refused retry, or no retry (lauxlib's
** buffers do none), means the script is out of room. The error that
** follows is raised without the message handler and unwinds through
** __close handlers, so the hook is armed at the first refusal: no script
** code runs before it has looked. Lua's retry happens before the next
** instruction, so by then 'refusal' tells a recovery from a hit. */
static void cap_refused(tg_lua *rt, const void *ptr, size_t nsize) {
    if (rt->refusal != REFUSAL_NONE) {
        rt->refusal = REFUSAL_HIT;
        return;
    }
    rt->refusal = REFUSAL_RETRY;
    rt->refused_ptr = ptr;
    rt->refused_size = nsize;
    if (rt->running) arm(rt, rt->current);
}

static int msghandler(lua_State *L);
static int xpcall_handler(lua_State *L);

/* The wrappers that report an abort are the only functions still called
** once it is recorded. */
static int is_abort_handler(lua_State *L, lua_Debug *ar) {
    lua_CFunction f;
    if (ar->event != LUA_HOOKCALL || !lua_getinfo(L, "f", ar)) return 0;
    f = lua_tocfunction(L, -1);
    lua_pop(L, 1);
    return f == msghandler || f == xpcall_handler;
}

TG_NORETURN static int raise_abort(tg_lua *rt, lua_State *L) {
    arm(rt, L);
    if (!lua_checkstack(L, 1)) lua_pop(L, 1); /* full after LUA_MULTRET: we raise anyway */
    lua_pushlightuserdata(L, (void *)&abort_key);
    lua_error(L);
    TG_UNREACHABLE();
}

/* The count hook: polls the deadline and the cancel flags. The traceback
** is taken here, at the looping code, because pcall wrappers re-raise
** from further out. */
/* The hook's events: the count (deadline, signals), and each line when
** opts.line wants the lines of the chunk. */
static int hook_mask(const tg_lua *rt) {
    return LUA_MASKCOUNT | (rt->opts.line ? LUA_MASKLINE : 0);
}

/* A line event: reported when it is a line of the run's own chunk at its
** top level, in the main thread. */
static void line_event(tg_lua *rt, lua_State *L, lua_Debug *ar) {
    if (L != rt->L || !rt->chunk || !lua_getinfo(L, "S", ar) || strcmp(ar->what, "main") != 0 ||
        strcmp(ar->source, rt->chunk) != 0)
        return;
    rt->opts.line(rt->opts.line_ud, ar->currentline);
}

static void hook(lua_State *L, lua_Debug *ar) {
    tg_lua *rt = get_rt(L);
    tg_status st;

    if (ar->event == LUA_HOOKLINE) { /* the count events still come on their own */
        if (rt->refusal == REFUSAL_NONE && atomic_load(&rt->abort) == TG_OK) line_event(rt, L, ar);
        return;
    }

    if (rt->refusal != REFUSAL_NONE) {
        /* No position: the error has unwound, and the code here (say a
        ** __close handler) is not where the memory ran out. */
        rt->refusal = REFUSAL_NONE;
        mem_abort(rt, NULL);
    }
    st = tg_lua_poll(rt);

    if (st == TG_OK) {
        if (lua_gethookcount(L) != HOOK_COUNT || lua_gethookmask(L) != hook_mask(rt))
            lua_sethook(L, hook, hook_mask(rt), HOOK_COUNT);
        return;
    }
    if (atomic_load(&rt->abort) != TG_OK && is_abort_handler(L, ar)) return;
    if (atomic_load(&rt->abort) == TG_OK) {
        char msg[128], text[1024];
        const char *src;

        limit_message(rt, st, msg, sizeof msg);
        lua_getinfo(L, "Sl", ar);
        src = ar->source;
        tg_err_set(&rt->abort_err, st, (*src == '@' || *src == '=') ? src + 1 : ar->short_src,
                   ar->currentline, 0, "%s", msg);
        atomic_store(&rt->abort, st);
        tg_err_format(&rt->abort_err, text, sizeof text);
        luaL_traceback(L, L, text, 0);
        tg_free(rt->traceback);
        rt->traceback = tg_strdup(lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    raise_abort(rt, L);
}

/* ---- catching errors: pcall, xpcall, coroutines ---- */

/* Shared tail of pcall and xpcall (also their continuation after a
** yield): aborts pass through, other errors become false, err. */
static int finish_call(lua_State *L, int status, lua_KContext snapshot, int extra) {
    tg_lua *rt = get_rt(L);

    if (status == LUA_OK || status == LUA_YIELD) return lua_gettop(L) - extra;
    if (atomic_load(&rt->abort) == TG_OK &&
        is_mem_error(rt, L, -1, status, (unsigned long)snapshot))
        mem_abort(rt, L);
    if (atomic_load(&rt->abort) != TG_OK) return raise_abort(rt, L);
    rt->raised.code = TG_OK; /* the script handled it */
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
}

static int finish_pcall(lua_State *L, int status, lua_KContext snapshot) {
    return finish_call(L, status, snapshot, 0);
}

static int finish_xpcall(lua_State *L, int status, lua_KContext snapshot) {
    return finish_call(L, status, snapshot, 2);
}

/* For the message handlers, which run where the error was raised, before
** the stack unwinds: a memory failure raised as an ordinary error, or an
** abort, arms the hook there, so no __close handler runs on the way out.
** (Lua raises most memory errors without any handler; cap_refused has
** armed the hook for those.) 1 if the run is aborted. */
static int catch_abort(lua_State *L, unsigned long snapshot) {
    tg_lua *rt = get_rt(L);
    if (atomic_load(&rt->abort) == TG_OK && is_mem_error(rt, L, 1, LUA_ERRRUN, snapshot))
        mem_abort(rt, L);
    if (atomic_load(&rt->abort) == TG_OK) return 0;
    arm(rt, L);
    return 1;
}

static int l_base_pcall(lua_State *L) {
    lua_KContext snapshot = (lua_KContext)get_rt(L)->alloc_fails;
    int status;

    luaL_checkany(L, 1);
    lua_pushboolean(L, 1); /* the first result on success */
    lua_insert(L, 1);
    status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, snapshot, finish_pcall);
    return finish_pcall(L, status, snapshot);
}

/* Wraps the script's message handler so it never sees an abort (it could
** loop) nor hides a memory failure behind its own message. */
static int xpcall_handler(lua_State *L) {
    unsigned long snapshot = (unsigned long)lua_tointeger(L, lua_upvalueindex(2));

    if (catch_abort(L, snapshot)) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int l_base_xpcall(lua_State *L) {
    lua_KContext snapshot = (lua_KContext)get_rt(L)->alloc_fails;
    int n = lua_gettop(L);
    int status;

    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushinteger(L, (lua_Integer)snapshot);
    lua_pushcclosure(L, xpcall_handler, 2);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2); /* f, handler, true, f, args... */
    status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, snapshot, finish_xpcall);
    return finish_xpcall(L, status, snapshot);
}

/* Calls the function at index 1 with the arguments above it, the value on
** top (popped first) being, if a thread, the one cap_refused arms while
** the call lasts: the allocator cannot know which thread runs, and a
** coroutine unwinding a pcall runs its __close handlers with its own hook.
** The registry holds that thread, so the pointer stays valid when an error
** skips the switch back. Returns the number of results. */
static int call_in(lua_State *L) {
    tg_lua *rt = get_rt(L);
    lua_State *co = lua_tothread(L, -1);

    if (!co) {
        lua_pop(L, 1);
        lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
        return lua_gettop(L);
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &current_key); /* f args co prev */
    lua_insert(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &current_key); /* prev f args */
    rt->current = co;
    lua_call(L, lua_gettop(L) - 2, LUA_MULTRET);
    lua_pushvalue(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &current_key);
    rt->current = lua_tothread(L, 1);
    lua_remove(L, 1);
    return lua_gettop(L);
}

/* Calls the wrapped library function (upvalue 1) and re-raises an abort
** or a memory failure it reported as "false/nil, message": used for
** coroutine.resume, coroutine.close and load, which catch errors. */
static int l_guarded(lua_State *L) {
    tg_lua *rt = get_rt(L);
    unsigned long snapshot = rt->alloc_fails;
    int n;

    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_pushvalue(L, 2);
    n = call_in(L);
    if (n >= 2 && !lua_toboolean(L, 1)) {
        if (atomic_load(&rt->abort) == TG_OK && is_mem_error(rt, L, 2, LUA_ERRRUN, snapshot))
            mem_abort(rt, L);
        if (atomic_load(&rt->abort) == TG_OK) rt->raised.code = TG_OK;
    }
    if (atomic_load(&rt->abort) != TG_OK) return raise_abort(rt, L);
    return n;
}

/* A function made by coroutine.wrap (upvalues: the guarded resume, the
** coroutine, the guarded close). Resuming and closing through the guarded
** functions keeps the coroutine the thread the cap arms, and an abort
** ends the run before the coroutine's __close handlers would run. Errors
** are raised as the library's wrap does: closed first, then the caller's
** position prefixed to a message. */
static int l_co_wrapped(lua_State *L) {
    lua_State *co = lua_tothread(L, lua_upvalueindex(2));
    int status;

    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_rotate(L, 1, 2);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    if (lua_toboolean(L, 1)) return lua_gettop(L) - 1;
    lua_settop(L, 2);
    status = lua_status(co);
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushvalue(L, lua_upvalueindex(3));
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_call(L, 1, 2);
        if (!lua_toboolean(L, -2)) lua_replace(L, 2);
        lua_settop(L, 2);
    }
    if (lua_type(L, 2) == LUA_TSTRING) {
        luaL_where(L, 1);
        lua_insert(L, 2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

/* coroutine.wrap(f) on top of the guarded resume and close (upvalues). */
static int l_co_wrap(lua_State *L) {
    lua_State *co;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, -2);
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushcclosure(L, l_co_wrapped, 3);
    return 1;
}

/* coroutine.close nested deeper than this raises (see l_co_close). Each
** level costs about 1.6 KiB of C stack in Lua 5.4.4; Lua's own limit of
** nested C calls is 200. */
#define MAX_CLOSE_NESTING 100

/* coroutine.close, guarded, and refusing to nest deeply: in Lua 5.4.4 a
** __close handler that closes another suspended coroutine, whose handler
** closes the next, ... recurses in C without counting toward Lua's C-stack
** limit and overflows the stack (a segfault; fixed in Lua 5.4.5, but
** Debian ships 5.4.4). The count is kept across the call with a pcall, so
** an error leaving a close cannot leave it raised. */
static int l_co_close(lua_State *L) {
    tg_lua *rt = get_rt(L);
    int status;

    if (rt->closing >= MAX_CLOSE_NESTING)
        return luaL_error(L, "coroutine.close nested deeper than %d levels", MAX_CLOSE_NESTING);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, l_guarded, 1);
    lua_insert(L, 1);
    rt->closing++;
    status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    rt->closing--;
    if (status != LUA_OK) return lua_error(L); /* the same error object, aborts included */
    return lua_gettop(L);
}

/* ---- base library replacements ---- */

/* load(chunk [, chunkname [, mode [, env]]]) with mode forced to "t": the
** LRM warns that crafted bytecode can crash the interpreter. */
static int l_base_load(lua_State *L) {
    if (lua_gettop(L) < 3) lua_settop(L, 3); /* keeps argument 4 "none" */
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    return l_guarded(L);
}

/* setmetatable refusing __gc: finalizers run with hooks off, so a Lua
** finalizer that loops could not be stopped by the time limit. */
static int l_base_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not allowed in scripts");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* ---- read-only views ---- */

/* __newindex of a view: upvalue 1 is its name. */
static int l_readonly_newindex(lua_State *L) {
    const char *key = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "cannot set '%s': %s is read-only", key,
                      lua_tostring(L, lua_upvalueindex(1)));
}

/* The iterator of pairs(view): walks the hidden table (upvalue 1), so the
** table itself is never handed out. */
static int l_readonly_next(lua_State *L) {
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1))) return 2;
    lua_pushnil(L);
    return 1;
}

static int l_readonly_pairs(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, l_readonly_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

void tg_lua_readonly(lua_State *L, const char *name, int with_index) {
    if (!with_index) lua_pushvalue(L, -1); /* the table is its own __index */
    lua_newtable(L); /* the view: always empty, so every write meets __newindex */
    lua_createtable(L, 0, 4);
    lua_rotate(L, -3, 2); /* table, view, mt, index */
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_pushcclosure(L, l_readonly_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, -3);
    lua_pushcclosure(L, l_readonly_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_remove(L, -2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &readonly_key);
    lua_pushvalue(L, -2);
    lua_pushstring(L, name);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

static int refuse_global(lua_State *L, const char *prefix, int key) {
    return luaL_error(L, "%scannot set global '%s': the sandbox's globals are read-only", prefix,
                      luaL_tolstring(L, key, NULL));
}

/* 1 when key 'k' names one of the sandbox's globals (protect_globals). */
static int is_builtin(lua_State *L, int k) {
    int found;
    k = lua_absindex(L, k);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &builtins_key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushvalue(L, k);
    found = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return found;
}

/* rawset refusing the read-only views, whose emptiness it would fill, and
** the sandbox's globals, which live outside _G's own slots. */
static int l_base_rawset(lua_State *L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &readonly_key);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, -2) == LUA_TSTRING)
        return luaL_error(L, "rawset: %s is read-only", lua_tostring(L, -1));
    lua_pop(L, 2);
    lua_pushglobaltable(L);
    if (lua_rawequal(L, 1, -1) && is_builtin(L, 2)) return refuse_global(L, "rawset: ", 2);
    lua_pop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* print(...): tostring of each argument, tab-separated, one line handed
** to opts.print (never to stdout, which carries the results). */
static int l_base_print(lua_State *L) {
    tg_lua *rt = get_rt(L);
    int n = lua_gettop(L);
    luaL_Buffer b;
    size_t len;
    const char *s;

    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
        if (i < n) luaL_addchar(&b, '\t');
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
    s = lua_tolstring(L, -1, &len);
    if (rt->opts.print) rt->opts.print(rt->opts.ud, s, len);
    return 0;
}

static int l_undefined_global(lua_State *L) {
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "undefined global '%s'", lua_tostring(L, 2));
    return luaL_error(L, "undefined global (a %s key)", luaL_typename(L, 2));
}

/* ---- the sandbox's globals, read-only ---- */

/* _G's __newindex: a new name is stored in _G; one of the sandbox's names
** (upvalue 1 holds them) is refused, so no chunk -- a library module
** loaded with require least of all -- can replace tegn, print, pairs or
** string for the code that runs after it. */
static int l_global_newindex(lua_State *L) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return refuse_global(L, "", 2);
    lua_pop(L, 1);
    lua_rawset(L, 1);
    return 0;
}

/* pairs(_G): the sandbox's names (upvalue 1), then _G's own. The two sets
** of keys never meet, so the control key says which table to continue. */
static int l_global_next(lua_State *L) {
    lua_settop(L, 2);
    if (lua_isnil(L, 2) || is_builtin(L, 2)) {
        lua_pushvalue(L, 2);
        if (lua_next(L, lua_upvalueindex(1))) return 2;
        lua_pushnil(L);
        lua_replace(L, 2);
    }
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int l_global_pairs(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, l_global_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* The last step of the sandbox. The library tables become read-only views
** (in _G and in require's cache) and the string metatable is locked, so
** string.format or ("").rep cannot be replaced either; then every global
** defined so far moves out of _G into a hidden table that _G's metatable
** reads through and refuses writes to. Unknown names still raise. A
** script keeps defining its own globals as before. */
static void protect_globals(lua_State *L) {
    static const char *const libs[] = { LUA_STRLIBNAME,  LUA_TABLIBNAME, LUA_MATHLIBNAME,
                                        LUA_UTF8LIBNAME, LUA_COLIBNAME,  "os" };
    lua_pushglobaltable(L);
    /* require's cache keeps the real tables, where Lua looks up function
    ** names for messages ("bad argument #4 to 'table.move'"); require
    ** itself hands out what 'shown' maps them to. */
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &shown_key); /* G, shown */
    for (size_t i = 0; i < TG_ARRAY_LEN(libs); i++) {
        lua_getfield(L, -2, libs[i]);
        lua_pushvalue(L, -1);
        tg_lua_readonly(L, libs[i], 0); /* G, shown, real, view */
        lua_pushvalue(L, -1);
        lua_setfield(L, -5, libs[i]);
        lua_rawset(L, -3);
    }
    lua_pop(L, 1);
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    lua_newtable(L); /* the sandbox's globals */
    lua_pushnil(L);
    while (lua_next(L, -3)) { /* G, builtins, key, value */
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, -5); /* clearing the slot being visited is allowed */
    }
    lua_createtable(L, 0, 1); /* a name in neither: undefined */
    lua_pushcfunction(L, l_undefined_global);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &builtins_key); /* G, builtins */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, LUA_GNAME); /* names of global functions, as above */
    lua_pop(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &shown_key);
    lua_pushvalue(L, -2);
    lua_pushvalue(L, -4);
    lua_rawset(L, -3); /* shown[builtins] = G */
    lua_pop(L, 1);

    lua_createtable(L, 0, 4);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, l_global_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, l_global_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -3);
    lua_pop(L, 2);
}

/* ---- require ---- */

int tg_lua_module_name_ok(const char *s, size_t len) {
    if (len == 0 || len > MAX_MODULE || s[0] == '.' || s[len - 1] == '.') return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || (c == '.' && s[i + 1] != '.');
        if (!ok) return 0;
    }
    return 1;
}

/* Lua's short form of a chunkname (luaO_chunkid), for "@file" and "=name":
** messages carry it, so mapping it back needs the same truncation. */
static void chunk_id(char *out, const char *chunkname) {
    size_t len = strlen(chunkname); /* counts the '@' or '=' */
    if (len <= LUA_IDSIZE) {
        memcpy(out, chunkname + 1, len);
    } else if (chunkname[0] == '=') {
        memcpy(out, chunkname + 1, LUA_IDSIZE - 1);
        out[LUA_IDSIZE - 1] = '\0';
    } else {
        memcpy(out, "...", 3);
        memcpy(out + 3, chunkname + 1 + len - (LUA_IDSIZE - 3), LUA_IDSIZE - 3);
    }
}

/* Remembers a chunk loaded from a file or run as a string, so an error
** message's "id:line:" prefix can be traced to its full name. */
static void register_chunk(lua_State *L, const char *chunkname) {
    char id[LUA_IDSIZE];
    chunk_id(id, chunkname);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &chunks_key);
    lua_pushstring(L, chunkname + 1);
    lua_setfield(L, -2, id);
    lua_pop(L, 1);
}

typedef struct module_reader {
    FILE *f;
    char buf[4096];
} module_reader;

static const char *read_module(lua_State *L, void *ud, size_t *size) {
    module_reader *r = ud;
    (void)L;
    *size = fread(r->buf, 1, sizeof r->buf, r->f);
    return *size ? r->buf : NULL;
}

/* Loads 'rel' below the folder 'dir' as luaL_loadfilex would (text only, a
** BOM and a first '#' line skipped), but opened with tg_path_open_beneath,
** so no symlink leads out of the folder. LUA_ERRFILE when there is no such
** file; raises when the path would leave the folder. */
/* ---- keeping the caller's frame: tail calls become calls ---- */

typedef struct dumpbuf {
    unsigned char *p;
    size_t n, cap;
} dumpbuf;

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud) {
    dumpbuf *b = ud;
    (void)L;
    if (b->n + sz > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + sz) cap *= 2;
        unsigned char *grown = tg_realloc(b->p, cap);
        if (!grown) return 1;
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, sz);
    b->n += sz;
    return 0;
}

static const char *dump_reader(lua_State *L, void *ud, size_t *size) {
    dumpbuf *b = ud;
    (void)L;
    *size = b->n;
    b->n = 0;
    return *size ? (const char *)b->p : NULL;
}

/* The chunk of the function on top of L's stack in b (debug info kept);
** 0 on success. */
static int dump(lua_State *L, dumpbuf *b) {
    b->p = NULL;
    b->n = b->cap = 0;
    if (lua_dump(L, dump_writer, b, 0) == 0) return 0;
    tg_free(b->p);
    b->p = NULL;
    return -1;
}

/* Counts opcode 'op' in the code compiled from 'text'; -1 on failure. */
static long probe(lua_State *L, const char *text, unsigned op) {
    dumpbuf b;
    long n = -1;
    if (luaL_loadstring(L, text) != LUA_OK) {
        lua_pop(L, 1);
        return -1;
    }
    if (dump(L, &b) == 0) n = tg_luabc_count(b.p, b.n, op);
    lua_pop(L, 1);
    tg_free(b.p);
    return n;
}

/* Whether this Lua's CALL and TAILCALL are the opcodes Lua 5.4's
** lopcodes.h gives (68 and 69): checked once on two probes, so another
** build of Lua is left alone rather than miscompiled. */
enum { OP_CALL_54 = 68, OP_TAILCALL_54 = 69 };

static int can_untail(lua_State *L, tg_lua *rt) {
    if (rt->untail < 0)
        rt->untail = probe(L, "return f()", OP_TAILCALL_54) == 1 &&
                     probe(L, "return f()", OP_CALL_54) == 0 &&
                     probe(L, "f()", OP_TAILCALL_54) == 0 && probe(L, "f()", OP_CALL_54) == 1;
    return rt->untail;
}

/* Replaces the function on top of the stack, just compiled from text, by
** the same code with its tail calls made ordinary calls (tg_luabc.h), so
** an error inside a helper that `return helper(x)` called keeps the line
** of that return in the traceback. Leaves the function as it is when
** anything fails (memory, an unknown layout). */
static void untail(lua_State *L, const char *chunkname) {
    tg_lua *rt = get_rt(L);
    dumpbuf b;
    if (!can_untail(L, rt) || dump(L, &b) != 0) return;
    if (tg_luabc_untail(b.p, b.n, OP_CALL_54, OP_TAILCALL_54) > 0) {
        if (lua_load(L, dump_reader, &b, chunkname, "b") == LUA_OK) lua_remove(L, -2);
        else lua_pop(L, 1); /* the message; the original stays */
    }
    tg_free(b.p);
}

static int load_beneath(lua_State *L, const char *dir, const char *rel, const char *chunkname) {
    module_reader r;
    int fd = tg_path_open_beneath(dir, rel, O_RDONLY, 0), c, st;

    if (fd < 0 && (errno == EXDEV || errno == ELOOP))
        luaL_error(L, "'%s/%s' leads outside its folder; require does not follow it", dir, rel);
    if (fd < 0 || !(r.f = fdopen(fd, "r"))) {
        if (fd >= 0) close(fd);
        lua_pushfstring(L, "cannot open %s", chunkname + 1);
        return LUA_ERRFILE;
    }
    c = getc(r.f);
    if (c == 0xEF) {
        if (getc(r.f) == 0xBB && getc(r.f) == 0xBF) {
            c = getc(r.f);
        } else {
            rewind(r.f);
            c = getc(r.f);
        }
    }
    if (c == '#') { /* the newline stays, so line numbers do too */
        while ((c = getc(r.f)) != EOF && c != '\n') {
        }
    }
    if (c != EOF) ungetc(c, r.f);
    st = lua_load(L, read_module, &r, chunkname, "t");
    fclose(r.f);
    if (st == LUA_OK) untail(L, chunkname);
    return st;
}

/* Pushes the loader of module 'name' from the script's folder or the lib
** folder, and its path; raises when neither has it or it does not compile. */
static void find_module(lua_State *L, tg_lua *rt, const char *name) {
    const char *dirs[2];
    const char *rel = luaL_gsub(L, name, ".", "/");
    int base = lua_gettop(L);
    int n_dirs = 0;

    dirs[n_dirs++] = rt->script_dir ? rt->script_dir : ".";
    if (rt->opts.lib_dir) dirs[n_dirs++] = rt->opts.lib_dir;
    for (int i = 0; i < n_dirs; i++) {
        int at = lua_gettop(L) + 1; /* the path's slot */
        const char *path = lua_pushfstring(L, "%s/%s.lua", dirs[i], rel);
        const char *chunkname = lua_pushfstring(L, "@%s", path);
        const char *file = lua_pushfstring(L, "%s.lua", rel);
        int st = load_beneath(L, dirs[i], file, chunkname);
        lua_remove(L, -2);                                   /* 'file' */
        if (st != LUA_ERRFILE) register_chunk(L, chunkname); /* a syntax error names it too */
        if (st == LUA_OK) {
            lua_copy(L, -1, base); /* the loader over 'rel' */
            lua_copy(L, at, base + 1);
            lua_settop(L, base + 1);
            return;
        }
        if (st != LUA_ERRFILE) lua_error(L); /* a syntax error names the file */
        lua_pop(L, 2); /* the message and chunkname; keep the path for the report */
    }
    if (n_dirs == 1)
        luaL_error(L, "module '%s' not found (no file '%s')", name, lua_tostring(L, base + 1));
    luaL_error(L, "module '%s' not found (no file '%s' or '%s')", name, lua_tostring(L, base + 1),
               lua_tostring(L, base + 2));
}

/* require(name): loaded cache, then preloads (the tegn module), then
** name.lua below the script's folder or the lib folder, with '.' as '/'.
** Only text chunks; names are restricted so no path can leave the folders. */
static int l_base_require(lua_State *L) {
    tg_lua *rt = get_rt(L);
    size_t len;
    const char *name = luaL_checklstring(L, 1, &len);

    lua_settop(L, 1);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE); /* 2 */
    if (lua_getfield(L, 2, name) != LUA_TNIL && lua_toboolean(L, -1)) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &shown_key); /* a library: its read-only view */
        if (lua_istable(L, -1)) {
            lua_pushvalue(L, -2);
            if (lua_rawget(L, -2) != LUA_TNIL) return 1;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
        return 1;
    }
    lua_pop(L, 1);
    if (!tg_lua_module_name_ok(name, len))
        return luaL_error(L, "invalid module name '%s' (use letters, digits, '_' and '.')", name);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE); /* 3 */
    if (lua_getfield(L, 3, name) != LUA_TNIL) {                /* 4 */
        lua_pushliteral(L, ":preload:");
    } else {
        lua_pop(L, 1);
        find_module(L, rt, name); /* loader 4, path 5 */
    }
    lua_pushvalue(L, 4);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 5);
    lua_call(L, 2, 1);
    if (!lua_isnil(L, -1)) lua_setfield(L, 2, name);
    else lua_pop(L, 1);
    if (lua_getfield(L, 2, name) == LUA_TNIL) { /* the module returned nothing */
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
        lua_pushvalue(L, -1);
        lua_setfield(L, 2, name);
    }
    lua_pushvalue(L, 5);
    return 2; /* the module and its path, as Lua 5.4's require */
}

void tg_lua_preload(lua_State *L, const char *name) {
    luaL_checktype(L, -1, LUA_TFUNCTION);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_insert(L, -2);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

/* ---- math.random on tg_rng ---- */

/* math.random([m [, n]]) with Lua 5.4's contract. */
static int l_math_random(lua_State *L) {
    tg_lua *rt = get_rt(L);
    uint64_t r;
    lua_Integer low, up;

    switch (lua_gettop(L)) {
    case 0: lua_pushnumber(L, tg_rng_double(&rt->rng)); return 1;
    case 1:
        low = 1;
        up = luaL_checkinteger(L, 1);
        if (up == 0) { /* all 64 bits */
            lua_pushinteger(L, (lua_Integer)tg_rng_next(&rt->rng));
            return 1;
        }
        break;
    case 2:
        low = luaL_checkinteger(L, 1);
        up = luaL_checkinteger(L, 2);
        break;
    default: return luaL_error(L, "wrong number of arguments");
    }
    luaL_argcheck(L, low <= up, 1, "interval is empty");
    r = tg_rng_next(&rt->rng);
    r = tg_rng_upto(&rt->rng, r, (uint64_t)up - (uint64_t)low);
    lua_pushinteger(L, (lua_Integer)((uint64_t)low + r));
    return 1;
}

/* math.randomseed([x [, y]]): with no argument, back to the run's seed. */
static int l_math_randomseed(lua_State *L) {
    tg_lua *rt = get_rt(L);
    if (lua_isnone(L, 1)) {
        tg_rng_seed(&rt->rng, rt->opts.seed, 0);
    } else {
        lua_Integer a = luaL_checkinteger(L, 1);
        lua_Integer b = luaL_optinteger(L, 2, 0);
        tg_rng_seed(&rt->rng, (uint64_t)a, (uint64_t)b);
    }
    return 0;
}

/* string.rep returning "" at once when every piece is empty: the stock
** version loops n times in C, where no hook can stop it. */
static int l_string_rep(lua_State *L) {
    size_t len, seplen = 0;
    lua_Integer n;

    luaL_checklstring(L, 1, &len);
    n = luaL_checkinteger(L, 2);
    if (!lua_isnoneornil(L, 3)) luaL_checklstring(L, 3, &seplen);
    if (n <= 0 || len + seplen == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* table.move in pieces of MOVE_PIECE elements, polling between them: the
** stock version copies e - f + 1 elements in one C loop, where no hook
** fires (table.move({}, 1, 2^40, 2) ran for hours). Pieces go in the
** order the whole move would copy, so overlapping moves come out the same;
** each piece is the stock function, which checks its arguments. */
#define MOVE_PIECE 4096

static int l_table_move(lua_State *L) {
    lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    int tt = lua_isnoneornil(L, 5) ? 1 : 5;
    if (e < f || e - f < MOVE_PIECE || (f <= 0 && e >= LUA_MAXINTEGER + f)) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_call(L, lua_gettop(L) - 1, 1);
        return 1;
    }
    int forward = t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ));
    lua_Integer n = e - f + 1;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    for (lua_Integer done = 0; done < n; done += MOVE_PIECE) {
        lua_Integer k = n - done < MOVE_PIECE ? n - done : MOVE_PIECE;
        lua_Integer at = forward ? done : n - done - k; /* offset of this piece */
        tg_lua_check(L);
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushvalue(L, 1);
        lua_pushinteger(L, f + at);
        lua_pushinteger(L, f + at + k - 1);
        lua_pushinteger(L, t + at);
        lua_pushvalue(L, tt);
        lua_call(L, 5, 0);
    }
    lua_pushvalue(L, tt);
    return 1;
}

/* ---- building the sandbox ---- */

/* Replaces t[name] (t on top) by f with the old value as its upvalue. */
static void wrap_field(lua_State *L, const char *name, lua_CFunction f) {
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, -2, name);
}

static void remove_fields(lua_State *L, const char *const *names, size_t n) {
    for (size_t i = 0; i < n; i++) {
        lua_pushnil(L);
        lua_setfield(L, -2, names[i]);
    }
}

/* os with only the clock and calendar functions (no execute, exit,
** getenv, remove, rename, tmpname, setlocale). */
static void open_os_subset(lua_State *L) {
    static const char *const keep[] = { "clock", "date", "difftime", "time" };
    lua_pushcfunction(L, luaopen_os);
    lua_call(L, 0, 1);
    lua_createtable(L, 0, (int)TG_ARRAY_LEN(keep));
    for (size_t i = 0; i < TG_ARRAY_LEN(keep); i++) {
        lua_getfield(L, -2, keep[i]);
        lua_setfield(L, -2, keep[i]);
    }
    lua_remove(L, -2);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "os");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_insert(L, -2);
    lua_setfield(L, -2, "os");
    lua_pop(L, 1);
}

/* What open_sandbox leaves out of stock Lua's libraries, by the name a
** script would use: the libraries never opened, the base functions and
** the fields of string and os removed (docs/sandbox.md). */
static const char *const removed_names[] = {
    "io",      "debug",     "package",   "dofile",    "loadfile",   "warn",         "os.execute",
    "os.exit", "os.getenv", "os.remove", "os.rename", "os.tmpname", "os.setlocale", "string.dump",
};

const char *const *tg_lua_removed(size_t *n) {
    *n = TG_ARRAY_LEN(removed_names);
    return removed_names;
}

static int open_sandbox(lua_State *L) {
    static const luaL_Reg libs[] = {
        { LUA_GNAME, luaopen_base },        { LUA_TABLIBNAME, luaopen_table },
        { LUA_STRLIBNAME, luaopen_string }, { LUA_MATHLIBNAME, luaopen_math },
        { LUA_UTF8LIBNAME, luaopen_utf8 },  { LUA_COLIBNAME, luaopen_coroutine },
    };
    static const char *const base_removed[] = { "dofile", "loadfile", "warn" };
    static const char *const string_removed[] = { "dump" };
    tg_lua *rt = get_rt(L);

    lua_pushthread(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &current_key);
    rt->current = L;
    for (size_t i = 0; i < TG_ARRAY_LEN(libs); i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &chunks_key);
    lua_newtable(L); /* weak keys: a view dropped by everyone may go */
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &readonly_key);

    lua_pushglobaltable(L);
    remove_fields(L, base_removed, TG_ARRAY_LEN(base_removed));
    lua_pushcfunction(L, l_base_pcall);
    lua_setfield(L, -2, "pcall");
    lua_pushcfunction(L, l_base_xpcall);
    lua_setfield(L, -2, "xpcall");
    lua_pushcfunction(L, l_base_print);
    lua_setfield(L, -2, "print");
    lua_pushcfunction(L, l_base_require);
    lua_setfield(L, -2, "require");
    wrap_field(L, "load", l_base_load);
    wrap_field(L, "setmetatable", l_base_setmetatable);
    wrap_field(L, "rawset", l_base_rawset);

    lua_getfield(L, -1, LUA_STRLIBNAME);
    remove_fields(L, string_removed, TG_ARRAY_LEN(string_removed));
    wrap_field(L, "rep", l_string_rep);
    lua_pop(L, 1);

    lua_getfield(L, -1, LUA_TABLIBNAME);
    wrap_field(L, "move", l_table_move);
    lua_pop(L, 1);

    lua_getfield(L, -1, LUA_MATHLIBNAME);
    lua_pushcfunction(L, l_math_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, l_math_randomseed);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);

    lua_getfield(L, -1, LUA_COLIBNAME);
    wrap_field(L, "resume", l_guarded);
    wrap_field(L, "close", l_co_close);
    lua_getfield(L, -1, "resume");
    lua_getfield(L, -2, "close");
    lua_pushcclosure(L, l_co_wrap, 2);
    lua_setfield(L, -2, "wrap");
    lua_pop(L, 2);

    open_os_subset(L);
    if (rt->opts.open_libs) rt->opts.open_libs(L, rt->opts.ud);

    /* Last, so open_libs may probe and set globals: unknown reads raise
    ** from now on, the globals defined so far are read-only, and the
    ** metatable is protected against setmetatable(_G, nil). */
    protect_globals(L);
    return 0;
}

/* ---- lifecycle ---- */

void tg_lua_opts_init(tg_lua_opts *opts) {
    assert(opts != NULL);
    memset(opts, 0, sizeof *opts);
    opts->seed = TG_LUA_DEFAULT_SEED;
}

tg_status tg_lua_mem_status(size_t refusals, tg_error *err) {
    char size[32];
    if (tg_mem_cap_refusals() == refusals) return tg_err_nomem(err);
    format_size(size, sizeof size, tg_mem_cap());
    return tg_err_set(err, TG_ELIMIT, NULL, 0, 0, "memory limit %s exceeded", size);
}

tg_lua *tg_lua_new(const tg_lua_opts *opts, tg_error *err) {
    size_t refusals = tg_mem_cap_refusals();
    tg_lua *rt = tg_calloc(1, sizeof *rt);
    int status;

    if (!rt) {
        tg_lua_mem_status(refusals, err);
        return NULL;
    }
    rt->run_refusals = refusals;
    rt->untail = -1;
    if (opts) rt->opts = *opts;
    else tg_lua_opts_init(&rt->opts);
    assert(rt->opts.timeout_s >= 0);
    tg_rng_seed(&rt->rng, rt->opts.seed, 0);
    atomic_init(&rt->abort, TG_OK);
    atomic_init(&rt->cancel, 0);

    rt->L = lua_newstate(l_alloc, rt);
    if (!rt->L) {
        tg_lua_mem_status(refusals, err);
        tg_free(rt);
        return NULL;
    }
    memcpy(lua_getextraspace(rt->L), &rt, sizeof rt);
    lua_pushcfunction(rt->L, open_sandbox);
    status = lua_pcall(rt->L, 0, 0, 0);
    if (status != LUA_OK) {
        if (is_mem_error(rt, rt->L, -1, status, 0)) {
            tg_lua_mem_status(refusals, err);
        } else {
            /* lua_type first: lua_tostring would convert a number, which
            ** allocates, and nothing protects this call. */
            int is_str = lua_type(rt->L, -1) == LUA_TSTRING;
            tg_err_set(err, TG_ESCRIPT, NULL, 0, 0, "opening libraries: %s",
                       is_str ? lua_tostring(rt->L, -1) : "(error object is not a string)");
        }
        tg_lua_free(rt);
        return NULL;
    }
    lua_settop(rt->L, 0);
    return rt;
}

void tg_lua_free(tg_lua *rt) {
    if (!rt) return;
    lua_close(rt->L);
    tg_free(rt->script_dir);
    tg_free(rt->traceback);
    tg_free(rt);
}

/* ---- running ---- */

struct run_args {
    const char *path; /* a file, or NULL for a string */
    const char *name;
    const char *code;
    unsigned flags;
};

/* 1 when the Lua function of 'ar' was loaded from the library folder
** (opts.lib_dir, scripts/lib): a helper, not the user's own code. */
static int in_lib(const tg_lua *rt, const lua_Debug *ar) {
    const char *lib = rt->opts.lib_dir;
    size_t n = lib ? strlen(lib) : 0;
    return n && ar->source[0] == '@' && strncmp(ar->source + 1, lib, n) == 0 &&
           ar->source[1 + n] == '/';
}

/* For an error raised inside a library helper, pushes " (called from
** kvalitet.lua:18)": the innermost line of the user's own code on the
** stack, which the headline would otherwise not show. Returns 0 and
** pushes nothing when the error is in the user's code already, or 'msg'
** starts with that line (a helper's error(msg, 2)). */
static int push_caller(lua_State *L, const tg_lua *rt, const char *msg) {
    lua_Debug ar;
    int helper = 0;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_getinfo(L, "Sl", &ar);
        if (ar.currentline <= 0) continue;
        if (in_lib(rt, &ar)) {
            helper = 1;
            continue;
        }
        if (!helper) return 0;
        const char *at = lua_pushfstring(L, "%s:%d:", ar.short_src, ar.currentline);
        int same = strncmp(msg, at, strlen(at)) == 0;
        lua_pop(L, 1);
        if (same) return 0;
        lua_pushfstring(L, " (called from %s:%d)", ar.source + 1, ar.currentline);
        return 1;
    }
    return 0;
}

/* The top-level message handler: as lua.c's, a message for non-string
** errors and a traceback; plus the position for errors that lack one,
** and for an error inside a helper of the library folder the user's line
** that called it, at the end of the headline. */
static int msghandler(lua_State *L) {
    tg_lua *rt = get_rt(L);
    const char *msg;

    if (catch_abort(L, rt->run_fails) || rt->loading) return 1;
    locate(L, rt->pos.file, sizeof rt->pos.file, &rt->pos.line);
    msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    if (push_caller(L, rt, msg)) {
        const char *nl = strchr(msg, '\n');
        size_t head = nl ? (size_t)(nl - msg) : strlen(msg);
        lua_pushlstring(L, msg, head);
        lua_insert(L, -2);
        lua_pushstring(L, msg + head);
        lua_concat(L, 3);
        msg = lua_tostring(L, -1);
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

static int run_protected(lua_State *L) {
    const struct run_args *a = lua_touserdata(L, 1);
    tg_lua *rt = get_rt(L);
    const char *chunkname;
    int st;

    lua_settop(L, 0);
    rt->loading = 1;
    if (a->path) {
        chunkname = lua_pushfstring(L, "@%s", a->path);
        register_chunk(L, chunkname);
        st = luaL_loadfilex(L, a->path, "t");
    } else {
        chunkname = lua_pushfstring(L, "=%s", a->name);
        register_chunk(L, chunkname);
        st = LUA_ERRSYNTAX;
        if (a->flags & TG_LUA_REPL) { /* as lua.c: an expression first */
            const char *ret = lua_pushfstring(L, "return %s;", a->code);
            st = luaL_loadbufferx(L, ret, strlen(ret), chunkname, "t");
            lua_remove(L, -2);
            if (st != LUA_OK) lua_pop(L, 1);
        }
        if (st != LUA_OK) st = luaL_loadbufferx(L, a->code, strlen(a->code), chunkname, "t");
    }
    if (st != LUA_OK) {
        rt->load_status = st;
        return lua_error(L);
    }
    untail(L, chunkname);
    rt->loading = 0;
    lua_remove(L, 1); /* the chunkname */
    lua_call(L, 0, LUA_MULTRET);
    if ((a->flags & TG_LUA_REPL) && lua_gettop(L) > 0) {
        luaL_checkstack(L, 1, "too many results to print");
        if (lua_getfield(L, LUA_REGISTRYINDEX, TG_LUA_REPL_SHOW) != LUA_TFUNCTION) {
            lua_pop(L, 1);
            lua_pushcfunction(L, l_base_print);
        }
        lua_insert(L, 1);
        lua_call(L, lua_gettop(L) - 1, 0);
    }
    return 0;
}

/* Splits "id:line: message" when 'id' is a chunk this runtime loaded;
** Lua shortens long names, and this maps them back. 0 if no match. */
static int parse_position(lua_State *L, const char *text, const char **file, int *line,
                          const char **rest) {
    int found = 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &chunks_key);
    lua_pushnil(L);
    while (!found && lua_next(L, -2) != 0) {
        size_t len;
        const char *id = lua_tolstring(L, -2, &len);
        const char *p = text + len;
        if (strncmp(text, id, len) == 0 && p[0] == ':' && p[1] >= '0' && p[1] <= '9') {
            long n = 0;
            for (p++; *p >= '0' && *p <= '9'; p++) n = n < 100000000 ? n * 10 + (*p - '0') : n;
            if (*p == ':') {
                *file = lua_tostring(L, -1);
                *line = (int)n;
                *rest = p[1] == ' ' ? p + 2 : p + 1;
                found = 1;
            }
        }
        lua_pop(L, 1);
    }
    lua_pop(L, found ? 1 : 0); /* keep the table (and so *file) until the caller's settop */
    return found;
}

/* Turns the outcome of the protected run into a status and 'err'. */
static tg_status finish_run(tg_lua *rt, int status, const struct run_args *a, tg_error *err) {
    lua_State *L = rt->L;
    const char *fallback = a->path ? a->path : a->name;
    const char *text, *file, *rest, *nl;
    int line;
    tg_status code;

    if (status != LUA_OK && atomic_load(&rt->abort) == TG_OK &&
        is_mem_error(rt, L, -1, status, rt->run_fails))
        mem_abort(rt, NULL);
    if (atomic_load(&rt->abort) != TG_OK) {
        if (err) *err = rt->abort_err;
        if (err && !err->file[0]) snprintf(err->file, sizeof err->file, "%s", fallback);
        return (tg_status)atomic_load(&rt->abort);
    }
    if (status == LUA_OK) {
        tg_err_clear(err);
        return TG_OK;
    }
    text = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(error object is not a string)";
    rt->traceback = tg_strdup(text);
    if (rt->load_status == LUA_ERRFILE) return tg_err_set(err, TG_EIO, fallback, 0, 0, "%s", text);

    code = rt->raised.code != TG_OK ? rt->raised.code : TG_ESCRIPT;
    if (code != TG_ESCRIPT && rt->raised.file[0]) {
        if (err) *err = rt->raised;
        return code;
    }
    nl = strchr(text, '\n');
    if (!parse_position(L, text, &file, &line, &rest)) {
        file = rt->pos.file[0] ? rt->pos.file : fallback;
        line = rt->pos.file[0] ? rt->pos.line : 0;
        rest = text;
    }
    return tg_err_set(err, code, file, line, 0, "%.*s",
                      (int)(nl && nl > rest ? nl - rest : (ptrdiff_t)strlen(rest)), rest);
}

/* The C functions that call Lua code without holding anything a script
** could free: the sandbox's pcall, xpcall and require, and the run itself. */
static int is_plain_caller(lua_CFunction f) {
    return f == l_base_pcall || f == l_base_xpcall || f == l_base_require || f == run_protected;
}

int tg_lua_inside_c(lua_State *L) {
    lua_Debug ar;
    int main_thread = lua_pushthread(L);

    lua_pop(L, 1);
    /* A coroutine may have been resumed from inside a C function of the
    ** thread that resumed it, whose frames this walk cannot see. */
    if (!main_thread) return 1;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        lua_CFunction f;
        lua_getinfo(L, "f", &ar);
        f = lua_tocfunction(L, -1);
        lua_pop(L, 1);
        if (f && !is_plain_caller(f)) return 1;
    }
    return 0;
}

/* The main thread becomes the current one again (see call_in). The key
** exists since open_sandbox, so this allocates nothing. */
static void reset_current(tg_lua *rt) {
    lua_pushthread(rt->L);
    lua_rawsetp(rt->L, LUA_REGISTRYINDEX, &current_key);
    rt->current = rt->L;
}

static tg_status run(tg_lua *rt, const struct run_args *a, tg_error *err) {
    lua_State *L = rt->L;
    tg_status st;
    int status;

    tg_free(rt->traceback);
    rt->traceback = NULL;
    if (rt->opts.line) { /* no memory: no lines reported, the run goes on */
        size_t n = strlen(a->path ? a->path : a->name);
        if ((rt->chunk = tg_malloc(n + 2))) {
            rt->chunk[0] = a->path ? '@' : '=';
            memcpy(rt->chunk + 1, a->path ? a->path : a->name, n + 1);
        }
    }
    tg_err_clear(&rt->abort_err);
    tg_err_clear(&rt->raised);
    tg_err_clear(&rt->pos);
    rt->loading = 0;
    rt->load_status = LUA_OK;
    rt->run_fails = rt->alloc_fails;
    rt->run_refusals = tg_mem_cap_refusals();
    rt->refusal = REFUSAL_NONE;
    rt->running = 1;
    reset_current(rt);
    rt->deadline = rt->opts.timeout_s > 0 ? now() + rt->opts.timeout_s : 0;
    atomic_store(&rt->abort, TG_OK);
    lua_sethook(L, hook, hook_mask(rt), HOOK_COUNT);

    lua_settop(L, 0);
    lua_pushcfunction(L, msghandler);
    lua_pushcfunction(L, run_protected);
    lua_pushlightuserdata(L, (void *)a);
    status = lua_pcall(L, 1, 0, 1);
    st = finish_run(rt, status, a, err);
    rt->running = 0;
    lua_settop(L, 0);
    reset_current(rt); /* an aborted resume left its coroutine current: let it go */
    lua_sethook(L, hook, hook_mask(rt), HOOK_COUNT);
    if (st == TG_ECANCEL && !signalled) atomic_store(&rt->cancel, 0);
    tg_free(rt->chunk);
    rt->chunk = NULL;
    return st;
}

tg_status tg_lua_run_file(tg_lua *rt, const char *path, tg_error *err) {
    struct run_args a = { path, NULL, NULL, 0 };
    const char *slash;
    char *dir;
    FILE *f;

    assert(rt != NULL && path != NULL);
    tg_free(rt->traceback);
    rt->traceback = NULL;
    f = fopen(path, "r");
    if (!f) return tg_err_set(err, TG_EIO, path, 0, 0, "cannot open script: %s", strerror(errno));
    fclose(f);
    slash = strrchr(path, '/');
    dir = slash ? tg_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : tg_strdup(".");
    if (!dir) return tg_err_nomem(err);
    tg_free(rt->script_dir);
    rt->script_dir = dir;
    return run(rt, &a, err);
}

tg_status tg_lua_run_string(tg_lua *rt, const char *name, const char *code, unsigned flags,
                            tg_error *err) {
    struct run_args a = { NULL, name, code, flags };
    assert(rt != NULL && name != NULL && code != NULL);
    return run(rt, &a, err);
}

const char *tg_lua_traceback(const tg_lua *rt) {
    return rt->traceback;
}

int tg_lua_incomplete(const tg_error *err) {
    static const char eof[] = "<eof>";
    size_t len = strlen(err->msg);
    return err->code == TG_ESCRIPT && len >= sizeof eof - 1 &&
           strcmp(err->msg + len - (sizeof eof - 1), eof) == 0;
}

/* ---- access ---- */

lua_State *tg_lua_state(tg_lua *rt) {
    return rt->L;
}

tg_lua *tg_lua_from_state(lua_State *L) {
    return get_rt(L);
}

void *tg_lua_userdata(const tg_lua *rt) {
    return rt->opts.ud;
}

uint64_t tg_lua_seed(const tg_lua *rt) {
    return rt->opts.seed;
}

/* ---- limits ---- */

tg_status tg_lua_poll(const tg_lua *rt) {
    int st = atomic_load(&rt->abort);
    if (st != TG_OK) return (tg_status)st;
    if (signalled || atomic_load(&rt->cancel)) return TG_ECANCEL;
    if (rt->deadline > 0 && now() >= rt->deadline) return TG_ELIMIT;
    return TG_OK;
}

tg_status tg_lua_interrupt(void *rt) {
    return tg_lua_poll(rt);
}

void tg_lua_cancel(tg_lua *rt) {
    atomic_store(&rt->cancel, 1);
}

int tg_lua_raise(lua_State *L, tg_status st, const tg_error *err) {
    tg_lua_raise_at(L, st, err, NULL);
}

int tg_lua_raise_at(lua_State *L, tg_status st, const tg_error *err, const char *where) {
    tg_lua *rt = get_rt(L);
    char msg[512], text[1024];

    assert(st != TG_OK);
    if (st == TG_ENOMEM) {
        mem_abort(rt, L);
        raise_abort(rt, L);
    }
    if (st == TG_ELIMIT || st == TG_ECANCEL) {
        /* The runtime knows the cause ("time limit 2 s exceeded"); a
        ** kernel's own text ("join interrupted") says only where, which
        ** the script line already does. */
        limit_message(rt, st, msg, sizeof msg);
        (void)err;
        set_abort(rt, L, st, msg);
        raise_abort(rt, L);
    }
    if (err) rt->raised = *err;
    else tg_err_set(&rt->raised, st, NULL, 0, 0, "%s", tg_status_name(st));
    rt->raised.code = st;
    tg_err_format(&rt->raised, text, sizeof text);
    if (where) lua_pushstring(L, where);
    else tg_lua_push_where(L);
    lua_pushstring(L, text);
    lua_concat(L, 2);
    lua_error(L);
    TG_UNREACHABLE();
}

void tg_lua_check(lua_State *L) {
    tg_status st = tg_lua_poll(get_rt(L));
    if (st != TG_OK) tg_lua_raise(L, st, NULL);
}

static void on_signal(int sig) {
    signalled = sig;
}

int tg_lua_install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = (int)SA_RESETHAND; /* a second signal takes the default action */
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) return -1;
    return 0;
}

int tg_lua_signal(void) {
    return signalled;
}

void tg_lua_clear_signal(void) {
    signalled = 0;
}
