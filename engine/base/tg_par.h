/*
** tg_par.h -- the one parallel-for of the engine: a pool of worker threads
** created on first use and kept for the process, which the query kernels
** (a morsel of rows per item) and the CSV loader (a chunk per item) share.
** Items are handed out in increasing order from one counter, and the
** calling thread works too. A kernel's answer must never depend on how
** many threads ran it: kernels split their input into morsels of a fixed
** number of rows (tg_par_morsel_rows), compute each morsel on its own and
** combine the morsels' results in morsel order.
**
** Like tg_mem, the settings are process-wide (the thread count is one
** setting of the run, `--threads`, for loading and queries alike). A
** tg_par_for called from inside an item, or while another thread's
** tg_par_for holds the pool, runs its items in the calling thread, in
** order: the same answer, one core.
*/
#ifndef TG_PAR_H
#define TG_PAR_H

#include <stddef.h>

#include "tegn.h"

#define TG_PAR_MAX_THREADS 64

/* Sets the number of threads (the caller included) parallel work may use:
** n from 1 to TG_PAR_MAX_THREADS, 0 for one per online core (at most
** TG_PAR_MAX_THREADS). Takes effect at the next tg_par_for. */
void tg_par_set_threads(int n);
int tg_par_threads(void);

/* Rows per morsel: 65536, or the environment's TEGN_MORSEL_ROWS (a whole
** number from 64 to 65536, a multiple of 64; read once) so that tests
** split small tables into many morsels. A multiple of TG_VECTOR when it
** is at least TG_VECTOR. */
size_t tg_par_morsel_rows(void);

/* The morsels of n rows: ceil(n / tg_par_morsel_rows()), at least 1. */
size_t tg_par_morsels(size_t n_rows);

/* Rows [*off, *off + *len) of morsel m of n_rows rows. */
void tg_par_morsel(size_t n_rows, size_t m, size_t *off, size_t *len);

/* One item: 'worker' (0 .. tg_par_workers - 1) tells the item which of
** the caller's per-thread scratch it may use (no two items run at once
** on one worker). Returns TG_OK or a status with 'err' filled. */
typedef tg_status (*tg_par_fn)(void *ctx, size_t item, int worker, tg_error *err);

/* How many workers the next tg_par_for of n items may use: the per-thread
** scratch a caller allocates (at least 1). */
int tg_par_workers(size_t n_items);

/* Polls 'intr' (nullable); on a stop sets err ("time limit reached" /
** "interrupted") as tg_par_for does before each item. For an item whose
** vectors may each be slow (a wide expression): the time limit must hold
** inside a morsel too. Thread-safe when intr's function is (tegn's run
** reads atomics and the clock). */
tg_status tg_par_poll(const tg_interrupt *intr, tg_error *err);

/* Runs fn(ctx, i, w, err) for every item i in [0, n_items) on up to
** tg_par_workers(n_items) threads. 'intr' (nullable) is polled before
** each item; its status stops the work like an item's error ("time limit
** reached" / "interrupted"). After a failure no later item is started;
** items already started finish. The failure of the lowest item is the
** one returned and copied into 'err' (nullable), so a failing input gives
** the same error whatever the thread count. */
tg_status tg_par_for(size_t n_items, tg_par_fn fn, void *ctx, const tg_interrupt *intr,
                     tg_error *err);

/* tg_par_for on at most max_threads threads (0: tg_par_threads()): for
** work that must stay on one thread (1), or callers with their own thread
** setting (the loader's tg_csv_opts.threads). Worker indexes stay below
** max_threads when it is positive. */
tg_status tg_par_for_n(size_t n_items, int max_threads, tg_par_fn fn, void *ctx,
                       const tg_interrupt *intr, tg_error *err);

#endif /* TG_PAR_H */
