/* Sweeps: start points, learning-rate grids, outcome classification, and the driver that runs a range of
 * a sweep's runs over OpenMP threads, with the fast SoA kernel where it applies and the library's generic
 * step (samlab_rule_step) everywhere else.  Every run writes only its own slots, so the result does not
 * depend on the number of threads or on how the runs are split over processes. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/rule.h"
#include "samlab/sweep.h"
#include "sweep_fast.h"

#define UNIT_RUNS 256 /* runs per work unit: small enough to balance threads, large enough for the SoA kernel */

const char *const samlab_outcome_names[SAMLAB_OUTCOME_COUNT] = {"success", "saddle", "diverged", "other"};

static double dist2(size_t dim, const double *a, const double *b)
{
  double s = 0;
  for (size_t i = 0; i < dim; i++)
    s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}

static int out_of_range(size_t dim, const double *w)
{
  for (size_t i = 0; i < dim; i++)
    if (!(fabs(w[i]) <= SAMLAB_SWEEP_BLOWUP)) /* NaN fails the test too */
      return 1;
  return 0;
}

int samlab_sweep_outcome(const samlab_problem *p, const double *w, int diverged, double tol)
{
  size_t dim = p->dim;
  if (diverged || out_of_range(dim, w))
    return SAMLAB_OUTCOME_DIVERGED;
  const samlab_landscape *l = samlab_problem_landscape(p);
  for (size_t m = 0; m < l->nminima; m++)
    if (dist2(dim, w, l->minima + m * dim) <= tol * tol)
      return SAMLAB_OUTCOME_SUCCESS;
  for (size_t m = 0; m < l->nsaddles; m++)
    if (dist2(dim, w, l->saddles + m * dim) <= tol * tol)
      return SAMLAB_OUTCOME_SADDLE;
  return SAMLAB_OUTCOME_OTHER;
}

void samlab_sweep_starts(unsigned long seed, size_t n, size_t dim, const double *lo, const double *hi, double *out)
{
  /* One stream, drawn in start order: point i depends on (seed, i) only, whoever computes which runs. */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  for (size_t i = 0; i < n * dim; i++)
    out[i] = lo[i % dim] + (hi[i % dim] - lo[i % dim]) * gsl_rng_uniform(r);
  gsl_rng_free(r);
}

void samlab_sweep_lrs(double lo, double hi, size_t n, int log, double *out)
{
  for (size_t k = 0; k < n; k++) {
    double u = n > 1 ? (double)k / (double)(n - 1) : 0;
    out[k] = log ? pow(10, log10(lo) + u * (log10(hi) - log10(lo))) : lo + u * (hi - lo);
  }
  out[0] = lo; /* exact end points, as numpy.geomspace */
  if (n > 1)
    out[n - 1] = hi;
}

size_t samlab_sweep_nruns(const samlab_sweep *s)
{
  return s->nrules * s->nrho * s->nlr * s->nstarts;
}

/* The hyperparameters of one (rule, rho, lr), with the rule's defaults filled in. */
static samlab_rule *alloc_rule(const samlab_sweep *s, size_t rule, double rho, double lr, size_t dim, char *err,
                               size_t errlen)
{
  samlab_hparams hp = s->hp;
  hp.rho = rho;
  hp.lr = lr;
  hp.total_steps = s->steps;
  return samlab_rule_alloc(s->rules[rule], s->base, &hp, dim, err, errlen);
}

/* The fast kernel's settings for a rule, or -1 when it does not cover it: the landscape, the rule and the base
 * optimizer each declare what the kernel computes for them. */
static int fast_cfg(const samlab_sweep *s, const samlab_problem *p, size_t rule, double rho, double lr,
                    sweep_fast_cfg *c)
{
  const samlab_rule_type *type = s->rules[rule];
  if (s->generic_only || samlab_problem_landscape(p)->sweep_kernel != SAMLAB_KERNEL_QUARTIC ||
      type->sweep_step == SAMLAB_SWEEP_NONE || !s->base->sweep_kernel)
    return -1;
  char err[256];
  samlab_rule *r = alloc_rule(s, rule, rho, lr, 2, err, sizeof err);
  if (!r)
    return -1;
  const samlab_hparams *hp = samlab_rule_hparams(r);
  if (hp->rho_schedule > SAMLAB_RHO_CONSTANT) { /* the kernel keeps rho fixed */
    samlab_rule_free(r);
    return -1;
  }
  *c = (sweep_fast_cfg){.ascent = type->sweep_step == SAMLAB_SWEEP_ASCENT, .raw = hp->ascent_raw == 1,
                        .stable = hp->stable == 1, .momentum = s->base->sweep_kernel == SAMLAB_SWEEP_SGDM,
                        .lr = hp->lr, .rho = hp->rho, .mu = hp->momentum, .wd = hp->wd, .steps = s->steps};
  samlab_rule_free(r);
  return 0;
}

