/*
** tg_csvcol.h -- building one column of a CSV load from text fields.
** A tg_csvcol holds the values one chunk of the file gave for one column,
** typed as they arrive: it starts undecided, becomes the narrowest type
** its values fit (int, float, date, bool, else string), widens int to
** float in place, and remembers what it would need to decide across the
** whole column (the decimal marks and date formats every value allows).
** After all chunks are read, tg_csvcol_decide looks at every part of a
** column and tg_csvcol_assemble builds the final tg_col from them.
** Used only by the CSV loader (tg_csv, tg_csvparse); one tg_csvcol is
** touched by one thread.
*/
#ifndef TG_CSVCOL_H
#define TG_CSVCOL_H

#include <stddef.h>
#include <stdint.h>

#include "tg_col.h"
#include "tg_conv.h"

/* How a column's text is read. */
enum {
    TG_CC_INFER = 0, /* decide the type from the values */
    TG_CC_STRING,    /* text, as is */
    TG_CC_NUMBER,    /* int or float, decimal mark fixed by 'mark' */
    TG_CC_INT,       /* explicit types: a value that does not fit is bad */
    TG_CC_FLOAT,
    TG_CC_BOOL,
    TG_CC_DATE,  /* 'dfmt' fixes the format, or 0 to infer it */
    TG_CC_IGNORE /* skip (columns already read in an earlier pass) */
};

typedef struct tg_csvcol_spec {
    int mode;              /* TG_CC_* */
    int mark;              /* TG_MARK_DOT/COMMA: fixed mark, 0 = infer */
    int pref_mark;         /* mark to assume while a column leaves it open */
    unsigned dfmt;         /* TG_DF_* bits allowed (0 = all) */
    const tg_nulls *nulls; /* borrowed */
    int check_utf8;        /* validate new strings as UTF-8 */
    int undo;              /* keep what tg_csvcol_undo needs (reject mode) */
} tg_csvcol_spec;

/* Results of tg_csvcol_push besides TG_OK / TG_ENOMEM. */
enum {
    TG_CC_BAD = 100,  /* the value does not fit an explicit type */
    TG_CC_CONTRADICT, /* a date whose format contradicts earlier dates */
    TG_CC_BADUTF8     /* a string that is not valid UTF-8 */
};

typedef struct tg_csvcol tg_csvcol;

tg_csvcol *tg_csvcol_new(const tg_csvcol_spec *spec, size_t cap_hint);
void tg_csvcol_free(tg_csvcol *c);

/* Stores the n bytes at s (s may be NULL when n is 0) as row 'row' (rows
** arrive in increasing order; a skipped row is garbage, to be removed by
** tg_csvcol_drop_rows). Returns TG_OK, TG_ENOMEM, or one of TG_CC_BAD,
** TG_CC_CONTRADICT, TG_CC_BADUTF8, after which the row's value is undefined
** and the caller drops the row or fails the load. A failed value never
** changes the part's kind, and invalid UTF-8 is found in the first pass
** even in a part that became text (so it can still be rejected). */
int tg_csvcol_push(tg_csvcol *c, size_t row, const char *s, size_t n);

/* With spec.undo: takes back what pushing row 'row' changed in the part's
** type (kind, decimal marks, date formats, notes), so that a rejected row
** decides nothing about its column. Call it for the row just pushed,
** before the next row; the row's value is left for tg_csvcol_drop_rows. A
** part the row did not change is left as it is. */
void tg_csvcol_undo(tg_csvcol *c, size_t row);

/* Sets the column's length to 'rows' (rows never pushed read as NULL). */
tg_status tg_csvcol_finish(tg_csvcol *c, size_t rows);

/* Removes the rows listed (ascending, unique) from a finished column. */
void tg_csvcol_drop_rows(tg_csvcol *c, const size_t *rows, size_t n);

/* Explains the last TG_CC_* failure or a text demotion: fills 'buf' with
** one line such as "expected a number, got 'n/a'". */
void tg_csvcol_reason(const tg_csvcol *c, char *buf, size_t size);

/* The decision for a whole column, from all its parts. */
typedef struct tg_csvcol_decision {
    tg_type type;
    int mark;      /* for numbers */
    unsigned dfmt; /* one bit for dates */
    int reread;    /* 1: read the column again with 'respec' */
    tg_csvcol_spec respec;
    char note[160]; /* why a typed-looking column became text */
    /* On TG_EDATA: where the contradiction shows (part, row) and why. */
    size_t bad_part, bad_row;
    char bad_msg[200];
} tg_csvcol_decision;

/* Decides the column from its n parts (in file order). TG_OK, or TG_EDATA
** when the dates contradict each other across the whole column. */
tg_status tg_csvcol_decide(tg_csvcol *const *parts, size_t n, tg_csvcol_decision *d);

/* Builds the final column from the parts according to 'd' and frees the
** parts' buffers as it goes (keeping peak memory near one copy). The parts
** must still be freed with tg_csvcol_free. TG_OK or TG_ENOMEM. */
tg_status tg_csvcol_assemble(tg_csvcol *const *parts, size_t n, const tg_csvcol_decision *d,
                             tg_col **out);

/* The first row that made a typed column text (for notes); SIZE_MAX when
** none. */
size_t tg_csvcol_note_row(const tg_csvcol *c);

/* ---- a split file judged as one ----
** One thread judges a date against every earlier date of its column; a
** part of a split file, only against the dates before it in the part. The
** carry is what the parts before a part left for that judgement, so the
** loader can tell whether the part would have read differently in one
** piece, and if so read it again starting from the carry. */
enum {
    TG_CC_CARRY_NULL = 0, /* nothing but nulls before */
    TG_CC_CARRY_DATE,     /* dates before, allowing the formats 'dfmt' */
    TG_CC_CARRY_OTHER     /* the column became another type before */
};

typedef struct tg_csvcol_carry {
    int state;            /* TG_CC_CARRY_* */
    unsigned dfmt;        /* the formats every earlier date allows */
    unsigned excl;        /* formats earlier dates ruled out ... */
    char excl_val[8][24]; /* ... and the value that ruled each out, by bit */
} tg_csvcol_carry;

/* Before the first part of a column read with 'spec'. */
void tg_csvcol_carry_init(tg_csvcol_carry *k, const tg_csvcol_spec *spec);

/* 1 when part c, read from the start of its range, may have rejected,
** kept or failed other rows than it would after the parts in k. */
int tg_csvcol_carry_differs(const tg_csvcol_carry *k, const tg_csvcol *c);

/* Adds part c, read as it would be after the parts in k, to k. */
void tg_csvcol_carry_add(tg_csvcol_carry *k, const tg_csvcol *c);

/* Makes the new, empty part c start where the parts in k left off. */
void tg_csvcol_seed(tg_csvcol *c, const tg_csvcol_carry *k);

#endif /* TG_CSVCOL_H */
