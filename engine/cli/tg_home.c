/*
** tg_home.c -- finding the installation's files (see tg_home.h). An
** installed tegn keeps them in PREFIX/share/tegn; the binary finds that
** folder from its own path, so a DESTDIR or relocated install works too.
*/
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_home.h"

#ifndef TG_SOURCE_DIR
#define TG_SOURCE_DIR ""
#endif

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* <folder of the running binary>/../share/<what>, or "" when unknown. */
static void share_beside_binary(char *buf, size_t size, const char *what) {
    char exe[PATH_MAX - 16];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;
    buf[0] = '\0';
    if (n <= 0) return;
    exe[n] = '\0';
    if (!(slash = strrchr(exe, '/'))) return;
    *slash = '\0';
    snprintf(buf, size, "%s/../share/%s", exe, what);
}

const char *tg_home_find(const char *rel) {
    static char path[PATH_MAX + 64];
    char home[PATH_MAX];
    const char *env = getenv("TEGN_HOME");
    const char *homes[3];

    if (exists(rel)) return rel;
    share_beside_binary(home, sizeof home, "tegn");
    homes[0] = env && *env ? env : "";
    homes[1] = home;
    homes[2] = TG_SOURCE_DIR;
    for (int i = 0; i < 3; i++) {
        if (!homes[i][0]) continue;
        int n = snprintf(path, sizeof path, "%s/%s", homes[i], rel);
        if (n > 0 && (size_t)n < sizeof path && exists(path)) {
            char *real = realpath(path, NULL); /* no "bin/../share" in messages */
            if (real && strlen(real) < sizeof path) snprintf(path, sizeof path, "%s", real);
            free(real);
            return path;
        }
    }
    return rel;
}

const char *tg_home_docs(void) {
    static char dir[PATH_MAX];
    const char *api = tg_home_find("docs/lua-api.md");
    char *slash;
    if (exists(api)) {
        snprintf(dir, sizeof dir, "%s", api);
    } else {
        share_beside_binary(dir, sizeof dir - 16, "doc/tegn");
        if (!dir[0]) return NULL;
        strcat(dir, "/lua-api.md");
        if (!exists(dir)) return NULL;
    }
    if ((slash = strrchr(dir, '/'))) *slash = '\0';
    return dir;
}
