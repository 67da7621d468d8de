/*
** tg_csvnames.h -- making a CSV header's column names unique and non-empty.
** Its own module because it is a pure function over a list of strings with
** its own data structure (a hashed name set), independent of parsing; the
** header reader (tg_csvparse) is its only caller.
*/
#ifndef TG_CSVNAMES_H
#define TG_CSVNAMES_H

#include <stddef.h>

#include "tegn.h"

/* Renames in place, each name a tg_malloc'ed string: "" becomes
** "column<k>", a repeat of an earlier name gets "_2", "_3", ... (skipping
** names already taken). TG_OK or TG_ENOMEM (the names stay valid, some
** perhaps renamed). */
tg_status tg_csvnames_fix(char **names, size_t n);

#endif /* TG_CSVNAMES_H */
