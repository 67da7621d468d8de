/*
** tg_path.c -- the file access policy of a run, and opening beneath a folder.
** Paths are compared as realpath gives them: absolute, no ".", "..",
** doubled '/' or symlink, so "beneath a root" is a prefix test that ends
** at a '/'.
*/
#define _GNU_SOURCE
#include "tg_path.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define TG_HAVE_OPENAT2 1
#endif
#endif

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_out.h"

typedef struct list {
    char **s;
    size_t n, cap;
} list;

struct tg_path {
    list roots[2];  /* by tg_path_access */
    list forbidden; /* --out */
    list reported;  /* --report, --pdf */
    list options;   /* the option that gave each file of 'reported' */
    list history;   /* --history and its -wal, -shm and -journal files */
    list secret;    /* the pseudonym key: neither read nor written */
    list read;
};

static int list_add(list *l, const char *s) {
    char *c;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4;
        char **ns = tg_realloc(l->s, cap * sizeof *ns);
        if (!ns) return -1;
        l->s = ns;
        l->cap = cap;
    }
    if (!(c = tg_strdup(s))) return -1;
    l->s[l->n++] = c;
    return 0;
}

static void list_free(list *l) {
    for (size_t i = 0; i < l->n; i++) tg_free(l->s[i]);
    tg_free(l->s);
}

/* The index of 's' in 'l', or -1. */
static long list_find(const list *l, const char *s) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->s[i], s) == 0) return (long)i;
    return -1;
}

static int list_has(const list *l, const char *s) {
    return list_find(l, s) >= 0;
}

tg_path *tg_path_new(void) {
    return tg_calloc(1, sizeof(tg_path));
}

void tg_path_free(tg_path *p) {
    if (!p) return;
    list_free(&p->roots[0]);
    list_free(&p->roots[1]);
    list_free(&p->forbidden);
    list_free(&p->reported);
    list_free(&p->options);
    list_free(&p->history);
    list_free(&p->secret);
    list_free(&p->read);
    tg_free(p);
}

tg_status tg_path_allow(tg_path *p, tg_path_access access, const char *dir, tg_error *err) {
    char real[PATH_MAX];
    struct stat st;
    assert(p != NULL && dir != NULL);
    const char *what = access == TG_PATH_READ ? "reading" : "writing";
    if (!realpath(dir, real))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "cannot allow %s beneath '%s': %s", what, dir,
                          strerror(errno));
    if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "cannot allow %s beneath '%s': not a folder",
                          what, dir);
    if (list_has(&p->roots[access], real)) return TG_OK;
    return list_add(&p->roots[access], real) ? tg_err_nomem(err) : TG_OK;
}

tg_status tg_path_allow_cwd(tg_path *p, tg_error *err) {
    char cwd[PATH_MAX];
    if (realpath(".", cwd) && strcmp(cwd, "/") == 0) return TG_OK;
    return tg_path_allow(p, TG_PATH_READ, ".", err);
}

/* The file 'path' names, as realpath would give it, without following a
** last component that is a symlink (a write replaces the link itself):
** the resolved folder + '/' + the last name. Returns 0, or -1 when the
** folder does not resolve or the result is too long. */
static int resolve_parent(const char *path, char out[PATH_MAX]) {
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    char dir[PATH_MAX];
    size_t dl = slash ? (size_t)(slash - path) : 0, ol;

    if (dl >= sizeof dir) return -1;
    if (slash && dl == 0) strcpy(dir, "/");
    else if (!slash) strcpy(dir, ".");
    else {
        memcpy(dir, path, dl);
        dir[dl] = '\0';
    }
    if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) return realpath(path, out) ? 0 : -1;
    if (!realpath(dir, out)) return -1;
    ol = strlen(out);
    if (ol + 1 + strlen(base) >= PATH_MAX) return -1;
    if (!(ol == 1 && out[0] == '/')) out[ol++] = '/';
    strcpy(out + ol, base);
    return 0;
}

