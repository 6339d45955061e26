/* Base optimizers with PyTorch's conventions (torch.optim.SGD, Adam, AdamW). */
#include <math.h>
#include <string.h>
#include "samlab.h"

/* Plain SGD: w -= lr (g + wd w). */
static void sgd_step(double *state, size_t dim, double *w, const double *g, const samlab_hparams *hp, long t)
{
  for (size_t i = 0; i < dim; i++)
    w[i] -= hp->lr * (g[i] + hp->wd * w[i]);
}

/* Heavy ball: v = mu v + (g + wd w), v0 = g + wd w; w -= lr v. */
static void sgdm_step(double *v, size_t dim, double *w, const double *g, const samlab_hparams *hp, long t)
{
  for (size_t i = 0; i < dim; i++) {
    double gi = g[i] + hp->wd * w[i];
    v[i] = t == 0 ? gi : hp->momentum * v[i] + gi;
    w[i] -= hp->lr * v[i];
  }
}

/* Adam (decoupled = 0) and AdamW (decoupled = 1); state is m then v. */
static void adam_common(double *state, size_t dim, double *w, const double *g, const samlab_hparams *hp, long t,
                        int decoupled)
{
  double *m = state, *v = state + dim;
  double b1 = hp->beta1, b2 = hp->beta2, step = (double)(t + 1);
  double bc1 = 1 - pow(b1, step), bc2 = 1 - pow(b2, step);
  for (size_t i = 0; i < dim; i++) {
    double gi = decoupled ? g[i] : g[i] + hp->wd * w[i];
    if (decoupled)
      w[i] -= hp->lr * hp->wd * w[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    w[i] -= hp->lr * (m[i] / bc1) / (sqrt(v[i] / bc2) + hp->adam_eps);
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
