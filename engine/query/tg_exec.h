/*
** tg_exec.h -- running a compiled expression (tg_eval) over one vector of
** rows at a time. Each call computes every step for rows [off, off + n)
** of the program's table into the steps' scratch vectors; the program
** keeps per-dictionary tables it builds between calls, so call it with
** increasing offsets over one table. Not thread-safe per program: give
** each thread its own compiled program.
*/
#ifndef TG_EXEC_H
#define TG_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_eval.h"

/* Evaluates rows [off, off + n) (off a multiple of 64, n <= TG_VECTOR);
** the result is the root step's data and valid. TG_EDATA for integer
** overflow, dates out of range and failed strict casts, naming the
** expression and the 1-based row; TG_ENOMEM. */
tg_status tg_exec_run(tg_eval *p, size_t off, size_t n, tg_error *err);

/* For a bool program: keeps, of the candidate rows sel[0..*nsel)
** (positions within the vector [off, off + n), ascending), those where
** the program is true, writing them back into sel and their count into
** *nsel. The program's inputs run over the whole vector; a comparison
** with literals, a string predicate or a NULL test at the root is then
** tested only on the candidates. Errors as tg_exec_run. */
tg_status tg_exec_refine(tg_eval *p, size_t off, size_t n, uint32_t *sel, size_t *nsel,
                         tg_error *err);

#endif /* TG_EXEC_H */
