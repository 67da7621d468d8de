/*
** test_path.c -- the file access policy and opening beneath a folder. A
** scratch tree holds an allowed folder 'in' and a folder 'secret' outside
** it; links inside 'in' point out of it, by "..", absolutely and through a
** folder link, and must not lead out, neither through the check nor
** through tg_path_open_beneath (also with the portable walk).
*/
#include "tg_test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_path.h"

static char root[1024], in[1100], secret[1100];

/* root/in/{a.csv, sub/b.csv, up -> ../secret, abs -> <root>/secret/s.csv,
** dir -> ../secret} and root/secret/s.csv */
static int setup(void **state) {
    (void)state;
    snprintf(root, sizeof root, "%s", tg_test_tmpfile(".d"));
    snprintf(in, sizeof in, "%s/in", root);
    snprintf(secret, sizeof secret, "%s/secret", root);
    if (mkdir(root, 0755) || mkdir(in, 0755) || mkdir(secret, 0755)) return -1;
    if (mkdir(tg_test_join(in, "sub"), 0755)) return -1;
    tg_test_put(tg_test_join(in, "a.csv"), "a\n1\n");
    tg_test_put(tg_test_join(in, "sub/b.csv"), "b\n2\n");
    tg_test_put(tg_test_join(secret, "s.csv"), "secret\n");
    if (symlink("../secret/s.csv", tg_test_join(in, "up"))) return -1;
    if (symlink(tg_test_join(secret, "s.csv"), tg_test_join(in, "abs"))) return -1;
    if (symlink("../secret", tg_test_join(in, "dir"))) return -1;
    if (symlink("sub/b.csv", tg_test_join(in, "inside"))) return -1;
    return 0;
}

static tg_path *policy(void) {
    tg_path *p = tg_path_new();
    tg_error err;
    assert_non_null(p);
    assert_int_equal(tg_path_allow(p, TG_PATH_READ, in, &err), TG_OK);
    assert_int_equal(tg_path_allow(p, TG_PATH_WRITE, tg_test_join(in, "sub"), &err), TG_OK);
    return p;
}

static void test_path_allowed(void **state) {
    (void)state;
    tg_path *p = policy();
    tg_error err;
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", tg_test_join(in, "a.csv"), &err), TG_OK);
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", tg_test_join(in, "sub/../a.csv"), &err),
                     TG_OK);
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", tg_test_join(in, "inside"), &err), TG_OK);
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "f", tg_test_join(in, "sub/new.csv"), &err),
                     TG_OK);
    tg_path_free(p);
}

static void test_path_escapes(void **state) {
    (void)state;
    tg_path *p = policy();
    tg_error err;
    assert_int_equal(
        tg_path_check(p, TG_PATH_READ, "read_csv", tg_test_join(in, "../secret/s.csv"), &err),
        TG_EIO);
    assert_non_null(strstr(err.msg, "outside the folders this run may read"));
    assert_non_null(strstr(err.msg, "--allow-read DIR"));
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", tg_test_join(in, "up"), &err), TG_EIO);
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", tg_test_join(in, "abs"), &err), TG_EIO);
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", tg_test_join(in, "dir/s.csv"), &err),
                     TG_EIO);
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", "/etc/passwd", &err), TG_EIO);
    /* read is allowed beneath 'in', write only beneath 'in/sub' */
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "write_csv", tg_test_join(in, "x.csv"), &err),
                     TG_EIO);
    assert_non_null(strstr(err.msg, "outside the folders this run may write"));
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "f", tg_test_join(in, "sub/../x.csv"), &err),
                     TG_EIO);
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "f", "/etc/cron.d/x", &err), TG_EIO);
    /* folders that do not exist are judged by the nearest one that does */
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "f", "/no/such/x", &err), TG_EIO);
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", tg_test_join(in, "no/such/x"), &err),
                     TG_OK);
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", tg_test_join(in, "no/../../x"), &err),
                     TG_EIO);
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "f", tg_test_join(in, "sub/no/x"), &err),
                     TG_OK);
    /* a link in a write root that leads out is not written through */
    assert_int_equal(symlink(tg_test_join(secret, "s.csv"), tg_test_join(in, "sub/out.sqlite")), 0);
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "f", tg_test_join(in, "sub/out.sqlite"), &err),
                     TG_EIO);
    assert_int_equal(unlink(tg_test_join(in, "sub/out.sqlite")), 0);
    tg_path_free(p);
}

static void test_path_forbidden(void **state) {
    (void)state;
    tg_path *p = policy();
    tg_error err;
    assert_int_equal(tg_path_forbid_write(p, tg_test_join(in, "sub/out.json"), &err), TG_OK);
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "f", tg_test_join(in, "sub/./out.json"), &err),
                     TG_EIO);
    assert_non_null(strstr(err.msg, "--out"));
    /* a file read may not be written afterwards, by any name */
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", tg_test_join(in, "inside"), &err), TG_OK);
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "f", tg_test_join(in, "sub/b.csv"), &err),
                     TG_EIO);
    assert_non_null(strstr(err.msg, "read by this run"));
    tg_path_free(p);
}

