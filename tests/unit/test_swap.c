/*
** test_swap.c -- a folder checked by the policy, then swapped for a
** symlink to somewhere else before the write or read happens: the file
** must land in (or be read from) the folder that was checked, and nothing
** may appear elsewhere. This is the race a hostile local process can run
** against a script's write_csv, write_sqlite, read_sqlite and the --out
** document; each goes through the folder's descriptor (tg_out_openat,
** tg_db_write_at, tg_db_read_fd) rather than opening the name again.
*/
#include "tg_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_col.h"
#include "tg_db.h"
#include "tg_err.h"
#include "tg_out.h"
#include "tg_path.h"
#include "tg_table.h"

static char root[1024], box[1100], elsewhere[1100];

/* root/box/A (allowed for reading and writing beneath root/box) and
** root/elsewhere, outside it. */
static int setup(void **state) {
    (void)state;
    snprintf(root, sizeof root, "%s", tg_test_tmpfile(".d"));
    snprintf(box, sizeof box, "%s/box", root);
    snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", root);
    if (mkdir(root, 0755) || mkdir(box, 0755) || mkdir(elsewhere, 0755)) return -1;
    return mkdir(tg_test_join(box, "A"), 0755);
}

static tg_path *policy(void) {
    tg_path *p = tg_path_new();
    tg_error err;
    assert_non_null(p);
    assert_int_equal(tg_path_allow(p, TG_PATH_READ, box, &err), TG_OK);
    assert_int_equal(tg_path_allow(p, TG_PATH_WRITE, box, &err), TG_OK);
    return p;
}

/* box/A becomes box/A.moved, and box/A a symlink to 'elsewhere'. */
static void swap(void) {
    assert_int_equal(rename(tg_test_join(box, "A"), tg_test_join(box, "A.moved")), 0);
    assert_int_equal(symlink(elsewhere, tg_test_join(box, "A")), 0);
}

static void unswap(void) {
    assert_int_equal(unlink(tg_test_join(box, "A")), 0);
    assert_int_equal(rename(tg_test_join(box, "A.moved"), tg_test_join(box, "A")), 0);
}

static tg_table *one_int(int64_t v) {
    tg_table *t = tg_table_new();
    tg_col *c = tg_col_new(TG_INT, 1, NULL);
    assert_non_null(t);
    assert_non_null(c);
    assert_int_equal(tg_col_push_i64(c, v), TG_OK);
    tg_test_add(t, "n", c);
    return t;
}

/* The checked folder's descriptor for writing box/A/<name>; *base points
** into a static copy of the path. */
static int checked_dir(tg_path *p, const char *name, const char **base) {
    static char path[1300];
    tg_error err;
    int dir;
    snprintf(path, sizeof path, "%s/A/%s", box, name);
    assert_int_equal(tg_path_open_write(p, "test", path, &dir, base, &err), TG_OK);
    assert_true(dir >= 0);
    assert_string_equal(*base, name);
    return dir;
}

static void test_swap_out(void **state) {
    (void)state;
    tg_path *p = policy();
    const char *name;
    tg_out *o;
    tg_error err;
    char buf[16] = { 0 };
    int dir = checked_dir(p, "doc.json", &name);

    swap();
    assert_int_equal(tg_out_openat(dir, name, "box/A/doc.json", &o, &err), TG_OK);
    assert_int_equal(tg_out_write(o, "{}\n", 3, &err), TG_OK);
    assert_int_equal(tg_out_commit(o, &err), TG_OK);
    close(dir);
    assert_int_equal(tg_test_count_entries(elsewhere), 0);
    FILE *f = fopen(tg_test_join(box, "A.moved/doc.json"), "r");
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, sizeof buf - 1, f), 3);
    fclose(f);
    assert_string_equal(buf, "{}\n");
    assert_int_equal(tg_test_count_entries(tg_test_join(box, "A.moved")),
                     1); /* no temporary file left */
    unswap();
    assert_int_equal(unlink(tg_test_join(box, "A/doc.json")), 0);
    tg_path_free(p);
}

static void test_swap_csv(void **state) {
    (void)state;
    tg_path *p = policy();
    tg_table *t = one_int(7);
    const char *name;
    tg_out *o;
    tg_error err;
    int dir = checked_dir(p, "t.csv", &name);

    swap();
    assert_int_equal(tg_out_openat(dir, name, "box/A/t.csv", &o, &err), TG_OK);
    assert_int_equal(tg_out_csv_take(o, t, NULL, &err), TG_OK);
    close(dir);
    assert_int_equal(tg_test_count_entries(elsewhere), 0);
    assert_int_equal(access(tg_test_join(box, "A.moved/t.csv"), F_OK), 0);
    unswap();
    assert_int_equal(unlink(tg_test_join(box, "A/t.csv")), 0);
    tg_table_release(t);
    tg_path_free(p);
}

/* A new database, then an append to it after the swap (the existing file
** is opened and locked through the checked folder), then a read through
** the descriptor of the checked file while a different database sits at
** the swapped name. */
static void test_swap_sqlite(void **state) {
    (void)state;
    tg_path *p = policy();
    tg_table *t = one_int(1), *u = one_int(2), *decoy = one_int(99), *got = NULL;
    const char *name;
    tg_error err;
    int dir = checked_dir(p, "x.db", &name), fd;

    swap();
    assert_int_equal(tg_db_write_at(dir, name, "box/A/x.db", "t", t, TG_DB_CREATE, NULL, &err),
                     TG_OK);
    assert_int_equal(tg_test_count_entries(elsewhere), 0);
    assert_int_equal(tg_db_write_at(dir, name, "box/A/x.db", "t", u, TG_DB_APPEND, NULL, &err),
                     TG_OK);
    assert_int_equal(tg_test_count_entries(elsewhere), 0);
    assert_int_equal(tg_test_count_entries(tg_test_join(box, "A.moved")), 1);
    close(dir);
    unswap();

    /* Checked for reading, then swapped; a decoy database at the new name. */
    assert_int_equal(tg_path_open_read(p, "test", tg_test_join(box, "A/x.db"), &fd, &err), TG_OK);
    assert_true(fd >= 0);
    swap();
    assert_int_equal(
        tg_db_write(tg_test_join(elsewhere, "x.db"), "t", decoy, TG_DB_CREATE, NULL, &err), TG_OK);
    assert_int_equal(
        tg_db_read_fd(fd, "box/A/x.db", "SELECT sum(n) AS s FROM t", NULL, 0, NULL, &got, &err),
        TG_OK);
    close(fd);
    assert_int_equal(got->cols[0]->v.i64[0], 3);
    tg_table_release(got);
    unswap();
    tg_table_release(t);
    tg_table_release(u);
    tg_table_release(decoy);
    tg_path_free(p);
}

static int teardown(void **state) {
    (void)state;
    return tg_test_rmtree(root);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swap_out),
        cmocka_unit_test(test_swap_csv),
        cmocka_unit_test(test_swap_sqlite),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
