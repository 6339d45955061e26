/* Sharpness measures at a point (Andriushchenko et al. 2023, "A modern look at the relationship between sharpness
 * and generalization", following tml-epfl/sharpness-vs-generalization's sharpness.py): worst-case sharpness
 * max_{delta in B} L(w + delta) - L(w) by projected gradient ascent with momentum, step-size halving at fixed
 * checkpoints and restarts, over an L2 or Linf ball, optionally adaptive (scaled elementwise by |w|);
 * average-case sharpness E L(w + delta) - L(w) under random delta; m-sharpness (the worst case averaged over
 * groups of m examples); and GAM's first-order flatness (Zhang et al. 2023), the largest ||grad L|| in the ball,
 * by the same ascent on ||grad L|| (its gradient H g / ||g|| from the problem's HVP). */
#include <stdio.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/analyses.h"

/* What the ascent maximises at x: its value, and its gradient into grad (dim). */
typedef struct objective {
  const samlab_problem *p;
  double *g, *hg; /* scratch for the gradient norm */
  int gradient_norm;
  long evaluations;
} objective;

static double objective_eval(objective *o, const double *x, double *grad)
{
  o->evaluations++;
  if (!o->gradient_norm)
    return samlab_problem_value_grad(o->p, x, grad);
  size_t n = o->p->dim;
  samlab_problem_value_grad(o->p, x, o->g);
  double norm = samlab_norm(n, o->g);
  if (grad) {
    /* d||g||/dx = H g / ||g|| (0 at a stationary point, where the norm has no gradient) */
    if (samlab_problem_hvp(o->p, x, o->g, o->hg) != 0)
      return NAN;
    samlab_copy(n, o->hg, grad);
    samlab_scale(n, norm > 0 ? 1.0 / norm : 0.0, grad);
  }
  return norm;
}

/* The ball's per-coordinate scale: |w_i| when adaptive, else 1. */
static double ball_scale(const samlab_sharpness_spec *s, const double *w, size_t i)
{
  return s->adaptive ? fabs(w[i]) : 1.0;
}

/* ||delta|| in the ball's own norm: L2 or Linf of delta_i / scale_i (coordinates of scale 0 must be 0). */
static double ball_norm(const samlab_sharpness_spec *s, const double *w, size_t n, const double *delta)
{
  double r = 0;
  for (size_t i = 0; i < n; i++) {
    double c = ball_scale(s, w, i), x = c > 0 ? delta[i] / c : 0;
    r = s->norm == SAMLAB_BALL_LINF ? fmax(r, fabs(x)) : r + x * x;
  }
  return s->norm == SAMLAB_BALL_LINF ? r : sqrt(r);
}

/* The ascent runs on u = delta / s (s_i = |w_i| when adaptive, else 1), where the ball is round: projection onto
 * {||u|| <= rho} is a rescaling (L2) or a clip (Linf).  For Linf this is the authors' update exactly (their step
 * eta sign(g) |w| and clip to rho |w| are u's); for adaptive L2 they step along |w| g / ||g|| and project onto the
 * ellipsoid in delta, whose fixed points are not the maximiser's (the KKT condition wants s g parallel to u): here
 * u steps along its own gradient s g / ||s g||, which converges to the closed form (tests/test_sharpness.c). */
static void project(const samlab_sharpness_spec *s, size_t n, double *u)
{
  if (s->norm == SAMLAB_BALL_LINF) {
    for (size_t i = 0; i < n; i++)
      u[i] = fmin(fmax(u[i], -s->rho), s->rho);
    return;
  }
  double norm = samlab_norm(n, u);
  if (norm > s->rho)
    samlab_scale(n, s->rho / norm, u);
}

/* The authors' checkpoints of step-size halving (from Croce & Hein's APGD): p_0 = 0, p_1 = 0.22,
 * p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06), at iterations ceil(p_j iters), j >= 1.  1 if i is one. */
