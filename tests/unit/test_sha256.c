/*
** test_sha256.c -- SHA-256 against the FIPS 180-2 appendix B examples
** ("abc", the 448-bit message, one million 'a'), against Python's hashlib
** for lengths around the padding boundaries (55, 56, 63, 64 ... bytes),
** against sha256sum for a fixture file, and piecewise updates against the
** one-shot digest. The module never allocates, so there is no OOM loop.
*/
#include "tg_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tg_err.h"
#include "tg_mem.h"
#include "tg_sha256.h"

static void test_sha256_fips_vectors(void **state) {
    (void)state;
    char hex[65];
    tg_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_int_equal(strlen(m448), 56); /* 448 bits */
    tg_sha256_hex(m448, strlen(m448), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    /* one million 'a', fed in uneven pieces */
    static char a[1000];
    memset(a, 'a', sizeof a);
    tg_sha256 s;
    unsigned char digest[32];
    tg_sha256_init(&s);
    size_t left = 1000000;
    for (size_t piece = 1; left > 0; piece = piece % 997 + 1) {
        size_t k = piece < left ? piece : left;
        tg_sha256_update(&s, a, k);
        left -= k;
    }
    tg_sha256_final(&s, digest);
    static const unsigned char million[32] = { 0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92,
                                               0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
                                               0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e,
                                               0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0 };
    assert_memory_equal(digest, million, 32);
}

/* m[i] = (7i + 3) mod 256; digests from Python's hashlib.sha256. */
static void test_sha256_padding_boundaries(void **state) {
    (void)state;
    static const struct {
        size_t n;
        const char *hex;
    } cases[] = {
        { 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { 55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b" },
        { 56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27" },
        { 63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055" },
        { 64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241" },
        { 65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e" },
        { 119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e" },
        { 120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5" },
        { 1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371" },
    };
    unsigned char m[1000];
    for (size_t i = 0; i < sizeof m; i++) m[i] = (unsigned char)((i * 7 + 3) % 256);
    for (size_t c = 0; c < TG_ARRAY_LEN(cases); c++) {
        char hex[65];
        tg_sha256_hex(m, cases[c].n, hex);
        assert_string_equal(hex, cases[c].hex);

        /* every split point of the message gives the same digest */
        for (size_t cut = 0; cut <= cases[c].n && cases[c].n <= 130; cut++) {
            tg_sha256 s;
            unsigned char d1[32], d2[32];
            tg_sha256_init(&s);
            tg_sha256_update(&s, m, cut);
            tg_sha256_update(&s, m + cut, cases[c].n - cut);
            tg_sha256_final(&s, d1);
            /* final re-initialises, so the state can be reused at once */
            tg_sha256_update(&s, m, cases[c].n);
            tg_sha256_final(&s, d2);
            assert_memory_equal(d1, d2, 32);
        }
    }
}

static void hex_of(const unsigned char d[32], char out[65]) {
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* RFC 4231 test cases 1, 2 and 6 (a key longer than a block is hashed). */
static void test_sha256_hmac_rfc4231(void **state) {
    unsigned char k1[20], k6[131], d[32];
    char hex[65];
    (void)state;
    memset(k1, 0x0b, sizeof k1);
    memset(k6, 0xaa, sizeof k6);
    tg_sha256_hmac(k1, sizeof k1, "Hi There", 8, d);
    hex_of(d, hex);
    assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    tg_sha256_hmac("Jefe", 4, "what do ya want for nothing?", 28, d);
    hex_of(d, hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    tg_sha256_hmac(k6, sizeof k6, "Test Using Larger Than Block-Size Key - Hash Key First", 54, d);
    hex_of(d, hex);
    assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_sha256_file(void **state) {
    (void)state;
    char hex[65];
    size_t blocks = tg_mem_blocks();
    /* from: sha256sum tests/fixtures/csv/comma.csv */
    assert_int_equal(tg_sha256_file(tg_test_fixture("csv/comma.csv"), hex, NULL), TG_OK);
    assert_string_equal(hex, "a4f13db1de003af750a6bb4695c9d6bdb940cec496ed22c67fdda491a51bee5a");
    assert_int_equal(tg_sha256_file(tg_test_fixture("csv/cp1252.csv"), hex, NULL), TG_OK);
    assert_string_equal(hex, "906ec60f173b4d977b19366bef5544af6710f00e7c0520aebc7bec0fe5ff8ca9");

    /* a file larger than the read buffer: one million 'a' again */
    const char *path = tg_test_tmpfile(".bin");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 1000; i++) {
        char a[1000];
        memset(a, 'a', sizeof a);
        assert_int_equal(fwrite(a, 1, sizeof a, f), sizeof a);
    }
    fclose(f);
    assert_int_equal(tg_sha256_file(path, hex, NULL), TG_OK);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    remove(path);

    tg_error err;
    tg_err_clear(&err);
    assert_int_equal(tg_sha256_file(path, hex, &err), TG_EIO);
    assert_string_equal(hex, "");
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.msg, "cannot open"));
    tg_test_no_leaks(blocks);
}


/* The digest of an open descriptor reads from the first byte whatever
** the file offset, and leaves the offset where it was (the CSV loader
** hashes the descriptor it parses on another thread). */
static void test_sha256_fd(void **state) {
    (void)state;
    char hex[65], buf[10];
    int fd = open(tg_test_fixture("csv/comma.csv"), O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, buf, sizeof buf), (ssize_t)sizeof buf);
    assert_int_equal(tg_sha256_fd_poll(fd, NULL, NULL, hex, NULL), TG_OK);
    /* from: sha256sum tests/fixtures/csv/comma.csv */
    assert_string_equal(hex, "a4f13db1de003af750a6bb4695c9d6bdb940cec496ed22c67fdda491a51bee5a");
    assert_int_equal(lseek(fd, 0, SEEK_CUR), (off_t)sizeof buf);
    close(fd);
}

/* The hardware and portable block functions agree on random buffers of
** every length around the block size and on the FIPS vectors (when this
** CPU has no SHA instructions both runs take the portable path). */
static void test_sha256_hw_equals_portable(void **state) {
    (void)state;
    static unsigned char buf[4096];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (unsigned char)x;
    }
    for (size_t n = 0; n < sizeof buf; n += (n < 200 ? 1 : 37)) {
        char hw[65], sw[65];
        tg_sha256_use_hw(1);
        tg_sha256_hex(buf, n, hw);
        tg_sha256_use_hw(0);
        tg_sha256_hex(buf, n, sw);
        assert_string_equal(hw, sw);
    }
    tg_sha256_use_hw(0);
    char hex[65];
    tg_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    tg_sha256_use_hw(1);
    tg_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_fips_vectors),
        cmocka_unit_test(test_sha256_padding_boundaries),
        cmocka_unit_test(test_sha256_hmac_rfc4231),
        cmocka_unit_test(test_sha256_file),
        cmocka_unit_test(test_sha256_fd),
        cmocka_unit_test(test_sha256_hw_equals_portable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
