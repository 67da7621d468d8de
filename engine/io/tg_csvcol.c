/*
** tg_csvcol.c -- typed column building for the CSV loader.
** A part moves through kinds as values arrive: K_NULL (only nulls so far)
** -> the narrowest type that fits. A late float widens an int part in
** place. A value that fits no numeric reading demotes the part to K_TEXT,
** which stores nothing: the column is read again as text in a second
** pass, so no early value is ever guessed wrongly. Value buffers grow with
** realloc and are never zero-filled beyond what is written, so untouched
** capacity costs no resident memory.
*/
#include "tg_csvcol.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "tg_enc.h"
#include "tg_mem.h"

enum {
    K_NULL,    /* nothing but nulls yet */
    K_INT,     /* int64 values */
    K_FLOAT,   /* double values */
    K_BOOL,    /* uint8 values */
    K_DATE,    /* packed dates (tg_conv_date), converted once the format is known */
    K_STRING,  /* dictionary codes */
    K_NUMPEND, /* numbers whose decimal mark flipped: only the marks are tracked */
    K_TEXT,    /* demoted: to be read again as text */
    K_IGNORE
};

/* Why a part stopped being typed, or why a push failed. */
enum {
    R_NONE,
    R_NOT_NUMBER,
    R_NOT_DATE,
    R_NOT_BOOL,
    R_DATE_FMT,
    R_UTF8,
    R_INT_RANGE,
    R_DATE_MIX,
    R_TYPE_MIX
};

struct tg_csvcol {
    tg_csvcol_spec spec;
    int kind;
    void *v;
    size_t cap, len; /* rows allocated / rows known (max row pushed + 1) */
    uint64_t *valid; /* NULL = all valid; covers 'vcap' rows */
    size_t vcap;
    tg_dict *dict;
    unsigned marks; /* decimal marks every stored number allows */
    int cur_mark;   /* mark the stored numbers were read under */
    size_t n_ambig; /* stored numbers whose value depends on the mark */
    unsigned dfmt;  /* date formats every stored date allows */
    unsigned dall;  /* ... and every date pushed, also in rows taken back since */
    size_t cap_hint;
    size_t null_max;        /* longest null token: longer text is never null */
    uint8_t null_first[32]; /* bit set of the null tokens' first bytes */
    int null_empty;         /* "" is a null token */
    uint32_t last_code;     /* the previous string's code: runs repeat a value */
    /* diagnostics */
    int reason;
    size_t note_row;
    char note_val[40];   /* the first value that made the part text (for the note) */
    char bad_val[40];    /* the latest value that failed (for reasons of rejects) */
    char text_why[128];  /* why the part became K_TEXT, for the decision's note */
    char mix_fmt[16];    /* with R_DATE_MIX: the column's format before the value */
    size_t dexcl_row[8]; /* first row that ruled out each date format */
    char dexcl_val[8][24];
    unsigned dexcl_carried; /* formats earlier parts ruled out (dexcl_val names the value) */
    size_t n_contra;        /* dates that contradicted the part's earlier dates */
    int seed;               /* CARRY_* the part was seeded with (tg_csvcol_seed) */
    /* With spec.undo (reject mode): the part as it was before the first
    ** change row 'undo_row' made to its type, and the storage a change of
    ** kind in row 'stash_row' replaced (tg_csvcol_undo). */
    struct tg_csvcol *undo;
    size_t undo_row;
    void *stash;
    size_t stash_cap, stash_row;
};

/* Bytes per stored value by kind (a table: this is on the per-field path). */
static const unsigned char kind_widths[] = { 0, 8, 8, 1, 4, 4, 0, 0, 0 };

static size_t kind_width(int kind) {
    return kind_widths[kind];
}

tg_csvcol *tg_csvcol_new(const tg_csvcol_spec *spec, size_t cap_hint) {
    tg_csvcol *c = tg_calloc(1, sizeof *c);
    if (!c) return NULL;
    c->spec = *spec;
    c->cap_hint = cap_hint < 64 ? 64 : cap_hint;
    c->marks = TG_MARK_DOT | TG_MARK_COMMA;
    c->dfmt = c->dall = spec->dfmt ? spec->dfmt : TG_DF_ALL;
    c->cur_mark = spec->mark ? spec->mark : spec->pref_mark ? spec->pref_mark : TG_MARK_DOT;
    c->note_row = SIZE_MAX;
    for (int i = 0; i < 8; i++) c->dexcl_row[i] = SIZE_MAX;
    c->kind = spec->mode == TG_CC_IGNORE ? K_IGNORE : K_NULL;
    for (size_t i = 0; i < spec->nulls->n; i++) {
        size_t len = spec->nulls->len[i];
        if (len > c->null_max) c->null_max = len;
        if (len == 0) c->null_empty = 1;
        else {
            unsigned char b = (unsigned char)spec->nulls->tok[i][0];
            c->null_first[b >> 3] |= (uint8_t)(1u << (b & 7));
        }
    }
    c->last_code = TG_DICT_NONE;
    c->undo_row = c->stash_row = SIZE_MAX;
    if (spec->undo && spec->mode != TG_CC_IGNORE && !(c->undo = tg_malloc(sizeof *c))) {
        tg_free(c);
        return NULL;
    }
    return c;
}

void tg_csvcol_free(tg_csvcol *c) {
    if (!c) return;
    tg_free(c->v);
    tg_free(c->valid);
    tg_dict_release(c->dict);
    tg_free(c->undo);
    tg_free(c->stash);
    tg_free(c);
}

