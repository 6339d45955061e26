/* samlab/sweep.h: success-rate sweeps of rules over a landscape, on OpenMP threads (and shards of runs). */
#ifndef SAMLAB_SWEEP_H
#define SAMLAB_SWEEP_H
#include <stddef.h>
#include <stdint.h>
#include "samlab/problem.h"
#include "samlab/rule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Success-rate sweeps over rule x rho x lr x start.  Run index order (also the HDF5 order):
 * run = ((rule * nrho + rho) * nlr + lr) * nstarts + start. */
enum { SAMLAB_OUTCOME_SUCCESS, SAMLAB_OUTCOME_SADDLE, SAMLAB_OUTCOME_DIVERGED, SAMLAB_OUTCOME_OTHER,
       SAMLAB_OUTCOME_COUNT };
#define SAMLAB_OUTCOME_NONE 255  /* a run this process (shard) did not compute */
#define SAMLAB_SWEEP_BLOWUP 1e8  /* |w_i| beyond this counts as diverged */
extern const char *const samlab_outcome_names[SAMLAB_OUTCOME_COUNT];
/* Outcome of an end point w: diverged if the run left the finite range, else success within tol of a
 * declared minimum (Euclidean), saddle within tol of a declared saddle, else other. */
int samlab_sweep_outcome(const samlab_problem *p, const double *w, int diverged, double tol);
/* n starts uniform in the box [lo_j, hi_j) per coordinate, from gsl_rng_mt19937 seeded with seed: point i
 * depends on (seed, i) only. */
void samlab_sweep_starts(unsigned long seed, size_t n, size_t dim, const double *lo, const double *hi, double *out);
/* n learning rates from lo to hi, geometric (log = 1, numpy.geomspace) or linear. */
void samlab_sweep_lrs(double lo, double hi, size_t n, int log, double *out);

typedef struct samlab_sweep {
  /* The landscape: a new problem from each call (one per thread, and one per run for a problem whose
   * landscape is stochastic), or NULL with a message. */
  samlab_problem *(*make_problem)(void *arg, char *err, size_t errlen);
  void *problem_arg;
  size_t nrules;
  const samlab_rule_type *const *rules;
  const samlab_base_type *base;
  samlab_hparams hp;                   /* applies to every run; lr, rho, seed, total_steps are set per run */
  size_t nrho, nlr, nstarts;
  const double *rho, *lr, *starts;     /* starts: nstarts x dim */
  long steps;
  double tol;
  int generic_only;                    /* 1: never the fast SoA kernel (tests, benchmarks) */
} samlab_sweep;

size_t samlab_sweep_nruns(const samlab_sweep *s);
/* Which instruction set the fast kernel dispatches to on this CPU ("avx512f", "avx2", "default"). */
const char *samlab_sweep_fast_isa(void);
/* Does the fast SoA kernel (lib/sweep_fast.c) cover this rule of the sweep? */
int samlab_sweep_fast_covers(const samlab_sweep *s, size_t rule);
/* Runs [begin, end): outcome[run - begin], and endpoints[(run - begin) * dim ...] when not NULL (a diverged
 * run keeps its first out-of-range point).  OpenMP over runs; results do not depend on the thread count.
 * progress (may be NULL) is called from the calling thread with the runs done so far.  0, or -1 and err. */
int samlab_sweep_run(const samlab_sweep *s, size_t begin, size_t end, uint8_t *outcome, double *endpoints,
                     void (*progress)(void *ctx, size_t done), void *ctx, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
