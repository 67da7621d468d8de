/*
** tg_sha256.c -- SHA-256 as specified in FIPS 180-4, section 6.2.
** The constants are the first 32 bits of the fractional parts of the cube
** roots (K) and square roots (initial hash) of the first primes (4.2.2,
** 5.3.3). Words are big-endian; the message length is appended in bits.
*/
#include "tg_sha256.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tg_err.h"

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static uint32_t rotr(uint32_t x, unsigned n) {
    return (x >> n) | (x << (32 - n));
}

/* One 64-byte block (6.2.2). */
static void compress(uint32_t hs[8], const unsigned char *p) {
    uint32_t w[64], a, b, c, d, e, f, g, h;

    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    a = hs[0], b = hs[1], c = hs[2], d = hs[3], e = hs[4], f = hs[5], g = hs[6], h = hs[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 =
            h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    hs[0] += a, hs[1] += b, hs[2] += c, hs[3] += d;
    hs[4] += e, hs[5] += f, hs[6] += g, hs[7] += h;
}

/* ---- the same block function with the x86 SHA extensions ---- */

/* clang before 17 rejects "sha" in __builtin_cpu_supports: it then takes
** the portable path (clang builds are the fuzzing ones). */
#if defined(__x86_64__) && defined(__GNUC__) && (!defined(__clang__) || __clang_major__ >= 17)
#include <immintrin.h>
#define HAVE_SHA_NI 1

/* SHA-NI keeps the state as ABEF and CDGH and does two rounds per
** instruction; the message schedule of four words at a time is msg1, an
** add of W[t-7..t-4] and msg2 (Intel's SHA extensions reference, 2013). */
__attribute__((target("sha,sse4.1"))) static void compress_ni(uint32_t hs[8],
                                                              const unsigned char *p) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)hs), 0xB1);
    __m128i st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)(hs + 4)), 0x1B);
    __m128i st0 = _mm_alignr_epi8(tmp, st1, 8); /* ABEF */
    st1 = _mm_blend_epi16(st1, tmp, 0xF0);      /* CDGH */
    __m128i abef = st0, cdgh = st1, w[4];

    for (int g = 0; g < 16; g++) {
        __m128i v;
        if (g < 4) {
            v = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * g)),
                                 bswap);
        } else {
            v = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]); /* t-16, t-12 */
            v = _mm_add_epi32(v, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4)); /* t-7.. */
            v = _mm_sha256msg2_epu32(v, w[(g + 3) & 3]);                              /* t-4.. */
        }
        w[g & 3] = v;
        __m128i m = _mm_add_epi32(v, _mm_loadu_si128((const __m128i *)(const void *)(K + 4 * g)));
        st1 = _mm_sha256rnds2_epu32(st1, st0, m);
        st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(m, 0x0E));
    }
    st0 = _mm_add_epi32(st0, abef);
    st1 = _mm_add_epi32(st1, cdgh);
    tmp = _mm_shuffle_epi32(st0, 0x1B);    /* FEBA */
    st1 = _mm_shuffle_epi32(st1, 0xB1);    /* DCHG */
    st0 = _mm_blend_epi16(tmp, st1, 0xF0); /* DCBA */
    st1 = _mm_alignr_epi8(st1, tmp, 8);    /* HGFE */
    _mm_storeu_si128((__m128i *)(void *)hs, st0);
    _mm_storeu_si128((__m128i *)(void *)(hs + 4), st1);
}
#endif

static int use_hw = -1; /* -1: not decided yet */

void tg_sha256_use_hw(int on) {
#if defined(HAVE_SHA_NI)
    use_hw = on && __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
#else
    (void)on;
    use_hw = 0;
#endif
}

static void block(uint32_t hs[8], const unsigned char *p) {
    if (use_hw < 0) tg_sha256_use_hw(1);
#if defined(HAVE_SHA_NI)
    if (use_hw) {
        compress_ni(hs, p);
        return;
    }
#endif
    compress(hs, p);
}

void tg_sha256_init(tg_sha256 *s) {
    static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    assert(s != NULL);
    memcpy(s->h, h0, sizeof h0);
    s->n_bytes = 0;
    s->n_buf = 0;
}

void tg_sha256_update(tg_sha256 *s, const void *data, size_t n) {
    const unsigned char *p = data;
    assert(s != NULL && (p != NULL || n == 0));
    s->n_bytes += n;
    if (s->n_buf > 0) {
        size_t k = 64 - s->n_buf < n ? 64 - s->n_buf : n;
        memcpy(s->buf + s->n_buf, p, k);
        s->n_buf += k;
        p += k;
        n -= k;
        if (s->n_buf < 64) return;
        block(s->h, s->buf);
        s->n_buf = 0;
    }
    for (; n >= 64; p += 64, n -= 64) block(s->h, p);
    if (n > 0) memcpy(s->buf, p, n);
    s->n_buf = n;
}

