/* WSAM (Yue et al. 2023), with c = gamma/(1 - gamma):
 *   wsam (decoupled, Algorithm 2): the base optimizer steps with g alone, then the sharpness term is taken
 *     as a plain gradient step at the current lr: w -= lr c (g_s - g) (no momentum, Adam scaling or decay);
 *   coupled-wsam (Algorithm 4): the base optimizer steps with c g_s + (1 - c) g, where 1 - c = (1-2gamma)/(1-gamma).
 * Both agree on plain sgd; coupled-wsam at gamma 0.5 is sam. */
#include "../rule_impl.h"

static const samlab_hparam_desc wsam_params[] = {
    SAMLAB_HPARAM("gamma", SAMLAB_HP_DOUBLE, gamma, 0.9, SAMLAB_RANGE_CLOSED_OPEN(0, 1),
                  "WSAM's gamma: weight of the sharpness term, c = gamma/(1-gamma)"),
    {0}};

static int wsam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  double c = r->hp.gamma / (1 - r->hp.gamma);
  samlab_ascent_dir(r, p, w, r->g, info);
  samlab_base_apply(r, w, r->g);
  for (size_t i = 0; i < n; i++)
    w[i] -= r->hp.lr * c * (r->gs[i] - r->g[i]);
  return 0;
}

static int coupled_wsam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  double c = r->hp.gamma / (1 - r->hp.gamma), c0 = (1 - 2 * r->hp.gamma) / (1 - r->hp.gamma);
  samlab_ascent_dir(r, p, w, r->g, info);
  for (size_t i = 0; i < n; i++)
    r->work[i] = c * r->gs[i] + c0 * r->g[i];
  samlab_base_apply(r, w, r->work);
  return 0;
}

const samlab_rule_type samlab_rule_wsam = {
    .name = "wsam", .paper = "WSAM (Yue et al. 2023)",
    .formula = "decoupled: base step with g, then w -= lr gamma/(1-gamma) (g_s - g)", .params = wsam_params,
    .step = wsam_step};
const samlab_rule_type samlab_rule_coupled_wsam = {
    .name = "coupled-wsam", .paper = "WSAM (Yue et al. 2023)",
    .formula = "coupled: base step with gamma/(1-gamma) g_s + (1-2gamma)/(1-gamma) g", .params = wsam_params,
    .step = coupled_wsam_step};