/* For a path whose folder does not exist: the nearest existing ancestor,
** resolved, + the rest as given, so "/etc/nope/x" is still judged as
** beneath /etc. -1 when the rest has a ".." (it cannot be judged). */
static int resolve_missing(const char *path, char out[PATH_MAX]) {
    char head[PATH_MAX];
    size_t n = strlen(path), ol;
    if (n >= sizeof head) return -1;
    memcpy(head, path, n + 1);
    for (;;) {
        char *slash = strrchr(head, '/');
        const char *rest = path + (slash ? (size_t)(slash - head) + 1 : 0);
        if (slash) *slash = '\0';
        if (strstr(rest, "..")) return -1;
        if (realpath(slash ? (slash == head ? "/" : head) : ".", out)) {
            ol = strlen(out);
            if (ol + 1 + strlen(rest) >= PATH_MAX) return -1;
            if (!(ol == 1 && out[0] == '/')) out[ol++] = '/';
            strcpy(out + ol, rest);
            return 0;
        }
        if (!slash || slash == head) return -1;
    }
}

static int beneath(const char *root, const char *path) {
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/') return 1;
    return strncmp(root, path, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int under_any(const list *roots, const char *path) {
    for (size_t i = 0; i < roots->n; i++)
        if (beneath(roots->s[i], path)) return 1;
    return 0;
}

tg_status tg_path_forbid_write(tg_path *p, const char *file, tg_error *err) {
    char real[PATH_MAX];
    assert(p != NULL && file != NULL);
    if (resolve_parent(file, real) != 0)
        return tg_err_set(err, TG_EARG, file, 0, 0, "its folder does not exist");
    return list_add(&p->forbidden, real) ? tg_err_nomem(err) : TG_OK;
}

tg_status tg_path_forbid_report(tg_path *p, const char *file, const char *option, tg_error *err) {
    char real[PATH_MAX];
    assert(p != NULL && file != NULL && option != NULL);
    if (resolve_parent(file, real) != 0)
        return tg_err_set(err, TG_EARG, file, 0, 0, "its folder does not exist");
    if (list_add(&p->options, option)) return tg_err_nomem(err);
    if (list_add(&p->reported, real)) {
        tg_free(p->options.s[--p->options.n]);
        return tg_err_nomem(err);
    }
    return TG_OK;
}

tg_status tg_path_forbid_history(tg_path *p, const char *file, tg_error *err) {
    static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
    char real[PATH_MAX], side[PATH_MAX + 16];
    assert(p != NULL && file != NULL);
    if (resolve_parent(file, real) != 0)
        return tg_err_set(err, TG_EARG, file, 0, 0, "its folder does not exist");
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        snprintf(side, sizeof side, "%s%s", real, sides[i]);
        if (list_add(&p->history, side)) return tg_err_nomem(err);
    }
    return TG_OK;
}

tg_status tg_path_forbid_secret(tg_path *p, const char *file, tg_error *err) {
    char real[PATH_MAX];
    assert(p != NULL && file != NULL);
    if (!realpath(file, real)) return TG_OK;
    return list_add(&p->secret, real) ? tg_err_nomem(err) : TG_OK;
}

static tg_status refuse_secret(const char *fn, const char *path, tg_error *err) {
    return tg_err_set(err, TG_EIO, NULL, 0, 0,
                      "%s: '%s' is the pseudonym key (TEGN_PSEUDONYM_KEY_FILE), which no script "
                      "may read or write",
                      fn, path);
}

static tg_status refuse_read(const char *fn, const char *path, tg_error *err) {
    return tg_err_set(err, TG_EIO, NULL, 0, 0,
                      "%s: '%s' is outside the folders this run may read (the script's "
                      "folder, the working directory, --allow-read DIR)",
                      fn, path);
}

/* The root of 'roots' that 'path' lies beneath, or NULL. */
static const char *root_of(const list *roots, const char *path) {
    for (size_t i = 0; i < roots->n; i++)
        if (beneath(roots->s[i], path)) return roots->s[i];
    return NULL;
}

tg_status tg_path_open_read(tg_path *p, const char *fn, const char *path, int *fd, tg_error *err) {
    char real[PATH_MAX];
    const char *root, *rel;
    int e;
    tg_status st;
    *fd = -1;
    if (!realpath(path, real)) {
        e = errno;
        st = tg_path_check(p, TG_PATH_READ, fn, path, err);
        errno = e;
        return st;
    }
    if (!(root = root_of(&p->roots[TG_PATH_READ], real))) return refuse_read(fn, path, err);
    if (list_has(&p->secret, real)) return refuse_secret(fn, path, err);
    rel = real + strlen(root);
    while (*rel == '/') rel++;
    *fd = tg_path_open_beneath(root, *rel ? rel : ".", O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
    e = errno;
    if (*fd < 0 && (e == EXDEV || e == ELOOP)) return refuse_read(fn, path, err);
    if (!list_has(&p->read, real) && list_add(&p->read, real)) {
        if (*fd >= 0) close(*fd);
        *fd = -1;
        return tg_err_nomem(err);
    }
    errno = e;
    return TG_OK;
}

static tg_status check_read(tg_path *p, const char *fn, const char *path, tg_error *err) {
    char real[PATH_MAX];
    if (realpath(path, real) == NULL && resolve_parent(path, real) != 0 &&
        resolve_missing(path, real) != 0)
        return refuse_read(fn, path, err);
    if (!under_any(&p->roots[TG_PATH_READ], real)) return refuse_read(fn, path, err);
    if (list_has(&p->secret, real)) return refuse_secret(fn, path, err);
    if (!list_has(&p->read, real) && list_add(&p->read, real)) return tg_err_nomem(err);
    return TG_OK;
}

static tg_status refuse_write(const char *fn, const char *path, tg_error *err) {
    return tg_err_set(err, TG_EIO, NULL, 0, 0,
                      "%s: '%s' is outside the folders this run may write (the folder of "
                      "--out, --allow-write DIR)",
                      fn, path);
}

static tg_status check_write(tg_path *p, const char *fn, const char *path, tg_error *err) {
    char real[PATH_MAX], target[PATH_MAX];
    if (resolve_parent(path, real) != 0 && resolve_missing(path, real) != 0)
        return refuse_write(fn, path, err);
    if (!under_any(&p->roots[TG_PATH_WRITE], real)) return refuse_write(fn, path, err);
    /* A last name that is a link out of the roots: writing replaces the
    ** link, but write_sqlite's append and replace read the old database
    ** first, which would copy a file from outside in. */
    if (realpath(path, target) && !under_any(&p->roots[TG_PATH_WRITE], target))
        return refuse_write(fn, path, err);
    if (list_has(&p->secret, real) || (realpath(path, target) && list_has(&p->secret, target)))
        return refuse_secret(fn, path, err);
    if (list_has(&p->forbidden, real))
        return tg_err_set(err, TG_EIO, NULL, 0, 0,
                          "%s: '%s' is the run's --out file, which tegn itself writes when the "
                          "run succeeds",
                          fn, path);
    long k = list_find(&p->reported, real);
    if (k >= 0)
        return tg_err_set(err, TG_EIO, NULL, 0, 0,
                          "%s: '%s' is the run's %s file, which tegn itself writes when the run "
                          "succeeds",
                          fn, path, p->options.s[k]);
    if (list_has(&p->history, real))
        return tg_err_set(err, TG_EIO, NULL, 0, 0,
                          "%s: '%s' is the run's --history database (or its journal), which "
                          "tegn itself writes after the run",
                          fn, path);
    if (list_has(&p->read, real) || (realpath(path, target) && list_has(&p->read, target)))
        return tg_err_set(err, TG_EIO, NULL, 0, 0,
                          "%s: '%s' was read by this run; a script may not overwrite its inputs",
                          fn, path);
    return TG_OK;
}

static int make_beneath(const char *root, const char *rel);

tg_status tg_path_open_write(tg_path *p, const char *fn, const char *path, int *dir,
                             const char **name, tg_error *err) {
    char real[PATH_MAX];
    const char *root, *rel, *slash = strrchr(path, '/');
    tg_status st;

    assert(p != NULL && fn != NULL && path != NULL && dir != NULL && name != NULL);
    *dir = -1;
    *name = slash ? slash + 1 : path;
    if ((st = check_write(p, fn, path, err)) != TG_OK) return st;
    /* A missing folder is made, beneath the root (check_write judged it by
    ** its nearest existing ancestor). */
    int missing = resolve_parent(path, real) != 0;
    if (missing && resolve_missing(path, real) != 0) return tg_out_folder_error(path, ENOENT, err);
    if (!(root = root_of(&p->roots[TG_PATH_WRITE], real))) return refuse_write(fn, path, err);
    /* The folder is 'real' up to its last '/', below 'root'. */
    char *last = strrchr(real, '/');
    last[last == real] = '\0'; /* "/x" is in "/" */
    rel = real + strlen(root);
    while (*rel == '/') rel++;
    if (missing) *dir = make_beneath(root, rel);
    else *dir = tg_path_open_beneath(root, *rel ? rel : ".", O_RDONLY | O_DIRECTORY, 0);
    if (*dir >= 0) return TG_OK;
    if (errno == EXDEV || errno == ELOOP) return refuse_write(fn, path, err);
    return tg_out_folder_error(path, errno, err);
}

tg_status tg_path_check(tg_path *p, tg_path_access access, const char *fn, const char *path,
                        tg_error *err) {
    assert(p != NULL && fn != NULL && path != NULL);
    return access == TG_PATH_READ ? check_read(p, fn, path, err) : check_write(p, fn, path, err);
}

/* ---- opening beneath a folder ---- */

/* Copies the next name of the relative path *rel into 'name' and moves
** *rel past it and its slashes: the name's length (0 for an empty one),
** or -1 with errno ENAMETOOLONG. */
static int next_name(const char **rel, char name[NAME_MAX + 1]) {
    size_t n = strcspn(*rel, "/");
    if (n > NAME_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(name, *rel, n);
    name[n] = '\0';
    *rel += n;
    while (**rel == '/') (*rel)++;
    return (int)n;
}

/* The portable walk: every folder on the way opened with O_NOFOLLOW, so
** no symlink is followed at all; ".." is refused. */
static int walk_beneath(int dirfd, const char *rel, int flags, mode_t mode) {
    char name[NAME_MAX + 1];
    int fd = dup(dirfd);

    while (fd >= 0) {
        int next, n = next_name(&rel, name);
        if (n < 0) {
            close(fd);
            return -1;
        }
        if (n == 0 || strcmp(name, ".") == 0) {
            if (*rel) continue;
            strcpy(name, ".");
        }
        if (strcmp(name, "..") == 0) {
            close(fd);
            errno = EXDEV;
            return -1;
        }
        if (*rel) next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        else next = openat(fd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
        close(fd);
        if (next < 0 || !*rel) return next;
        fd = next;
    }
    return -1;
}

static int no_openat2; /* set once the kernel said ENOSYS */
static int force_walk; /* tg_path_force_walk */

int tg_path_openat_beneath(int dirfd, const char *rel, int flags, mode_t mode) {
    assert(rel != NULL);
    if (rel[0] == '/') {
        errno = EXDEV;
        return -1;
    }
#ifdef TG_HAVE_OPENAT2
    if (!no_openat2 && !force_walk) {
        struct open_how how;
        memset(&how, 0, sizeof how);
        how.flags = (unsigned long long)(flags | O_CLOEXEC);
        how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
        if (fd >= 0 || errno != ENOSYS) return (int)fd;
        no_openat2 = 1;
    }
#endif
    return walk_beneath(dirfd, rel, flags, mode);
}

int tg_path_open_beneath(const char *dir, const char *rel, int flags, mode_t mode) {
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), fd, e;
    if (dfd < 0) return -1;
    fd = tg_path_openat_beneath(dfd, rel, flags, mode);
    e = errno;
    close(dfd);
    errno = e;
    return fd;
}

/* Makes the folders of 'rel' that are missing beneath 'root', one name at
** a time through the descriptor of the one before (each opened beneath it,
** so a name swapped for a symlink cannot lead out), and returns the last
** folder opened for reading; -1 with errno on failure. */
static int make_beneath(const char *root, const char *rel) {
    char name[NAME_MAX + 1];
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    while (fd >= 0 && *rel) {
        int next, e, n = next_name(&rel, name);
        if (n < 0) {
            close(fd);
            return -1;
        }
        if (n == 0 || strcmp(name, ".") == 0) continue;
        if (mkdirat(fd, name, 0777) != 0 && errno != EEXIST) {
            e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        next = tg_path_openat_beneath(fd, name, O_RDONLY | O_DIRECTORY, 0);
        e = errno;
        close(fd);
        errno = e;
        fd = next;
    }
    return fd;
}

int tg_path_make_folders(const char *path) {
    char dir[PATH_MAX];
    size_t n = strlen(path);
    if (n >= sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(dir, path, n + 1);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return 0;
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) return -1;
        *p = c;
        if (!c) return 0;
    }
}

int tg_path_force_walk(int on) {
    force_walk = 0;
#ifdef TG_HAVE_OPENAT2
    if (!no_openat2) { /* one call finds out whether the kernel has it */
        int fd = tg_path_open_beneath("/", ".", O_RDONLY | O_DIRECTORY, 0);
        if (fd >= 0) close(fd);
    }
    force_walk = on;
    return !no_openat2;
#else
    force_walk = on;
    return 0;
#endif
}
