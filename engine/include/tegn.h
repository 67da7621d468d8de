/*
** tegn.h -- the public vocabulary of the tegn engine: status codes, the
** fixed-size error record and the column types. Every engine module speaks
** these; nothing here allocates.
*/
#ifndef TEGN_H
#define TEGN_H

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TG_VERSION_STRING
#define TG_VERSION_STRING "0.0.0"
#endif

typedef enum tg_status {
    TG_OK = 0,
    TG_ENOMEM,  /* allocation failed, or the memory cap was reached */
    TG_EIO,     /* a file could not be opened, read or written */
    TG_EDATA,   /* malformed input data; see file/line/col */
    TG_ESCRIPT, /* a Lua script raised an error */
    TG_EARG,    /* API misuse detected at run time (bad option, unknown column) */
    TG_ELIMIT,  /* a time limit was reached */
    TG_ECANCEL  /* cancelled by a signal */
} tg_status;

/* Caller-owned and fixed-size: reporting an error never allocates. */
typedef struct tg_error {
    tg_status code;
    int line;       /* 1-based; 0 when unknown */
    int col;        /* 1-based; 0 when unknown */
    char file[256]; /* data or script path; "" when none */
    char msg[512];  /* one line, no trailing newline */
} tg_error;

/* Column types. Dates are days since 1970-01-01; strings are
** dictionary-encoded (a code per row into a shared dictionary). */
typedef enum tg_type {
    TG_INT = 1, /* int64 */
    TG_FLOAT,   /* float64 */
    TG_BOOL,    /* one byte per row, 0 or 1 */
    TG_DATE,    /* int32 days since 1970-01-01 */
    TG_STRING   /* uint32 codes into a tg_dict */
} tg_type;

/* A poll for long-running work: C kernels call it between vectors of rows
** (every TG_VECTOR rows) and stop with its status when it is not TG_OK
** (TG_ELIMIT for a time limit, TG_ECANCEL for a signal). May be called
** from worker threads. A NULL poll or NULL fn never stops anything. */
typedef struct tg_interrupt {
    tg_status (*fn)(void *ud);
    void *ud;
} tg_interrupt;

#define TG_VECTOR 2048 /* rows per vector: kernels poll once per vector */

static inline tg_status tg_poll(const tg_interrupt *intr) {
    return intr && intr->fn ? intr->fn(intr->ud) : TG_OK;
}

#ifdef __cplusplus
}
#endif

#endif /* TEGN_H */
