/*
** tg_cmdcheck.h -- `tegn check SCRIPT [--param KEY=VALUE]... [--data]`:
** what would fail in a run, found before the run. Without --data the
** script is not run: tg_luacheck reads it (syntax, sandbox, unknown tegn
** names and methods, params). With --data it is then run as `tegn run`
** would run it, on the first rows of each input and writing nothing,
** so a misspelt column or a type error stops it with the script's line.
*/
#ifndef TG_CMDCHECK_H
#define TG_CMDCHECK_H

/* Runs the command on main's argv (argv[1] is "check"); returns the exit
** code -- run's: 1 for what would fail the script, 2 for unreadable or
** bad data, 64 for a --param it never reads or a bad command line --
** having printed each finding on stderr and "SCRIPT: ok" on stdout. */
int tg_cmdcheck_main(int argc, char **argv);

#endif
