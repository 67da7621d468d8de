/*
** tg_fmt.h -- deterministic text for numbers, shared by every writer.
** JSON output and CSV output print numbers through these functions, so the
** same double always becomes the same bytes whatever the locale, the C
** library's printf defaults or the writer. Nothing here allocates.
** The rules are documented for users in docs/output.md.
*/
#ifndef TG_FMT_H
#define TG_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any tg_fmt_double result plus its NUL (plain notation of the
** smallest subnormal needs 345 bytes with a sign). */
#define TG_FMT_DOUBLE_MAX 352
/* Room for any int64 in decimal plus its NUL. */
#define TG_FMT_INT_MAX 21

/* Flags for tg_fmt_double. */
enum {
    TG_FMT_EXP = 1,  /* exponent notation outside 1e-7 <= |v| < 1e21, as JavaScript */
    TG_FMT_COMMA = 2 /* ',' as the decimal mark instead of '.' */
};

/* Writes the double 'v' into buf (at least TG_FMT_DOUBLE_MAX bytes) and
** returns the length, or returns 0 with buf = "" when v is NaN or infinite
** (writers print those as null / an empty field).
** The digits: with decimals = -1, the shortest decimal that reads back as
** exactly v, and of those the nearest to v (0.1 -> "0.1", 1/3 ->
** "0.3333333333333333"); only a power of two outside 1e-4 .. 2^53 could
** in principle get 17 digits where an unusual 16-digit string would do. With
** decimals = n >= 0, that shortest decimal rounded half away from zero to
** at most n places, trailing zeros dropped (2.675 with n = 2 -> "2.68",
** 0.47 with n = 4 -> "0.47"): the decimal a reader sees is what is rounded,
** not the binary value just below it.
** The layout: a float always shows a decimal mark or an exponent, so a
** reader can tell it from an integer ("3.0", never "3"); "-" only before
** a nonzero result ("-0.0" and a value rounding to zero print "0.0"). Plain
** positional notation unless TG_FMT_EXP is set and the value is below 1e-7
** or at least 1e21 in magnitude, where it is "1e+21", "-2.5e-8". */
size_t tg_fmt_double(double v, int decimals, unsigned flags, char *buf);

/* Room for any tg_fmt_da result plus its NUL. */
#define TG_FMT_DA_MAX 480

/* The double 'v' for people, in Danish form: '.' between thousands, ','
** before the decimals, "-" before a negative value: 5855.55 -> "5.855,55".
** decimals = n >= 0: rounded (as tg_fmt_double) and shown with exactly n
** places; -1: at most 10 significant digits, trailing zeros dropped, so
** 0.9499999999999976 reads "0,95". NaN and infinities give "" and 0.
** buf holds at least TG_FMT_DA_MAX bytes; returns the length. */
size_t tg_fmt_da(double v, int decimals, char *buf);

/* Room for any tg_fmt_da_typeset result plus its NUL: a 3-byte minus. */
#define TG_FMT_DA_TYPESET_MAX (TG_FMT_DA_MAX + 8)

/* tg_fmt_da as typeset text has it, for tables and reports people read:
** a real minus sign (U+2212) and, with 'sign', a '+' before a positive
** result; a result that rounds to zero has no sign ("0,0", never "−0,0").
** NaN and infinities give "" and 0. buf holds TG_FMT_DA_TYPESET_MAX. */
size_t tg_fmt_da_typeset(double v, int decimals, int sign, char *buf);

/* Writes 'v' in decimal into buf (at least TG_FMT_INT_MAX bytes); returns
** the length. */
size_t tg_fmt_int64(int64_t v, char *buf);

/* The shortest decimal digits that read back as |v| (finite, not zero):
** 'dig' receives them as ASCII without trailing zeros (at most 17, no
** NUL), and *point where the decimal point goes, so that
** |v| = 0.d1d2d3... x 10^point. Returns the number of digits. */
int tg_fmt_digits(double v, char dig[24], int *point);

/* The double nearest to v's shortest decimal rounded half away from zero
** to 'decimals' places: the value tg_fmt_double(v, decimals, ...) prints.
** decimals < 0, NaN and infinities return v unchanged; a result of zero
** is +0.0. */
double tg_fmt_round(double v, int decimals);

#endif /* TG_FMT_H */
