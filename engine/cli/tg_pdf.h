/*
** tg_pdf.h -- the committee report as PDF (`tegn report --pdf`, `tegn run
** --pdf`): the HTML printed by headless Chromium, which tegn starts as a
** child process. Chromium works in a private temporary folder (the HTML,
** its profile, its home) that is removed afterwards; the PDF then replaces
** the target atomically (tg_out_write_atomic), so a failed print leaves the
** old file as it was. The page layout is the report's print style sheet
** (A4, 16 mm margins). See docs/report.md.
*/
#ifndef TG_PDF_H
#define TG_PDF_H

#include <stddef.h>

/* Prints the 'len' bytes of HTML at 'html' to the PDF file 'path'. The
** program is $TEGN_CHROMIUM when set, else the first of chromium,
** chromium-browser, google-chrome on PATH. Returns an exit code, with any
** message printed: EXIT_OK; EXIT_UNAVAILABLE when Chromium is missing,
** fails, runs out of time or writes no PDF; the exit code of the write
** (EXIT_DATA for a missing folder) when the PDF cannot be placed. */
int tg_pdf_write(const char *html, size_t len, const char *path);

#endif /* TG_PDF_H */
