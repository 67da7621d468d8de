/*
** tg_indsum.h -- the terminal summary of an indicator document: one line
** per indicator under its strategy, with the latest value and interval,
** the change since the baseline and the verdict, in Danish number format
** (decimal comma), as a committee reads it. Grouped indicators (per
** tilbud) get one line counting their groups' verdicts and flags.
*/
#ifndef TG_INDSUM_H
#define TG_INDSUM_H

#include "tg_json.h"

/* The summary of 'doc' (as tegn.indicator's runs write it) as text, a
** tg_malloc'ed string the caller frees with tg_free; NULL when 'doc' has
** no "indicators" array or on out of memory. */
char *tg_indsum_format(const tg_json *doc);

#endif /* TG_INDSUM_H */
