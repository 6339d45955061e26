/* Shared pieces of the bounds checks: rows, rules, toys, and the separable test problem with gradient noise. */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "bounds_impl.h"

samlab_bound_row *bounds_add(samlab_bound_row *rows, int *k, int max, const char *check, const char *claim,
                             double measured, double bound, int premises, int expect_hold)
{
  static samlab_bound_row scratch;
  samlab_bound_row *r = *k < max ? &rows[(*k)++] : &scratch;
  memset(r, 0, sizeof *r);
  snprintf(r->check, sizeof r->check, "%s", check);
  snprintf(r->claim, sizeof r->claim, "%s", claim);
  r->measured = measured;
  r->bound = bound;
  r->lower = NAN;
  r->premises = premises;
  r->expect_hold = expect_hold;
  return r;
}

int samlab_bound_holds(const samlab_bound_row *r)
{
  if (isnan(r->measured) || isnan(r->bound))
    return 0;
  return r->measured <= r->bound && (isnan(r->lower) || r->measured >= r->lower);
}

int samlab_bound_ok(const samlab_bound_row *r)
{
  return !r->premises || samlab_bound_holds(r) == (r->expect_hold != 0);
}

const samlab_bound_check *samlab_bound_find(const char *name)
{
  for (size_t i = 0; samlab_bound_checks[i]; i++)
    if (strcmp(samlab_bound_checks[i]->name, name) == 0)
      return samlab_bound_checks[i];
  return NULL;
}

samlab_rule *bounds_rule(const char *name, samlab_hparams *hp, size_t dim, char *err, size_t errlen)
{
  const samlab_rule_type *t = samlab_rule_find(name);
  if (!t) {
    snprintf(err, errlen, "rule %s is not in this build", name);
    return NULL;
  }
  return samlab_rule_alloc(t, samlab_base_find("sgd"), hp, dim, err, errlen);
}

samlab_problem *bounds_toy(const char *name, char *err, size_t errlen, const char *fmt, ...)
{
  char opts[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(opts, sizeof opts, fmt, ap);
  va_end(ap);
  return samlab_toy_create(name, opts, err, errlen);
}

void bounds_use_example(const samlab_problem *p, size_t i)
{
  samlab_problem_set_batch(p, &i, 1);
}

/* ---- the separable problem */
typedef struct {
  size_t d;
  double a, omega, shift, sd;
  int noisy;
  gsl_rng *rng;
  samlab_landscape landscape; /* the problem's capabilities */
  samlab_batching batching;
  double *h, *xi; /* into v[] */
  double v[];
} sep;

static double sep_value(const sep *s, const double *w, double *g, int noise)
{
  double f = s->shift;
  for (size_t i = 0; i < s->d; i++) {
    double ow = s->omega * w[i];
    f += 0.5 * s->h[i] * w[i] * w[i] + s->a * cos(ow);
    if (g)
      g[i] = s->h[i] * w[i] - s->a * s->omega * sin(ow) + (noise ? s->xi[i] : 0.0);
  }
  return f;
}

static double sep_vg(void *ctx, const double *w, double *g)
{
  sep *s = ctx;
  return sep_value(s, w, g, s->noisy);
}

static void sep_hessian(void *ctx, const double *w, double *H)
{
  sep *s = ctx;
  memset(H, 0, s->d * s->d * sizeof *H);
  for (size_t i = 0; i < s->d; i++)
    H[i * s->d + i] = s->h[i] - s->a * s->omega * s->omega * cos(s->omega * w[i]);
}

static int sep_batch(void *ctx, const size_t *idx, size_t n)
{
  sep *s = ctx;
  s->noisy = idx != NULL && s->sd > 0;
  if (s->noisy)
    for (size_t i = 0; i < s->d; i++)
      s->xi[i] = gsl_ran_gaussian(s->rng, s->sd);
  return 0;
}

static void sep_free(void *ctx)
{
  sep *s = ctx;
  gsl_rng_free(s->rng);
  free(s);
}

samlab_problem *bounds_sep_create(size_t d, const double *h, double a, double omega, double shift, double sd,
                                  unsigned long seed)
{
  sep *s = calloc(1, sizeof *s + 2 * d * sizeof(double));
  if (!s)
    return NULL;
  s->d = d;
  s->a = a;
  s->omega = omega;
  s->shift = shift;
  s->sd = sd;
  s->h = s->v;
  s->xi = s->v + d;
  memcpy(s->h, h, d * sizeof *h);
  s->rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(s->rng, seed);
  samlab_problem *p = calloc(1, sizeof *p);
  p->name = "separable";
  p->dim = d;
  p->ctx = s;
  p->value_grad = sep_vg;
  s->landscape = (samlab_landscape){.hessian = sep_hessian, .stochastic = 1};
  p->landscape = &s->landscape;
  s->batching = (samlab_batching){.set_batch = sep_batch, .examples = 1};
  p->batching = &s->batching;
  p->free = sep_free;
  return p;
}

double bounds_sep_exact(const samlab_problem *p, const double *w, double *g)
{
  return sep_value(p->ctx, w, g, 0);
}

void bounds_sep_redraw(const samlab_problem *p)
{
  size_t zero = 0;
  samlab_problem_set_batch(p, &zero, 1);
}

double bounds_mean(const double *x, size_t n)
{
  return gsl_stats_mean(x, 1, n);
}

double bounds_quantile(double *x, size_t n, double q)
{
  gsl_sort(x, 1, n);
  return gsl_stats_quantile_from_sorted_data(x, 1, n, q);
}

double bounds_loglog_slope(const double *x, const double *y, size_t n)
{
  double lx[64] = {0}, ly[64] = {0};
  if (n > 64)
    n = 64;
  for (size_t i = 0; i < n; i++) {
    lx[i] = log(x[i]);
    ly[i] = log(y[i]);
  }
  double mx = gsl_stats_mean(lx, 1, n), my = gsl_stats_mean(ly, 1, n), sxy = 0, sxx = 0;
  for (size_t i = 0; i < n; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) * (lx[i] - mx);
  }
  return sxy / sxx;
}
