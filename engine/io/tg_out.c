/*
** tg_out.c -- atomic output files and the CSV writer (see tg_out.h).
** A tg_out owns an open temporary file, its name, the target's name and a
** write buffer. The first failure is kept in the handle ("sticky"), so the
** CSV writer can stream without checking every write and learn the outcome
** from the commit. The temporary file is created with O_EXCL under a name
** of our own rather than with mkstemp: mkstemp always creates mode 0600,
** which would make every output private, while open(..., 0666) lets the
** umask decide as for any other file the user creates. Every file
** operation (create, rename, link, unlink, the sweep, the folder's sync)
** goes through one descriptor of the target's folder, opened once: a
** folder on the way renamed and replaced by a symlink meanwhile cannot
** send the temporary file or the rename anywhere else.
*/
#include "tg_out.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_fmt.h"
#include "tg_mem.h"
#include "tg_sbuf.h"

#define BUF_SIZE     (64 * 1024)
#define TMP_TAG      ".tegn-tmp."
#define TMP_RAND     6   /* random characters at the end of a temporary name */
#define TMP_BASE_MAX 200 /* keeps ".<base>.tegn-tmp.<pid>.XXXXXX" under NAME_MAX */

struct tg_out {
    int fd;
    int dir;    /* the target's folder, owned */
    char *path; /* the target as the caller names it, for messages */
    char *name; /* the target's name in 'dir' */
    char *tmp;  /* the temporary file's name in 'dir' */
    char *buf;
    size_t len;
    tg_error fail; /* the first failure; fail.code == TG_OK while none */
    tg_sbuf *mem;  /* tg_out_open_mem: the text goes here; no file, fd -1 */
};

/* ---- temporary names ---- */

static uint64_t mix(uint64_t x) {
    /* splitmix64's finaliser: spreads pid, time and attempt over all bits */
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Length of the directory part of 'path' including its '/', 0 for none. */
static size_t dir_len(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* ---- stale temporary files ---- */

/* The pid in a temporary name's "<pid>." part at 's', or 0 when 's' does
** not start with one exactly (digits, no leading zero, a pid_t, a dot). */
static pid_t parse_pid(const char *s, const char **end) {
    long long pid = 0;
    const char *p = s;
    if (*p < '1' || *p > '9') return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        pid = pid * 10 + (*p - '0');
        if (pid > 0x7fffffff) return 0;
    }
    if (*p != '.') return 0;
    *end = p + 1;
    return (pid_t)pid;
}

/* The pid of the run that made 'name' when it is exactly a temporary name
** of the target whose base name is 'base' (bl bytes, already shortened to
** TMP_BASE_MAX), else 0. */
static pid_t temp_pid(const char *name, const char *base, size_t bl) {
    size_t tl = strlen(TMP_TAG);
    const char *p;
    if (name[0] != '.' || strncmp(name + 1, base, bl) != 0) return 0;
    if (strncmp(name + 1 + bl, TMP_TAG, tl) != 0) return 0;
    pid_t pid = parse_pid(name + 1 + bl + tl, &p);
    if (pid == 0 || strlen(p) != TMP_RAND || strspn(p, alphabet) != TMP_RAND) return 0;
    return pid;
}

/* Removes 'name' in the open folder 'dfd' when it is a regular file of
** ours and its run is gone. kill(pid, 0) failing with ESRCH is the one
** answer that proves it: EPERM means a live process of another user. */
static int remove_if_stale(int dfd, const char *name, pid_t pid) {
    struct stat st;
    if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) return 0;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return 0;
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) return 0;
    return unlinkat(dfd, name, 0) == 0;
}

