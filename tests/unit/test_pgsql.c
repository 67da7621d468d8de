/*
** test_pgsql.c -- where a PostgreSQL statement ends and where an error
** position stands, by hand: each expected length is the statement's text
** up to its last token, counted here. tests/postgres checks the same
** statements against a real server (the COPY path and the positions
** PostgreSQL reports). The module never allocates: no OOM loop.
*/
#include "tg_test.h"

#include <string.h>

#include "tg_pgsql.h"

/* tg_pgsql_end(sql) is the length of 'want', a prefix of sql. */
static void ends_at(const char *sql, const char *want) {
    assert_int_equal(strncmp(sql, want, strlen(want)), 0);
    assert_int_equal(tg_pgsql_end(sql), strlen(want));
}

static void test_pgsql_end_drops_what_follows(void **state) {
    (void)state;
    ends_at("SELECT 1 AS a", "SELECT 1 AS a");
    ends_at("SELECT 1 AS a;", "SELECT 1 AS a");
    ends_at("SELECT 1 AS a; -- the end", "SELECT 1 AS a");
    ends_at("SELECT 1 AS a; /* c */", "SELECT 1 AS a");
    ends_at("SELECT 1 AS a -- c;", "SELECT 1 AS a");
    ends_at("SELECT 1 AS a; -- c ;", "SELECT 1 AS a");
    ends_at("SELECT 1 AS a /* c /* nested */ still */ ;;\n\t ", "SELECT 1 AS a");
    ends_at("SELECT 1 AS a\r\n-- one\r\n-- two\r\n", "SELECT 1 AS a");
    ends_at("SELECT 1 AS a,\n -- inside\n 2 AS b -- last line",
            "SELECT 1 AS a,\n -- inside\n 2 AS b");
    ends_at("", "");
    ends_at(" ; -- nothing", "");
}

static void test_pgsql_end_keeps_literals(void **state) {
    (void)state;
    ends_at("SELECT ';--' AS a; --", "SELECT ';--' AS a");
    ends_at("SELECT 'it''s; -- x' AS a;", "SELECT 'it''s; -- x' AS a");
    ends_at("SELECT 'a\\' AS b; -- x", "SELECT 'a\\' AS b"); /* standard strings: \ is text */
    ends_at("SELECT E'a\\'; --' AS b; -- x", "SELECT E'a\\'; --' AS b");
    ends_at("SELECT \"a;--\"\"b\" FROM t;", "SELECT \"a;--\"\"b\" FROM t");
    ends_at("SELECT $$a; -- b$$ AS c;", "SELECT $$a; -- b$$ AS c");
    ends_at("SELECT $f$ $$; $x$ $f$ AS c; /* */", "SELECT $f$ $$; $x$ $f$ AS c");
    ends_at("SELECT a$b$c FROM t WHERE x = $1; -- p", "SELECT a$b$c FROM t WHERE x = $1");
    ends_at("SELECT /* ; */ 1 AS a /* x */", "SELECT /* ; */ 1 AS a");
    ends_at("SELECT 'æø;å' AS a ; -- æ", "SELECT 'æø;å' AS a");
    /* open to the end: PostgreSQL refuses these, nothing is cut */
    ends_at("SELECT 'open; --", "SELECT 'open; --");
    ends_at("SELECT $$open;", "SELECT $$open;");
}

static void test_pgsql_locate_lines_and_characters(void **state) {
    (void)state;
    int line = 0, col = 0;
    const char *sql = "SELECT 1 AS a,\n  x FROM typer";
    assert_true(tg_pgsql_locate(sql, 1, &line, &col));
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    assert_true(tg_pgsql_locate(sql, 18, &line, &col)); /* 'x': 15 + 2 blanks + 1 */
    assert_int_equal(line, 2);
    assert_int_equal(col, 3);
    /* characters, not bytes: "æø" is 4 bytes, 2 characters */
    assert_true(tg_pgsql_locate("SELECT 'æø',\r\nzz", 15, &line, &col));
    assert_int_equal(line, 2);
    assert_int_equal(col, 1);
    assert_true(tg_pgsql_locate("a\rb", 3, &line, &col));
    assert_int_equal(line, 2);
    assert_int_equal(col, 1);
    /* the end of input is one past the last character */
    assert_true(tg_pgsql_locate("SELECT 1 +", 11, &line, &col));
    assert_int_equal(line, 1);
    assert_int_equal(col, 11);
    line = col = 7;
    assert_false(tg_pgsql_locate("SELECT 1 +", 12, &line, &col));
    assert_false(tg_pgsql_locate("SELECT 1 +", 0, &line, &col));
    assert_false(tg_pgsql_locate("SELECT 1 +", -3, &line, &col));
    assert_int_equal(line, 7);
    assert_int_equal(col, 7);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pgsql_end_drops_what_follows),
        cmocka_unit_test(test_pgsql_end_keeps_literals),
        cmocka_unit_test(test_pgsql_locate_lines_and_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
