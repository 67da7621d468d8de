-- .luacheckrc -- luacheck (Debian lua-check) over scripts/, examples/ and
-- the Lua test scripts, run by `make lint`. The standard library is the one
-- tegn's sandbox gives a script (open_sandbox in engine/lua/tg_lua.c) and no
-- more: no io, package, debug, dofile, loadfile, warn or string.dump; os with
-- only clock, date, difftime and time; plus the tegn module
-- (tg_lualib_open in engine/lua/tg_lualib.c). A script that reaches for
-- anything else would fail at run time with "undefined global". The ctest
-- luacheckrc (tests/luacheck/check_sandbox.sh) fails when this list and
-- the sandbox's names differ.

local function fields(list)
    local t = {}
    for _, name in ipairs(list) do t[name] = {} end
    return { fields = t }
end

stds.tegn_sandbox = {
    read_globals = {
        "_G", "_VERSION", "assert", "collectgarbage", "error", "getmetatable", "ipairs",
        "load", "next", "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset",
        "require", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall",
        coroutine = fields { "close", "create", "isyieldable", "resume", "running", "status",
                             "wrap", "yield" },
        -- Debian builds Lua 5.4 with LUA_COMPAT_MATHLIB: atan2, cosh, frexp,
        -- ldexp, log10, pow, sinh and tanh are there too.
        math = fields { "abs", "acos", "asin", "atan", "atan2", "ceil", "cos", "cosh", "deg",
                        "exp", "floor", "fmod", "frexp", "huge", "ldexp", "log", "log10", "max",
                        "maxinteger", "min", "mininteger", "modf", "pi", "pow", "rad", "random",
                        "randomseed", "sin", "sinh", "sqrt", "tan", "tanh", "tointeger", "type",
                        "ult" },
        os = fields { "clock", "date", "difftime", "time" },
        string = fields { "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower",
                          "match", "pack", "packsize", "rep", "reverse", "sub", "unpack",
                          "upper" },
        table = fields { "concat", "insert", "move", "pack", "remove", "sort", "unpack" },
        utf8 = fields { "char", "charpattern", "codepoint", "codes", "len", "offset" },
        tegn = {
            fields = {
                all = {}, any = {}, clock = {}, coalesce = {}, col = {}, concat = {}, count = {},
                count_if = {}, date = {}, dense_rank = {}, desc = {}, emit = {}, first = {},
                if_else = {}, indicator = {}, last = {}, lit = {}, max = {}, mean = {},
                median = {}, min = {}, n_distinct = {}, null = {}, param = {}, quantile = {},
                rank = {}, read_csv = {}, read_excel = {}, read_postgres = {}, read_sqlite = {},
                row_number = {}, std = {}, sum = {}, var = {}, version = {}, warn = {}, when = {},
                write_xlsx = {},
                data = fields { "sql" },
                forecast = fields { "backtest", "ets", "holt_winters" },
                format = fields { "kr", "number", "percent" },
                params = { other_fields = true }, -- the run's --param KEY=VALUE
                scenario = fields { "run" },
                sim = fields { "erlang_b", "erlang_c", "from_stays", "run" },
                stats = fields { "bh", "mean_ci", "mean_diff", "prop_diff", "rate_ci",
                                 "rate_ratio", "trend", "wilson" },
                takst = fields { "budget_belaegning", "compute", "compute_table", "deltid",
                                 "moms_refusion", "regulate", "rule_sets", "rules", "tillaeg",
                                 "ydelsespakke" },
            },
        },
    },
}

std = "tegn_sandbox"
max_line_length = 100

-- lua/tegn.d.lua, the editor definitions `tegn --definitions` writes
-- (docs/editor.md): plain Lua 5.4 that declares the tegn global and empty
-- functions whose parameters only carry the annotations.
files["lua/tegn.d.lua"] = {
    std = "lua54",
    globals = { "tegn" },
    unused_args = false,
    max_line_length = false,
    ignore = { "211", "241" }, -- the class tables (local Table = {}) are only annotated
}
