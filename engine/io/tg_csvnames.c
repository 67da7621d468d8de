/*
** tg_csvnames.c -- unique, non-empty column names for a CSV header (see
** tg_csvnames.h). Split from the loader: it knows nothing of CSV but the
** naming rule, and a header of 50,000 columns needs its hashing.
*/
#include "tg_csvnames.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tg_dict.h"
#include "tg_mem.h"

/* The names of a header while tg_csvnames_fix makes them unique: a dictionary
** of every name met, with per name how many columns carry it now, whether
** an earlier column does, and the next suffix to try. Hashing keeps a
** header of 50,000 columns linear (comparing every pair took 17 s). */
struct name_set {
    tg_dict *d;
    uint32_t *count; /* columns now carrying the name */
    uint8_t *seen;   /* an earlier column carries it */
    int *next;       /* the first suffix still to try for this base name */
    size_t cap;
};

static tg_status names_code(struct name_set *ns, const char *s, uint32_t *code) {
    if (tg_dict_intern(ns->d, s, strlen(s), code) != TG_OK) return TG_ENOMEM;
    if (*code < ns->cap) return TG_OK;
    size_t cap = ns->cap ? 2 * ns->cap : 64;
    uint32_t *count = tg_realloc(ns->count, cap * sizeof *count);
    if (count) ns->count = count;
    uint8_t *seen = count ? tg_realloc(ns->seen, cap) : NULL;
    if (seen) ns->seen = seen;
    int *next = seen ? tg_realloc(ns->next, cap * sizeof *next) : NULL;
    if (!next) return TG_ENOMEM;
    ns->next = next;
    memset(count + ns->cap, 0, (cap - ns->cap) * sizeof *count);
    memset(seen + ns->cap, 0, cap - ns->cap);
    for (size_t i = ns->cap; i < cap; i++) next[i] = 2;
    ns->cap = cap;
    return TG_OK;
}

/* A free name for column k, which repeats an earlier one (or is empty),
** into buf: "<name>_2", "_3", ... or "column<k+1>", then "column<k+1>_2"...
** A name once carried stays carried (a rename leaves at least one), so a
** base name's next suffix only grows. */
static tg_status names_free(struct name_set *ns, const char *name, size_t k, char *buf,
                            size_t size) {
    char base[280];
    uint32_t b, code;
    if (name[0] == '\0') snprintf(base, sizeof base, "column%zu", k + 1);
    else snprintf(base, sizeof base, "%.270s", name);
    if (names_code(ns, base, &b) != TG_OK) return TG_ENOMEM;
    if (name[0] == '\0' && ns->count[b] == 0) {
        snprintf(buf, size, "%s", base);
        return TG_OK;
    }
    for (;;) {
        snprintf(buf, size, "%s_%d", base, ns->next[b]++);
        if (names_code(ns, buf, &code) != TG_OK) return TG_ENOMEM;
        if (ns->count[code] == 0) return TG_OK;
    }
}

/* Unique, non-empty names: "" becomes "column<k>", a repeat gets "_2". */
tg_status tg_csvnames_fix(char **names, size_t n) {
    struct name_set ns = { tg_dict_new(), NULL, NULL, NULL, 0 };
    tg_status st = ns.d ? TG_OK : TG_ENOMEM;
    uint32_t code;
    char buf[300];
    for (size_t k = 0; k < n && st == TG_OK; k++) {
        if ((st = names_code(&ns, names[k], &code)) == TG_OK) ns.count[code]++;
    }
    for (size_t k = 0; k < n && st == TG_OK; k++) {
        if ((st = names_code(&ns, names[k], &code)) != TG_OK) break;
        if (names[k][0] != '\0' && !ns.seen[code]) {
            ns.seen[code] = 1;
            continue;
        }
        if ((st = names_free(&ns, names[k], k, buf, sizeof buf)) != TG_OK) break;
        char *copy = tg_strdup(buf);
        if (!copy || (st = names_code(&ns, buf, &code)) != TG_OK) {
            tg_free(copy);
            st = TG_ENOMEM;
            break;
        }
        uint32_t old = tg_dict_find(ns.d, names[k], strlen(names[k]));
        ns.count[old]--;
        tg_free(names[k]);
        names[k] = copy;
        ns.count[code]++;
        ns.seen[code] = 1;
    }
    tg_dict_release(ns.d);
    tg_free(ns.count);
    tg_free(ns.seen);
    tg_free(ns.next);
    return st;
}