int tg_out_sweepat(int dir, const char *name) {
    size_t bl = strlen(name);
    int removed = 0, fd;
    DIR *d;

    if (bl == 0 || strchr(name, '/')) return 0;
    if (bl > TMP_BASE_MAX) bl = TMP_BASE_MAX;
    /* fdopendir takes the descriptor it is given; a folder opened with
    ** O_PATH cannot be listed, so it is opened again through the one we have */
    if ((fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) return 0;
    if (!(d = fdopendir(fd))) {
        close(fd);
        return 0;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        pid_t pid = temp_pid(e->d_name, name, bl);
        if (pid) removed += remove_if_stale(dir, e->d_name, pid);
    }
    closedir(d);
    return removed;
}

int tg_out_open_folder(const char *path, const char **name) {
    size_t dl = dir_len(path);
    char dir[4096];
    *name = path + dl;
    if (dl >= sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, dl ? path : ".", dl ? dl : 1);
    dir[dl ? dl : 1] = '\0';
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int tg_out_sweep(const char *path) {
    const char *name;
    int dir = tg_out_open_folder(path, &name), removed;
    if (dir < 0) return 0;
    removed = tg_out_sweepat(dir, name);
    close(dir);
    return removed;
}

/* ---- the temporary file ---- */

/* In words that fit the cause: the target's own permissions do not
** matter, the folder's do, which surprises people who can write the file
** but not its folder, and a system folder (/proc, /sys) takes no new
** files at all. */
tg_status tg_out_folder_error(const char *path, int e, tg_error *err) {
    size_t dl = dir_len(path);
    char dir[4096];
    struct stat st;
    int n = snprintf(dir, sizeof dir, "%.*s", dl > 1 ? (int)dl - 1 : dl ? 1 : 0, dl ? path : ".");
    if (n < 0 || (size_t)n >= sizeof dir) snprintf(dir, sizeof dir, "its folder");
    if (e == ENOENT && stat(dir, &st) != 0)
        return tg_err_set(err, TG_EIO, path, 0, 0, "cannot write: the folder %s does not exist",
                          dir);
    if (e == ENOENT || e == EACCES || e == EPERM || e == EROFS)
        return tg_err_set(err, TG_EIO, path, 0, 0,
                          "cannot write: tegn writes a temporary file in %s and renames it over "
                          "the target, and %s takes no new file (%s)",
                          dir, dir, strerror(e));
    return tg_err_set(err, TG_EIO, path, 0, 0, "cannot create a file next to it: %s", strerror(e));
}

/* Creates the temporary file next to the target; sets o->tmp and o->fd. */
static tg_status create_temp(tg_out *o, tg_error *err) {
    size_t bl = strlen(o->name);
    struct stat st;
    struct timespec ts;
    char pid[24];
    int have_mode = 0;
    mode_t mode = 0;

    if (bl == 0 || strchr(o->name, '/'))
        return tg_err_set(err, TG_EIO, o->path, 0, 0, "not a file name");
    if (fstatat(o->dir, o->name, &st, 0) == 0) {
        if (S_ISDIR(st.st_mode))
            return tg_err_set(err, TG_EIO, o->path, 0, 0, "cannot write: is a directory");
        have_mode = S_ISREG(st.st_mode);
        mode = st.st_mode & 07777;
    }
    if (bl > TMP_BASE_MAX) bl = TMP_BASE_MAX;
    size_t pl = (size_t)snprintf(pid, sizeof pid, "%ld.", (long)getpid());
    size_t n = 1 + bl + strlen(TMP_TAG) + pl + TMP_RAND;
    o->tmp = tg_malloc(n + 1);
    if (!o->tmp) return tg_err_nomem(err);
    o->tmp[0] = '.';
    memcpy(o->tmp + 1, o->name, bl);
    memcpy(o->tmp + 1 + bl, TMP_TAG, strlen(TMP_TAG));
    memcpy(o->tmp + n - TMP_RAND - pl, pid, pl);
    o->tmp[n] = '\0';

    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed = mix((uint64_t)getpid() ^ ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
                        (uint64_t)(uintptr_t)o);
    for (int attempt = 0; attempt < 100; attempt++) {
        uint64_t r = mix(seed + (uint64_t)attempt);
        for (size_t i = 0; i < TMP_RAND; i++, r >>= 6) o->tmp[n - TMP_RAND + i] = alphabet[r % 62];
        o->fd = openat(o->dir, o->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (o->fd >= 0) break;
        if (errno != EEXIST && errno != EINTR) return tg_out_folder_error(o->path, errno, err);
    }
    if (o->fd < 0)
        return tg_err_set(err, TG_EIO, o->path, 0, 0, "cannot find a free temporary file name");
    if (have_mode && fchmod(o->fd, mode) != 0)
        return tg_err_set(err, TG_EIO, o->path, 0, 0, "cannot set permissions: %s",
                          strerror(errno));
    return TG_OK;
}

static void free_out(tg_out *o) {
    if (o->dir >= 0) close(o->dir);
    tg_free(o->path);
    tg_free(o->name);
    tg_free(o->tmp);
    tg_free(o->buf);
    tg_free(o);
}

/* Closes and removes the temporary file (if any) and frees the handle. */
static void discard(tg_out *o) {
    if (o->fd >= 0) close(o->fd);
    if (o->tmp && o->fd >= 0) unlinkat(o->dir, o->tmp, 0);
    free_out(o);
}

tg_status tg_out_openat(int dir, const char *name, const char *path, tg_out **out, tg_error *err) {
    assert(name != NULL && out != NULL);
    if (!path) path = name;
    *out = NULL;
    tg_out *o = tg_calloc(1, sizeof *o);
    if (!o) return tg_err_nomem(err);
    o->fd = -1;
    o->dir = fcntl(dir, F_DUPFD_CLOEXEC, 0);
    o->path = tg_strdup(path);
    o->name = tg_strdup(name);
    o->buf = tg_malloc(BUF_SIZE);
    if (o->dir < 0) {
        tg_status st =
            tg_err_set(err, TG_EIO, path, 0, 0, "cannot open its folder: %s", strerror(errno));
        free_out(o);
        return st;
    }
    if (!o->path || !o->name || !o->buf) {
        free_out(o);
        return tg_err_nomem(err);
    }
    tg_out_sweepat(o->dir, name);
    tg_status st = create_temp(o, err);
    if (st != TG_OK) {
        discard(o);
        return st;
    }
    *out = o;
    return TG_OK;
}

tg_status tg_out_open_mem(tg_sbuf *to, const char *name, tg_out **out, tg_error *err) {
    assert(to != NULL && name != NULL && out != NULL);
    tg_out *o = *out = tg_calloc(1, sizeof *o);
    if (!o) return tg_err_nomem(err);
    o->fd = o->dir = -1;
    o->mem = to;
    o->path = tg_strdup(name);
    o->buf = tg_malloc(BUF_SIZE);
    if (o->path && o->buf) return TG_OK;
    free_out(o);
    *out = NULL;
    return tg_err_nomem(err);
}

tg_status tg_out_open(const char *path, tg_out **out, tg_error *err) {
    const char *name;
    int dir;
    assert(path != NULL && out != NULL);
    *out = NULL;
    if ((dir = tg_out_open_folder(path, &name)) < 0) return tg_out_folder_error(path, errno, err);
    tg_status st = tg_out_openat(dir, name, path, out, err);
    close(dir);
    return st;
}

/* ---- writing ---- */

static tg_status fail(tg_out *o, tg_error *err, const char *what) {
    tg_err_set(&o->fail, TG_EIO, o->path, 0, 0, "%s: %s", what, strerror(errno));
    if (err) *err = o->fail;
    return TG_EIO;
}

static tg_status write_all(tg_out *o, const char *p, size_t n, tg_error *err) {
    if (o->mem) {
        tg_sbuf_add(o->mem, p, n);
        if (!o->mem->oom) return TG_OK;
        tg_err_set(&o->fail, TG_ENOMEM, o->path, 0, 0, "out of memory");
        if (err) *err = o->fail;
        return TG_ENOMEM;
    }
    while (n > 0) {
        ssize_t k = write(o->fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return fail(o, err, "cannot write");
        }
        p += k;
        n -= (size_t)k;
    }
    return TG_OK;
}

static tg_status flush(tg_out *o, tg_error *err) {
    tg_status st = write_all(o, o->buf, o->len, err);
    o->len = 0;
    return st;
}

tg_status tg_out_write(tg_out *out, const void *data, size_t n, tg_error *err) {
    assert(out != NULL && (data != NULL || n == 0));
    if (out->fail.code != TG_OK) {
        if (err) *err = out->fail;
        return out->fail.code;
    }
    if (n <= BUF_SIZE - out->len) {
        memcpy(out->buf + out->len, data, n);
        out->len += n;
        return TG_OK;
    }
    tg_status st = flush(out, err);
    if (st != TG_OK) return st;
    if (n >= BUF_SIZE) return write_all(out, data, n, err);
    memcpy(out->buf, data, n);
    out->len = n;
    return TG_OK;
}

/* fsync of the directory makes the rename durable. Some file systems
** cannot sync a directory (EINVAL); there is nothing more to do there. */
static int sync_dir(int dir) {
    int rc = fsync(dir);
    return rc != 0 && errno == EINVAL ? 0 : rc;
}

/* Puts the finished temporary file at the target's name: rename, or
** for 'fresh' a hard link that fails when the name exists by now (file
** systems without hard links fall back to rename). */
static int place(const tg_out *out, int fresh) {
    if (!fresh) return renameat(out->dir, out->tmp, out->dir, out->name);
    if (linkat(out->dir, out->tmp, out->dir, out->name, 0) == 0) {
        unlinkat(out->dir, out->tmp, 0);
        return 0;
    }
    if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS) return -1;
    return renameat(out->dir, out->tmp, out->dir, out->name);
}

static tg_status commit(tg_out *out, int fresh, tg_error *err) {
    if (!out) return tg_err_set(err, TG_EARG, NULL, 0, 0, "no output to commit");
    tg_status st = out->fail.code;
    if (st != TG_OK) {
        if (err) *err = out->fail;
        discard(out);
        return st;
    }
    if (out->mem) { /* nothing to sync or place */
        st = flush(out, err);
        free_out(out);
        return st;
    }
    if ((st = flush(out, err)) == TG_OK && fsync(out->fd) != 0) st = fail(out, err, "cannot sync");
    if (st != TG_OK) {
        discard(out);
        return st;
    }
    int rc = close(out->fd);
    out->fd = -1;
    if (rc != 0 || place(out, fresh) != 0) {
        st = fail(out, err, rc != 0 ? "cannot write" : fresh ? "cannot create" : "cannot replace");
        unlinkat(out->dir, out->tmp, 0);
        free_out(out);
        return st;
    }
    if (sync_dir(out->dir) != 0) st = fail(out, err, "written, but the folder cannot be synced");
    free_out(out);
    return st;
}

tg_status tg_out_sync(tg_out *out, tg_error *err) {
    assert(out != NULL);
    if (out->fail.code != TG_OK) {
        if (err) *err = out->fail;
        return out->fail.code;
    }
    tg_status st = flush(out, err);
    if (st == TG_OK && !out->mem && fsync(out->fd) != 0) st = fail(out, err, "cannot sync");
    return st;
}

tg_status tg_out_commit(tg_out *out, tg_error *err) {
    return commit(out, 0, err);
}

tg_status tg_out_commit_new(tg_out *out, tg_error *err) {
    return commit(out, 1, err);
}

int tg_out_fd(const tg_out *out) {
    return out->fd;
}

const char *tg_out_path(const tg_out *out) {
    return out->path;
}

void tg_out_abort(tg_out *out) {
    if (out) discard(out);
}

tg_status tg_out_write_atomic(const char *path, const void *data, size_t n, tg_error *err) {
    tg_out *o;
    tg_status st = tg_out_open(path, &o, err);
    if (st != TG_OK) return st;
    /* bypass the buffer: the data is already in one piece */
    if ((st = write_all(o, data, n, err)) != TG_OK) {
        discard(o);
        return st;
    }
    return tg_out_commit(o, err);
}

/* ---- CSV ---- */

void tg_out_csv_opts_init(tg_out_csv_opts *opts) {
    memset(opts, 0, sizeof *opts);
    opts->delim = ',';
    opts->decimal = '.';
    opts->header = 1;
    opts->date_fmt = TG_OUT_DATE_ISO;
    opts->decimals = -1;
}

void tg_out_csv_opts_excel_da(tg_out_csv_opts *opts) {
    tg_out_csv_opts_init(opts);
    opts->delim = ';';
    opts->decimal = ',';
    opts->bom = 1;
    opts->crlf = 1;
    opts->date_fmt = TG_OUT_DATE_DMY;
    opts->significant = 12;
}

/* The places a float of column j is rounded to: the column's own, else
** the common 'decimals', else (-1) enough for 'significant' digits. */
static int places_for(const tg_out_csv_opts *opts, size_t j, double v) {
    char dig[24];
    int point;
    if (opts->col_decimals && opts->col_decimals[j] >= 0) return opts->col_decimals[j];
    if (opts->decimals >= 0 || opts->significant <= 0 || v == 0) return opts->decimals;
    tg_fmt_digits(v, dig, &point);
    return opts->significant - point > 0 ? opts->significant - point : 0;
}

static int needs_quotes(const char *s, size_t n, char delim) {
    if (n == 0) return 0;
    if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t') return 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r') return 1;
    return 0;
}

/* A text field, quoted when a reader would otherwise split or trim it. */
static void put_text(tg_out *o, const char *s, size_t n, char delim) {
    if (!needs_quotes(s, n, delim)) {
        tg_out_write(o, s, n, NULL);
        return;
    }
    tg_out_write(o, "\"", 1, NULL);
    for (const char *q; (q = memchr(s, '"', n)) != NULL;) {
        size_t k = (size_t)(q - s) + 1; /* through the quote, then the quote again */
        tg_out_write(o, s, k, NULL);
        tg_out_write(o, "\"", 1, NULL);
        s += k;
        n -= k;
    }
    tg_out_write(o, s, n, NULL);
    tg_out_write(o, "\"", 1, NULL);
}

/* Row r of a column (valid). An empty string in a one-column table is
** written "" so that the line is not empty. */
static void put_value(tg_out *o, const tg_col *c, size_t j, size_t r, const tg_out_csv_opts *opts,
                      int one_col) {
    char buf[TG_FMT_DOUBLE_MAX];
    size_t n = 0;
    int y, m, d;

    switch (c->type) {
    case TG_INT: n = tg_fmt_int64(c->v.i64[r], buf); break;
    case TG_FLOAT:
        n = tg_fmt_double(c->v.f64[r], places_for(opts, j, c->v.f64[r]),
                          opts->decimal == ',' ? TG_FMT_COMMA : 0, buf);
        break;
    case TG_BOOL: tg_out_write(o, c->v.b8[r] ? "true" : "false", c->v.b8[r] ? 4 : 5, NULL); return;
    case TG_DATE:
        if (opts->date_fmt == TG_OUT_DATE_ISO) {
            n = tg_date_format(c->v.date[r], buf);
        } else {
            tg_date_to_ymd(c->v.date[r], &y, &m, &d);
            n = (size_t)snprintf(buf, sizeof buf, "%02d-%02d-%04d", d, m, y);
        }
        break;
    case TG_STRING: {
        const char *s = tg_dict_str(c->dict, c->v.str[r], &n);
        if (n == 0 && one_col) tg_out_write(o, "\"\"", 2, NULL);
        else put_text(o, s, n, opts->delim);
        return;
    }
    }
    tg_out_write(o, buf, n, NULL);
}

static tg_status check_opts(const tg_out_csv_opts *o, const char *path, tg_error *err) {
    if (o->delim != ',' && o->delim != ';' && o->delim != '\t' && o->delim != '|')
        return tg_err_set(err, TG_EARG, path, 0, 0, "CSV delimiter must be ',', ';', tab or '|'");
    if (o->decimal != '.' && o->decimal != ',')
        return tg_err_set(err, TG_EARG, path, 0, 0, "CSV decimal mark must be '.' or ','");
    if (o->decimal == ',' && o->delim == ',')
        return tg_err_set(err, TG_EARG, path, 0, 0,
                          "a decimal comma needs another delimiter than ',' (use ';')");
    if (o->decimals < -1)
        return tg_err_set(err, TG_EARG, path, 0, 0, "decimals must be -1 (shortest) or >= 0");
    if (o->date_fmt != TG_OUT_DATE_ISO && o->date_fmt != TG_OUT_DATE_DMY)
        return tg_err_set(err, TG_EARG, path, 0, 0, "unknown CSV date format");
    return TG_OK;
}

tg_status tg_out_csv(const tg_table *t, const char *path, const tg_out_csv_opts *opts,
                     tg_error *err) {
    tg_out *o;
    tg_status st;
    assert(t != NULL && path != NULL);
    if (opts && (st = check_opts(opts, path, err)) != TG_OK) return st;
    if ((st = tg_out_open(path, &o, err)) != TG_OK) return st;
    return tg_out_csv_take(o, t, opts, err);
}

tg_status tg_out_csv_take(tg_out *o, const tg_table *t, const tg_out_csv_opts *opts,
                          tg_error *err) {
    tg_out_csv_opts defaults;
    const char *path = o->path;
    tg_status st;

    assert(o != NULL && t != NULL);
    if (!opts) {
        tg_out_csv_opts_init(&defaults);
        opts = &defaults;
    }
    if ((st = check_opts(opts, path, err)) != TG_OK) {
        tg_out_abort(o); /* err->file is a copy */
        return st;
    }

    const char *eol = opts->crlf ? "\r\n" : "\n";
    const size_t eol_len = opts->crlf ? 2 : 1;
    /* An empty line is no record to CSV readers, so a one-column table
    ** spells its empty fields "". */
    const int one_col = t->n_cols == 1;

    if (opts->bom) tg_out_write(o, "\xEF\xBB\xBF", 3, NULL);
    if (opts->header && t->n_cols > 0) {
        for (size_t j = 0; j < t->n_cols; j++) {
            if (j) tg_out_write(o, &opts->delim, 1, NULL);
            size_t n = strlen(t->names[j]);
            if (one_col && n == 0) tg_out_write(o, "\"\"", 2, NULL);
            else put_text(o, t->names[j], n, opts->delim);
        }
        tg_out_write(o, eol, eol_len, NULL);
    }
    for (size_t r = 0; r < t->n_rows && t->n_cols > 0; r++) {
        if (r % TG_VECTOR == 0 && r > 0) {
            if (o->fail.code != TG_OK) break; /* the commit reports it */
            if ((st = tg_poll(opts->intr)) != TG_OK) {
                tg_err_set(err, st, path, 0, 0, "stopped while writing");
                tg_out_abort(o); /* after the message: 'path' is the handle's */
                return st;
            }
        }
        for (size_t j = 0; j < t->n_cols; j++) {
            const tg_col *c = t->cols[j];
            if (j) tg_out_write(o, &opts->delim, 1, NULL);
            if (tg_col_is_valid(c, r) && !(c->type == TG_FLOAT && !isfinite(c->v.f64[r])))
                put_value(o, c, j, r, opts, one_col);
            else if (one_col) tg_out_write(o, "\"\"", 2, NULL);
        }
        tg_out_write(o, eol, eol_len, NULL);
    }
    return tg_out_commit(o, err);
}