int samlab_sweep_fast_covers(const samlab_sweep *s, size_t rule)
{
  char err[256];
  samlab_problem *p = s->make_problem(s->problem_arg, err, sizeof err);
  if (!p)
    return 0;
  sweep_fast_cfg c;
  int covers = fast_cfg(s, p, rule, s->nrho ? s->rho[0] : 0.05, s->nlr ? s->lr[0] : 0.01, &c) == 0;
  samlab_problem_free(p);
  return covers;
}

typedef struct unit {
  size_t group;     /* (rule * nrho + rho) * nlr + lr */
  size_t run0, n;   /* first run (global index) and count */
  long copy_of;     /* >= 0: same runs as this global run index (sgd ignores rho): copy, don't compute */
} unit;

/* One unit on the generic library step: a rule per unit, reset to its fresh state for each run. */
static int run_generic(const samlab_sweep *s, const samlab_problem *p, const unit *u, uint8_t *outcome,
                       double *ends)
{
  size_t dim = p->dim, g = u->group, lr = g % s->nlr, rho = g / s->nlr % s->nrho, rule = g / s->nlr / s->nrho;
  char err[256];
  samlab_rule *r = alloc_rule(s, rule, s->rho[rho], s->lr[lr], dim, err, sizeof err);
  if (!r)
    return -1;
  void *fresh = malloc(samlab_rule_state_bytes(r));
  if (!fresh) {
    samlab_rule_free(r);
    return -1;
  }
  samlab_rule_state_save(r, fresh);
  /* A landscape with gradient noise carries an RNG: a fresh problem per run keeps each run's noise independent
   * of which thread ran what before it. */
  int fresh_problem = samlab_problem_landscape(p)->stochastic, rc = 0;
  for (size_t i = 0; i < u->n; i++) {
    size_t start = (u->run0 + i) % s->nstarts;
    samlab_problem *own = fresh_problem ? s->make_problem(s->problem_arg, err, sizeof err) : NULL;
    if (fresh_problem && !own) {
      rc = -1;
      break;
    }
    const samlab_problem *q = own ? own : p;
    double *w = ends + i * dim;
    memcpy(w, s->starts + start * dim, dim * sizeof *w);
    samlab_rule_state_load(r, fresh);
    int diverged = 0;
    for (long t = 0; t < s->steps && !diverged; t++) {
      samlab_rule_step(r, q, w, NULL);
      diverged = out_of_range(dim, w);
    }
    outcome[i] = (uint8_t)samlab_sweep_outcome(q, w, diverged, s->tol);
    samlab_problem_free(own);
  }
  free(fresh);
  samlab_rule_free(r);
  return rc;
}

static void run_fast(const samlab_sweep *s, const samlab_problem *p, const unit *u, const sweep_fast_cfg *c,
                     uint8_t *outcome, double *ends)
{
  size_t start = u->run0 % s->nstarts;
  samlab_sweep_fast_quartic(c, u->n, s->starts + 2 * start, ends, outcome);
  for (size_t i = 0; i < u->n; i++)
    outcome[i] = (uint8_t)samlab_sweep_outcome(p, ends + 2 * i, outcome[i], s->tol);
}

