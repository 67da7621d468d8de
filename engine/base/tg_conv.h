/*
** tg_conv.h -- reading one text field as a typed value.
** These are the CSV loader's per-field hot path and the sniffer's value
** classifier. They take the field's bytes (not NUL-terminated), never
** allocate, and say which interpretations of the text are possible so the
** loader can decide a column's type, decimal mark and date format from the
** whole column rather than from one value.
*/
#ifndef TG_CONV_H
#define TG_CONV_H

#include <stddef.h>
#include <stdint.h>

/* ---- null tokens ---- */

/* Tokens read as NULL. The default set is "", "NA" and "NULL". */
typedef struct tg_nulls {
    size_t n;
    const char *tok[16];
    size_t len[16];
} tg_nulls;

/* Fills 'nulls' with the tokens (at most 16; the strings are borrowed and
** must outlive 'nulls'), or with the default set when tok is NULL. */
void tg_conv_nulls_init(tg_nulls *nulls, const char *const *tok, size_t n);
/* 1 if the n bytes at s are one of the null tokens (exact, case-sensitive). */
int tg_conv_is_null(const tg_nulls *nulls, const char *s, size_t n);

/* ---- numbers ---- */

/* Decimal-mark conventions a number's text can be read under. Under
** TG_MARK_DOT '.' is the decimal mark and ',' may group thousands; under
** TG_MARK_COMMA it is the other way round ("1.234,50"). Grouping must be
** regular: 1-3 leading digits, then groups of exactly 3. */
enum { TG_MARK_DOT = 1, TG_MARK_COMMA = 2 };

/* Results of tg_conv_number. */
enum { TG_NUM_NONE = 0, TG_NUM_INT, TG_NUM_FLOAT };

/* Reads the n bytes at s as a number with decimal mark 'mark' (TG_MARK_DOT
** or TG_MARK_COMMA). Accepted: optional sign, digits with optional regular
** thousands grouping, optional decimal part, and with TG_MARK_DOT an
** optional exponent ("1.5e3"). Surrounding spaces are not accepted (the
** tokenizer trims). A leading zero followed by more digits ("0800") is not
** a number: such values are codes (postal codes, ids) whose zeros matter.
** Returns TG_NUM_INT when the text has no decimal part or exponent and the
** value fits int64 (*i and *f are set), TG_NUM_FLOAT otherwise (*f set,
** correctly rounded as strtod would), or TG_NUM_NONE. */
int tg_conv_number(const char *s, size_t n, int mark, int64_t *i, double *f);

/* Which marks the text reads under: a mask of TG_MARK_DOT and TG_MARK_COMMA
** (both for "1234", "1.234" or "-5"; only TG_MARK_COMMA for "3297,46";
** 0 for "abc"). */
unsigned tg_conv_number_marks(const char *s, size_t n);

/* ---- booleans ---- */

/* Reads true/false, yes/no, ja/nej, j/n, y/n, t/f in any letter case.
** Returns 0 and sets *v (1 or 0) when the text is a boolean, else -1. */
int tg_conv_bool(const char *s, size_t n, int *v);

/* ---- dates ---- */

/* Date formats, one bit each. ISO is year-month-day with '-'; the others
** put the year last and differ in separator and in whether the day or the
** month comes first. */
enum {
    TG_DF_ISO = 1 << 0,       /* 2024-03-01 */
    TG_DF_DMY_DASH = 1 << 1,  /* 01-03-2024 */
    TG_DF_MDY_DASH = 1 << 2,  /* 03-01-2024 */
    TG_DF_DMY_DOT = 1 << 3,   /* 01.03.2024 */
    TG_DF_MDY_DOT = 1 << 4,   /* 03.01.2024 */
    TG_DF_DMY_SLASH = 1 << 5, /* 01/03/2024 */
    TG_DF_MDY_SLASH = 1 << 6, /* 03/01/2024 */
    TG_DF_YMD_SLASH = 1 << 7, /* 2024/03/01 */
    TG_DF_ALL = (1 << 8) - 1
};

/* Classifies the n bytes at s as a date. Returns the mask of formats under
** which the text is a valid calendar date (0 when it is not a date in any
** format), and stores in *packed an encoding of its three numbers that
** tg_conv_date_days turns into a day number once the column's format is
** known. Day and month may have 1 or 2 digits, the year has 4. A time of
** day that is exactly midnight may follow after 'T' or a space
** ("2024-03-01 00:00", "01-03-2024 00:00:00"); any other time is not a date. */
unsigned tg_conv_date(const char *s, size_t n, int32_t *packed);

/* The day number of a value classified by tg_conv_date, read in format
** 'fmt' (exactly one bit, and one of the bits tg_conv_date returned). */
int32_t tg_conv_date_days(int32_t packed, unsigned fmt);

/* Picks one format from a column's surviving mask (the AND of every
** value's mask): ISO first, then day-first before month-first (Danish
** data), then by separator. 0 when the mask is 0. */
unsigned tg_conv_date_pick(unsigned mask);

/* strftime-style name of a single format ("%Y-%m-%d", "%d-%m-%Y", ...),
** and the reverse (0 when the text names no supported format). */
const char *tg_conv_date_fmt_name(unsigned fmt);
unsigned tg_conv_date_fmt_parse(const char *name);

#endif /* TG_CONV_H */
