/*
** tg_par.c -- the worker pool and the parallel-for (see tg_par.h).
** One job at a time holds the pool (the 'busy' lock); the pool's threads
** sleep on a condition variable until a job's generation number changes,
** take items from the job's counter, and report back when the counter
** runs out. A thread that is a pool worker, or inside an item, never
** waits for the pool: nested and concurrent calls run in order in the
** calling thread, which cannot deadlock and gives the same answer.
*/
#include "tg_par.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tg_err.h"

#define MORSEL_ROWS ((size_t)65536)

/* ---- settings ---- */

static atomic_int setting; /* 0: one per core */

void tg_par_set_threads(int n) {
    if (n < 0) n = 0;
    atomic_store(&setting, n > TG_PAR_MAX_THREADS ? TG_PAR_MAX_THREADS : n);
}

int tg_par_threads(void) {
    long n = atomic_load(&setting);
    if (n == 0) n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    return (int)(n > TG_PAR_MAX_THREADS ? TG_PAR_MAX_THREADS : n);
}

static size_t morsel_rows = MORSEL_ROWS;
static pthread_once_t morsel_once = PTHREAD_ONCE_INIT;

static void read_morsel_env(void) {
    const char *s = getenv("TEGN_MORSEL_ROWS");
    char *end;
    unsigned long v;
    if (!s || !*s) return;
    v = strtoul(s, &end, 10);
    if (*end == '\0' && v >= 64 && v <= MORSEL_ROWS && v % 64 == 0) morsel_rows = v;
}

size_t tg_par_morsel_rows(void) {
    pthread_once(&morsel_once, read_morsel_env);
    return morsel_rows;
}

size_t tg_par_morsels(size_t n_rows) {
    size_t m = tg_par_morsel_rows();
    return n_rows ? (n_rows + m - 1) / m : 1;
}

void tg_par_morsel(size_t n_rows, size_t m, size_t *off, size_t *len) {
    size_t rows = tg_par_morsel_rows();
    *off = m * rows < n_rows ? m * rows : n_rows;
    *len = n_rows - *off < rows ? n_rows - *off : rows;
}

int tg_par_workers(size_t n_items) {
    int n = tg_par_threads();
    if (n_items < (size_t)n) n = n_items ? (int)n_items : 1;
    return n;
}

/* ---- one job ---- */

struct job {
    size_t n;
    tg_par_fn fn;
    void *ctx;
    const tg_interrupt *intr;
    int want;              /* workers taking part, the caller included */
    atomic_size_t next;    /* the next item to hand out */
    atomic_size_t fail_at; /* the lowest failed item; SIZE_MAX: none */
    pthread_mutex_t lock;  /* guards st and err */
    tg_status st;
    tg_error err;
};

static void record(struct job *j, size_t item, tg_status st, const tg_error *e) {
    pthread_mutex_lock(&j->lock);
    if (item < atomic_load(&j->fail_at)) {
        atomic_store(&j->fail_at, item);
        j->st = st;
        j->err = *e;
    }
    pthread_mutex_unlock(&j->lock);
}

tg_status tg_par_poll(const tg_interrupt *intr, tg_error *err) {
    tg_status st = tg_poll(intr);
    if (st != TG_OK)
        tg_err_set(err, st, NULL, 0, 0, "%s",
                   st == TG_ELIMIT ? "time limit reached" : "interrupted");
    return st;
}

/* Items are handed out in increasing order, so when item m fails every
** item below it has already started: stopping at m loses no lower error. */
static void run_items(struct job *j, int worker) {
    tg_error e;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        tg_status st;
        if (i >= j->n || i > atomic_load(&j->fail_at)) return;
        tg_err_clear(&e);
        st = tg_par_poll(j->intr, &e);
        if (st == TG_OK) st = j->fn(j->ctx, i, worker, &e);
        if (st != TG_OK) record(j, i, st, &e);
    }
}

/* ---- the pool ---- */

