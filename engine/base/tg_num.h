/*
** tg_num.h -- numbers as text and numbers rounded: the deterministic
** formatting used wherever a number becomes a string (casts, output), the
** rounding rules of round() (half-up away from zero, half-even, with the
** decimal value the user wrote deciding ties), and strict parsing for
** casts from text. Nothing here allocates or consults the locale.
*/
#ifndef TG_NUM_H
#define TG_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Room for any text tg_num_format_* writes, with its NUL. */
#define TG_NUM_BUF 32

/* The rounding rules. HALF_UP and HALF_EVEN judge ties on the number as
** written (see tg_num_round_f64). HALF_UP_TOL is half-up that also absorbs
** the error of arithmetic: a value within a relative 1e-14 below a half
** counts as the half. 5085034 / 1693.6 is exactly 3002.5 in decimal, but
** the division gives 3002.4999999999995; HALF_UP rounds that to 3002,
** HALF_UP_TOL to 3003, as a spreadsheet and a published takst sheet do.
** The tolerance is far below any real distance from a half that amounts in
** kroner or occupancies with a few decimals produce. Takster round this
** way, and so does round() in scripts by default, so a script recomputing
** a takst gets the same whole kroner. Ints round exactly under every mode
** (HALF_UP_TOL as HALF_UP). */
typedef enum tg_round_mode {
    TG_ROUND_HALF_UP = 1, /* ties away from zero: 2.5 -> 3, -2.5 -> -3 */
    TG_ROUND_HALF_EVEN,   /* ties to the even neighbour: 2.5 -> 2, 3.5 -> 4 */
    TG_ROUND_HALF_UP_TOL  /* HALF_UP, and 1e-14 below a half rounds up: the takst rule */
} tg_round_mode;

/* Digits accepted by the rounding functions: round to 10^-digits. */
#define TG_ROUND_MIN_DIGITS (-18)
#define TG_ROUND_MAX_DIGITS 15

/* Writes the shortest decimal text that reads back as exactly x ("0.1",
** "2.675", "1e+20", "-3.5"); an integral value keeps a ".0" ("3.0") so the
** text still says float. Non-finite values are "inf", "-inf" and "nan".
** buf holds TG_NUM_BUF bytes; returns the length. */
size_t tg_num_format_f64(double x, char *buf);

/* Rounds x to 'digits' decimals (negative: to tens, hundreds, ...) under
** 'mode'. Ties are judged on the shortest decimal text of x -- the number
** as written -- not on its binary value: 2.675 is stored as
** 2.67499999999999982..., yet rounds to 2.68, as a person (or a
** spreadsheet) reading "2.675" expects. With digits = 0 the two views
** agree, because every double with a fraction of .5 is exact. The result
** is the double nearest to the rounded decimal; -0.0 becomes 0.0;
** non-finite x is returned unchanged. TG_ROUND_HALF_UP_TOL instead scales
** |x| by 10^digits, rounds up from 0.5 - 1e-14 * max(scaled, 1) and scales
** back (0.5 - the tolerance covers every tie HALF_UP finds by the text). 'digits' is within
** [TG_ROUND_MIN_DIGITS, TG_ROUND_MAX_DIGITS]. */
double tg_num_round_f64(double x, int digits, tg_round_mode mode);

/* Rounds the integer x to a multiple of 10^-digits (digits < 0; digits >= 0
** leaves x as it is) under 'mode'. Returns 0, or -1 when the result does
** not fit int64 (*out is then unspecified). */
int tg_num_round_i64(int64_t x, int digits, tg_round_mode mode, int64_t *out);

/* Strict text-to-number parsing for casts. Surrounding ASCII spaces and
** tabs are ignored, leading zeros are allowed ("0800" is 800). Integers are
** an optional sign and decimal digits, within int64. Floats also take a
** '.' decimal part and an exponent ("1.5e3"), and ',' thousands groups as
** tg_conv_number does. Return 0 on success, -1 when the text is not such a
** number (nothing else is read as one: not "1,5", "0x10", "inf" or ""). */
int tg_num_parse_i64(const char *s, size_t n, int64_t *out);
int tg_num_parse_f64(const char *s, size_t n, double *out);

#endif /* TG_NUM_H */
