/*
** tg_sniff.h -- guessing a CSV file's dialect from its first bytes:
** encoding, delimiter, quote character, header row, and the lines to skip
** (a byte-order mark, Excel's "sep=;" first line). The caller's explicit
** choices in tg_sniff_opts always win over the guesses.
*/
#ifndef TG_SNIFF_H
#define TG_SNIFF_H

#include <stddef.h>

#include "tegn.h"
#include "tg_enc.h"

/* What the caller fixes; zero values mean "sniff it". */
typedef struct tg_sniff_opts {
    char delim;           /* 0 = sniff among ',' ';' '\t' '|' */
    char quote;           /* 0 = '"' */
    int header;           /* -1 = sniff, 0 = no header row, 1 = header row */
    tg_encoding encoding; /* TG_ENC_AUTO = sniff */
    /* Added after the first release; tg_sniff_opts_init sets -1 (sniff). */
    int escape;  /* -1 = sniff ('\\' when the sample escapes quotes so), 0 = none, or the character
                  */
    int lenient; /* -1 = sniff, 0 = text after a closing quote is an error, 1 = kept literally */
    int comment; /* -1 = sniff ('#'), 0 = none, or the character starting a comment line */
    int skip;    /* -1 = sniff title lines above the header, or the lines to skip (after a
                    BOM and "sep=" line) */
} tg_sniff_opts;

/* Sets the "sniff everything" defaults (header = -1). */
void tg_sniff_opts_init(tg_sniff_opts *opts);

typedef struct tg_dialect {
    char delim;           /* the field separator */
    char quote;           /* the quote character */
    int header;           /* 1 if the first record names the columns */
    tg_encoding encoding; /* the file's encoding (never TG_ENC_AUTO) */
    size_t skip_bytes;    /* raw bytes before the first record (BOM, "sep=" line) */
    int skip_lines;       /* physical lines inside skip_bytes (1 for a "sep=" line) */
    int sep_line;         /* 1 if an Excel "sep=X" line fixed the delimiter */
    char decimal;         /* '.' or ',': the decimal mark the sample's numbers
                             suggest, a hint for columns whose own values leave
                             it open ("1.234"); ',' only when delim is not ',' */
    size_t n_fields;      /* fields in the first record */
    char escape;          /* 0, or the character escaping a quote inside quotes ('\\') */
    int lenient;          /* 1: a quoted field with text after its closing quote
                             ("Swing it" magistern) is read literally, quotes kept */
    size_t n_lenient;     /* such fields in the sample */
    size_t cr_lines;      /* records in the sample ended by a bare CR (classic Mac) */
    int header_unsure;    /* 1: some column's first value reads as data; kept as header */
    char comment;         /* 0, or the character that starts a comment line ('#') */
    int trailing;         /* a delimiter ends 1: the header only, 2: every record; the
                             empty last column is dropped (n_fields excludes it) */
    size_t pre_bytes;     /* bytes after skip_bytes before the first record (title lines,
                             comments), in the sniffed text (the transcoded one for UTF-16) */
    int pre_lines;        /* physical lines in pre_bytes */
    int n_titles;         /* of which title lines ("Udtræk fra ... den 01-03-2024") */
    char title[80];       /* the first title line, for the note */
    char header_why[200]; /* why the header was decided so (for the load notes) */
    char delim_why[160];  /* why this delimiter */
    char enc_why[120];    /* why this encoding */
} tg_dialect;

/* Sniffs the dialect from 'buf' (the first n raw bytes of a file; 'at_eof'
** says whether that is the whole file). 'path' only names the file in
** errors. Delimiter choice: for each candidate the sample is split into
** records (honouring quotes) and the candidate whose field count is most
** consistent across records wins; a candidate giving one field per record
** never wins over one giving more, and one stray character in a line
** cannot outvote the rest. Encoding: a BOM decides; else the sample is
** UTF-8 if valid as UTF-8, else Windows-1252. Header: the first record is
** a header when some column is typed (number, date, bool) below it but not
** in it, or when every value is text and the first record's are unique
** and non-empty. TG_OK, or TG_EDATA for an empty file or a sample that no
** candidate splits consistently. */
tg_status tg_sniff(const unsigned char *buf, size_t n, int at_eof, const tg_sniff_opts *opts,
                   const char *path, tg_dialect *out, tg_error *err);

#endif /* TG_SNIFF_H */
