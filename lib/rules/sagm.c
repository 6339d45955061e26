/* SAGM (Wang et al. 2023, Sharpness-Aware Gradient Matching): the ascent point w + (rho/||g|| - alpha) g, a step
 * with the mean of the gradients at w and at that point, (g + g_s)/2, as the authors' code combines them. */
#include "../rule_impl.h"

static const samlab_hparam_desc sagm_params[] = {
    SAMLAB_HPARAM("sagm-alpha", SAMLAB_HP_DOUBLE, sagm_alpha, 0.001, SAMLAB_RANGE_GE(0),
                  "SAGM's alpha: the ascent point w + (rho/||g|| - alpha) g"),
    {0}};

static int sagm_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  double s = (r->hp.ascent_raw ? r->hp.rho : r->hp.rho / (info->grad_norm + SAMLAB_EPS)) - r->hp.sagm_alpha;
  for (size_t i = 0; i < n; i++)
    r->eps[i] = s * r->g[i];
  samlab_ascent_eps(r, p, w, info);
  for (size_t i = 0; i < n; i++)
    r->work[i] = 0.5 * (r->g[i] + r->gs[i]);
  samlab_base_apply(r, w, r->work);
  return 0;
}

const samlab_rule_type samlab_rule_sagm = {
    .name = "sagm", .paper = "SAGM (Wang et al. 2023)",
    .formula = "eps = (rho/||g|| - alpha) g; step with (g + g_s)/2", .params = sagm_params, .step = sagm_step,
    .rho0_own_step = 1};