size_t tg_csvcol_note_row(const tg_csvcol *c) {
    return c->note_row;
}

/* ---- storage ---- */

/* Makes row 'row' addressable. A new buffer gets rows [0, row) zeroed:
** they were nulls, whose value reads as 0. */
static int grow_rows(tg_csvcol *c, size_t row) {
    size_t w = kind_width(c->kind);
    size_t cap = c->cap ? c->cap * 2 : c->cap_hint;
    while (cap <= row) cap *= 2;
    void *v = tg_realloc(c->v, cap * w);
    if (!v) return TG_ENOMEM;
    if (!c->v && row > 0) memset(v, 0, row * w);
    c->v = v;
    c->cap = cap;
    return TG_OK;
}

static inline int ensure_row(tg_csvcol *c, size_t row) {
    return row < c->cap ? TG_OK : grow_rows(c, row);
}

static int set_null(tg_csvcol *c, size_t row) {
    if (row >= c->vcap) {
        size_t words = c->vcap / 64, cap = c->vcap ? c->vcap * 2 : c->cap_hint;
        while (cap <= row) cap *= 2;
        cap = (cap + 63) / 64 * 64;
        uint64_t *bits = tg_realloc(c->valid, cap / 8);
        if (!bits) return TG_ENOMEM;
        memset(bits + words, 0xff, (cap / 64 - words) * 8);
        c->valid = bits;
        c->vcap = cap;
    }
    tg_col_bit_clear(c->valid, row);
    return TG_OK;
}

/* ---- taking back a rejected row ----
** Called before anything in the part's type changes: the type changes
** rarely (a kind, a mark or a date format ruled out), so the per-value
** path never pays for the undo. */
static void save(tg_csvcol *c, size_t row) {
    if (!c->undo || c->undo_row == row) return;
    *c->undo = *c;
    c->undo_row = row;
}

/* Keeps the storage a change of kind in 'row' gives up (freed before). */
static void stash(tg_csvcol *c, size_t row, void *v, size_t cap) {
    tg_free(c->stash);
    c->stash = v;
    c->stash_cap = cap;
    c->stash_row = row;
}

/* An undo of int -> float converts back; ints past 2^53 would not come
** back exactly and are copied (without the memory for it, they round). */
static void keep_ints(tg_csvcol *c, size_t row, size_t n) {
    const int64_t *iv = c->v;
    int64_t *copy;
    for (size_t i = 0; i < n; i++) {
        if (iv[i] >= -(INT64_C(1) << 53) && iv[i] <= INT64_C(1) << 53) continue;
        if ((copy = tg_malloc(n * sizeof *copy)) != NULL) {
            memcpy(copy, iv, n * sizeof *copy);
            stash(c, row, copy, n);
        }
        return;
    }
}

static void keep_note(tg_csvcol *c, int reason, size_t row, const char *s, size_t n) {
    save(c, row);
    c->reason = reason;
    snprintf(c->bad_val, sizeof c->bad_val, "%.*s", (int)(n < 36 ? n : 36), s ? s : "");
    if (c->note_row != SIZE_MAX && reason != R_UTF8) return;
    c->note_row = row;
    snprintf(c->note_val, sizeof c->note_val, "%.*s", (int)(n < 36 ? n : 36), s ? s : "");
}

/* Changes the kind of a part that holds only nulls, or widens int to float.
** A part becoming K_TEXT keeps why (the value kept by keep_note): later
** rejects of invalid UTF-8 in the part overwrite the reason. */
static void become(tg_csvcol *c, int kind, size_t row) {
    save(c, row);
    if (kind == K_TEXT) tg_csvcol_reason(c, c->text_why, sizeof c->text_why);
    if (c->kind == K_INT && kind == K_FLOAT) {
        int64_t *iv = c->v;
        double *fv = c->v;
        /* rows before 'row' (the row's own slot may lie past the buffer) */
        size_t n = row < c->cap ? row : c->cap;
        if (c->undo) keep_ints(c, row, n);
        for (size_t i = 0; i < n; i++) {
            int64_t x = iv[i];
            fv[i] = (double)x;
        }
    } else {
        assert(c->kind == K_NULL || kind == K_TEXT || kind == K_NUMPEND);
        if (kind == K_TEXT || kind == K_NUMPEND) {
            /* nothing stored survives: the column is read again */
            if (c->undo) stash(c, row, c->v, c->cap);
            else tg_free(c->v);
            c->v = NULL;
            c->cap = 0;
        }
    }
    c->kind = kind;
}

/* ---- values ---- */

/* A K_TEXT part stores nothing until the text pass, but checks UTF-8 now:
** an invalid value found first in the text pass could no longer be
** rejected (the other columns have dropped their rejected rows by then). */
static int check_text(tg_csvcol *c, const char *s, size_t n) {
    if (n == 0 || !c->spec.check_utf8 || tg_enc_utf8_valid((const unsigned char *)s, n, 1) == n)
        return TG_OK;
    c->reason = R_UTF8;
    snprintf(c->bad_val, sizeof c->bad_val, "%.*s", (int)(n < 36 ? n : 36), s);
    return TG_CC_BADUTF8;
}

/* A value no typed reading fits makes the part text, unless the value is
** invalid UTF-8: then it is rejected (or fails the load) and, like every
** rejected value, decides nothing about the column's type. */
static int demote(tg_csvcol *c, int reason, size_t row, const char *s, size_t n) {
    if (check_text(c, s, n) != TG_OK) return TG_CC_BADUTF8;
    keep_note(c, reason, row, s, n);
    become(c, K_TEXT, row);
    return TG_OK;
}

