/* The one list of hyperparameters: option names, HDF5 attribute names, parsing and range checks. */
#include <stdio.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "samlab/rule.h"
#include "samlab/parse.h"

#define HP(name, kind, field, help) {name, kind, offsetof(samlab_hparams, field), help}
const samlab_hparam_desc samlab_hparam_table[] = {
    HP("lr", SAMLAB_HP_DOUBLE, lr, "learning rate (> 0)"),
    HP("momentum", SAMLAB_HP_DOUBLE, momentum, "SGD momentum mu for sgdm (default 0.9)"),
    HP("wd", SAMLAB_HP_DOUBLE, wd, "weight decay (default 0)"),
    HP("beta1", SAMLAB_HP_DOUBLE, beta1, "Adam beta1 (default 0.9)"),
    HP("beta2", SAMLAB_HP_DOUBLE, beta2, "Adam beta2 (default 0.999)"),
    HP("adam-eps", SAMLAB_HP_DOUBLE, adam_eps, "Adam epsilon, outside the sqrt (default 1e-8)"),
    HP("rho", SAMLAB_HP_DOUBLE, rho, "perturbation radius (>= 0, default 0.05)"),
    HP("eta", SAMLAB_HP_DOUBLE, eta, "asam: T = |w| + eta (0.01); fishersam: F = 1 + eta g^2 (1)"),
    HP("gamma", SAMLAB_HP_DOUBLE, gamma, "wsam weight in [0, 1) (default 0.9)"),
    HP("alpha", SAMLAB_HP_DOUBLE, alpha, "in [0, 1]: gsam (0.1), looksam/ae-looksam (0.7), infosam EMA (0.05)"),
    HP("p", SAMLAB_HP_DOUBLE, p, "random-sam: probability of a SAM step (default 0.5)"),
    HP("delta", SAMLAB_HP_DOUBLE, delta, "ae-sam EMA factor (default 0.9)"),
    HP("lambda1", SAMLAB_HP_DOUBLE, lambda1, "ae-sam c_t at the end of training (default -1)"),
    HP("lambda2", SAMLAB_HP_DOUBLE, lambda2, "ae-sam c_t at the start of training (default 1)"),
    HP("lambda", SAMLAB_HP_DOUBLE, lambda, "fsam EMA factor (default 0.9)"),
    HP("sigma", SAMLAB_HP_DOUBLE, sigma, "fsam: d = g - sigma m, in [0, 1] (default 1)"),
    HP("theta", SAMLAB_HP_DOUBLE, theta, "vasso EMA factor (default 0.9)"),
    HP("floor", SAMLAB_HP_DOUBLE, floor, "infosam variance floor (default 1e-8)"),
    HP("k", SAMLAB_HP_LONG, k, "looksam / periodic-sam period (>= 1)"),
    HP("n", SAMLAB_HP_LONG, n, "nsupport-sam: coordinates kept (default 1)"),
    HP("stable", SAMLAB_HP_FLAG, stable, "renormalise g_s to the norm of g (StableSAM) for any rule"),
    HP("ascent", SAMLAB_HP_ASCENT, ascent_raw, "normalized (eps = rho d/||d||, default) or raw (eps = rho d)"),
};
const size_t samlab_hparam_count = sizeof samlab_hparam_table / sizeof samlab_hparam_table[0];

void samlab_hparams_unset(samlab_hparams *hp)
{
  for (size_t i = 0; i < samlab_hparam_count; i++) {
    char *field = (char *)hp + samlab_hparam_table[i].offset;
    if (samlab_hparam_table[i].kind == SAMLAB_HP_DOUBLE)
      *(double *)field = NAN;
    else
      *(long *)field = -1;
  }
  hp->total_steps = -1;
  hp->seed = -1;
}

const samlab_hparam_desc *samlab_hparam_find(const char *name)
{
  for (size_t i = 0; i < samlab_hparam_count; i++)
    if (strcmp(samlab_hparam_table[i].name, name) == 0)
      return &samlab_hparam_table[i];
  return NULL;
}