void tg_sha256_final(tg_sha256 *s, unsigned char digest[32]) {
    uint64_t bits = s->n_bytes * 8;
    unsigned char pad[72] = { 0x80 };
    /* a 1 bit, zeros up to 56 mod 64, then the 64-bit length (5.1.1) */
    size_t n_pad = (s->n_buf < 56 ? 56 : 120) - s->n_buf;
    for (int i = 0; i < 8; i++) pad[n_pad + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    tg_sha256_update(s, pad, n_pad + 8);
    assert(s->n_buf == 0);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (unsigned char)(s->h[i] >> 24);
        digest[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        digest[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        digest[4 * i + 3] = (unsigned char)s->h[i];
    }
    tg_sha256_init(s);
}

static void to_hex(const unsigned char digest[32], char hex[65]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

void tg_sha256_hex(const void *p, size_t n, char hex[65]) {
    tg_sha256 s;
    unsigned char digest[32];
    tg_sha256_init(&s);
    tg_sha256_update(&s, p, n);
    tg_sha256_final(&s, digest);
    to_hex(digest, hex);
}

/* Opens 'path' for reading only when it is a regular file: O_NONBLOCK
** keeps open() from waiting for a FIFO's writer, and a device such as
** /dev/zero, which never ends, is refused before the first read. */
static int open_regular(const char *path, tg_error *err) {
    struct stat sb;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        tg_err_set(err, TG_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        tg_err_set(err, TG_EIO, path, 0, 0, "not a regular file");
        return -1;
    }
    return fd;
}

tg_status tg_sha256_file(const char *path, char hex[65], tg_error *err) {
    return tg_sha256_file_poll(path, NULL, hex, err);
}

tg_status tg_sha256_file_poll(const char *path, const tg_interrupt *intr, char hex[65],
                              tg_error *err) {
    assert(path != NULL && hex != NULL);
    hex[0] = '\0';
    int fd = open_regular(path, err);
    if (fd < 0) return TG_EIO;
    tg_status st = tg_sha256_fd_poll(fd, path, intr, hex, err);
    close(fd);
    return st;
}

tg_status tg_sha256_fd_poll(int fd, const char *path, const tg_interrupt *intr, char hex[65],
                            tg_error *err) {
    unsigned char buf[65536]; /* 16 pieces a MiB: few system calls, in L2 */
    unsigned char digest[32];
    tg_sha256 s;
    size_t off = 0;

    assert(hex != NULL);
    hex[0] = '\0';
    tg_sha256_init(&s);
    for (;;) {
        /* pread: the file offset may be another reader's (the CSV loader
        ** hashes the file it is parsing on another thread) */
        ssize_t k = pread(fd, buf, sizeof buf, (off_t)off);
        if (k == 0) break;
        if (k < 0) {
            if (errno == EINTR) continue;
            return tg_err_set(err, TG_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
        }
        tg_sha256_update(&s, buf, (size_t)k);
        off += (size_t)k;
        /* every MiB: a file of gigabytes takes seconds */
        tg_status st = (off & ((1u << 20) - 1)) < (size_t)k ? tg_poll(intr) : TG_OK;
        if (st != TG_OK) return st;
    }
    tg_sha256_final(&s, digest);
    to_hex(digest, hex);
    return TG_OK;
}

void tg_sha256_hmac(const void *key, size_t klen, const void *msg, size_t n,
                    unsigned char digest[32]) {
    unsigned char k[64], pad[64], inner[32];
    tg_sha256 s;
    assert((key != NULL || klen == 0) && (msg != NULL || n == 0) && digest != NULL);
    memset(k, 0, sizeof k);
    if (klen > sizeof k) { /* a long key is hashed first */
        tg_sha256_init(&s);
        tg_sha256_update(&s, key, klen);
        tg_sha256_final(&s, k);
    } else if (klen > 0) {
        memcpy(k, key, klen);
    }
    for (size_t i = 0; i < 64; i++) pad[i] = (unsigned char)(k[i] ^ 0x36);
    tg_sha256_init(&s);
    tg_sha256_update(&s, pad, 64);
    tg_sha256_update(&s, msg, n);
    tg_sha256_final(&s, inner);
    for (size_t i = 0; i < 64; i++) pad[i] = (unsigned char)(k[i] ^ 0x5c);
    tg_sha256_init(&s);
    tg_sha256_update(&s, pad, 64);
    tg_sha256_update(&s, inner, 32);
    tg_sha256_final(&s, digest);
    memset(k, 0, sizeof k); /* the key does not linger on the stack */
    memset(pad, 0, sizeof pad);
}