/* 1 when the value's reading may depend on the decimal mark: it has a
** separator, or an exponent, which only the '.' mark reads ("6e45" is no
** number under ','). Such a value narrows the marks wherever it stands, so
** a part that begins with it decides as the same value inside a part. */
static int has_sep(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.' || s[i] == ',' || s[i] == 'e' || s[i] == 'E') return 1;
    return 0;
}

/* "-?[1-9][0-9]{0,17}" or "0": an integer that reads the same under both
** decimal marks and cannot overflow, so it needs none of tg_conv_number's
** care. Anything else (signs, separators, leading zeros) returns 0. */
static int plain_int(const char *s, size_t n, int64_t *out) {
    size_t i = s[0] == '-';
    if (n - i == 0 || n - i > 18 || (s[i] == '0' && n - i > 1)) return 0;
    int64_t v = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return 0;
        v = v * 10 + (int64_t)d;
    }
    *out = s[0] == '-' ? -v : v;
    return 1;
}

/* A numeric value in a numeric part (K_INT/K_FLOAT/K_NULL). */
static int push_number(tg_csvcol *c, size_t row, const char *s, size_t n, int explicit_type) {
    int64_t iv;
    double fv;
    int mark = c->spec.mark ? c->spec.mark : c->cur_mark;

    if ((c->kind == K_INT || c->kind == K_FLOAT) && plain_int(s, n, &iv)) {
        if (ensure_row(c, row) != TG_OK) return TG_ENOMEM;
        if (c->kind == K_INT) ((int64_t *)c->v)[row] = iv;
        else ((double *)c->v)[row] = (double)iv; /* exact: |iv| < 10^18 < 2^60 */
        return TG_OK;
    }

    /* Once one mark is ruled out, parsing under the other proves all we
    ** need, so the second look at the text is skipped (the common case). */
    int open = c->marks == (TG_MARK_DOT | TG_MARK_COMMA);
    if (!c->spec.mark && open && has_sep(s, n)) {
        unsigned m = tg_conv_number_marks(s, n);
        /* a row that only counts an ambiguous value is not saved for: a
        ** count too high only makes a mark flip read the column again,
        ** which gives the same values */
        if ((c->marks & m) != c->marks) save(c, row);
        if ((m & c->marks) == 0) {
            /* not a number, or marks that contradict */
            if (!explicit_type) return demote(c, R_NOT_NUMBER, row, s, n);
            keep_note(c, R_NOT_NUMBER, row, s, n);
            return TG_CC_BAD;
        }
        c->marks &= m;
        if (!(c->marks & (unsigned)mark)) {
            /* The mark assumed so far is ruled out. Values read under it
            ** with a separator may now mean something else. */
            mark = (c->marks & TG_MARK_DOT) ? TG_MARK_DOT : TG_MARK_COMMA;
            if (c->n_ambig > 0) {
                keep_note(c, R_NONE, row, s, n);
                become(c, K_NUMPEND, row);
                return TG_OK;
            }
            c->cur_mark = mark;
        }
        if (m == (TG_MARK_DOT | TG_MARK_COMMA)) c->n_ambig++;
    }
    int r = tg_conv_number(s, n, mark, &iv, &fv);
    if (r == TG_NUM_NONE) {
        if (!explicit_type) return demote(c, R_NOT_NUMBER, row, s, n);
        keep_note(c, R_NOT_NUMBER, row, s, n);
        return TG_CC_BAD;
    }
    if (r == TG_NUM_FLOAT && c->spec.mode == TG_CC_INT) {
        keep_note(c, R_INT_RANGE, row, s, n);
        return TG_CC_BAD;
    }
    if (c->kind == K_NULL) {
        save(c, row);
        c->cur_mark = mark;
        become(c, r == TG_NUM_INT && c->spec.mode != TG_CC_FLOAT ? K_INT : K_FLOAT, row);
    } else if (c->kind == K_INT && r == TG_NUM_FLOAT) {
        become(c, K_FLOAT, row);
    }
    if (ensure_row(c, row) != TG_OK) return TG_ENOMEM;
    if (c->kind == K_INT) ((int64_t *)c->v)[row] = iv;
    else ((double *)c->v)[row] = fv;
    return TG_OK;
}

static void note_date_exclusions(tg_csvcol *c, unsigned before, unsigned after, size_t row,
                                 const char *s, size_t n) {
    for (int b = 0; b < 8; b++) {
        unsigned bit = 1u << b;
        if ((before & bit) && !(after & bit) && c->dexcl_row[b] == SIZE_MAX) {
            c->dexcl_row[b] = row;
            snprintf(c->dexcl_val[b], sizeof c->dexcl_val[b], "%.*s", (int)(n < 20 ? n : 20), s);
        }
    }
}

/* The written shapes of a set of date formats: ISO, d-m-y/m-d-y with '-',
** with '.', with '/', and y/m/d. Two sets of another shape are dates from
** two sources (2024-03-01 beside 03/13/2024), not one ambiguous format. */
static unsigned date_shapes(unsigned fmts) {
    unsigned s = 0;
    if (fmts & TG_DF_ISO) s |= 1;
    if (fmts & (TG_DF_DMY_DASH | TG_DF_MDY_DASH)) s |= 2;
    if (fmts & (TG_DF_DMY_DOT | TG_DF_MDY_DOT)) s |= 4;
    if (fmts & (TG_DF_DMY_SLASH | TG_DF_MDY_SLASH)) s |= 8;
    if (fmts & TG_DF_YMD_SLASH) s |= 16;
    return s;
}

