/*
** tg_brand.h -- the report's branding from a small JSON file (`tegn report
** --brand brand.json`): the region's name, its logo and two colours.
**
**   { "region": "Region Sjælland", "logo": "logo.png",
**     "colours": { "primary": "#00557f", "accent": "#a34400" } }
**
** Every key is optional; another key is an error (a typo would otherwise
** go unnoticed). The logo is a PNG, JPEG or SVG file of at most
** TG_BRAND_LOGO_MAX bytes, its type told by its content, not its name; an
** SVG with a script, an event handler or an outside reference is refused.
** Its path is relative to the brand file's folder and is read as a run
** reads (tg_path): only beneath the brand file's folder or the working
** directory, symlinks leading out refused. It is embedded as a data: URI,
** so the report stays one self-contained file. Colours are "#rrggbb" and
** must meet WCAG 2.1 AA against white: primary 4.5:1 (white text is set
** on it, and it draws the series), accent 3:1 (a graphical object: the
** target line). See docs/report.md.
*/
#ifndef TG_BRAND_H
#define TG_BRAND_H

#include "tegn.h"

#define TG_BRAND_LOGO_MAX   (256 * 1024)
#define TG_BRAND_REGION_MAX 200 /* bytes of the region's name */

typedef struct tg_brand {
    char region[TG_BRAND_REGION_MAX + 1]; /* "" for none */
    char primary[8];                      /* "#rrggbb", "" for the report's own */
    char accent[8];
    char *logo; /* tg_malloc'ed data: URI, or NULL */
} tg_brand;

/* Reads the brand file at 'path' into *b (cleared first; tg_brand_free it
** also on failure). TG_OK; TG_EDATA (a bad file: err says which key and
** why), TG_EIO (cannot read, or the logo is outside what may be read) or
** TG_ENOMEM. */
tg_status tg_brand_load(const char *path, tg_brand *b, tg_error *err);
void tg_brand_free(tg_brand *b);

/* The WCAG 2.1 contrast ratio of two "#rrggbb" colours (1 to 21). */
double tg_brand_contrast(const char *a, const char *b);

#endif /* TG_BRAND_H */
