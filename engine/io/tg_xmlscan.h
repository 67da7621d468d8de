/*
** tg_xmlscan.h -- a streaming scanner for the plain XML of a worksheet
** part: start and end tags with quoted attributes, character data with the
** five predefined entities and numeric character references, and an XML
** declaration before the root. It is what expat does for that subset, at a
** fraction of the cost, for the one part that is big (a sheet's XML is
** ~95 % of a workbook's bytes). Anything else -- a comment, CDATA, a
** DOCTYPE, a processing instruction inside the document, another entity,
** mismatched or unclosed tags, invalid UTF-8 in the text it hands over, a
** tag over 64 KiB -- makes it stop "unsure", and the caller reads the part
** again with expat, which either understands it or says what is wrong.
**
** Names are handed over by their local part (after any "x:" prefix), as
** tg_xlsx matches them; character data is handed over only while the
** handlers asked for it (tg_xmlscan_want_text), with line ends normalised
** (CR LF and CR are LF) and references decoded, as expat hands it over.
*/
#ifndef TG_XMLSCAN_H
#define TG_XMLSCAN_H

#include <stddef.h>

#include "tegn.h"

typedef struct tg_xmlscan tg_xmlscan;

/* An attribute as written: its local name, and its raw value between the
** quotes (decode it with tg_xmlscan_value). Borrowed for the call. */
typedef struct tg_xmlscan_attr {
    const char *name, *val;
    size_t nlen, vlen;
} tg_xmlscan_attr;

/* The handlers. A status other than TG_OK stops the scan and is returned
** by tg_xmlscan_feed/_end as it is (the handler sets err). */
typedef struct tg_xmlscan_ops {
    tg_status (*start)(void *ud, const char *name, size_t nlen, const tg_xmlscan_attr *a,
                       size_t n_attrs);
    tg_status (*end)(void *ud, const char *name, size_t nlen);
    tg_status (*text)(void *ud, const char *s, size_t n);
} tg_xmlscan_ops;

/* A new scanner; ops and ud are borrowed for its life. NULL on no memory. */
tg_xmlscan *tg_xmlscan_new(const tg_xmlscan_ops *ops, void *ud);
void tg_xmlscan_free(tg_xmlscan *s);

/* Character data reaches ops->text only while this is on (off at first). */
void tg_xmlscan_want_text(tg_xmlscan *s, int on);

/* The next n bytes of the document. TG_OK, a handler's status, TG_ENOMEM
** (no err set), or TG_ECANCEL with tg_xmlscan_unsure() true (no err set):
** the document is outside the subset, or not well-formed. */
tg_status tg_xmlscan_feed(tg_xmlscan *s, const char *buf, size_t n);

/* The document is complete: TG_OK, or TG_ECANCEL and unsure when it
** stopped inside a tag or an element. */
tg_status tg_xmlscan_end(tg_xmlscan *s);

int tg_xmlscan_unsure(const tg_xmlscan *s);

/* The value of 'a' decoded into buf (cap bytes, NUL-terminated): entities
** and character references undone, tab, CR and LF made spaces (XML's
** attribute-value normalisation). Returns its length, or (size_t)-1 when
** it does not fit. */
size_t tg_xmlscan_value(const tg_xmlscan_attr *a, char *buf, size_t cap);

#endif /* TG_XMLSCAN_H */
