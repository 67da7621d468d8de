/*
** tg_pdf.c -- the report printed to PDF by headless Chromium (see
** tg_pdf.h). tegn writes the HTML into a private folder made with mkdtemp,
** starts Chromium (fork and execve) in its own process group with its home
** and profile in that folder (so it touches nothing of the user's and leaves nothing
** behind), waits for it with a time limit, and then places the PDF it wrote
** with tg_out_write_atomic. Chromium's own chatter goes to a log in the
** folder; its last line is shown when it fails.
*/
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw, kill, setpgid */
#include "tg_pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tg_cli.h"
#include "tg_err.h"
#include "tg_out.h"

/* A report prints in a few seconds; a hung Chromium must not hang the
** nightly job. */
#define PDF_SECONDS 120

static const char *const programs[] = { "chromium", "chromium-browser", "google-chrome" };

static int executable(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

/* The Chromium to start, into buf; 0 when there is none. */
static int find_chromium(char *buf, size_t size) {
    const char *env = getenv("TEGN_CHROMIUM"), *path = getenv("PATH");
    if (env && env[0]) {
        snprintf(buf, size, "%s", env);
        return executable(buf);
    }
    for (size_t k = 0; k < sizeof programs / sizeof *programs; k++) {
        for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
            size_t n = strcspn(p, ":");
            if (n > 0 && (size_t)snprintf(buf, size, "%.*s/%s", (int)n, p, programs[k]) < size &&
                executable(buf))
                return 1;
            p += n + (p[n] == ':');
        }
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
    (void)sb;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *dir) {
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_file(const char *path, const char *data, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    size_t done = 0;
    while (fd >= 0 && done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += (size_t)w;
    }
    if (fd >= 0 && close(fd) != 0) done = 0;
    return fd >= 0 && done == len;
}

/* The whole file at 'path' (malloc'ed) and its size; NULL when unreadable. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)n + 1)) && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    if (f) fclose(f);
    *len = data ? (size_t)n : 0;
    return data;
}

/* Chromium's command line and environment, made before the fork: the
** child of a process that has run threads may only make async-signal-safe
** calls until it execs. Its home and caches are the private folder. */
typedef struct launch {
    char html[4200], pdf[4200], profile[4200], log[4200];
    char home[4200], config[4200], cache[4200];
    const char *argv[20];
    char **envp;
} launch;

extern char **environ;

static int is_replaced(const char *var) {
    return strncmp(var, "HOME=", 5) == 0 || strncmp(var, "XDG_CONFIG_HOME=", 16) == 0 ||
           strncmp(var, "XDG_CACHE_HOME=", 15) == 0;
}

/* Fills 'l'; 0 when out of memory. Root needs --no-sandbox: Chromium
** refuses its sandbox to root. */
static int launch_init(launch *l, const char *prog, const char *dir) {
    static const char *const flags[] = {
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-crash-reporter",
        "--no-pdf-header-footer",
    };
    size_t n = 0, k = 0;
    snprintf(l->html, sizeof l->html, "file://%s/rapport.html", dir);
    snprintf(l->pdf, sizeof l->pdf, "--print-to-pdf=%s/rapport.pdf", dir);
    snprintf(l->profile, sizeof l->profile, "--user-data-dir=%s/profil", dir);
    snprintf(l->log, sizeof l->log, "%s/chromium.log", dir);
    snprintf(l->home, sizeof l->home, "HOME=%s", dir);
    snprintf(l->config, sizeof l->config, "XDG_CONFIG_HOME=%s", dir);
    snprintf(l->cache, sizeof l->cache, "XDG_CACHE_HOME=%s", dir);
    l->argv[n++] = prog;
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) l->argv[n++] = flags[i];
    l->argv[n++] = l->profile;
    l->argv[n++] = l->pdf;
    l->argv[n++] = geteuid() == 0 ? "--no-sandbox" : "--disable-dev-shm-usage";
    l->argv[n++] = l->html;
    l->argv[n] = NULL;
    while (environ && environ[k]) k++;
    if (!(l->envp = malloc((k + 4) * sizeof *l->envp))) return 0;
    n = 0;
    for (size_t i = 0; i < k; i++)
        if (!is_replaced(environ[i])) l->envp[n++] = environ[i];
    l->envp[n++] = l->home;
    l->envp[n++] = l->config;
    l->envp[n++] = l->cache;
    l->envp[n] = NULL;
    return 1;
}

/* The child: Chromium's output to the log, its own process group (so a
** time-out can stop its helpers too). Only async-signal-safe calls. */
static void exec_chromium(const launch *l) {
    int fd = open(l->log, O_WRONLY | O_CREAT | O_TRUNC, 0600), null = open("/dev/null", O_RDONLY);
    if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(126);
    setpgid(0, 0);
    execve(l->argv[0], (char *const *)l->argv, l->envp);
    _exit(127);
}

/* Waits for the child up to PDF_SECONDS; its wait status, or -1 when it
** was stopped for taking too long. */
static int wait_chromium(pid_t pid) {
    struct timespec step = { 0, 50 * 1000 * 1000 };
    int status = 0;
    for (long waited = 0; waited < PDF_SECONDS * 20L; waited++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR)) return status;
        nanosleep(&step, NULL);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

/* The last non-empty line of Chromium's log, for the error message. */
static void last_log_line(const char *dir, char *line, size_t size) {
    char path[4200];
    size_t len;
    snprintf(path, sizeof path, "%s/chromium.log", dir);
    char *log = read_file(path, &len);
    line[0] = '\0';
    while (log && len > 0 && (log[len - 1] == '\n' || log[len - 1] == '\r')) len--;
    if (log && len > 0) {
        size_t start = len;
        while (start > 0 && log[start - 1] != '\n') start--;
        snprintf(line, size, ": %.*s", (int)(len - start), log + start);
    }
    free(log);
}

/* Runs Chromium on dir/rapport.html; EXIT_OK when dir/rapport.pdf is there. */
static int print_pdf(const char *prog, const char *dir) {
    char why[600];
    launch *l = malloc(sizeof *l);
    if (!l || !launch_init(l, prog, dir)) {
        fprintf(stderr, "tegn: --pdf: out of memory\n");
        free(l);
        return EXIT_INTERNAL;
    }
    fflush(NULL); /* the child must not write the parent's buffers again */
    pid_t pid = fork();
    if (pid == 0) exec_chromium(l);
    int e = errno;
    free(l->envp);
    free(l);
    if (pid < 0) {
        fprintf(stderr, "tegn: --pdf: cannot start %s: %s\n", prog, strerror(e));
        return EXIT_UNAVAILABLE;
    }
    int status = wait_chromium(pid);
    if (status == -1) {
        fprintf(stderr, "tegn: --pdf: %s did not finish within %d s; stopped\n", prog, PDF_SECONDS);
        return EXIT_UNAVAILABLE;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        last_log_line(dir, why, sizeof why);
        fprintf(stderr, "tegn: --pdf: %s failed (%s %d)%s\n", prog,
                WIFEXITED(status) ? "exit" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), why);
        return EXIT_UNAVAILABLE;
    }
    return EXIT_OK;
}