static int push_date(tg_csvcol *c, size_t row, const char *s, size_t n, int explicit_type) {
    int32_t packed;
    unsigned m = tg_conv_date(s, n, &packed);
    if (m == 0) {
        if (!explicit_type) return demote(c, R_NOT_DATE, row, s, n);
        keep_note(c, R_NOT_DATE, row, s, n);
        return TG_CC_BAD;
    }
    /* earlier parts of the file made the column another type: read in one
    ** piece, this date would have made it text */
    if (!explicit_type && c->seed == TG_CC_CARRY_OTHER) return demote(c, R_TYPE_MIX, row, s, n);
    if ((m & c->dfmt) == 0) {
        /* Another shape mixes sources: text, with a note that says so; the
        ** same shape read day- and month-first is a contradiction. */
        if (!explicit_type && (date_shapes(m) & date_shapes(c->dfmt)) == 0) {
            snprintf(c->mix_fmt, sizeof c->mix_fmt, "%s",
                     tg_conv_date_fmt_name(tg_conv_date_pick(c->dfmt)));
            return demote(c, R_DATE_MIX, row, s, n);
        }
        keep_note(c, R_DATE_FMT, row, s, n);
        c->n_contra++;
        return TG_CC_CONTRADICT;
    }
    c->dall &= m;
    if ((c->dfmt & m) != c->dfmt) {
        save(c, row);
        note_date_exclusions(c, c->dfmt, c->dfmt & m, row, s, n);
        c->dfmt &= m;
    }
    if (c->kind == K_NULL) become(c, K_DATE, row);
    if (ensure_row(c, row) != TG_OK) return TG_ENOMEM;
    ((int32_t *)c->v)[row] = packed;
    return TG_OK;
}

static int push_bool(tg_csvcol *c, size_t row, const char *s, size_t n, int explicit_type) {
    int b;
    if (tg_conv_bool(s, n, &b) != 0) {
        if (!explicit_type) return demote(c, R_NOT_BOOL, row, s, n);
        keep_note(c, R_NOT_BOOL, row, s, n);
        return TG_CC_BAD;
    }
    if (c->kind == K_NULL) become(c, K_BOOL, row);
    if (ensure_row(c, row) != TG_OK) return TG_ENOMEM;
    ((uint8_t *)c->v)[row] = (uint8_t)b;
    return TG_OK;
}

static int push_string(tg_csvcol *c, size_t row, const char *s, size_t n) {
    uint32_t code;
    if (!c->dict && !(c->dict = tg_dict_new())) return TG_ENOMEM;
    code = TG_DICT_NONE;
    if (c->last_code != TG_DICT_NONE) {
        size_t len;
        const char *last = tg_dict_str(c->dict, c->last_code, &len);
        if (len == n && memcmp(last, s, n) == 0) code = c->last_code;
    }
    if (code == TG_DICT_NONE) code = tg_dict_find(c->dict, s, n);
    if (code == TG_DICT_NONE) {
        if (c->spec.check_utf8 && tg_enc_utf8_valid((const unsigned char *)s, n, 1) != n) {
            keep_note(c, R_UTF8, row, s, n);
            return TG_CC_BADUTF8;
        }
        if (tg_dict_intern(c->dict, s, n, &code) != TG_OK) return TG_ENOMEM;
    }
    /* Only a value that is stored changes the kind: a typed part has
    ** storage for its rows (a rejected first value once left K_STRING
    ** with no buffer, which assembling read). */
    if (c->kind == K_NULL) become(c, K_STRING, row);
    if (ensure_row(c, row) != TG_OK) return TG_ENOMEM;
    ((uint32_t *)c->v)[row] = code;
    c->last_code = code;
    return TG_OK;
}

/* First non-null value of an inferred column: pick the narrowest type. */
static int push_first(tg_csvcol *c, size_t row, const char *s, size_t n) {
    int32_t packed;
    int b;
    unsigned m = tg_conv_number_marks(s, n);
    if (m) {
        save(c, row);
        c->cur_mark = (m & (unsigned)c->spec.pref_mark) ? c->spec.pref_mark
                      : (m & TG_MARK_DOT)               ? TG_MARK_DOT
                                                        : TG_MARK_COMMA;
        return push_number(c, row, s, n, 0);
    }
    if (tg_conv_date(s, n, &packed)) return push_date(c, row, s, n, 0);
    if (tg_conv_bool(s, n, &b) == 0) return push_bool(c, row, s, n, 0);
    return push_string(c, row, s, n);
}

/* A part whose decimal mark flipped only checks that values stay numbers. */
static int push_pending(tg_csvcol *c, size_t row, const char *s, size_t n) {
    unsigned m = tg_conv_number_marks(s, n);
    if ((m & c->marks) == 0) {
        if (c->spec.mode == TG_CC_INFER) return demote(c, R_NOT_NUMBER, row, s, n);
        keep_note(c, R_NOT_NUMBER, row, s, n);
        return TG_CC_BAD;
    }
    if ((c->marks & m) != c->marks) save(c, row);
    c->marks &= m;
    return TG_OK;
}

