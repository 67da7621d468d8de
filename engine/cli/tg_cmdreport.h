/*
** tg_cmdreport.h -- `tegn report FILE.json [--out FILE.html]`: reads an
** indicator document and writes its committee report (tg_report), to
** --out atomically or to stdout. See docs/report.md.
*/
#ifndef TG_CMDREPORT_H
#define TG_CMDREPORT_H

/* Runs the command on main's argv (argv[1] is "report"); returns the exit
** code, having printed any message on stderr. */
int tg_cmdreport_main(int argc, char **argv);

#endif /* TG_CMDREPORT_H */