static void test_path_open_read(void **state) {
    (void)state;
    tg_path *p = policy();
    tg_error err;
    int fd = -2;
    char line[8] = "";
    assert_int_equal(tg_path_open_read(p, "f", tg_test_join(in, "inside"), &fd, &err), TG_OK);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, line, 2), 2);
    assert_memory_equal(line, "b\n", 2);
    close(fd);
    assert_int_equal(tg_path_open_read(p, "f", tg_test_join(in, "up"), &fd, &err), TG_EIO);
    assert_int_equal(fd, -1);
    assert_int_equal(tg_path_open_read(p, "f", tg_test_join(in, "nope.csv"), &fd, &err), TG_OK);
    assert_int_equal(fd, -1);
    /* what was opened counts as read: it may not be written */
    assert_int_equal(tg_path_check(p, TG_PATH_WRITE, "f", tg_test_join(in, "sub/b.csv"), &err),
                     TG_EIO);
    tg_path_free(p);
}

/* A working directory of / (systemd's default) allows nothing by itself. */
static void test_path_cwd_root(void **state) {
    (void)state;
    char here[1024];
    tg_path *p = tg_path_new();
    tg_error err;
    assert_non_null(getcwd(here, sizeof here));
    assert_int_equal(chdir("/"), 0);
    assert_int_equal(tg_path_allow_cwd(p, &err), TG_OK);
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", "/etc/passwd", &err), TG_EIO);
    assert_int_equal(chdir(in), 0);
    assert_int_equal(tg_path_allow_cwd(p, &err), TG_OK);
    assert_int_equal(tg_path_check(p, TG_PATH_READ, "f", "a.csv", &err), TG_OK);
    assert_int_equal(chdir(here), 0);
    tg_path_free(p);
}

static void open_beneath_cases(void) {
    int fd = tg_path_open_beneath(in, "sub/b.csv", O_RDONLY, 0);
    assert_true(fd >= 0);
    close(fd);
    fd = tg_path_open_beneath(in, "sub/new.csv", O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(unlink(tg_test_join(in, "sub/new.csv")), 0);
    assert_int_equal(tg_path_open_beneath(in, "../secret/s.csv", O_RDONLY, 0), -1);
    assert_int_equal(tg_path_open_beneath(in, "up", O_RDONLY, 0), -1);
    assert_int_equal(tg_path_open_beneath(in, "abs", O_RDONLY, 0), -1);
    assert_int_equal(tg_path_open_beneath(in, "dir/s.csv", O_RDONLY, 0), -1);
    assert_int_equal(tg_path_open_beneath(in, "/etc/passwd", O_RDONLY, 0), -1);
    assert_int_equal(tg_path_open_beneath(in, "nope.csv", O_RDONLY, 0), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(tg_path_open_beneath(in, "dir/planted.csv", O_WRONLY | O_CREAT, 0600), -1);
    assert_int_equal(access(tg_test_join(secret, "planted.csv"), F_OK), -1);
}

/* A folder checked, then swapped for a link out of the root before the
** open: the open must not follow it. */
static void test_path_swapped_link(void **state) {
    (void)state;
    char moved[1300];
    int fd;
    assert_int_equal(tg_path_open_beneath(in, "sub/b.csv", O_RDONLY, 0) >= 0, 1);
    snprintf(moved, sizeof moved, "%s/sub.old", in);
    assert_int_equal(rename(tg_test_join(in, "sub"), moved), 0);
    assert_int_equal(symlink(secret, tg_test_join(in, "sub")), 0);
    tg_test_put(tg_test_join(secret, "b.csv"), "planted\n");
    fd = tg_path_open_beneath(in, "sub/b.csv", O_RDONLY, 0);
    assert_int_equal(fd, -1);
    assert_int_equal(unlink(tg_test_join(in, "sub")), 0);
    assert_int_equal(rename(moved, tg_test_join(in, "sub")), 0);
}

static void test_path_open_beneath(void **state) {
    (void)state;
    open_beneath_cases();
}

/* The same cases with the O_NOFOLLOW walk, the fallback for kernels
** without openat2; it follows no symlink at all. */
static void test_path_open_beneath_walk(void **state) {
    (void)state;
    tg_path_force_walk(1);
    open_beneath_cases();
    assert_int_equal(tg_path_open_beneath(in, "inside", O_RDONLY, 0), -1);
    test_path_swapped_link(state);
    tg_path_force_walk(0);
}

static int teardown(void **state) {
    (void)state;
    return tg_test_rmtree(root);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_allowed),      cmocka_unit_test(test_path_escapes),
        cmocka_unit_test(test_path_forbidden),    cmocka_unit_test(test_path_cwd_root),
        cmocka_unit_test(test_path_open_read),    cmocka_unit_test(test_path_open_beneath),
        cmocka_unit_test(test_path_swapped_link), cmocka_unit_test(test_path_open_beneath_walk),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