int tg_csvcol_push(tg_csvcol *c, size_t row, const char *s, size_t n) {
    if (c->kind == K_IGNORE) return TG_OK;
    if (c->kind == K_TEXT) return check_text(c, s, n);
    if (row >= c->len) c->len = row + 1;
    if (n == 0 ? c->null_empty
               : n <= c->null_max &&
                     (c->null_first[(unsigned char)s[0] >> 3] >> ((unsigned char)s[0] & 7) & 1) &&
                     tg_conv_is_null(c->spec.nulls, s, n)) {
        size_t w = kind_width(c->kind);
        if (c->v && ensure_row(c, row) == TG_OK) memset((char *)c->v + row * w, 0, w);
        return set_null(c, row);
    }
    if (c->kind == K_NUMPEND) return push_pending(c, row, s, n);
    switch (c->spec.mode) {
    case TG_CC_STRING: return push_string(c, row, s, n);
    case TG_CC_INT:
    case TG_CC_FLOAT:
    case TG_CC_NUMBER: return push_number(c, row, s, n, c->spec.mode != TG_CC_NUMBER);
    case TG_CC_BOOL: return push_bool(c, row, s, n, 1);
    case TG_CC_DATE: return push_date(c, row, s, n, 1);
    default: break;
    }
    switch (c->kind) {
    case K_NULL:
        /* a part seeded with earlier dates is a date column already */
        return c->seed == TG_CC_CARRY_DATE ? push_date(c, row, s, n, 0) : push_first(c, row, s, n);
    case K_INT:
    case K_FLOAT: return push_number(c, row, s, n, 0);
    case K_DATE: return push_date(c, row, s, n, 0);
    case K_BOOL: return push_bool(c, row, s, n, 0);
    case K_STRING: return push_string(c, row, s, n);
    default: return TG_OK;
    }
}

void tg_csvcol_undo(tg_csvcol *c, size_t row) {
    if (c->undo_row != row) return;
    tg_csvcol now = *c;
    *c = *now.undo;
    /* the storage stays, and so do the diagnostics that are not type: the
    ** count of contradicted dates and the formats of every date pushed tell
    ** tg_csvcol_carry_differs whether the part's start state mattered */
    c->v = now.v;
    c->cap = now.cap;
    c->len = now.len;
    c->valid = now.valid;
    c->vcap = now.vcap;
    c->dict = now.dict;
    c->last_code = now.last_code;
    c->n_contra = now.n_contra;
    c->dall = now.dall;
    c->undo = now.undo;
    c->undo_row = SIZE_MAX;
    c->stash = now.stash;
    c->stash_cap = now.stash_cap;
    c->stash_row = now.stash_row;
    if (c->kind == now.kind) return;
    int stashed = c->stash_row == row;
    if (c->kind == K_INT && now.kind == K_FLOAT) {
        size_t n = row < c->cap ? row : c->cap;
        int64_t *iv = c->v;
        const double *fv = c->v;
        if (stashed) memcpy(iv, c->stash, c->stash_cap * sizeof *iv);
        else
            for (size_t i = 0; i < n; i++) /* a slot never written may hold anything */
                iv[i] = fv[i] >= -0x1p63 && fv[i] < 0x1p63 ? (int64_t)fv[i] : 0;
    } else if (stashed) { /* typed -> text or pending: the buffer comes back */
        tg_free(c->v);
        c->v = c->stash;
        c->cap = c->stash_cap;
        c->stash = NULL;
    } else if (c->kind == K_NULL) { /* nulls store nothing */
        tg_free(c->v);
        c->v = NULL;
        c->cap = 0;
    }
    if (stashed) {
        tg_free(c->stash);
        c->stash = NULL;
        c->stash_row = SIZE_MAX;
    }
}

tg_status tg_csvcol_finish(tg_csvcol *c, size_t rows) {
    tg_free(c->stash); /* no row can be taken back now */
    c->stash = NULL;
    c->stash_row = SIZE_MAX;
    if (c->kind == K_IGNORE || c->kind == K_TEXT || c->kind == K_NUMPEND) {
        c->len = rows;
        return TG_OK;
    }
    for (size_t r = c->len; r < rows; r++) {
        if (c->v && ensure_row(c, r) == TG_OK)
            memset((char *)c->v + r * kind_width(c->kind), 0, kind_width(c->kind));
        if (set_null(c, r) != TG_OK) return TG_ENOMEM;
    }
    if (c->len < rows) c->len = rows;
    /* A typed part addresses every row it counts, whatever pushes failed
    ** on the way: assembling copies c->len values from c->v. */
    if (kind_width(c->kind) && c->len > 0 && ensure_row(c, c->len - 1) != TG_OK) return TG_ENOMEM;
    return TG_OK;
}

void tg_csvcol_drop_rows(tg_csvcol *c, const size_t *rows, size_t n) {
    size_t w = kind_width(c->kind), out = 0, k = 0;
    if (n == 0) return;
    for (size_t r = 0; r < c->len; r++) {
        if (k < n && rows[k] == r) {
            k++;
            continue;
        }
        if (out != r) {
            if (c->v && w) memmove((char *)c->v + out * w, (char *)c->v + r * w, w);
            if (c->valid) {
                int ok = r >= c->vcap || tg_col_bit(c->valid, r);
                if (ok) tg_col_bit_set(c->valid, out);
                else tg_col_bit_clear(c->valid, out);
            }
        }
        out++;
    }
    c->len = out;
}

