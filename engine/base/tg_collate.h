/*
** tg_collate.h -- strings in a language's order, for the people who read
** them: Danish puts Æ, Ø and Å after Z (Åbakken after Æblehaven), where
** byte order puts Å before Æ. The only user of ICU (libicu). tegn's
** default order stays the bytes' (deterministic everywhere); a caller asks
** for a language by name.
*/
#ifndef TG_COLLATE_H
#define TG_COLLATE_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"

/* Whether 'name' is a collation tegn offers: "da" (Danish). */
int tg_collate_known(const char *name);

/* Fills rank[i] with the position of string i (s[i], len[i] bytes of
** UTF-8) among the n strings in the order of collation 'name': 0 = first.
** Strings the language counts as equal are ordered by their bytes, so
** distinct strings get distinct ranks and the order is total. TG_OK,
** TG_EARG (an unknown name, or ICU refused it) or TG_ENOMEM. */
tg_status tg_collate_ranks(const char *name, const char *const *s, const size_t *len, size_t n,
                           uint32_t *rank, tg_error *err);

#endif
