/* F-SAM (Li et al. 2024): ascend along g with its estimated full-gradient component removed,
 * m = lambda m + (1 - lambda) g (m0 = 0, updated before use), d = g - sigma m. */
#include "../rule_impl.h"

/* State: the EMA m, dim doubles. */
static size_t fsam_state_size(size_t dim)
{
  return dim * sizeof(double);
}

static void fsam_defaults(samlab_hparams *hp)
{
  SAMLAB_DEFAULT(hp->lambda, 0.9);
  SAMLAB_DEFAULT(hp->sigma, 1.0);
}

static int fsam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  double *m = r->state, lam = r->hp.lambda;
  for (size_t i = 0; i < r->dim; i++) {
    m[i] = lam * m[i] + (1 - lam) * r->g[i];
    r->work[i] = r->g[i] - r->hp.sigma * m[i];
  }
  samlab_ascent_step(r, p, w, r->work, info);
  return 0;
}

const samlab_rule_type samlab_rule_fsam = {
    .name = "fsam", .paper = "F-SAM (Li et al. 2024)",
    .formula = "m = lambda m + (1-lambda) g; d = g - sigma m", .state_size = fsam_state_size, .defaults = fsam_defaults, .step = fsam_step};
