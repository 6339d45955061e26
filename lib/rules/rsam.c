/* R-SAM (random smoothing before the ascent): delta ~ N(0, sigma^2 I) from the rule's RNG (one draw per coordinate,
 * in order), g~ = grad(w + delta), eps = rho g~/||g~||, a base step with g_s = grad(w + eps). */
#include <gsl/gsl_randist.h>
#include "../rule_impl.h"

static const samlab_hparam_desc rsam_params[] = {
    SAMLAB_HPARAM("rsam-sigma", SAMLAB_HP_DOUBLE, rsam_sigma, 0.01, SAMLAB_RANGE_GE(0),
                  "R-SAM's sigma: the standard deviation of the Gaussian smoothing"),
    {0}};

static int rsam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  for (size_t i = 0; i < n; i++)
    r->wtmp[i] = w[i] + gsl_ran_gaussian(r->rng, r->hp.rsam_sigma);
  samlab_problem_value_grad(p, r->wtmp, r->work);
  samlab_ascent_step(r, p, w, r->work, info);
  return 0;
}

const samlab_rule_type samlab_rule_rsam = {
    .name = "r-sam", .paper = "R-SAM (random smoothing of the ascent)",
    .formula = "delta ~ N(0, sigma^2 I); g~ = grad(w + delta); eps = rho g~/||g~||; step with g_s",
    .params = rsam_params, .step = rsam_step};
