/* Ridge least squares on synthetic data (StableSAM's strongly convex testbed):
 * f(w, (x, y)) = (x.w - y)^2/2 + lambda/2 ||w||^2, x uniform on the sphere of radius r in R^d,
 * y = x.w_nat + N(0, noise^2).  Per example mu = lambda (d >= 2) and L = r^2 + lambda.  The problem is F_S on
 * the current batch (set_batch; the whole set by default), its declared minimum w*_S solved by LAPACKE.
 * population=1 gives instead the exact population risk F_D(w) = (r^2/d)/2 ||w - w_nat||^2 + noise^2/2
 * + lambda/2 ||w||^2 with minimum w*_D = (r^2/d)/(r^2/d + lambda) w_nat. */
#include <stdio.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>
#include "convex_data.h"
#include "toy_impl.h"

static double squared(double xw, double y, double *dloss)
{
  double res = xw - y;
  if (dloss)
    *dloss = res;
  return 0.5 * res * res;
}

static double lsq_vg(void *ctx, const double *w, double *g)
{
  return convex_data_value_grad(ctx, w, g, squared);
}

static void lsq_hessian(void *ctx, const double *w, double *H)
{
  convex_data_hessian(ctx, w, NULL, H);
}

static double population_vg(void *ctx, const double *w, double *g)
{
  convex_data *c = ctx;
  size_t d = c->d;
  double s = c->r * c->r / (double)d, f = 0.5 * c->noise * c->noise;
  for (size_t j = 0; j < d; j++) {
    double e = w[j] - c->w_nat[j];
    f += 0.5 * s * e * e + 0.5 * c->lambda * w[j] * w[j];
    if (g)
      g[j] = s * e + c->lambda * w[j];
  }
  return f;
}

static void population_hessian(void *ctx, const double *w, double *H)
{
  convex_data *c = ctx;
  size_t d = c->d;
  memset(H, 0, d * d * sizeof *H);
  for (size_t a = 0; a < d; a++)
    H[a * d + a] = c->r * c->r / (double)d + c->lambda;
}

/* w*_S: (X^T X/n + lambda I) w = X^T y/n. */
static int solve_erm(convex_data *c, double *w)
{
  size_t d = c->d;
  double *A = malloc(d * d * sizeof *A);
  if (!A)
    return -1;
  size_t keep = c->nbatch;
  c->nbatch = 0;
  lsq_hessian(c, w, A);
  c->nbatch = keep;
  memset(w, 0, d * sizeof *w);
  for (size_t i = 0; i < c->n; i++)
    samlab_axpy(d, c->y[i] / (double)c->n, c->x + i * d, w);
  lapack_int rc = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', (lapack_int)d, 1, A, (lapack_int)d, w, 1);
  free(A);
  return rc == 0 ? 0 : -1;
}

typedef struct {
  convex_data data;
  double minimum[]; /* d doubles */
} lsq_ctx;

static samlab_problem *lsq_create(const char *opts, char *err, size_t errlen)
{
  convex_data tmp;
  if (convex_data_init(&tmp, "lsq", opts, 0, err, errlen) != 0)
    return NULL;
  lsq_ctx *c = malloc(sizeof *c + tmp.d * sizeof(double));
  if (!c) {
    free(tmp.x), free(tmp.y), free(tmp.w_nat), free(tmp.batch);
    snprintf(err, errlen, "out of memory for lsq");
    return NULL;
  }
  c->data = tmp;
  size_t d = tmp.d;
  int pop = tmp.population;
  if (pop) {
    double s = tmp.r * tmp.r / (double)d;
    for (size_t j = 0; j < d; j++)
      c->minimum[j] = s / (s + tmp.lambda) * tmp.w_nat[j];
  } else if (solve_erm(&c->data, c->minimum) != 0) {
    convex_data_free(c);
    snprintf(err, errlen, "lsq: the normal equations are singular (use lambda > 0 or n >= d)");
    return NULL;
  }
  samlab_problem *p = samlab_toy_problem("lsq", d, c, pop ? population_vg : lsq_vg,
                                         pop ? population_hessian : lsq_hessian, convex_data_free);
  if (!p) {
    convex_data_free(c);
    snprintf(err, errlen, "out of memory for lsq");
    return NULL;
  }
  if (!pop) {
    samlab_toy_batching(p, convex_data_set_batch, tmp.n);
  }
  samlab_toy_landscape(p)->minima = c->minimum;
  samlab_toy_landscape(p)->nminima = 1;
  return p;
}

const samlab_toy_type samlab_toy_lsq = {
    "lsq", "mean (x.w - y)^2/2 + lambda/2 ||w||^2 on seeded synthetic data (n, d, lambda, r, noise, seed, replace)",
    10, lsq_create};
