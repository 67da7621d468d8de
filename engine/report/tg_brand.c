/*
** tg_brand.c -- the report's branding (see tg_brand.h): the brand file read
** and checked, the logo read beneath an allowed folder and turned into a
** data: URI, the colours checked for contrast.
*/
#include "tg_brand.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tg_err.h"
#include "tg_json.h"
#include "tg_mem.h"
#include "tg_path.h"
#include "tg_sbuf.h"

#define BRAND_FILE_MAX (64 * 1024)

void tg_brand_free(tg_brand *b) {
    tg_free(b->logo);
    memset(b, 0, sizeof *b);
}

/* ---- colours ---- */

static int hex_digit(char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static int is_colour(const char *s) {
    if (strlen(s) != 7 || s[0] != '#') return 0;
    for (int i = 1; i < 7; i++)
        if (hex_digit(s[i]) < 0) return 0;
    return 1;
}

/* WCAG 2.1's relative luminance of "#rrggbb". */
static double luminance(const char *s) {
    static const double w[3] = { 0.2126, 0.7152, 0.0722 };
    double l = 0;
    for (int k = 0; k < 3; k++) {
        double c = (hex_digit(s[1 + 2 * k]) * 16 + hex_digit(s[2 + 2 * k])) / 255.0;
        l += w[k] * (c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
    }
    return l;
}

double tg_brand_contrast(const char *a, const char *b) {
    double la = luminance(a), lb = luminance(b);
    return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

/* colours.<key>: a colour with at least 'need':1 against white, for 'use'. */
static tg_status read_colour(const tg_json *v, const char *key, double need, const char *use,
                             char *out, const char *path, tg_error *err) {
    const char *s = tg_json_str_value(v, NULL);
    if (!s || !is_colour(s))
        return tg_err_set(err, TG_EDATA, path, 0, 0, "colours.%s must be a colour \"#rrggbb\"",
                          key);
    double r = tg_brand_contrast(s, "#ffffff");
    if (r < need)
        return tg_err_set(err, TG_EDATA, path, 0, 0,
                          "colours.%s %s has a contrast of %.2f:1 against white; WCAG 2.1 AA "
                          "needs %.1f:1 for %s; choose a darker colour",
                          key, s, r, need, use);
    memcpy(out, s, 8);
    return TG_OK;
}

static tg_status read_colours(const tg_json *c, tg_brand *b, const char *path, tg_error *err) {
    if (tg_json_kind_of(c) != TG_JSON_OBJECT)
        return tg_err_set(err, TG_EDATA, path, 0, 0, "colours must be an object");
    for (size_t i = 0; i < tg_json_len(c); i++) {
        const char *key = tg_json_key(c, i);
        const tg_json *v = tg_json_at(c, i);
        tg_status st;
        if (strcmp(key, "primary") == 0)
            st = read_colour(v, key, 4.5, "white text on it", b->primary, path, err);
        else if (strcmp(key, "accent") == 0)
            st = read_colour(v, key, 3.0, "lines and marks", b->accent, path, err);
        else
            st = tg_err_set(err, TG_EDATA, path, 0, 0,
                            "unknown key colours.%s (known: primary, accent)", key);
        if (st != TG_OK) return st;
    }
    return TG_OK;
}

/* ---- the logo ---- */

static void base64(tg_sbuf *b, const unsigned char *p, size_t n) {
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = { abc[v >> 18 & 63], abc[v >> 12 & 63], i + 1 < n ? abc[v >> 6 & 63] : '=',
                      i + 2 < n ? abc[v & 63] : '=' };
        tg_sbuf_add(b, q, 4);
    }
}

/* The first 'n' bytes of p hold 'word' (case-insensitive) somewhere; an
** "http://www.w3.org/" does not count for "http:": it names the SVG and
** XLink namespaces, which nothing fetches. */
static int holds(const char *p, size_t n, const char *word) {
    static const char w3[] = "http://www.w3.org/";
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (strncasecmp(p + i, word, w) == 0 &&
            !(strcmp(word, "http:") == 0 && i + sizeof w3 - 1 <= n &&
              strncmp(p + i, w3, sizeof w3 - 1) == 0))
            return 1;
    return 0;
}

/* An event handler attribute: white space, "on", letters, '='. */
static int handler(const char *p, size_t n) {
    for (size_t i = 0; i + 3 < n; i++) {
        if (!strchr(" \t\r\n", p[i]) || strncasecmp(p + i + 1, "on", 2) != 0) continue;
        size_t j = i + 3;
        while (j < n && ((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z')) j++;
        while (j < n && strchr(" \t\r\n", p[j]) && p[j]) j++;
        if (j > i + 3 && j < n && p[j] == '=') return 1;
    }
    return 0;
}

/* The MIME type of a logo from its bytes, or NULL with *why set. */
static const char *logo_type(const unsigned char *p, size_t n, const char **why) {
    static const char *const bad[] = { "<script", "javascript:",    "http:",
                                       "https:",  "<foreignobject", "@import" };
    *why = "not a PNG, JPEG or SVG file";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
    if (n >= 3 && memcmp(p, "\xff\xd8\xff", 3) == 0) return "image/jpeg";
    if (!holds((const char *)p, n < 1024 ? n : 1024, "<svg")) return NULL;
    if (memchr(p, '\0', n)) return NULL;
    for (size_t k = 0; k <= sizeof bad / sizeof *bad; k++)
        if (k == sizeof bad / sizeof *bad ? handler((const char *)p, n)
                                          : holds((const char *)p, n, bad[k])) {
            *why = "an SVG with a script, an event handler or an outside reference";
            return NULL;
        }
    return "image/svg+xml";
}

/* Reads the logo 'name' (relative to the brand file's folder 'dir') beneath
** that folder or the working directory, into b->logo as a data: URI. */
static tg_status read_logo(const char *name, const char *dir, tg_brand *b, const char *path,
                           tg_error *err) {
    char file[PATH_MAX + 1];
    unsigned char *data = NULL;
    const char *type = NULL, *why = "";
    tg_sbuf uri = { NULL, 0, 0, 0 };
    int fd = -1;
    ssize_t n = 0;
    if (snprintf(file, sizeof file, "%s%s", name[0] == '/' ? "" : dir, name) >= (int)sizeof file)
        return tg_err_set(err, TG_EDATA, path, 0, 0, "logo: the path is too long");
    tg_path *policy = tg_path_new();
    tg_status st =
        policy ? tg_path_allow(policy, TG_PATH_READ, dir[0] ? dir : ".", err) : tg_err_nomem(err);
    if (st == TG_OK) st = tg_path_allow_cwd(policy, err);
    if (st == TG_OK) st = tg_path_open_read(policy, "logo", file, &fd, err);
    if (st == TG_EIO) /* refused: say it in the brand file's words, not a script's */
        st = tg_err_set(err, TG_EIO, path, 0, 0,
                        "logo %s is outside the brand file's folder and the working directory; "
                        "tegn does not read it",
                        file);
    if (st == TG_OK && fd < 0)
        st = tg_err_set(err, TG_EIO, path, 0, 0, "logo %s: %s", file, strerror(errno));
    if (st == TG_OK && !(data = tg_malloc(TG_BRAND_LOGO_MAX + 1))) st = tg_err_nomem(err);
    for (ssize_t r = 1; st == TG_OK && r > 0 && n <= TG_BRAND_LOGO_MAX; n += r)
        if ((r = read(fd, data + n, (size_t)(TG_BRAND_LOGO_MAX + 1 - n))) < 0)
            st = tg_err_set(err, TG_EIO, path, 0, 0, "logo %s: %s", file, strerror(errno));
    if (st == TG_OK && n > TG_BRAND_LOGO_MAX)
        st = tg_err_set(err, TG_EDATA, path, 0, 0, "logo %s is larger than %d KiB", file,
                        TG_BRAND_LOGO_MAX / 1024);
    if (st == TG_OK && !(type = logo_type(data, (size_t)n, &why)))
        st = tg_err_set(err, TG_EDATA, path, 0, 0, "logo %s: %s", file, why);
    if (st == TG_OK) {
        tg_sbuf_cat(&uri, "data:", type, ";base64,", NULL);
        base64(&uri, data, (size_t)n);
        if (uri.oom) st = tg_err_nomem(err);
        else b->logo = uri.p, uri.p = NULL;
    }
    if (fd >= 0) close(fd);
    tg_free(uri.p);
    tg_free(data);
    tg_path_free(policy);
    return st;
}

/* ---- the file ---- */

static tg_status read_file(const char *path, tg_json **doc, tg_error *err) {
    FILE *f = fopen(path, "rb");
    char *text = tg_malloc(BRAND_FILE_MAX + 1);
    size_t n = f && text ? fread(text, 1, BRAND_FILE_MAX + 1, f) : 0;
    tg_status st = TG_OK;
    if (!text) st = tg_err_nomem(err);
    else if (!f || ferror(f))
        st = tg_err_set(err, TG_EIO, path, 0, 0, "cannot read the brand file: %s", strerror(errno));
    else if (n > BRAND_FILE_MAX)
        st = tg_err_set(err, TG_EDATA, path, 0, 0, "a brand file is at most %d KiB",
                        BRAND_FILE_MAX / 1024);
    else st = tg_json_parse(text, n, doc, err);
    if (st != TG_OK && err && !err->file[0]) snprintf(err->file, sizeof err->file, "%s", path);
    if (f) fclose(f);
    tg_free(text);
    return st;
}

static tg_status read_region(const tg_json *v, tg_brand *b, const char *path, tg_error *err) {
    size_t len = 0;
    const char *s = tg_json_str_value(v, &len);
    if (!s || len == 0 || len > TG_BRAND_REGION_MAX || memchr(s, '\0', len))
        return tg_err_set(err, TG_EDATA, path, 0, 0, "region must be a text of 1 to %d bytes",
                          TG_BRAND_REGION_MAX);
    memcpy(b->region, s, len + 1);
    return TG_OK;
}

tg_status tg_brand_load(const char *path, tg_brand *b, tg_error *err) {
    tg_json *doc = NULL;
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    memset(b, 0, sizeof *b);
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path + 1) : 0, path);
    tg_status st = read_file(path, &doc, err);
    if (st == TG_OK && tg_json_kind_of(doc) != TG_JSON_OBJECT)
        st = tg_err_set(err, TG_EDATA, path, 0, 0, "a brand file is a JSON object");
    for (size_t i = 0; st == TG_OK && i < tg_json_len(doc); i++) {
        const char *key = tg_json_key(doc, i);
        const tg_json *v = tg_json_at(doc, i);
        const char *logo = tg_json_str_value(v, NULL);
        if (strcmp(key, "region") == 0) st = read_region(v, b, path, err);
        else if (strcmp(key, "colours") == 0) st = read_colours(v, b, path, err);
        else if (strcmp(key, "logo") == 0 && logo && logo[0])
            st = read_logo(logo, dir, b, path, err);
        else if (strcmp(key, "logo") == 0)
            st = tg_err_set(err, TG_EDATA, path, 0, 0, "logo must be the path of a file");
        else
            st = tg_err_set(err, TG_EDATA, path, 0, 0,
                            "unknown key '%s' (known: region, logo, colours)", key);
    }
    tg_json_free(doc);
    return st;
}
