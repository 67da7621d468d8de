/*
** tg_csvprep.h -- what the CSV loader does to a file before parsing it:
** recognise compressed and binary formats by their first bytes (whatever
** the file is called), decompress gzip (the only user of zlib), and
** rewrite a file held in memory into the plain form the parser reads
** (bare CR line breaks made LF, backslash-escaped quotes made doubled).
** Used by tg_csv.c, and for its head (tg_csvprep_head) by `tegn check
** --data`'s CSV loads.
*/
#ifndef TG_CSVPREP_H
#define TG_CSVPREP_H

#include <stddef.h>

#include "tegn.h"

/* Bytes tg_csvprep_kind wants to see (fewer at the end of a file do). */
#define TG_CSVPREP_HEAD 512

enum { TG_PREP_TEXT = 0, TG_PREP_GZIP, TG_PREP_REFUSE, TG_PREP_XLSX, TG_PREP_XLS };

/* What the first n bytes of a file are: TG_PREP_TEXT (read it as CSV),
** TG_PREP_GZIP, TG_PREP_XLSX or TG_PREP_XLS (a workbook, for tg_excel), or
** TG_PREP_REFUSE; for the last three *what names the format ("an Excel
** workbook (.xlsx)", "a zstd-compressed file", ...; static text). */
int tg_csvprep_kind(const unsigned char *head, size_t n, const char **what);

/* Decompresses the gzip file open on fd (every member, as gunzip does)
** into a new buffer (*out, tg_free'd by the caller; one spare byte past
** *n). TG_OK, TG_ENOMEM, TG_EDATA (a corrupt or cut-off stream; err
** names the file), TG_EIO. 'interrupt' (may be NULL) is polled per MiB;
** its nonzero status stops the work and is returned. */
tg_status tg_csvprep_gunzip(int fd, const char *path, unsigned char **out, size_t *n,
                            tg_status (*interrupt)(void *ud), void *ud, tg_error *err);

/* Rewrites s[0, n) in place and returns its new length (never longer):
** with 'cr', a CR outside quotes not followed by LF becomes LF; with
** 'escape' (e.g. '\\'), inside quoted fields escape+quote becomes a
** doubled quote and escape+escape one escape character. Line breaks are
** kept one for one, so line numbers do not move. Quotes open a field only
** at its start (after blanks), as the parser reads them. *crs (may be
** NULL) gets the number of CRs made LF. */
size_t tg_csvprep_rewrite(unsigned char *s, size_t n, unsigned char delim, unsigned char quote,
                          int cr, unsigned char escape, size_t *crs);

/* A file holding the first 'rows' records of the plain-text CSV open as
** fd (read from its start; not closed), for `tegn check --data`, which
** runs a script on a sample: the bytes up to the end of the line that
** ends the (rows + 1)th record outside double quotes, so the header and
** any title lines above it come along (a file's first lines are all a
** sample has to start from). Returns a new descriptor (an unlinked
** temporary file, positioned at its start; the caller closes it), or -1
** when the whole file is to be read instead: it is gzip, UTF-16 (whose
** line ends are two bytes), no longer than the sample, or it cannot be
** read or copied. */
int tg_csvprep_head(int fd, size_t rows);

#endif /* TG_CSVPREP_H */