static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER; /* held by the running job */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;   /* guards 'pool' */
static pthread_cond_t go = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static struct {
    int n_threads; /* started, each for good */
    unsigned gen;  /* bumped for every job */
    struct job *job;
    int active; /* pool threads still on the current job */
} pool;
static _Thread_local int inside; /* a pool thread, or the caller during its job */

struct start {
    int worker;
    unsigned gen;
};
static struct start starts[TG_PAR_MAX_THREADS];

static void *pool_thread(void *arg) {
    const struct start *s = arg;
    unsigned seen = s->gen;
    inside = 1;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (pool.gen == seen) pthread_cond_wait(&go, &mu);
        seen = pool.gen;
        struct job *j = pool.job;
        /* A thread the job left out may wake only after it ended (NULL),
        ** or during the next job, which is then the one to join. */
        if (!j || s->worker >= j->want) continue;
        pthread_mutex_unlock(&mu);
        run_items(j, s->worker);
        pthread_mutex_lock(&mu);
        if (--pool.active == 0) pthread_cond_signal(&done);
    }
    return NULL;
}

/* Starts pool threads until there are 'want' - 1 (called with mu held);
** returns how many workers there are, the caller included. Signals stay
** with the main thread: the pool's threads block them. */
static int grow_pool(int want) {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    while (pool.n_threads < want - 1) {
        pthread_t tid;
        struct start *s = &starts[pool.n_threads + 1];
        s->worker = pool.n_threads + 1;
        s->gen = pool.gen;
        if (pthread_create(&tid, NULL, pool_thread, s) != 0) break; /* fewer is fine */
        pthread_detach(tid);
        pool.n_threads++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return pool.n_threads + 1 < want ? pool.n_threads + 1 : want;
}

static tg_status run_serial(struct job *j) {
    int was = inside;
    inside = 1;
    run_items(j, 0);
    inside = was;
    return j->st;
}

static tg_status run_job(struct job *j, int want, tg_error *err) {
    tg_status st;
    atomic_init(&j->next, 0);
    atomic_init(&j->fail_at, SIZE_MAX);
    pthread_mutex_init(&j->lock, NULL);
    j->st = TG_OK;
    if (want <= 1 || inside || pthread_mutex_trylock(&busy) != 0) {
        st = run_serial(j);
    } else {
        pthread_mutex_lock(&mu);
        j->want = grow_pool(want);
        pool.job = j;
        pool.active = j->want - 1;
        pool.gen++;
        pthread_cond_broadcast(&go);
        pthread_mutex_unlock(&mu);
        inside = 1;
        run_items(j, 0);
        inside = 0;
        pthread_mutex_lock(&mu);
        while (pool.active > 0) pthread_cond_wait(&done, &mu);
        pool.job = NULL;
        pthread_mutex_unlock(&mu);
        pthread_mutex_unlock(&busy);
        st = j->st;
    }
    pthread_mutex_destroy(&j->lock);
    if (st != TG_OK && err) *err = j->err;
    return st;
}

tg_status tg_par_for(size_t n_items, tg_par_fn fn, void *ctx, const tg_interrupt *intr,
                     tg_error *err) {
    struct job j;
    memset(&j, 0, sizeof j);
    j.n = n_items;
    j.fn = fn;
    j.ctx = ctx;
    j.intr = intr;
    return run_job(&j, tg_par_workers(n_items), err);
}

tg_status tg_par_for_n(size_t n_items, int max_threads, tg_par_fn fn, void *ctx,
                       const tg_interrupt *intr, tg_error *err) {
    struct job j;
    int want = max_threads > 0 ? max_threads : tg_par_threads();
    if (want > TG_PAR_MAX_THREADS) want = TG_PAR_MAX_THREADS;
    if ((size_t)want > n_items) want = n_items ? (int)n_items : 1;
    memset(&j, 0, sizeof j);
    j.n = n_items;
    j.fn = fn;
    j.ctx = ctx;
    j.intr = intr;
    return run_job(&j, want, err);
}
