/* For the bounds checks only (analyses/bounds_*.c): rows, rules by name, and the test problems. */
#ifndef SAMLAB_BOUNDS_IMPL_H
#define SAMLAB_BOUNDS_IMPL_H
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/rule.h"
#include "samlab/toy.h"
#include "samlab/train.h"
#include "samlab/analyses.h"
#include "samlab/bounds.h"

/* The next free row (zeroed, with check, claim, measured, bound, premises, expect_hold filled and lower = NAN),
 * or a scratch row when rows are full (so callers never test for NULL); *k counts the rows used. */
samlab_bound_row *bounds_add(samlab_bound_row *rows, int *k, int max, const char *check, const char *claim,
                             double measured, double bound, int premises, int expect_hold);
/* A rule by name over plain sgd; NULL with "rule X is not in this build" when the registry lacks it. */
samlab_rule *bounds_rule(const char *name, samlab_hparams *hp, size_t dim, char *err, size_t errlen);
/* A toy by name with options (printf format), NULL with the toy's message. */
samlab_problem *bounds_toy(const char *name, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Evaluate on one example (set_batch) of a data problem. */
void bounds_use_example(const samlab_problem *p, size_t i);

/* A separable test problem f = sum_i h_i w_i^2/2 + a cos(omega w_i) + shift with exact gradient, and additive
 * gradient noise N(0, sd^2 I) redrawn by set_batch(idx != NULL) and shared by every gradient until the next
 * set_batch (both gradients of a SAM step see the same noise); set_batch(NULL, 0) turns the noise off.
 * smoothness max_i h_i + a omega^2. */
samlab_problem *bounds_sep_create(size_t d, const double *h, double a, double omega, double shift, double sd,
                                  unsigned long seed);
double bounds_sep_exact(const samlab_problem *p, const double *w, double *g); /* noise-free f and gradient */
void bounds_sep_redraw(const samlab_problem *p);                             /* new noise for the next step */

double bounds_mean(const double *x, size_t n);
double bounds_quantile(double *x, size_t n, double q); /* sorts x */
/* Least-squares slope of log y against log x. */
double bounds_loglog_slope(const double *x, const double *y, size_t n);
#endif