/* Places dir/rapport.pdf at 'path'. */
static int place_pdf(const char *dir, const char *path, const char *prog) {
    char pdf[4200];
    size_t len;
    tg_error err;
    snprintf(pdf, sizeof pdf, "%s/rapport.pdf", dir);
    char *data = read_file(pdf, &len);
    if (!data || len < 5 || memcmp(data, "%PDF-", 5) != 0) {
        fprintf(stderr, "tegn: --pdf: %s wrote no PDF\n", prog);
        free(data);
        return EXIT_UNAVAILABLE;
    }
    tg_err_clear(&err);
    tg_status st = tg_out_write_atomic(path, data, len, &err);
    free(data);
    if (st != TG_OK) tg_cli_print_error(&err, 0);
    return tg_cli_exit_code(st);
}

/* The target's folder must exist before Chromium is started for it. */
static int folder_ok(const char *path) {
    const char *name;
    tg_error err;
    int dir = tg_out_open_folder(path, &name);
    if (dir >= 0) {
        close(dir);
        return EXIT_OK;
    }
    tg_err_clear(&err);
    tg_status st = tg_out_folder_error(path, errno, &err);
    tg_cli_print_error(&err, 0);
    return tg_cli_exit_code(st);
}

int tg_pdf_write(const char *html, size_t len, const char *path) {
    char prog[4096], dir[4096], file[4200];
    const char *tmp = getenv("TMPDIR");
    int rc = folder_ok(path);
    if (rc != EXIT_OK) return rc;
    if (!find_chromium(prog, sizeof prog)) {
        const char *env = getenv("TEGN_CHROMIUM");
        if (env && env[0])
            fprintf(stderr,
                    "tegn: --pdf needs Chromium, and TEGN_CHROMIUM=%s is no program; "
                    "nothing written\n",
                    env);
        else
            fprintf(stderr, "tegn: --pdf needs Chromium, and none is on PATH (chromium, "
                            "chromium-browser, google-chrome): install the Debian package "
                            "chromium or set TEGN_CHROMIUM; nothing written\n");
        return EXIT_UNAVAILABLE;
    }
    snprintf(dir, sizeof dir, "%s/tegn-pdf-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "tegn: --pdf: cannot make a temporary folder in %s: %s\n",
                tmp && tmp[0] ? tmp : "/tmp", strerror(errno));
        return EXIT_DATA;
    }
    snprintf(file, sizeof file, "%s/rapport.html", dir);
    if (!write_file(file, html, len)) {
        fprintf(stderr, "tegn: --pdf: cannot write %s: %s\n", file, strerror(errno));
        rc = EXIT_DATA;
    }
    if (rc == EXIT_OK) rc = print_pdf(prog, dir);
    if (rc == EXIT_OK) rc = place_pdf(dir, path, prog);
    remove_tree(dir);
    return rc;
}