void tg_csvcol_reason(const tg_csvcol *c, char *buf, size_t size) {
    const char *v = c->bad_val;
    switch (c->reason) {
    case R_NOT_NUMBER: snprintf(buf, size, "expected a number, got '%s'", v); break;
    case R_INT_RANGE: snprintf(buf, size, "expected a whole number, got '%s'", v); break;
    case R_NOT_DATE: snprintf(buf, size, "expected a date, got '%s'", v); break;
    case R_NOT_BOOL: snprintf(buf, size, "expected true/false, got '%s'", v); break;
    case R_UTF8: snprintf(buf, size, "invalid UTF-8 in '%s'", v); break;
    case R_DATE_MIX:
        snprintf(buf, size, "the dates mix formats, '%s' among %s dates (types fixes one)", v,
                 c->mix_fmt);
        break;
    case R_DATE_FMT: {
        /* Name an earlier value that ruled out this value's formats. */
        int32_t packed;
        unsigned m = tg_conv_date(v, strlen(v), &packed);
        for (int b = 0; b < 8; b++) {
            if ((m & (1u << b)) && (c->dexcl_row[b] != SIZE_MAX || (c->dexcl_carried >> b & 1))) {
                snprintf(buf, size, "date '%s' contradicts '%s' earlier in the column, which is %s",
                         v, c->dexcl_val[b], tg_conv_date_fmt_name(tg_conv_date_pick(c->dfmt)));
                return;
            }
        }
        snprintf(buf, size, "date '%s' is not in the column's format %s", v,
                 tg_conv_date_fmt_name(tg_conv_date_pick(c->dfmt)));
        break;
    }
    case R_TYPE_MIX:
        snprintf(buf, size, "the column mixes dates ('%s') with values of another type", v);
        break;
    default: snprintf(buf, size, "bad value '%s'", v); break;
    }
}

/* ---- a split file judged as one ---- */

void tg_csvcol_carry_init(tg_csvcol_carry *k, const tg_csvcol_spec *spec) {
    memset(k, 0, sizeof *k);
    k->state = TG_CC_CARRY_NULL;
    k->dfmt = spec->dfmt ? spec->dfmt : TG_DF_ALL;
}

/* Read after the carry instead of from nothing, a part rejects or keeps
** the same rows when it met no contradiction and its formats still share
** one with the earlier parts' (every value then fits the narrower start
** too); or when the earlier parts ruled nothing out. */
int tg_csvcol_carry_differs(const tg_csvcol_carry *k, const tg_csvcol *c) {
    unsigned start = c->spec.dfmt ? c->spec.dfmt : TG_DF_ALL;
    if (c->kind == K_IGNORE || k->state == TG_CC_CARRY_NULL) return 0;
    if (k->state == TG_CC_CARRY_OTHER) return c->n_contra > 0 && c->spec.mode == TG_CC_INFER;
    /* a rejected row's date counts: read after the carry, it may be
    ** rejected at the date instead of where it was */
    if (c->n_contra == 0) return (k->dfmt & c->dall) == 0;
    return k->dfmt != start;
}

void tg_csvcol_carry_add(tg_csvcol_carry *k, const tg_csvcol *c) {
    if (c->kind == K_NULL || c->kind == K_IGNORE || k->state == TG_CC_CARRY_OTHER) return;
    if (c->kind != K_DATE) {
        k->state = TG_CC_CARRY_OTHER;
        return;
    }
    k->state = TG_CC_CARRY_DATE;
    for (int b = 0; b < 8; b++) {
        unsigned bit = 1u << b;
        if ((k->dfmt & bit) && c->dexcl_row[b] != SIZE_MAX) {
            k->excl |= bit;
            memcpy(k->excl_val[b], c->dexcl_val[b], sizeof k->excl_val[b]);
        }
    }
    k->dfmt &= c->dfmt;
}

void tg_csvcol_seed(tg_csvcol *c, const tg_csvcol_carry *k) {
    if (c->kind == K_IGNORE) return;
    c->seed = k->state;
    if (k->state != TG_CC_CARRY_DATE) return;
    c->dfmt = k->dfmt;
    c->dexcl_carried = k->excl;
    memcpy(c->dexcl_val, k->excl_val, sizeof c->dexcl_val);
}

/* ---- deciding a column across its parts ---- */

/* "read as text: <why the part c stopped being typed>", once. */
static void set_note(tg_csvcol_decision *d, const tg_csvcol *c) {
    if (d->note[0]) return;
    snprintf(d->note, sizeof d->note, "read as text: %s", c->text_why);
}

static void reread_as_text(tg_csvcol_decision *d, const tg_csvcol_spec *spec) {
    d->type = TG_STRING;
    d->reread = 1;
    d->respec = *spec;
    d->respec.mode = TG_CC_STRING;
}

/* Dates: every part's formats must share one; contradiction is an error
** reported at the first row of a later part that ruled out the earlier
** parts' formats. */
static tg_status decide_dates(tg_csvcol *const *parts, size_t n, tg_csvcol_decision *d) {
    unsigned mask = TG_DF_ALL;
    for (size_t i = 0; i < n; i++) {
        const tg_csvcol *c = parts[i];
        if (c->kind != K_DATE) continue;
        if ((mask & c->dfmt) == 0 && c->spec.mode == TG_CC_INFER &&
            (date_shapes(mask) & date_shapes(c->dfmt)) == 0) {
            snprintf(d->note, sizeof d->note,
                     "read as text: the dates mix formats, %s in one part of the file and %s in "
                     "another (types fixes one)",
                     tg_conv_date_fmt_name(tg_conv_date_pick(mask)),
                     tg_conv_date_fmt_name(tg_conv_date_pick(c->dfmt)));
            reread_as_text(d, &parts[0]->spec);
            return TG_OK;
        }
        if ((mask & c->dfmt) == 0) {
            d->bad_part = i;
            d->bad_row = 0;
            for (int b = 0; b < 8; b++)
                if ((mask & (1u << b)) && c->dexcl_row[b] != SIZE_MAX) d->bad_row = c->dexcl_row[b];
            snprintf(d->bad_msg, sizeof d->bad_msg,
                     "dates in this column contradict each other: earlier rows are %s, this "
                     "part of the file is %s",
                     tg_conv_date_fmt_name(tg_conv_date_pick(mask)),
                     tg_conv_date_fmt_name(tg_conv_date_pick(c->dfmt)));
            return TG_EDATA;
        }
        mask &= c->dfmt;
    }
    d->type = TG_DATE;
    d->dfmt = tg_conv_date_pick(mask);
    return TG_OK;
}