static int is_checkpoint(long i, long iters)
{
  double p0 = 0, p1 = 0.22;
  long w0 = 0, w1 = (long)ceil(p1 * (double)iters);
  while (1) {
    if (i == w1)
      return 1;
    if (w1 >= iters || w1 == w0 || w1 > i)
      return 0;
    double p2 = p1 + fmax(p1 - p0 - 0.03, 0.06);
    p0 = p1, p1 = p2;
    w0 = w1, w1 = (long)ceil(p1 * (double)iters);
  }
}

static int check_spec(const samlab_sharpness_spec *s, char *err, size_t errlen)
{
  if (!(s->rho > 0) || !isfinite(s->rho)) {
    snprintf(err, errlen, "rho = %g: must be > 0", s->rho);
    return -1;
  }
  if (s->norm != SAMLAB_BALL_L2 && s->norm != SAMLAB_BALL_LINF) {
    snprintf(err, errlen, "unknown ball norm %d", s->norm);
    return -1;
  }
  if (s->iters < 1 || s->restarts < 1 || !(s->step_mult > 0) || !(s->momentum > 0 && s->momentum <= 1)) {
    snprintf(err, errlen, "bad ascent settings: iters %ld and restarts %ld >= 1, step multiplier %g > 0, momentum "
             "%g in (0, 1]", s->iters, s->restarts, s->step_mult, s->momentum);
    return -1;
  }
  return 0;
}

/* The ascent of sharpness.py's eval_APGD_sharpness, restart by restart, on u = delta / s (see project):
 *   z = P(u + eta d),  d = s g / ||s g|| (L2) or sign(g) (Linf);
 *   u' = momentum z + (1 - momentum) u_prev  (u_prev: the iterate before u);
 * keeping the best point; at each checkpoint eta halves, and the ascent goes back to the best point, when fewer
 * than 0.75 of the steps since the last checkpoint improved it or eta and the best value did not change since.
 * Departures from the authors' code, each recorded with the result: the first restart starts at the maximiser of
 * the linearisation (SAM's w + rho g / ||g|| for L2, ASAM's for adaptive L2, w + rho s sign(g) for Linf) unless
 * spec.random_start, so the worst case is never below the SAM point's sharpness; every start point is projected
 * onto the ball and counts as a candidate; a halving restarts from the best point (theirs evaluates the next
 * gradient there but continues from the current delta). */
static int ascend(objective *o, const double *w, const samlab_sharpness_spec *s, double *best_delta,
                  samlab_sharpness_result *r, char *err, size_t errlen)
{
  size_t n = o->p->dim;
  double *buf = malloc(6 * n * sizeof *buf);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!buf || !rng) {
    free(buf);
    if (rng)
      gsl_rng_free(rng);
    snprintf(err, errlen, "out of memory for dimension %zu", n);
    return -1;
  }
  gsl_rng_set(rng, s->seed);
  double *u = buf, *prev = buf + n, *x = buf + 2 * n, *g = buf + 3 * n, *worst_u = buf + 4 * n, *z = buf + 5 * n;
  int rc = -1;
  memset(r, 0, sizeof *r);
  r->at_w = objective_eval(o, w, g);
  r->worst = r->at_w;
  memset(best_delta, 0, n * sizeof *best_delta);
