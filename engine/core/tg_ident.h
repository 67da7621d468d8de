/*
** tg_ident.h -- personal identifiers in a table about to be published:
** values that look like Danish CPR numbers, and column names that say
** they hold names or addresses. Every writer of output (write_csv,
** write_sqlite, emit, an indicator's details, write_xlsx) asks here
** before it writes, through tg_luaaux_check_identifiers. Pure: no
** allocation.
*/
#ifndef TG_IDENT_H
#define TG_IDENT_H

#include <stddef.h>

#include "tg_table.h"

/* Whether the n bytes at s are a CPR number: ddmmyy-xxxx or ten digits
** ddmmyyxxxx, whose ddmmyy is a date (day 1 to the month's last, 29
** February in any year, as the century is not in the number). Modulus 11
** is not checked: CPR numbers have not all satisfied it since 2007. */
int tg_ident_is_cpr(const char *s, size_t n);

/* Whether the text holds a CPR number as ddmmyy-xxxx between non-digits
** (a note that quotes one), or is one (ddmmyyxxxx as well). */
int tg_ident_has_cpr(const char *s, size_t n);

/* The first column of t, from column 'from' on, in which a value looks
** like a CPR number (text as tg_ident_has_cpr; a whole number of 9 or 10
** digits as ten digits with leading zero), with the row of the first such
** value in *row; -1 when there is none. */
long tg_ident_cpr_column(const tg_table *t, size_t from, size_t *row);

/* Whether a column name says it holds a person's name, CPR number or
** address: it contains "navn", "name", "cpr" or "adresse" (any case). */
int tg_ident_name_like(const char *name);

#endif /* TG_IDENT_H */
