#!/usr/bin/env python3
"""return_raise.py -- issue 9 point 6: raising functions are called as
'return f(...)'.

Rewrites each call of a raising function (tg_lua_raise, tg_luaaux_error,
tg_luaaux_fail, _no_column, _bad, _missing, luaL_error, luaL_argerror,
luaL_typeerror, lua_error) that stands alone as a statement -- or as the
body of a one-line if/else -- inside an int-returning C function into
'return f(...)', and lists the calls left in functions of other return
types (void or value helpers, where 'return' does not fit; the raising
functions are TG_NORETURN, so those are correct as they are). The
TG_NORETURN definitions themselves are skipped ('return' is not allowed in
them). Meant to be run once over engine/lua/*.c after the binding
restructuring, then deleted. Usage: return_raise.py FILE.c...
"""
import re
import sys

RAISE = ("tg_lua_raise", "tg_luaaux_error", "tg_luaaux_fail", "tg_luaaux_no_column",
         "tg_luaaux_bad", "tg_luaaux_missing",
         "luaL_error", "luaL_argerror", "luaL_typeerror", "lua_error")
FUNC = re.compile(r"^(?:static\s+)?(?:inline\s+)?(?:TG_NORETURN\s+)?([A-Za-z_][\w\s\*]*?)\b(\w+)\(")
STMT = re.compile(r"^(\s+)((?:\}\s*else\s+)?(?:else\s+)?(?:if\s*\(.*\)\s*)?)(" +
                  "|".join(RAISE) + r")\(")


def main(paths):
    left = 0
    for path in paths:
        lines = open(path, encoding="utf-8").read().split("\n")
        ret = name = None
        for k, ln in enumerate(lines):
            m = FUNC.match(ln)
            if m and not ln.startswith((" ", "\t")) and not ln.rstrip().endswith(";"):
                ret, name = m.group(1).strip(), m.group(2)
            s = STMT.match(ln)
            if not s or ret is None or name in RAISE or name == "raise_abort":
                continue
            if s.group(2).count("(") != s.group(2).count(")"):
                continue  # a condition spanning lines: leave it to a person
            if ret == "int":
                lines[k] = ln[:s.end(2)] + "return " + ln[s.end(2):]
            else:
                left += 1
                print(f"{path}:{k + 1}: in a '{ret}' function: {ln.strip()[:70]}")
        open(path, "w", encoding="utf-8").write("\n".join(lines))
    print(f"{left} calls left in functions that do not return int", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
