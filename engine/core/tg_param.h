/*
** tg_param.h -- a value bound to a query parameter, the one shape SQLite's
** (tg_db) and PostgreSQL's (tg_pg) readers take and the Lua binding fills
** (tg_luaaux_check_param). With 'is_null' set the value is NULL and 'type'
** is ignored; how a type binds and whether 'name' counts is the reader's
** (tg_db.h, tg_pg.h).
*/
#ifndef TG_PARAM_H
#define TG_PARAM_H

#include <stdint.h>

#include "tegn.h"

typedef struct tg_param {
    const char *name; /* NULL: positional */
    int is_null;
    tg_type type;
    union {
        int64_t i;     /* TG_INT */
        double f;      /* TG_FLOAT */
        int b;         /* TG_BOOL */
        int32_t date;  /* TG_DATE: days since 1970-01-01 */
        const char *s; /* TG_STRING, NUL-terminated UTF-8 (borrowed) */
    } v;
} tg_param;

#endif /* TG_PARAM_H */
