/* F-SAM (Li et al. 2024) Theorem 1: the EMA m_t = lambda m + (1 - lambda) g_t of the stochastic gradients, with
 * lambda = 1 - C lr^(2/3), is within O(lr^(1/3)) of the full gradient after T > C' lr^(-2/3) steps of SAM over SGD.
 * Toy T1 of the notes: L = w^T A w/2, A = diag(log-spaced 0.01..1), d = 50, gradient noise N(0, M/d I), M = 1,
 * w0 ~ N(0, I); SAM rho = 0.05; 1 - lambda = lr^(2/3) (C = 1), T = ceil(20/lr^(2/3)). */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "bounds_impl.h"

enum { D = 50 };

/* Phi_T = ||m_T - grad L(w_T)|| for one seed. */
static double phi(const samlab_problem *p, double lr, double lambda, long T, unsigned long seed, char *err,
                  size_t errlen, int *fail)
{
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  hp.lr = lr;
  hp.rho = 0.05;
  samlab_rule *r = bounds_rule("sam", &hp, D, err, errlen);
  if (!r) {
    *fail = 1;
    return NAN;
  }
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, seed);
  double w[D], m[D] = {0}, g[D];
  for (int i = 0; i < D; i++)
    w[i] = gsl_ran_gaussian(rng, 1.0);
  for (long t = 0; t <= T; t++) {
    bounds_sep_redraw(p);
    if (t == T) {
      p->value_grad(p->ctx, w, g);
      samlab_scale(D, lambda, m);
      samlab_axpy(D, 1 - lambda, g, m);
      break;
    }
    samlab_rule_step(r, p, w, NULL); /* samlab_rule_gradient(r): the stochastic gradient at w_t */
    samlab_scale(D, lambda, m);
    samlab_axpy(D, 1 - lambda, samlab_rule_gradient(r), m);
  }
  bounds_sep_exact(p, w, g);
  for (int i = 0; i < D; i++)
    g[i] = m[i] - g[i];
  gsl_rng_free(rng);
  samlab_rule_free(r);
  return samlab_norm(D, g);
}

static int fsam(int quick, unsigned long seed, samlab_bound_row *rows, int max, char *err, size_t errlen)
{
  const double lrs[] = {1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4}, M = 1;
  int nlr = quick ? 5 : 7, R = quick ? 40 : 200, k = 0, fail = 0;
  double h[D], med[7], q90[7], ctrl = 0;
  for (int i = 0; i < D; i++)
    h[i] = pow(10, -2 + 2.0 * i / (D - 1));
  samlab_problem *p = bounds_sep_create(D, h, 0.0, 1.0, 0.0, sqrt(M / D), seed);
  double *x = malloc((size_t)R * sizeof *x);
  for (int j = 0; j < nlr && !fail; j++) {
    double c = pow(lrs[j], 2.0 / 3.0);
    long T = (long)ceil(20 / c);
    for (int s = 0; s < R; s++)
      x[s] = phi(p, lrs[j], 1 - c, T, seed * 1000 + (unsigned long)s, err, errlen, &fail);
    med[j] = bounds_quantile(x, (size_t)R, 0.5);
    q90[j] = bounds_quantile(x, (size_t)R, 0.9);
    if (j == nlr - 1) { /* control: a fixed lambda = 0.9 does not follow lr */
      for (int s = 0; s < R; s++)
        x[s] = phi(p, lrs[j], 0.9, T, seed * 1000 + (unsigned long)s, err, errlen, &fail);
      double ms = 0;
      for (int s = 0; s < R; s++)
        ms += x[s] * x[s] / R;
      ctrl = sqrt(ms);
    }
  }
  free(x);
  samlab_problem_free(p);
  if (fail)
    return -1;
  char set[240];
  snprintf(set, sizeof set, "A = diag(0.01..1 log), d=50, noise N(0, M/d I) M=1, w0 ~ N(0,I); sam rho=0.05 over "
                            "sgd; lambda = 1 - lr^(2/3), T = ceil(20/lr^(2/3)); lr from 0.1 to %g (%d values), R=%d",
           lrs[nlr - 1], nlr, R);
  samlab_bound_row *row = bounds_add(rows, &k, max, "fsam-thm1", "Thm 1: log-log slope of median Phi_T against lr",
                                     bounds_loglog_slope(lrs, med, (size_t)nlr), 0.45, 1, 1);
  row->lower = 0.25;
  snprintf(row->setting, sizeof row->setting, "%.240s; median Phi from %.3g to %.3g", set, med[0], med[nlr - 1]);
  snprintf(row->note, sizeof row->note, "theory: Phi = O(lr^(1/3)); lag and noise terms balance at slope 1/3");
  row = bounds_add(rows, &k, max, "fsam-thm1", "Thm 1: log-log slope of the 0.9-quantile of Phi_T",
                   bounds_loglog_slope(lrs, q90, (size_t)nlr), 0.45, 1, 1);
  row->lower = 0.25;
  snprintf(row->setting, sizeof row->setting, "%s", set);
  double plateau = sqrt(0.1 / 1.9 * M);
  row = bounds_add(rows, &k, max, "fsam-thm1", "control lambda=0.9: rms Phi / sqrt((1-l)/(1+l) M) at smallest lr",
                   ctrl / plateau, 1.3, 1, 1);
  row->lower = 0.7;
  snprintf(row->setting, sizeof row->setting, "%.240s; rms Phi %.4g, noise floor %.4g", set, ctrl, plateau);
  snprintf(row->note, sizeof row->note, "with lambda fixed, Phi does not go to 0 as lr -> 0: it stays at the EMA's "
                                        "noise floor");
  return k;
}

const samlab_bound_check samlab_bound_fsam_thm1 = {
    "fsam-thm1", "F-SAM Thm 1", "EMA of stochastic gradients against the full gradient: Phi_T = O(lr^(1/3))", fsam};
