/* Base optimizers with PyTorch's conventions (torch.optim.SGD, Adam, AdamW). */
#include <math.h>
#include <string.h>
#include "samlab.h"

/* The steps are memory-bound passes over a network's weights: restrict pointers, hyperparameters read once
 * into locals, and `omp simd` (GCC's -O2 leaves such loops scalar), so each is one vectorised loop.  The
 * arithmetic is element by element, so vectorising changes no bit. */

/* Plain SGD: w -= lr (g + wd w). */
static void sgd_step(double *state, size_t dim, double *restrict w, const double *restrict g,
                     const samlab_hparams *hp, long t)
{
  const double lr = hp->lr, wd = hp->wd;
#pragma omp simd
  for (size_t i = 0; i < dim; i++)
    w[i] -= lr * (g[i] + wd * w[i]);
}

/* Heavy ball: v = mu v + (g + wd w), v0 = g + wd w; w -= lr v. */
static void sgdm_step(double *restrict v, size_t dim, double *restrict w, const double *restrict g,
                      const samlab_hparams *hp, long t)
{
  const double lr = hp->lr, wd = hp->wd, mu = hp->momentum;
  if (t == 0)
#pragma omp simd
    for (size_t i = 0; i < dim; i++) {
      v[i] = g[i] + wd * w[i];
      w[i] -= lr * v[i];
    }
  else
#pragma omp simd
    for (size_t i = 0; i < dim; i++) {
      v[i] = mu * v[i] + (g[i] + wd * w[i]);
      w[i] -= lr * v[i];
    }
}

/* Adam (decoupled = 0) and AdamW (decoupled = 1); state is m then v. */
static void adam_common(double *state, size_t dim, double *restrict w, const double *restrict g,
                        const samlab_hparams *hp, long t, int decoupled)
{
  double *restrict m = state, *restrict v = state + dim;
  const double b1 = hp->beta1, b2 = hp->beta2, lr = hp->lr, wd = hp->wd, eps = hp->adam_eps;
  const double step = (double)(t + 1), bc1 = 1 - pow(b1, step), bc2 = 1 - pow(b2, step);
#pragma omp simd
  for (size_t i = 0; i < dim; i++) {
    double gi = decoupled ? g[i] : g[i] + wd * w[i];
    if (decoupled)
      w[i] -= lr * wd * w[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    w[i] -= lr * (m[i] / bc1) / (sqrt(v[i] / bc2) + eps);
  }
}

static void adam_step(double *s, size_t dim, double *w, const double *g, const samlab_hparams *hp, long t)
{
  adam_common(s, dim, w, g, hp, t, 0);
}

static void adamw_step(double *s, size_t dim, double *w, const double *g, const samlab_hparams *hp, long t)
{
  adam_common(s, dim, w, g, hp, t, 1);
}

static const samlab_base_type sgd = {"sgd", 0, sgd_step};
static const samlab_base_type sgdm = {"sgdm", 1, sgdm_step};
static const samlab_base_type adam = {"adam", 2, adam_step};
static const samlab_base_type adamw = {"adamw", 2, adamw_step};

const samlab_base_type *const samlab_base_types[] = {&sgd, &sgdm, &adam, &adamw, NULL};

const samlab_base_type *samlab_base_find(const char *name)
{
  for (size_t i = 0; samlab_base_types[i]; i++)
    if (strcmp(samlab_base_types[i]->name, name) == 0)
      return samlab_base_types[i];
  return NULL;
}
