/* Regularised logistic regression on synthetic data: f(w, (x, y)) = log(1 + exp(-y x.w)) + lambda/2 ||w||^2,
 * x uniform on the sphere of radius r, y = sign(x.w_nat) flipped with probability flip.  Per example
 * mu = lambda and L = r^2/4 + lambda; the gradient of the log term is at most r. */
#include <stdio.h>
#include <math.h>
#include <string.h>
#include "convex_data.h"
#include "toy_impl.h"

static double log1pexp(double z) /* log(1 + e^z) without overflow */
{
  return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* log(1 + exp(-y x.w)); d/d(x.w) = sigmoid(z) (-y) with z = -y x.w */
static double logistic(double xw, double y, double *dloss)
{
  double z = -y * xw;
  if (dloss)
    *dloss = -y / (1.0 + exp(-z));
  return log1pexp(z);
}

static double logreg_vg(void *ctx, const double *w, double *g)
{
  return convex_data_value_grad(ctx, w, g, logistic);
}

/* The second derivative of log(1 + e^(-y z)) in z (y = +-1): sigmoid(z) (1 - sigmoid(z)). */
static double logistic_curvature(double z)
{
  double s = 1.0 / (1.0 + exp(-z));
  return s * (1 - s);
}

static void logreg_hessian(void *ctx, const double *w, double *H)
{
  convex_data_hessian(ctx, w, logistic_curvature, H);
}

static samlab_problem *logreg_create(const char *opts, char *err, size_t errlen)
{
  convex_data *c = malloc(sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory for logreg");
    return NULL;
  }
  if (convex_data_init(c, "logreg", opts, 1, err, errlen) != 0) {
    free(c);
    return NULL;
  }
  samlab_problem *p = samlab_toy_problem("logreg", c->d, c, logreg_vg, logreg_hessian, convex_data_free);
  if (!p) {
    convex_data_free(c);
    snprintf(err, errlen, "out of memory for logreg");
    return NULL;
  }
  samlab_toy_batching(p, convex_data_set_batch, c->n);
  return p;
}

const samlab_toy_type samlab_toy_logreg = {
    "logreg", "mean log(1 + exp(-y x.w)) + lambda/2 ||w||^2 on seeded synthetic data (n, d, lambda, r, flip, seed, "
              "replace)",
    10, logreg_create};