#define EVAL_AT_U(value)                                                                                             do {                                                                                                                 for (size_t i = 0; i < n; i++)                                                                                       x[i] = w[i] + ball_scale(s, w, i) * u[i];                                                                        (value) = objective_eval(o, x, g);                                                                                 if (!isfinite(value)) {                                                                                              snprintf(err, errlen, "the objective is not finite in the ball (%g)", (value));                                   goto done;                                                                                                       }                                                                                                                } while (0)
  for (long restart = 0; restart < s->restarts; restart++) {
    double sgn = 0;
    for (size_t i = 0; restart == 0 && i < n; i++)
      sgn += ball_scale(s, w, i) * g[i] * ball_scale(s, w, i) * g[i];
    sgn = sqrt(sgn);
    if (restart == 0 && !s->random_start && sgn > 0) {
      /* the linearisation's maximiser, from g at w (still in g); at a stationary point (s g = 0) the random start */
      for (size_t i = 0; i < n; i++) {
        double sg = ball_scale(s, w, i) * g[i];
        u[i] = s->norm == SAMLAB_BALL_L2 ? (sgn > 0 ? s->rho * sg / sgn : 0) : s->rho * ((sg > 0) - (sg < 0));
      }
    } else {
      /* the authors' random start: N(0, rho^2) (L2) or U(-rho, rho) (Linf) per coordinate of u */
      for (size_t i = 0; i < n; i++)
        u[i] = s->rho * (s->norm == SAMLAB_BALL_LINF ? 2 * gsl_rng_uniform(rng) - 1 : gsl_ran_gaussian(rng, 1.0));
    }
    project(s, n, u);
    samlab_copy(n, u, prev);
    samlab_copy(n, u, worst_u);
    double worst, eta = 2 * s->rho * s->step_mult, prev_eta = eta;
    EVAL_AT_U(worst);
    double prev_worst = worst;
    long prev_cp = 0, updates = 0;
    for (long it = 0; it < s->iters; it++) {
      double sgn = 0;
      for (size_t i = 0; i < n; i++)
        sgn += ball_scale(s, w, i) * g[i] * ball_scale(s, w, i) * g[i];
      sgn = sqrt(sgn);
      for (size_t i = 0; i < n; i++) {
        double sg = ball_scale(s, w, i) * g[i];
        z[i] = u[i] + eta * (s->norm == SAMLAB_BALL_L2 ? sg / (sgn + 1e-12) : (sg > 0) - (sg < 0));
      }
      project(s, n, z);
      for (size_t i = 0; i < n; i++) {
        double next = s->momentum * z[i] + (1 - s->momentum) * prev[i];
        prev[i] = u[i];
        u[i] = next;
      }
      double value;
      EVAL_AT_U(value);
      if (value > worst) {
        worst = value;
        samlab_copy(n, u, worst_u);
        updates++;
      }
      if (is_checkpoint(it, s->iters)) {
        int few = (double)updates < 0.75 * (double)(it - prev_cp);
        int stalled = prev_eta == eta && prev_worst == worst;
        prev_eta = eta, prev_worst = worst, prev_cp = it, updates = 0;
        if (few || stalled) {
          eta *= 0.5;
          r->halvings++;
          samlab_copy(n, worst_u, u);
          samlab_copy(n, worst_u, prev);
          EVAL_AT_U(value);
        }
      }
    }
    if (worst > r->worst) {
      r->worst = worst;
      for (size_t i = 0; i < n; i++)
        best_delta[i] = ball_scale(s, w, i) * worst_u[i];
    }
  }
#undef EVAL_AT_U
  r->delta_l2 = samlab_norm(n, best_delta);
  r->delta_ball = ball_norm(s, w, n, best_delta);
  r->evaluations = o->evaluations;
  rc = 0;
done:
  free(buf);
  gsl_rng_free(rng);
  return rc;
}

int samlab_sharpness_worst(const samlab_problem *p, const double *w, const samlab_sharpness_spec *s, double *delta,
                           samlab_sharpness_result *r, char *err, size_t errlen)
{
  if (check_spec(s, err, errlen) != 0)
    return -1;
  objective o = {.p = p};
  return ascend(&o, w, s, delta, r, err, errlen);
}

int samlab_flatness_first_order(const samlab_problem *p, const double *w, const samlab_sharpness_spec *s,
                                double *delta, samlab_sharpness_result *r, char *err, size_t errlen)
{
  if (check_spec(s, err, errlen) != 0)
    return -1;
  if (!p->hvp && !samlab_problem_landscape(p)->hessian) {
    snprintf(err, errlen, "problem %s has no Hessian-vector product (first-order flatness ascends ||grad L||)",
             p->name);
    return -1;
  }
  size_t n = p->dim;
  objective o = {.p = p, .gradient_norm = 1, .g = malloc(n * sizeof(double)), .hg = malloc(n * sizeof(double))};
  int rc = -1;
  if (!o.g || !o.hg)
    snprintf(err, errlen, "out of memory for dimension %zu", n);
  else
    rc = ascend(&o, w, s, delta, r, err, errlen);
  free(o.g);
  free(o.hg);
  return rc;
}

