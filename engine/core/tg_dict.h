/*
** tg_dict.h -- string dictionaries for dictionary-encoded columns.
** A dictionary maps each distinct string to a dense uint32 code (0, 1, 2,
** ... in order of first insertion) and back. Strings live in one growing
** arena, so a dictionary is a handful of allocations however many entries
** it has. Dictionaries are reference-counted: a column and every column
** derived from it (a filter, a sort) share one. Reference counts are not
** atomic: share a dictionary between threads only while nobody retains or
** releases it.
*/
#ifndef TG_DICT_H
#define TG_DICT_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"

typedef struct tg_dict tg_dict;

#define TG_DICT_NONE UINT32_MAX /* "no such string" from tg_dict_find */

/* A new empty dictionary with one reference; NULL on allocation failure. */
tg_dict *tg_dict_new(void);
/* Adds a reference; returns d. */
tg_dict *tg_dict_retain(tg_dict *d);
/* Drops a reference and frees the dictionary at zero; NULL is a no-op. */
void tg_dict_release(tg_dict *d);

/* Number of distinct strings. */
uint32_t tg_dict_size(const tg_dict *d);
/* The string for 'code' (NUL-terminated) and its length. Borrowed: valid
** until the next tg_dict_intern on 'd' (the arena may move) or release. */
const char *tg_dict_str(const tg_dict *d, uint32_t code, size_t *len);
/* The code of the n bytes at s, or TG_DICT_NONE. */
uint32_t tg_dict_find(const tg_dict *d, const char *s, size_t n);

/* Stores the code of the n bytes at s in *code, adding the string when it
** is new. TG_OK, or TG_ENOMEM with 'd' unchanged. */
tg_status tg_dict_intern(tg_dict *d, const char *s, size_t n, uint32_t *code);

/* Fills rank[code] with the position of each string in byte order (0 =
** smallest), for sorting and comparing columns by string value. 'rank'
** holds tg_dict_size(d) entries. TG_OK or TG_ENOMEM. */
tg_status tg_dict_ranks(const tg_dict *d, uint32_t *rank);

#endif /* TG_DICT_H */
