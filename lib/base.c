/* Base optimizers with PyTorch's conventions (torch.optim.SGD, Adam, AdamW). */
#include <math.h>
#include <string.h>
#include "samlab/vec.h"
#include "samlab/rule.h"
#include "lanes.h"

/* The steps are memory-bound passes over a network's weights: restrict pointers, hyperparameters read once
 * into locals, and vectorised loops (GCC's -O2 leaves plain loops scalar).  The arithmetic is element by
 * element, so vectorising changes no bit.
 *
 * Each optimizer is written once, as SETUP (locals) and the update of element j from its gradient gi, FIRST
 * on its first step (t = 0) and LATER after; BASE_STEPS makes both of its steps from that:
 *   step      from a double gradient g;
 *   step_f32  from a float32 gradient g32 (a network's), also writing (float)w into w32 (the weights of the
 *             network's next evaluation) and returning g.g summed as samlab_dot sums it: one pass where
 *             widening g, the step and converting w took three.  (double)g32[j] is exact: the same bits. */
#define BASE_STEPS(name, SETUP, FIRST, LATER)                                                                      \
  static void name##_step(double *state, size_t dim, double *restrict w, const double *restrict g,                 \
                          const samlab_hparams *hp, long t)                                                        \
  {                                                                                                                \
    SETUP;                                                                                                         \
    if (t == 0) {                                                                                                  \
      _Pragma("omp simd") for (size_t j = 0; j < dim; j++) { const double gi = g[j]; FIRST; }                     \
    } else {                                                                                                       \
      _Pragma("omp simd") for (size_t j = 0; j < dim; j++) { const double gi = g[j]; LATER; }                     \
    }                                                                                                              \
  }                                                                                                                \
  static double name##_step_f32(double *state, size_t dim, double *restrict w, const float *restrict g32,          \
                                float *restrict w32, const samlab_hparams *hp, long t)                             \
  {                                                                                                                \
    SETUP;                                                                                                         \
    double gg_[LANES] = {0};                                                                                       \
    if (t == 0)                                                                                                    \
      LANE_LOOP(dim, const double gi = g32[j]; FIRST; w32[j] = (float)w[j]; gg_[k] += gi * gi);                   \
    else                                                                                                           \
      LANE_LOOP(dim, const double gi = g32[j]; LATER; w32[j] = (float)w[j]; gg_[k] += gi * gi);                   \
    return lanes_total(gg_);                                                                                       \
  }

/* Plain SGD: w -= lr (g + wd w). */
#define SGD_SETUP const double lr = hp->lr; const double wd = hp->wd
#define SGD_UPDATE w[j] -= lr * (gi + wd * w[j])
BASE_STEPS(sgd, SGD_SETUP, SGD_UPDATE, SGD_UPDATE)

/* Heavy ball: v = mu v + (g + wd w), v0 = g + wd w; w -= lr v. */
#define SGDM_SETUP double *restrict v = state; const double lr = hp->lr; const double wd = hp->wd; \
  const double mu = hp->momentum
BASE_STEPS(sgdm, SGDM_SETUP, v[j] = gi + wd * w[j]; w[j] -= lr * v[j],
           v[j] = mu * v[j] + (gi + wd * w[j]); w[j] -= lr * v[j])

/* Adam (decoupled = 0) and AdamW (decoupled = 1); state is m then v. */
#define ADAM_SETUP(dec) double *restrict m = state; double *restrict v = state + dim; \
  const double b1 = hp->beta1; const double b2 = hp->beta2; const double lr = hp->lr; const double wd = hp->wd; \
  const double eps = hp->adam_eps; const double bc1 = 1 - pow(b1, (double)(t + 1)); \
  const double bc2 = 1 - pow(b2, (double)(t + 1)); const int decoupled = dec
#define ADAM_UPDATE                                                                                                \
  const double ge = decoupled ? gi : gi + wd * w[j];                                                               \
  if (decoupled)                                                                                                   \
    w[j] -= lr * wd * w[j];                                                                                        \
  m[j] = b1 * m[j] + (1 - b1) * ge;                                                                                \
  v[j] = b2 * v[j] + (1 - b2) * ge * ge;                                                                           \
  w[j] -= lr * (m[j] / bc1) / (sqrt(v[j] / bc2) + eps)
BASE_STEPS(adam, ADAM_SETUP(0), ADAM_UPDATE, ADAM_UPDATE)
BASE_STEPS(adamw, ADAM_SETUP(1), ADAM_UPDATE, ADAM_UPDATE)

/* Their hyperparameters: lr and wd for every one, momentum for sgdm, beta1, beta2 and adam-eps for adam and adamw. */
#define LR_WD                                                                                                      \
  SAMLAB_HPARAM("lr", SAMLAB_HP_DOUBLE, lr, 0.05, SAMLAB_RANGE_GT(0), "learning rate"),                            \
      SAMLAB_HPARAM("wd", SAMLAB_HP_DOUBLE, wd, 0, SAMLAB_RANGE_GE(0),                                             \
                    "weight decay: added to g (sgd, sgdm, adam), decoupled (adamw)")
#define ADAM_PARAMS                                                                                                \
  SAMLAB_HPARAM("beta1", SAMLAB_HP_DOUBLE, beta1, 0.9, SAMLAB_RANGE_CLOSED_OPEN(0, 1), "Adam's beta1"),            \
      SAMLAB_HPARAM("beta2", SAMLAB_HP_DOUBLE, beta2, 0.999, SAMLAB_RANGE_CLOSED_OPEN(0, 1), "Adam's beta2"),      \
      SAMLAB_HPARAM("adam-eps", SAMLAB_HP_DOUBLE, adam_eps, 1e-8, SAMLAB_RANGE_GT(0),                              \
                    "Adam's epsilon, outside the sqrt")
static const samlab_hparam_desc sgd_params[] = {LR_WD, {0}};
static const samlab_hparam_desc sgdm_params[] = {
    LR_WD, SAMLAB_HPARAM("momentum", SAMLAB_HP_DOUBLE, momentum, 0.9, SAMLAB_RANGE_CLOSED_OPEN(0, 1), "momentum mu"),
    {0}};
static const samlab_hparam_desc adam_params[] = {LR_WD, ADAM_PARAMS, {0}};

static const samlab_base_type sgd = {"sgd", 0, sgd_step, sgd_step_f32, SAMLAB_SWEEP_SGD, sgd_params};
static const samlab_base_type sgdm = {"sgdm", 1, sgdm_step, sgdm_step_f32, SAMLAB_SWEEP_SGDM, sgdm_params};
static const samlab_base_type adam = {"adam", 2, adam_step, adam_step_f32, 0, adam_params};
static const samlab_base_type adamw = {"adamw", 2, adamw_step, adamw_step_f32, 0, adam_params};

const samlab_base_type *const samlab_base_types[] = {&sgd, &sgdm, &adam, &adamw, NULL};

const samlab_base_type *samlab_base_find(const char *name)
{
  for (size_t i = 0; samlab_base_types[i]; i++)
    if (strcmp(samlab_base_types[i]->name, name) == 0)
      return samlab_base_types[i];
  return NULL;
}