int samlab_sharpness_m(const samlab_problem *p, const double *w, const samlab_sharpness_spec *s, size_t m,
                       size_t n, double *per_group, samlab_sharpness_result *total, char *err, size_t errlen)
{
  if (check_spec(s, err, errlen) != 0)
    return -1;
  if (samlab_problem_examples(p) == 0) {
    snprintf(err, errlen, "problem %s has no examples to group (m-sharpness needs a data problem)", p->name);
    return -1;
  }
  if (m < 1 || n < 1 || n > samlab_problem_examples(p) || n % m != 0) {
    snprintf(err, errlen, "m = %zu must divide the %zu examples (of %zu)", m, n, samlab_problem_examples(p));
    return -1;
  }
  size_t *idx = malloc(n * sizeof *idx);
  double *delta = malloc(p->dim * sizeof *delta);
  int rc = -1;
  if (!idx || !delta) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  memset(total, 0, sizeof *total);
  size_t groups = n / m;
  for (size_t j = 0; j < groups; j++) {
    samlab_sharpness_result r;
    samlab_sharpness_spec sj = *s;
    sj.seed = s->seed + j; /* each group its own start */
    if (samlab_problem_set_batch(p, idx + j * m, m) != 0) {
      snprintf(err, errlen, "cannot select examples %zu..%zu", j * m, (j + 1) * m - 1);
      goto done;
    }
    objective o = {.p = p};
    if (ascend(&o, w, &sj, delta, &r, err, errlen) != 0)
      goto done;
    if (per_group)
      per_group[j] = r.worst - r.at_w;
    total->at_w += r.at_w / (double)groups;
    total->worst += r.worst / (double)groups;
    total->delta_l2 = fmax(total->delta_l2, r.delta_l2);
    total->delta_ball = fmax(total->delta_ball, r.delta_ball);
    total->evaluations += r.evaluations;
    total->halvings += r.halvings;
  }
  rc = samlab_problem_set_batch(p, idx, n) == 0 ? 0 : -1;
  if (rc != 0)
    snprintf(err, errlen, "cannot select the first %zu examples again", n);
done:
  free(idx);
  free(delta);
  return rc;
}

int samlab_sharpness_average(const samlab_problem *p, const double *w, const samlab_sharpness_spec *s, long samples,
                             double *values, samlab_sharpness_average_result *r, char *err, size_t errlen)
{
  if (!(s->rho > 0) || !isfinite(s->rho)) {
    snprintf(err, errlen, "sigma = %g: must be > 0", s->rho);
    return -1;
  }
  if (samples < 2) {
    snprintf(err, errlen, "average-case sharpness needs at least 2 samples for its interval (got %ld)", samples);
    return -1;
  }
  size_t n = p->dim;
  double *x = malloc(n * sizeof *x);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!x || !rng) {
    free(x);
    if (rng)
      gsl_rng_free(rng);
    snprintf(err, errlen, "out of memory for dimension %zu", n);
    return -1;
  }
  gsl_rng_set(rng, s->seed);
  memset(r, 0, sizeof *r);
  r->at_w = samlab_problem_value_grad(p, w, NULL);
  double mean = 0, m2 = 0; /* Welford */
  for (long j = 0; j < samples; j++) {
    /* sharpness.py's random_init_lw: N(0, rho^2) (l2) or U(-rho, rho) (linf), times |w_i| if adaptive */
    for (size_t i = 0; i < n; i++) {
      double u = s->norm == SAMLAB_BALL_LINF ? 2 * gsl_rng_uniform(rng) - 1 : gsl_ran_gaussian(rng, 1.0);
      x[i] = w[i] + u * s->rho * ball_scale(s, w, i);
    }
    double v = samlab_problem_value_grad(p, x, NULL) - r->at_w, d = v - mean;
    if (values)
      values[j] = v;
    mean += d / (double)(j + 1);
    m2 += d * (v - mean);
  }
  r->mean = mean;
  r->sd = sqrt(m2 / (double)(samples - 1));
  /* Student's t interval of the mean (95%) */
  r->ci95 = gsl_cdf_tdist_Pinv(0.975, (double)(samples - 1)) * r->sd / sqrt((double)samples);
  free(x);
  gsl_rng_free(rng);
  return 0;
}
