/*
** tg_xlsxml.c -- the expat parse loop of the .xlsx parts (see
** tg_xlsxml.h). expat calls the trampolines below, which hand the parse
** to the part's own handlers: their state begins with the tg_xlsxml, so
** neither side needs the other's types.
*/
#include "tg_xlsxml.h"

#include <expat.h>

#include "tg_enc.h"
#include "tg_err.h"
#include "tg_mem.h"

static void *x_malloc(size_t n) {
    return tg_malloc(n);
}
static void *x_realloc(void *p, size_t n) {
    return tg_realloc(p, n);
}
static void x_free(void *p) {
    tg_free(p);
}

void tg_xlsxml_stop(tg_xlsxml *ps, tg_status st) {
    if (ps->st == TG_OK && !ps->stopped) {
        ps->st = st;
        if (st == TG_OK) ps->stopped = 1;
    }
    XML_StopParser(ps->parser, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    tg_xlsxml *ps = ud;
    ps->start(ps, name, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
    tg_xlsxml *ps = ud;
    ps->end(ps, name);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int n) {
    tg_xlsxml *ps = ud;
    ps->text(ps, s, n);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal) {
    tg_xlsxml *ps = ud;
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    tg_xlsxml_stop(ps, tg_err_set(ps->err, TG_EDATA, ps->path, 0, 0,
                                  "part '%s' of the workbook declares a DOCTYPE, which no "
                                  "workbook has",
                                  ps->part));
}

/* The status of a parse that expat refused. */
static tg_status xml_error(tg_xlsxml *ps) {
    XML_Parser p = ps->parser;
    if (ps->st != TG_OK) return ps->st;
    if (XML_GetErrorCode(p) == XML_ERROR_NO_MEMORY) return tg_err_nomem(ps->err);
    return tg_err_set(
        ps->err, TG_EDATA, ps->path, 0, 0, "part '%s' is not well-formed XML: %s (line %lu)",
        ps->part, XML_ErrorString(XML_GetErrorCode(p)), (unsigned long)XML_GetCurrentLineNumber(p));
}

/* TG_ECANCEL from here only stops the stream; tg_xlsxml_parse knows it
** meant "read enough" by ps->stopped. */
static tg_status sink(void *ud, const char *buf, size_t n) {
    tg_xlsxml *ps = ud;
    if (XML_Parse(ps->parser, buf, (int)n, 0) == XML_STATUS_OK) return TG_OK;
    return ps->stopped ? TG_ECANCEL : xml_error(ps);
}

tg_status tg_xlsxml_parse(tg_zip *z, const char *part, const char *path, const tg_interrupt *intr,
                          tg_xlsxml *ps, tg_xlsxml_start start, tg_xlsxml_end end,
                          tg_xlsxml_text text, tg_error *err) {
    static const XML_Memory_Handling_Suite mem = { x_malloc, x_realloc, x_free };
    XML_Parser p = XML_ParserCreate_MM("UTF-8", &mem, NULL);
    if (!p) return tg_err_nomem(err);
    ps->parser = p;
    ps->st = TG_OK;
    ps->stopped = 0;
    ps->err = err;
    ps->part = part;
    ps->path = path;
    ps->start = start;
    ps->end = end;
    ps->text = text;
    XML_SetUserData(p, ps);
    XML_SetElementHandler(p, on_start, end ? on_end : NULL);
    if (text) XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    tg_status st = tg_zip_stream(z, part, sink, ps, intr, err);
    if (ps->stopped) st = TG_OK;
    else if (st == TG_OK && XML_Parse(p, NULL, 0, 1) != XML_STATUS_OK)
        st = ps->stopped ? TG_OK : xml_error(ps);
    XML_ParserFree(p);
    ps->parser = NULL;
    return st;
}

const char *tg_xlsxml_local(const char *name) {
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

const char *tg_xlsxml_attr(const char **atts, const char *name) {
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(tg_xlsxml_local(atts[i]), name) == 0) return atts[i + 1];
    return NULL;
}

static int hexval(char ch) {
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                    : -1;
}

size_t tg_xlsxml_unescape(char *s, size_t n) {
    size_t o = 0, i = 0;
    if (n == 0 || !memchr(s, '_', n)) return n;
    while (i < n) {
        unsigned long cp = 0;
        int ok = i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
        for (size_t k = 2; ok && k < 6; k++) {
            int h = hexval(s[i + k]);
            ok = h >= 0;
            cp = cp * 16 + (unsigned long)h;
        }
        if (ok && cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
            o += tg_enc_put_utf8((unsigned char *)s + o, (uint32_t)cp);
            i += 7;
        } else {
            s[o++] = s[i++];
        }
    }
    return o;
}
