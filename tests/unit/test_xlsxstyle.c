/*
** test_xlsxstyle.c -- number format codes classified as Excel shows them:
** each expected kind read off the code by hand (d and y are dates, h and s
** times, m minutes next to h or s and months otherwise; quoted text,
** escapes and colours show nothing). test_excel reads the same through
** whole workbooks. classify never allocates: no OOM loop.
*/
#include "tg_test.h"

#include "tg_sheet.h"
#include "tg_xlsxstyle.h"

static void test_xlsxstyle_classify_codes(void **state) {
    (void)state;
    static const struct {
        const char *code;
        int kind;
    } cases[] = {
        { "yyyy-mm-dd", TG_SD_DATE },
        { "dd-mm-\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5", TG_SD_DATE }, /* Danish "dd-mm-åååå" */
        { "mmm", TG_SD_DATE },                                    /* a month alone */
        { "[$-F800]dddd, mmmm dd, yyyy", TG_SD_DATE },
        { "h:mm", TG_SD_TIME },
        { "mm:ss", TG_SD_TIME },   /* m before s: minutes */
        { "[h]:mm", TG_SD_TIME },  /* elapsed hours */
        { "[mm]:ss", TG_SD_TIME }, /* elapsed minutes */
        { "h:mm AM/PM", TG_SD_TIME },
        { "yyyy-mm-dd hh:mm", TG_SD_DATETIME },
        { "0.00", 0 },
        { "#,##0 \"kr.\"", 0 },
        { "\"dag \"0", 0 }, /* a d inside quotes shows no date */
        { "\\d0", 0 },      /* an escaped d neither */
        { "[Red]0.0", 0 },
        { "0;[Red]-0;\"d\"", 0 }, /* only the first section counts */
        { "General", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = tg_xlsxstyle_classify(cases[i].code);
        if (got != cases[i].kind) fail_msg("'%s': %d, want %d", cases[i].code, got, cases[i].kind);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsxstyle_classify_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