static void decide_numbers(tg_csvcol *const *parts, size_t n, const tg_csvcol_spec *spec,
                           tg_csvcol_decision *d) {
    unsigned marks = TG_MARK_DOT | TG_MARK_COMMA;
    int any_float = 0, pending = 0;
    for (size_t i = 0; i < n; i++) {
        const tg_csvcol *c = parts[i];
        if (c->kind == K_NULL) continue;
        marks &= c->marks;
        any_float |= c->kind == K_FLOAT;
        pending |= c->kind == K_NUMPEND;
    }
    if (spec->mark) marks = (unsigned)spec->mark;
    if (marks == 0) {
        snprintf(d->note, sizeof d->note,
                 "read as text: numbers use both '.' and ',' as the "
                 "decimal mark");
        reread_as_text(d, spec);
        return;
    }
    d->mark = (marks & (unsigned)spec->pref_mark) ? spec->pref_mark
              : (marks & TG_MARK_DOT)             ? TG_MARK_DOT
                                                  : TG_MARK_COMMA;
    /* A part read under another mark is wrong only if some value in it
    ** reads differently under the two marks. */
    for (size_t i = 0; i < n; i++) {
        const tg_csvcol *c = parts[i];
        if (c->kind == K_NUMPEND ||
            ((c->kind == K_INT || c->kind == K_FLOAT) && c->cur_mark != d->mark && c->n_ambig > 0))
            pending = 1;
    }
    d->type = any_float || spec->mode == TG_CC_FLOAT ? TG_FLOAT : TG_INT;
    if (pending) {
        d->reread = 1;
        d->respec = *spec;
        if (d->respec.mode == TG_CC_INFER) d->respec.mode = TG_CC_NUMBER;
        d->respec.mark = d->mark;
    }
}

/* 1 when the first part holding a value began with text: read in one piece
** the column would have been text from its first value, with no note, so a
** note from a later part would depend on where the file was split. */
static int starts_as_text(tg_csvcol *const *parts, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (parts[i]->kind != K_NULL) return parts[i]->kind == K_STRING;
    return 0;
}

tg_status tg_csvcol_decide(tg_csvcol *const *parts, size_t n, tg_csvcol_decision *d) {
    const tg_csvcol_spec *spec = &parts[0]->spec;
    unsigned kinds = 0;

    memset(d, 0, sizeof *d);
    if (spec->mode == TG_CC_IGNORE) return TG_OK;
    for (size_t i = 0; i < n; i++) kinds |= 1u << parts[i]->kind;
    kinds &= ~(1u << K_NULL);

    if (kinds & (1u << K_TEXT)) {
        for (size_t i = 0; i < n && !starts_as_text(parts, n); i++)
            if (parts[i]->kind == K_TEXT) {
                set_note(d, parts[i]);
                break;
            }
        reread_as_text(d, spec);
        return TG_OK;
    }
    if (kinds == 0 || kinds == (1u << K_STRING)) {
        d->type = spec->mode == TG_CC_INFER || spec->mode == TG_CC_STRING ? TG_STRING
                  : spec->mode == TG_CC_BOOL                              ? TG_BOOL
                  : spec->mode == TG_CC_DATE                              ? TG_DATE
                  : spec->mode == TG_CC_INT                               ? TG_INT
                                                                          : TG_FLOAT;
        if (d->type == TG_DATE) d->dfmt = tg_conv_date_pick(spec->dfmt ? spec->dfmt : TG_DF_ISO);
        if (d->type == TG_INT || d->type == TG_FLOAT)
            d->mark = spec->mark ? spec->mark : TG_MARK_DOT;
        return TG_OK;
    }
    unsigned numeric = (1u << K_INT) | (1u << K_FLOAT) | (1u << K_NUMPEND);
    if ((kinds & ~numeric) == 0) {
        decide_numbers(parts, n, spec, d);
        return TG_OK;
    }
    if (kinds == (1u << K_DATE)) return decide_dates(parts, n, d);
    if (kinds == (1u << K_BOOL)) {
        d->type = TG_BOOL;
        return TG_OK;
    }
    /* Parts disagree (numbers in one chunk, dates or text in another). */
    reread_as_text(d, spec);
    if (starts_as_text(parts, n)) return TG_OK;
    snprintf(d->note, sizeof d->note, "read as text: the column mixes %s",
             (kinds & (1u << K_STRING)) ? "text with typed values" : "values of different types");
    return TG_OK;
}

/* ---- assembling the final column ---- */

/* ORs n validity bits of 'src' (NULL = all valid; bits beyond vcap valid)
** into dst starting at bit 'off'; dst was cleared to 0 for that range. */
static void copy_bits(uint64_t *dst, size_t off, const tg_csvcol *c, size_t n) {
    for (size_t w = 0; w * 64 < n; w++) {
        uint64_t bits = (!c->valid || w * 64 >= c->vcap) ? ~(uint64_t)0 : c->valid[w];
        size_t left = n - w * 64;
        if (left < 64) bits &= ((uint64_t)1 << left) - 1;
        size_t at = off + w * 64, shift = at & 63;
        dst[at >> 6] |= bits << shift;
        if (shift && bits >> (64 - shift)) dst[(at >> 6) + 1] |= bits >> (64 - shift);
    }
}

