/*
** tg_biff.c -- sheet states, merged ranges, boolean and error cells of an
** .xls workbook (see tg_biff.h). The compound file (MS-CFB) is read with
** pread: the FAT from the header's DIFAT and its chain, the directory, and
** the workbook stream, from the FAT's chain or, when it is under the
** cutoff (4096 bytes), from the mini stream through the mini FAT. Every
** chain is followed at most as many steps as the table has entries, every
** offset is checked against the file and the stream: a hostile file gives
** NULL, never a read outside the bytes read.
*/
#include "tg_biff.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_enc.h"
#include "tg_mem.h"
#include "tg_sbuf.h"

#define ENDCHAIN   0xFFFFFFFEu
#define MAX_STREAM (256u << 20) /* bytes of a workbook stream: an .xls is at most tens of MB */

struct sheet {
    int state;
    tg_sbuf text; /* the formulas' texts */
    tg_biff_cell *cells;
    size_t n_cells, cap_cells;
    uint32_t (*merges)[4];
    size_t n_merges, cap_merges;
};

struct tg_biff {
    struct sheet *sheets;
    size_t n_sheets;
};

static uint16_t u16(const unsigned char *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- the compound file ---- */

struct cfb {
    int fd;
    uint64_t size;
    size_t ss; /* sector size */
    uint32_t *fat, *minifat;
    size_t n_fat, n_minifat;
    unsigned char *ministream;
    size_t n_ministream;
    int corrupt; /* a header, FAT or directory freexl must not be given */
};

static int rd(const struct cfb *c, uint64_t off, void *buf, size_t n) {
    if (off > c->size || n > c->size - off) return -1;
    for (size_t got = 0; got < n;) {
        ssize_t r = pread(c->fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

/* The bytes of the chain from 'sec' in 'fat' (n entries), 'size' of them,
** or all its sectors with size SIZE_MAX (*len gets the count); 'mini':
** 64-byte sectors of the mini stream. NULL on a broken chain. */
static unsigned char *chain(const struct cfb *c, uint32_t sec, size_t size, int mini, size_t *len) {
    const uint32_t *fat = mini ? c->minifat : c->fat;
    size_t n = mini ? c->n_minifat : c->n_fat, ss = mini ? 64 : c->ss, cap = 0, o = 0;
    unsigned char *buf = NULL;
    for (size_t steps = 0; sec != ENDCHAIN && o < size; steps++) {
        if (sec >= n || steps >= n) goto bad;
        if (o + ss > cap) {
            cap = cap ? cap * 2 : ss * 8;
            unsigned char *b = tg_realloc(buf, cap);
            if (!b) goto bad;
            buf = b;
        }
        if (mini) {
            if ((size_t)sec * 64 + 64 > c->n_ministream) goto bad;
            memcpy(buf + o, c->ministream + (size_t)sec * 64, 64);
        } else if (rd(c, ((uint64_t)sec + 1) * ss, buf + o, ss) != 0) {
            goto bad;
        }
        o += ss;
        sec = fat[sec];
    }
    if (size != SIZE_MAX && o < size) goto bad;
    *len = size != SIZE_MAX ? size : o;
    return buf;
bad:
    tg_free(buf);
    return NULL;
}

/* The FAT: the sectors the header's 109 DIFAT entries and the DIFAT
** chain name. */
static int load_fat(struct cfb *c, const unsigned char *h) {
    size_t n_sec = u32(h + 0x2C), per = c->ss / 4, k = 0;
    uint32_t difat = u32(h + 0x44);
    if (n_sec == 0 || n_sec > c->size / c->ss) return -1;
    c->n_fat = n_sec * per;
    if (!(c->fat = tg_malloc(c->n_fat * 4))) return -1;
    unsigned char *sec = tg_malloc(c->ss);
    if (!sec) return -1;
    for (size_t i = 0; i < 109 && k < n_sec; i++, k++)
        if (rd(c, ((uint64_t)u32(h + 0x4C + 4 * i) + 1) * c->ss, sec, c->ss) != 0) goto bad;
        else
            for (size_t j = 0; j < per; j++) c->fat[k * per + j] = u32(sec + 4 * j);
    for (size_t steps = 0; k < n_sec; steps++) { /* the DIFAT chain */
        unsigned char ids[4096];
        if (steps > n_sec || rd(c, ((uint64_t)difat + 1) * c->ss, ids, c->ss) != 0) goto bad;
        for (size_t i = 0; i + 1 < per && k < n_sec; i++, k++)
            if (rd(c, ((uint64_t)u32(ids + 4 * i) + 1) * c->ss, sec, c->ss) != 0) goto bad;
            else
                for (size_t j = 0; j < per; j++) c->fat[k * per + j] = u32(sec + 4 * j);
        difat = u32(ids + c->ss - 4);
    }
    tg_free(sec);
    /* every entry a sector of the file or a mark (free, end of chain, FAT,
    ** DIFAT): freexl 1.0.6 refuses other values, but leaks as it does */
    size_t n_file = (size_t)(c->size / c->ss);
    for (size_t i = 0; i < c->n_fat; i++)
        if (c->fat[i] < 0xFFFFFFFCu && c->fat[i] >= n_file) return -1;
    return 0;
bad:
    tg_free(sec);
    return -1;
}

/* 1 when the directory entry's UTF-16 name is the ASCII 'want'. */
static int entry_is(const unsigned char *e, const char *want) {
    size_t n = u16(e + 0x40), w = strlen(want);
    if (n != 2 * (w + 1)) return 0;
    for (size_t i = 0; i < w; i++)
        if (e[2 * i + 1] != 0 || (e[2 * i] | 0x20) != (want[i] | 0x20)) return 0;
    return 1;
}

/* The workbook stream of the compound file on c->fd, or NULL. */
static unsigned char *workbook_stream(struct cfb *c, size_t *len) {
    unsigned char h[512];
    static const unsigned char magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
    if (rd(c, 0, h, sizeof h) != 0 || memcmp(h, magic, 8) != 0) return NULL;
    unsigned shift = u16(h + 0x1E);
    c->corrupt = 1; /* until the directory is read */
    if (shift != 9 && shift != 12) return NULL;
    c->ss = (size_t)1 << shift;
    if (load_fat(c, h) != 0) return NULL;
    size_t n_dir;
    unsigned char *dir = chain(c, u32(h + 0x30), SIZE_MAX, 0, &n_dir), *out = NULL;
    if (!dir || n_dir < 128 || dir[0x42] != 5) goto done;
    /* freexl 1.0.6 converts each entry's name by its stated length, which
    ** a hostile file sets past the entry (found by fuzz_xlsx) */
    for (size_t i = 0; i < n_dir / 128; i++)
        if (u16(dir + 128 * i + 0x40) > 64 || u16(dir + 128 * i + 0x40) % 2) goto done;
    c->corrupt = 0;
    uint32_t cutoff = u32(h + 0x38);
    for (size_t i = 1; i < n_dir / 128 && !out; i++) {
        const unsigned char *e = dir + 128 * i;
        if (e[0x42] != 2 || !(entry_is(e, "Workbook") || entry_is(e, "Book"))) continue;
        size_t size = u32(e + 0x78);
        if (size < 8 || size > MAX_STREAM || size > c->size) break;
        if (size >= cutoff) {
            out = chain(c, u32(e + 0x74), size, 0, len);
            break;
        }
        /* the mini stream is the root entry's stream; the mini FAT a chain of its own */
        size_t n_mf, root = u32(dir + 0x78);
        unsigned char *mf = chain(c, u32(h + 0x3C), SIZE_MAX, 0, &n_mf);
        if (!mf || root > c->size ||
            !(c->ministream = chain(c, u32(dir + 0x74), root, 0, &c->n_ministream))) {
            tg_free(mf);
            break;
        }
        c->n_minifat = n_mf / 4;
        if ((c->minifat = tg_malloc(c->n_minifat * 4 + 4)) != NULL) {
            for (size_t j = 0; j < c->n_minifat; j++) c->minifat[j] = u32(mf + 4 * j);
            out = chain(c, u32(e + 0x74), size, 1, len);
        }
        tg_free(mf);
    }
done:
    tg_free(dir);
    return out;
}

/* ---- the BIFF records ---- */

static tg_biff_cell *add_cell(struct sheet *s, uint32_t row, uint32_t col, int kind, unsigned val) {
    if (s->n_cells == s->cap_cells) {
        size_t cap = s->cap_cells ? s->cap_cells * 2 : 16;
        tg_biff_cell *v = tg_realloc(s->cells, cap * sizeof *v);
        if (!v) return NULL;
        s->cells = v;
        s->cap_cells = cap;
    }
    tg_biff_cell *c = &s->cells[s->n_cells++];
    memset(c, 0, sizeof *c);
    c->row = row;
    c->col = col;
    c->kind = (unsigned char)kind;
    c->val = (unsigned char)val;
    return c;
}

/* A FORMULA record's cached result: a number, or (bytes 6-7 0xFFFF) a
** boolean, an error, an empty text or a text in the STRING record that
** follows (*pending gets its cell's index). */
static int formula(struct sheet *s, const unsigned char *d, size_t *pending) {
    uint32_t row = u16(d), col = u16(d + 2);
    if (d[12] != 0xFF || d[13] != 0xFF) {
        uint64_t bits = (uint64_t)u32(d + 6) | (uint64_t)u32(d + 10) << 32;
        tg_biff_cell *c = add_cell(s, row, col, TG_BIFF_NUM, 0);
        if (c) memcpy(&c->num, &bits, sizeof c->num);
        return c ? 0 : -1;
    }
    if (d[6] == 1 || d[6] == 2)
        return add_cell(s, row, col, d[6] == 1 ? TG_BIFF_BOOL : TG_BIFF_ERR, d[8]) ? 0 : -1;
    if (d[6] != 0 && d[6] != 3) return 0;
    if (!add_cell(s, row, col, TG_BIFF_STR, 0)) return -1;
    s->cells[s->n_cells - 1].off = s->text.len;
    if (d[6] == 0) *pending = s->n_cells - 1; /* 3: an empty text */
    return 0;
}

/* The STRING record after a formula with a text result: BIFF8's
** character count, flags (bit 0: UTF-16LE, else Latin-1) and characters,
** to UTF-8; a BIFF5 string's bytes (in the workbook's code page) are
** taken as Latin-1. A text continued in a CONTINUE record is cut at the
** record's end. */
static int string_rec(struct sheet *s, const unsigned char *d, size_t n, int biff8, size_t k) {
    tg_biff_cell *c = &s->cells[k];
    size_t cch = n >= 2 ? u16(d) : 0, p = biff8 ? 3 : 2;
    int wide = biff8 && n >= 3 && (d[2] & 1);
    c->off = s->text.len;
    for (size_t i = 0; i < cch && p + (wide ? 2u : 1u) <= n; i++) {
        unsigned char u[4];
        uint32_t cp = wide ? u16(d + p) : d[p];
        p += wide ? 2 : 1;
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
        tg_sbuf_add(&s->text, (const char *)u, tg_enc_put_utf8(u, cp));
    }
    c->n = s->text.len - c->off;
    return s->text.oom ? -1 : 0;
}

static int add_merges(struct sheet *s, const unsigned char *p, size_t len) {
    size_t n = len >= 2 ? u16(p) : 0;
    for (size_t i = 0; i < n && 2 + 8 * (i + 1) <= len; i++) {
        const unsigned char *m = p + 2 + 8 * i;
        if (s->n_merges == s->cap_merges) {
            size_t cap = s->cap_merges ? s->cap_merges * 2 : 8;
            uint32_t(*v)[4] = tg_realloc(s->merges, cap * sizeof *v);
            if (!v) return -1;
            s->merges = v;
            s->cap_merges = cap;
        }
        uint32_t *r = s->merges[s->n_merges++];
        r[0] = u16(m), r[1] = u16(m + 4), r[2] = u16(m + 2), r[3] = u16(m + 6);
    }
    return 0;
}

static int cell_order(const void *a, const void *b) {
    const tg_biff_cell *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

/* One worksheet's substream from its BOF at 'off' to its EOF. */
static int read_sheet(struct sheet *s, const unsigned char *w, size_t len, size_t off, int biff8) {
    size_t pending = SIZE_MAX;
    if (off > len || len - off < 4 || u16(w + off) != 0x0809) return -1;
    for (size_t p = off; len - p >= 4;) {
        unsigned type = u16(w + p), n = u16(w + p + 2);
        const unsigned char *d = w + p + 4;
        if (n > len - p - 4) return -1;
        int r = 0;
        if (type == 0x000A) break; /* EOF */
        if (type == 0x0205 && n >= 8)
            r = add_cell(s, u16(d), u16(d + 2), d[7] ? TG_BIFF_ERR : TG_BIFF_BOOL, d[6]) ? 0 : -1;
        else if (type == 0x0006 && n >= 14) r = formula(s, d, &pending);
        else if (type == 0x0207 && pending != SIZE_MAX) {
            r = string_rec(s, d, n, biff8, pending);
            pending = SIZE_MAX;
        } else if (type == 0x00E5) r = add_merges(s, d, n);
        if (r != 0) return -1;
        p += 4 + n;
    }
    if (s->n_cells > 1) qsort(s->cells, s->n_cells, sizeof *s->cells, cell_order);
    return 0;
}

/* The globals: BOUNDSHEET records name each sheet's state, kind and
** substream. -1 when they cannot be read; -2 at FILEPASS (an encrypted
** workbook, for freexl to say so). */
static int read_globals(tg_biff *b, const unsigned char *w, size_t len) {
    size_t cap = 0;
    if (len < 8 || u16(w) != 0x0809) return -1;
    int biff8 = u16(w + 4) == 0x0600;
    for (size_t p = 0; len - p >= 4;) {
        unsigned type = u16(w + p), n = u16(w + p + 2);
        const unsigned char *d = w + p + 4;
        if (n > len - p - 4) return -1;
        if (type == 0x002F) return -2;
        if (type == 0x000A) break;
        if (type == 0x0085 && n >= 6 && d[5] == 0) { /* a worksheet */
            if (b->n_sheets == cap) {
                cap = cap ? cap * 2 : 8;
                struct sheet *v = tg_realloc(b->sheets, cap * sizeof *v);
                if (!v) return -1;
                b->sheets = v;
            }
            struct sheet *s = &b->sheets[b->n_sheets++];
            memset(s, 0, sizeof *s);
            s->state = d[4] & 3;
            if (s->state == 3 || read_sheet(s, w, len, u32(d), biff8) != 0) return -1;
        }
        p += 4 + n;
    }
    return 0;
}

tg_status tg_biff_open(int fd, tg_biff **out) {
    struct stat sb;
    struct cfb c;
    size_t len = 0, failed = tg_mem_failures();
    *out = NULL;
    memset(&c, 0, sizeof c);
    c.fd = fd;
    if (fstat(fd, &sb) != 0 || sb.st_size < 512) return TG_EDATA;
    c.size = (uint64_t)sb.st_size;
    unsigned char *w = workbook_stream(&c, &len);
    /* no workbook stream, or one whose records cannot be read: freexl 1.0.6
    ** allocates what such a file states (1.85 GB, found by fuzz_xlsx) */
    int corrupt = c.corrupt || !w, r = 0;
    tg_free(c.fat);
    tg_free(c.minifat);
    tg_free(c.ministream);
    tg_biff *b = w ? tg_calloc(1, sizeof *b) : NULL;
    if (b && (r = read_globals(b, w, len)) != 0) {
        tg_biff_free(b);
        b = NULL;
        corrupt |= r == -1;
    }
    tg_free(w);
    /* a failed allocation is the memory cap, not a file to read without */
    if (tg_mem_failures() != failed || corrupt) {
        tg_biff_free(b);
        return tg_mem_failures() != failed ? TG_ENOMEM : TG_EDATA;
    }
    *out = b;
    return TG_OK;
}

void tg_biff_free(tg_biff *b) {
    if (!b) return;
    for (size_t i = 0; i < b->n_sheets; i++) {
        tg_free(b->sheets[i].cells);
        tg_free(b->sheets[i].text.p);
        tg_free(b->sheets[i].merges);
    }
    tg_free(b->sheets);
    tg_free(b);
}

size_t tg_biff_n_sheets(const tg_biff *b) {
    return b->n_sheets;
}

int tg_biff_sheet_state(const tg_biff *b, size_t i) {
    return b->sheets[i].state;
}

const tg_biff_cell *tg_biff_cells(const tg_biff *b, size_t i, size_t *n) {
    *n = b->sheets[i].n_cells;
    return b->sheets[i].cells;
}

const char *tg_biff_text(const tg_biff *b, size_t i, const tg_biff_cell *c) {
    return c->n ? b->sheets[i].text.p + c->off : "";
}

const uint32_t (*tg_biff_merges(const tg_biff *b, size_t i, size_t *n))[4] {
    *n = b->sheets[i].n_merges;
    return (const uint32_t(*)[4])b->sheets[i].merges;
}

const char *tg_biff_error_text(unsigned code) {
    switch (code) {
    case 0x00: return "#NULL!";
    case 0x07: return "#DIV/0!";
    case 0x0F: return "#VALUE!";
    case 0x17: return "#REF!";
    case 0x1D: return "#NAME?";
    case 0x24: return "#NUM!";
    case 0x2A: return "#N/A";
    default: return "#ERR";
    }
}
