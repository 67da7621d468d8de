/*
** tg_cmdreport.h -- `tegn report FILE.json [--out FILE.html] [--pdf
** FILE.pdf]`: reads an indicator document and writes its committee report
** (tg_report), to --out atomically or to stdout, and printed to PDF by
** Chromium (tg_pdf) with --pdf. See docs/report.md.
*/
#ifndef TG_CMDREPORT_H
#define TG_CMDREPORT_H

#include "tg_histdiff.h"
#include "tg_json.h"

/* Runs the command on main's argv (argv[1] is "report"); returns the exit
** code, having printed any message on stderr. */
int tg_cmdreport_main(int argc, char **argv);

/* 1 when 'a' and 'b' name the same existing file. */
int tg_cmdreport_same_file(const char *a, const char *b);

/* tegn run --report/--pdf: writes the report of the run's document 'doc'
** (NULL when the script emitted none) to 'path' and prints it to 'pdf'
** (either may be NULL, not both), unless one of them is an input of the
** run (meta.inputs); marked with what changed since the last run when
** 'since' is not NULL (--history). An exit code, with any message printed. */
int tg_cmdreport_after_run(const tg_json *doc, const char *path, const char *pdf,
                           const tg_histdiff *since);

#endif /* TG_CMDREPORT_H */