static int part_has_nulls(const tg_csvcol *c) {
    if (c->kind == K_NULL) return c->len > 0;
    if (!c->valid) return 0;
    for (size_t r = 0; r < c->len && r < c->vcap; r++)
        if (!tg_col_bit(c->valid, r)) return 1;
    return 0;
}

static tg_status build_validity(tg_csvcol *const *parts, size_t n, tg_col *col) {
    size_t off = 0, any = 0;
    for (size_t i = 0; i < n; i++) any |= (size_t)part_has_nulls(parts[i]);
    if (!any) return TG_OK;
    size_t words = (col->cap + 63) / 64;
    col->valid = tg_calloc(words ? words : 1, 8);
    if (!col->valid) return TG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const tg_csvcol *c = parts[i];
        if (c->kind != K_NULL) copy_bits(col->valid, off, c, c->len);
        off += c->len;
    }
    /* bits beyond len stay valid, as tg_col expects */
    for (size_t r = off; r < words * 64; r++) tg_col_bit_set(col->valid, r);
    return TG_OK;
}

/* Appends part c's values, converted to the decided type, at row 'off'. */
static tg_status append_values(tg_col *col, size_t off, tg_csvcol *c, const tg_csvcol_decision *d,
                               tg_dict *dict) {
    size_t w = tg_type_width(col->type);
    char *dst = (char *)col->v.any + off * w;
    if (c->kind == K_NULL || c->len == 0) {
        memset(dst, 0, c->len * w);
        return TG_OK;
    }
    switch (col->type) {
    case TG_FLOAT:
        if (c->kind == K_INT)
            for (size_t r = 0; r < c->len; r++)
                ((double *)(void *)dst)[r] = (double)((int64_t *)c->v)[r];
        else memcpy(dst, c->v, c->len * w);
        break;
    case TG_DATE:
        for (size_t r = 0; r < c->len; r++) {
            int32_t p = ((int32_t *)c->v)[r];
            int valid = !c->valid || r >= c->vcap || tg_col_bit(c->valid, r);
            ((int32_t *)(void *)dst)[r] = valid ? tg_conv_date_days(p, d->dfmt) : 0;
        }
        break;
    case TG_STRING: {
        /* Map this part's codes into the column's dictionary. */
        uint32_t size = c->dict ? tg_dict_size(c->dict) : 0, *map;
        if (c->dict == dict) {
            memcpy(dst, c->v, c->len * w);
            break;
        }
        map = tg_malloc((size ? size : 1) * sizeof *map);
        if (!map) return TG_ENOMEM;
        for (uint32_t k = 0; k < size; k++) {
            size_t len;
            const char *s = tg_dict_str(c->dict, k, &len);
            if (tg_dict_intern(dict, s, len, &map[k]) != TG_OK) {
                tg_free(map);
                return TG_ENOMEM;
            }
        }
        for (size_t r = 0; r < c->len; r++) {
            uint32_t code = ((uint32_t *)c->v)[r];
            int valid = !c->valid || r >= c->vcap || tg_col_bit(c->valid, r);
            ((uint32_t *)(void *)dst)[r] = valid ? map[code] : 0;
        }
        tg_free(map);
        break;
    }
    default: memcpy(dst, c->v, c->len * w); break;
    }
    tg_free(c->v);
    c->v = NULL;
    c->cap = 0;
    return TG_OK;
}

tg_status tg_csvcol_assemble(tg_csvcol *const *parts, size_t n, const tg_csvcol_decision *d,
                             tg_col **out) {
    size_t total = 0, off = 0;
    tg_dict *dict = NULL;
    tg_col *col;

    *out = NULL;
    for (size_t i = 0; i < n; i++) total += parts[i]->len;
    if (d->type == TG_STRING) {
        /* Reuse the first part's dictionary: single-chunk loads copy nothing. */
        for (size_t i = 0; i < n && !dict; i++)
            if (parts[i]->kind == K_STRING && parts[i]->dict) dict = parts[i]->dict;
    }
    col = tg_col_new(d->type, 0, dict);
    if (!col) return TG_ENOMEM;
    dict = col->dict;
    /* Grow the first part's buffer in place when it has the right width:
    ** realloc of a large block remaps pages instead of copying them. */
    if (n > 0 && parts[0]->v && kind_width(parts[0]->kind) == tg_type_width(d->type) &&
        !(d->type == TG_FLOAT && parts[0]->kind == K_INT) && d->type != TG_DATE &&
        (d->type != TG_STRING || parts[0]->dict == dict)) {
        void *v = tg_realloc(parts[0]->v, (total ? total : 1) * tg_type_width(d->type));
        if (!v) goto nomem;
        parts[0]->v = NULL;
        col->v.any = v;
        off = parts[0]->len;
    } else {
        col->v.any = tg_malloc((total ? total : 1) * tg_type_width(d->type));
        if (!col->v.any) goto nomem;
    }
    col->cap = total ? total : 1;
    col->len = total;
    if (build_validity(parts, n, col) != TG_OK) goto nomem;
    for (size_t i = off ? 1 : 0, at = off; i < n; at += parts[i]->len, i++)
        if (append_values(col, at, parts[i], d, dict) != TG_OK) goto nomem;
    *out = col;
    return TG_OK;

nomem:
    tg_col_release(col);
    return TG_ENOMEM;
}
