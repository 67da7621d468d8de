/*
** tg_xlsxml.h -- the parts of an .xlsx streamed through expat (the only
** user of expat): one parse loop for every part, the parser's memory
** tg_malloc'ed and fed the entry's bytes as they inflate, with the element
** handlers of the part at hand; element and attribute names matched by
** their local part, as writers differ in prefixes. A DOCTYPE stops the
** parse: no part of a workbook has one, and entities are how XML files
** attack their readers. Also the text helpers every part reader shares.
*/
#ifndef TG_XLSXML_H
#define TG_XLSXML_H

#include <stddef.h>
#include <string.h>

#include "tegn.h"
#include "tg_zip.h"

typedef struct tg_xlsxml tg_xlsxml;

/* Element handlers: 'ps' is the parse, the first member of the handler's
** own state; names come with any prefix ("x:c"), attributes as NULL-ended
** name, value pairs. */
typedef void (*tg_xlsxml_start)(tg_xlsxml *ps, const char *name, const char **atts);
typedef void (*tg_xlsxml_end)(tg_xlsxml *ps, const char *name);
typedef void (*tg_xlsxml_text)(tg_xlsxml *ps, const char *s, int n);

/* One parse. Handlers read err, part and path, and stop it with
** tg_xlsxml_stop; the rest is the loop's. */
struct tg_xlsxml {
    void *parser; /* expat's, while the parse runs */
    tg_status st; /* set by a handler that stops the parse */
    int stopped;  /* stopped on purpose: all that was wanted was read */
    tg_error *err;
    const char *part;
    const char *path;
    tg_xlsxml_start start;
    tg_xlsxml_end end;
    tg_xlsxml_text text;
};

/* Parses the archive's entry 'part' of 'z' with the handlers given ('text'
** may be NULL) and 'ps' (the first member of their state), polling 'intr'
** (may be NULL) while inflating; 'path' names the workbook in messages.
** TG_OK also when a handler stopped it with TG_OK; else a handler's
** status, TG_EDATA (not well-formed, a DOCTYPE), a zip error, TG_ENOMEM. */
tg_status tg_xlsxml_parse(tg_zip *z, const char *part, const char *path, const tg_interrupt *intr,
                          tg_xlsxml *ps, tg_xlsxml_start start, tg_xlsxml_end end,
                          tg_xlsxml_text text, tg_error *err);

/* Stops the parse: with TG_OK when all that was wanted was read, else with
** that error (set in ps->err by the caller). The first stop counts. */
void tg_xlsxml_stop(tg_xlsxml *ps, tg_status st);

/* The local part of a name ("x:sheet" -> "sheet"). */
const char *tg_xlsxml_local(const char *name);
/* The value of the first attribute whose local name is 'name', or NULL. */
const char *tg_xlsxml_attr(const char **atts, const char *name);

/* Undoes ECMA-376's escape of text XML cannot hold (ST_Xstring) in s[0, n),
** in place: "_xHHHH_" is the UTF-16 unit HHHH. Writers use it for control
** characters (Excel's _x000D_ in a cell, libxlsxwriter's _x0001_) and for
** a text that looks like an escape itself ("_x005F_x0041_" is "_x0041_").
** NUL and surrogates stay as written. Returns the new length. */
size_t tg_xlsxml_unescape(char *s, size_t n);

/* An element name el[0, n) (as tg_xmlscan gives it) is the one letter c. */
static inline int tg_xlsxml_is(const char *el, size_t n, char c) {
    return n == 1 && el[0] == c;
}

/* An element name el[0, n) is 'name'. */
static inline int tg_xlsxml_named(const char *el, size_t n, const char *name) {
    return strlen(name) == n && memcmp(el, name, n) == 0;
}

#endif /* TG_XLSXML_H */
