/*
** tg_pseudo.h -- keyed pseudonyms for a column of personal identifiers:
** the first hex digits of HMAC-SHA-256(key, value). A plain SHA-256 of a
** CPR number is reversed by hashing all 3.65e8 possible numbers; under a
** secret key that search needs the key (docs/disclosure.md). The key is
** borrowed for the call and never copied. A column repeats few distinct
** values across many rows (one person, many stays), so each distinct value
** is keyed once, through the column's dictionary.
*/
#ifndef TG_PSEUDO_H
#define TG_PSEUDO_H

#include <stddef.h>

#include "tegn.h"
#include "tg_col.h"

#define TG_PSEUDO_LEN_MIN 8
#define TG_PSEUDO_LEN_MAX 64

/* The text a value is keyed by, in buf (cap >= 32) or borrowed from the
** column's dictionary (*s; its length is returned): a CPR number without its
** hyphen, so 120485-1234 and 1204851234 get one pseudonym; a whole number as
** its digits, ten of them for 9-10 digits (the leading zero a CPR number
** lost as a whole number). Row i must be valid. */
size_t tg_pseudo_text(const tg_col *c, size_t i, char *buf, size_t cap, const char **s);

/* A new text column (*out, owned) of c's first n rows: each valid value
** replaced by the first 'len' (TG_PSEUDO_LEN_MIN .. _MAX) lowercase hex
** digits of HMAC-SHA-256(key, tg_pseudo_text), NULL kept. c is text or
** whole numbers. Errors (*out NULL): TG_EDATA when two values with
** different texts share a pseudonym (the message says to use a longer
** length; tegn refuses rather than merge two persons), TG_ENOMEM. */
tg_status tg_pseudo_column(const tg_col *c, size_t n, const void *key, size_t klen, int len,
                           tg_col **out, tg_error *err);

#endif /* TG_PSEUDO_H */