int samlab_hparam_set(samlab_hparams *hp, const samlab_hparam_desc *d, const char *text, char *err, size_t errlen)
{
  char *field = (char *)hp + d->offset, why[128] = "expected 'normalized' or 'raw'";
  switch (d->kind) {
  case SAMLAB_HP_DOUBLE:
    if (samlab_parse_double(text, (double *)field, why, sizeof why) != 0)
      goto bad;
    return 0;
  case SAMLAB_HP_LONG:
    if (samlab_parse_long(text, (long *)field, why, sizeof why) != 0)
      goto bad;
    return 0;
  case SAMLAB_HP_FLAG:
    *(long *)field = 1;
    return 0;
  case SAMLAB_HP_ASCENT:
    if (strcmp(text, "raw") == 0)
      *(long *)field = 1;
    else if (strcmp(text, "normalized") == 0)
      *(long *)field = 0;
    else
      goto bad;
    return 0;
  }
bad:
  snprintf(err, errlen, "bad value '%s' for --%s: %s", text, d->name, why);
  return -1;
}

double samlab_hparam_get(const samlab_hparams *hp, const samlab_hparam_desc *d)
{
  const char *field = (const char *)hp + d->offset;
  if (d->kind == SAMLAB_HP_DOUBLE)
    return *(const double *)field;
  long v = *(const long *)field;
  return v < 0 ? NAN : (double)v;
}

int samlab_hparams_check(const samlab_hparams *hp, char *err, size_t errlen)
{
#define FAIL(...) return snprintf(err, errlen, __VA_ARGS__), -1
  if (!(hp->lr > 0))
    FAIL("bad value %g for --lr: must be > 0", hp->lr);
  if (!(hp->rho >= 0))
    FAIL("bad value %g for --rho: must be >= 0", hp->rho);
  if (!(hp->gamma >= 0 && hp->gamma < 1))
    FAIL("bad value %g for --gamma: must be in [0, 1)", hp->gamma);
  if (hp->k < 1)
    FAIL("bad value %ld for --k: must be >= 1", hp->k);
  if (hp->n < 1)
    FAIL("bad value %ld for --n: must be >= 1", hp->n);
  if (!(hp->p >= 0 && hp->p <= 1))
    FAIL("bad value %g for --p: must be in [0, 1]", hp->p);
  if (!(hp->wd >= 0))
    FAIL("bad value %g for --wd: must be >= 0", hp->wd);
  if (!(hp->momentum >= 0 && hp->momentum < 1))
    FAIL("bad value %g for --momentum: must be in [0, 1)", hp->momentum);
  if (!(hp->beta1 >= 0 && hp->beta1 < 1))
    FAIL("bad value %g for --beta1: must be in [0, 1)", hp->beta1);
  if (!(hp->beta2 >= 0 && hp->beta2 < 1))
    FAIL("bad value %g for --beta2: must be in [0, 1)", hp->beta2);
  if (!(hp->adam_eps > 0))
    FAIL("bad value %g for --adam-eps: must be > 0", hp->adam_eps);
  if (!(hp->delta >= 0 && hp->delta < 1))
    FAIL("bad value %g for --delta: must be in [0, 1)", hp->delta);
  if (!(hp->lambda >= 0 && hp->lambda < 1))
    FAIL("bad value %g for --lambda: must be in [0, 1)", hp->lambda);
  if (!(hp->theta >= 0 && hp->theta <= 1))
    FAIL("bad value %g for --theta: must be in [0, 1]", hp->theta);
  if (!(hp->eta >= 0))
    FAIL("bad value %g for --eta: must be >= 0", hp->eta);
  if (!(hp->floor > 0))
    FAIL("bad value %g for --floor: must be > 0", hp->floor);
  /* alpha is a fraction for every rule that reads it: gsam's weight of the orthogonal part (its papers search
   * 0.01-0.3), looksam/ae-looksam's reuse weight (0.1-0.9, default 0.7) and infosam's EMA factor (0 < alpha < 1
   * in the paper; 0 and 1 are its degenerate ends, m = g and m frozen at g_0). */
  if (!(hp->alpha >= 0 && hp->alpha <= 1))
    FAIL("bad value %g for --alpha: must be in [0, 1]", hp->alpha);
  /* sigma is F-SAM's projection constant in d = g - sigma m, the fixed stand-in for cos(m, g_B) (F-SAM eqs. 9-12;
   * the paper uses 1): 0 is sam, 1 removes the whole estimated full-gradient component, more would ascend
   * against it and less than 0 would add it. */
  if (!(hp->sigma >= 0 && hp->sigma <= 1))
    FAIL("bad value %g for --sigma: must be in [0, 1]", hp->sigma);
  return 0;
#undef FAIL
}