int samlab_sweep_run(const samlab_sweep *s, size_t begin, size_t end, uint8_t *outcome, double *endpoints,
                     void (*progress)(void *ctx, size_t done), void *ctx, char *err, size_t errlen)
{
  size_t ns = s->nstarts, ngroups = s->nrules * s->nrho * s->nlr;
  if (end > samlab_sweep_nruns(s) || begin > end) {
    snprintf(err, errlen, "run range [%zu, %zu) outside the sweep's %zu runs", begin, end, samlab_sweep_nruns(s));
    return -1;
  }
  samlab_problem *p0 = s->make_problem(s->problem_arg, err, errlen);
  if (!p0)
    return -1;
  size_t dim = p0->dim;
  /* Check every rule's settings once, here, rather than failing inside the threads. */
  for (size_t r = 0; r < s->nrules; r++)
    for (size_t k = 0; k < s->nrho; k++)
      for (size_t l = 0; l < s->nlr; l++) {
        samlab_rule *rule = alloc_rule(s, r, s->rho[k], s->lr[l], dim, err, errlen);
        if (!rule) {
          samlab_problem_free(p0);
          return -1;
        }
        samlab_rule_free(rule);
      }
  /* Work units: pieces of one (rule, rho, lr) group each. */
  size_t maxunits = (end - begin) / UNIT_RUNS + 2 * ngroups + 1, nunits = 0;
  unit *units = malloc(maxunits * sizeof *units);
  sweep_fast_cfg *cfgs = malloc((ngroups + 1) * sizeof *cfgs);
  int *fast = malloc((ngroups + 1) * sizeof *fast);
  double *scratch = endpoints ? NULL : malloc((end - begin + 1) * dim * sizeof *scratch);
  if (!units || !cfgs || !fast || (!endpoints && !scratch)) {
    free(units), free(cfgs), free(fast), free(scratch);
    samlab_problem_free(p0);
    snprintf(err, errlen, "out of memory for %zu runs", end - begin);
    return -1;
  }
  double *ends = endpoints ? endpoints : scratch;
  for (size_t g = begin / ns; g < ngroups && g * ns < end; g++) {
    size_t lr = g % s->nlr, rho = g / s->nlr % s->nrho, rule = g / s->nlr / s->nrho;
    fast[g] = fast_cfg(s, p0, rule, s->rho[rho], s->lr[lr], &cfgs[g]) == 0;
    size_t a = g * ns > begin ? g * ns : begin, b = (g + 1) * ns < end ? (g + 1) * ns : end;
    /* sgd ignores rho: the same runs at rho index 0, when this range holds them, are copied. */
    size_t g0 = (rule * s->nrho) * s->nlr + lr;
    int copy = fast[g] && !cfgs[g].ascent && rho > 0 && g0 * ns + (a - g * ns) >= begin &&
               g0 * ns + (b - g * ns) <= end;
    for (size_t i = a; i < b; i += UNIT_RUNS) {
      size_t n = b - i < UNIT_RUNS ? b - i : UNIT_RUNS;
      units[nunits++] = (unit){g, i, n, copy ? (long)(g0 * ns + (i - g * ns)) : -1};
    }
  }
  size_t done = 0;
  int failed = 0;
#pragma omp parallel
  {
    char terr[256];
    samlab_problem *p = s->make_problem(s->problem_arg, terr, sizeof terr);
#pragma omp for schedule(dynamic, 1)
    for (size_t k = 0; k < nunits; k++) {
      const unit *u = &units[k];
      size_t off = u->run0 - begin;
      if (!p || failed || u->copy_of >= 0)
        continue;
      if (fast[u->group])
        run_fast(s, p, u, &cfgs[u->group], outcome + off, ends + off * dim);
      else if (run_generic(s, p, u, outcome + off, ends + off * dim) != 0) {
#pragma omp atomic write
        failed = 1;
      }
      size_t now;
#pragma omp atomic capture
      now = done += u->n;
#ifdef _OPENMP
      if (progress && omp_get_thread_num() == 0)
#else
      if (progress)
#endif
        progress(ctx, now);
    }
    if (!p) {
#pragma omp atomic write
      failed = 1;
    }
    samlab_problem_free(p);
  }
  for (size_t k = 0; k < nunits && !failed; k++)
    if (units[k].copy_of >= 0) {
      size_t off = units[k].run0 - begin, src = (size_t)units[k].copy_of - begin;
      memcpy(outcome + off, outcome + src, units[k].n);
      memcpy(ends + off * dim, ends + src * dim, units[k].n * dim * sizeof *ends);
    }
  if (progress && !failed)
    progress(ctx, end - begin);
  if (failed)
    snprintf(err, errlen, "a sweep worker failed (out of memory?)");
  free(units), free(cfgs), free(fast), free(scratch);
  samlab_problem_free(p0);
  return failed ? -1 : 0;
}
