/* The shared part of the convex toys: options, the seeded synthetic examples and mini-batch selection. */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "convex_data.h"
#include "toy_impl.h"
#include "samlab/parse.h"

static int parse_number(const char *toy, const char *key, const char *text, double lo, double hi, double *out,
                        char *err, size_t errlen)
{
  char why[128];
  double v;
  if (samlab_parse_double(text, &v, why, sizeof why) != 0 || v < lo || v > hi) {
    snprintf(err, errlen, "bad value '%s' for toy option %s of %s: expected a number in [%g, %g]", text, key, toy,
             lo, hi);
    return -1;
  }
  *out = v;
  return 0;
}

int convex_data_init(convex_data *c, const char *toy, const char *opts, int logistic, char *err, size_t errlen)
{
  memset(c, 0, sizeof *c);
  double n = 100, d = 10, seed = 1, replace = -1, population = 0;
  c->lambda = 0.1;
  c->r = 1;
  c->noise = logistic ? 0.1 : 0.5;
  const char *cursor = opts;
  char key[64], value[256];
  int rc;
  while ((rc = samlab_toy_opt_next(toy, &cursor, key, sizeof key, value, sizeof value, err, errlen)) > 0) {
    int bad = 0;
    if (!strcmp(key, "n"))
      bad = parse_number(toy, key, value, 1, 1e7, &n, err, errlen);
    else if (!strcmp(key, "d"))
      bad = parse_number(toy, key, value, 1, 4096, &d, err, errlen);
    else if (!strcmp(key, "lambda"))
      bad = parse_number(toy, key, value, 0, 1e6, &c->lambda, err, errlen);
    else if (!strcmp(key, "r"))
      bad = parse_number(toy, key, value, 1e-6, 1e6, &c->r, err, errlen);
    else if (!strcmp(key, "noise") || !strcmp(key, "flip"))
      bad = parse_number(toy, key, value, 0, logistic ? 1 : 1e6, &c->noise, err, errlen);
    else if (!strcmp(key, "seed"))
      bad = parse_number(toy, key, value, 0, 4294967295.0, &seed, err, errlen);
    else if (!strcmp(key, "replace"))
      bad = parse_number(toy, key, value, -1, 1e7, &replace, err, errlen);
    else if (!strcmp(key, "population") && !logistic)
      bad = parse_number(toy, key, value, 0, 1, &population, err, errlen);
    else
      return samlab_toy_bad_option(toy, key,
                                   logistic ? "n, d, lambda, r, flip, seed, replace"
                                            : "n, d, lambda, r, noise, seed, replace, population",
                                   err, errlen);
    if (bad)
      return -1;
  }
  if (rc < 0)
    return -1;
  if (floor(n) != n || floor(d) != d || floor(replace) != replace || floor(seed) != seed) {
    snprintf(err, errlen, "toy options n, d, seed and replace of %s must be whole numbers", toy);
    return -1;
  }
  if (replace >= n) {
    snprintf(err, errlen, "bad value %g for toy option replace of %s: must be below n = %g", replace, toy, n);
    return -1;
  }
  c->n = (size_t)n;
  c->d = (size_t)d;
  c->seed = (unsigned long)seed;
  c->replace = (long)replace;
  c->population = population != 0;
  c->x = malloc((c->n + 1) * c->d * sizeof *c->x);
  c->y = malloc((c->n + 1) * sizeof *c->y);
  c->w_nat = malloc(c->d * sizeof *c->w_nat);
  c->batch = malloc(c->n * sizeof *c->batch);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!c->x || !c->y || !c->w_nat || !c->batch || !rng) {
    gsl_rng_free(rng);
    free(c->x), free(c->y), free(c->w_nat), free(c->batch);
    snprintf(err, errlen, "out of memory for %s with n = %zu, d = %zu", toy, c->n, c->d);
    return -1;
  }
  gsl_rng_set(rng, c->seed);
  for (size_t j = 0; j < c->d; j++)
    c->w_nat[j] = gsl_ran_gaussian(rng, 1.0);
  for (size_t i = 0; i <= c->n; i++) {
    double *x = c->x + i * c->d;
    for (size_t j = 0; j < c->d; j++)
      x[j] = gsl_ran_gaussian(rng, 1.0);
    samlab_scale(c->d, c->r / samlab_norm(c->d, x), x);
    double m = samlab_dot(c->d, x, c->w_nat);
    if (logistic) {
      double flip = gsl_rng_uniform(rng) < c->noise;
      c->y[i] = (m >= 0) != flip ? 1.0 : -1.0;
    } else {
      c->y[i] = m + c->noise * gsl_ran_gaussian(rng, 1.0);
    }
  }
  gsl_rng_free(rng);
  if (c->replace >= 0) { /* S': example `replace` becomes the fresh draw n */
    memcpy(c->x + (size_t)c->replace * c->d, c->x + c->n * c->d, c->d * sizeof *c->x);
    c->y[c->replace] = c->y[c->n];
  }
  return 0;
}

void convex_data_free(void *ctx)
{
  convex_data *c = ctx;
  if (!c)
    return;
  free(c->x);
  free(c->y);
  free(c->w_nat);
  free(c->batch);
  free(c);
}

int convex_data_set_batch(void *ctx, const size_t *idx, size_t n)
{
  convex_data *c = ctx;
  if (!idx) {
    c->nbatch = 0;
    return 0;
  }
  if (n == 0 || n > c->n)
    return -1;
  for (size_t k = 0; k < n; k++) {
    if (idx[k] >= c->n)
      return -1;
    c->batch[k] = idx[k];
  }
  c->nbatch = n;
  return 0;
}

/* The current batch: its size m, and x of its k-th example (index convex_data_index). */
static size_t convex_data_batch_size(const convex_data *c)
{
  return c->nbatch ? c->nbatch : c->n;
}
static size_t convex_data_index(const convex_data *c, size_t k)
{
  return c->nbatch ? c->batch[k] : k;
}
static const double *convex_data_x(const convex_data *c, size_t k)
{
  return c->x + convex_data_index(c, k) * c->d;
}

void convex_data_hessian(const convex_data *c, const double *w, double (*curvature)(double z), double *H)
{
  size_t d = c->d, m = convex_data_batch_size(c);
  memset(H, 0, d * d * sizeof *H);
  for (size_t k = 0; k < m; k++) {
    const double *x = convex_data_x(c, k);
    if (curvature) {
      double h = curvature(samlab_dot(d, x, w)) / (double)m;
      for (size_t a = 0; a < d; a++)
        for (size_t b = 0; b < d; b++)
          H[a * d + b] += h * x[a] * x[b];
    } else {
      for (size_t a = 0; a < d; a++)
        for (size_t b = 0; b < d; b++)
          H[a * d + b] += x[a] * x[b] / (double)m;
    }
  }
  for (size_t a = 0; a < d; a++)
    H[a * d + a] += c->lambda;
}

double convex_data_value_grad(const convex_data *c, const double *w, double *g,
                              double (*loss)(double xw, double y, double *dloss))
{
  size_t d = c->d, m = convex_data_batch_size(c);
  double f = 0;
  if (g)
    memset(g, 0, d * sizeof *g);
  for (size_t k = 0; k < m; k++) {
    const double *x = convex_data_x(c, k);
    double dl;
    f += loss(samlab_dot(d, x, w), c->y[convex_data_index(c, k)], g ? &dl : NULL);
    if (g)
      samlab_axpy(d, dl / (double)m, x, g);
  }
  if (g)
    samlab_axpy(d, c->lambda, w, g);
  return f / (double)m + 0.5 * c->lambda * samlab_dot(d, w, w);
}
