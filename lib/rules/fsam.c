/* F-SAM (Li et al. 2024): ascend along g with its estimated full-gradient component removed,
 * m = lambda m + (1 - lambda) g (m0 = 0, updated before use), d = g - sigma m. */
#include "../rule_impl.h"

/* State: the EMA m, dim doubles. */
static size_t fsam_state_size(size_t dim)
{
  return dim * sizeof(double);
}

/* sigma is F-SAM's fixed stand-in for cos(m, g_B) in its eqs. (9)-(12) (the paper uses 1, which its Lemma 1
 * makes the orthogonal projection): 0 is sam, more than 1 would ascend against the estimated full gradient and
 * less than 0 would add it. */
static const samlab_hparam_desc fsam_params[] = {
    SAMLAB_HPARAM("lambda", SAMLAB_HP_DOUBLE, lambda, 0.9, SAMLAB_RANGE_CLOSED_OPEN(0, 1),
                  "F-SAM's lambda: EMA factor of m"),
    SAMLAB_HPARAM("sigma", SAMLAB_HP_DOUBLE, sigma, 1, SAMLAB_RANGE_CLOSED(0, 1),
                  "F-SAM's sigma: the share of m removed, d = g - sigma m"),
    {0}};

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
    .formula = "m = lambda m + (1-lambda) g (m0 = 0, updated first); d = g - sigma m", .state_size = fsam_state_size,
    .params = fsam_params, .step = fsam_step};
