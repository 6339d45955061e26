/* ASAM (Kwon et al. 2021): the ascent in the adaptive geometry T = diag(|w| + eta).
 * eps = rho T^2 g/(||T g|| + EPS); --ascent raw drops the division (eps = rho T^2 g, the same
 * "eps times the dual norm of g" as raw SAM's rho g). */
#include "../rule_impl.h"

static const samlab_hparam_desc asam_params[] = {
    SAMLAB_HPARAM("eta", SAMLAB_HP_DOUBLE, eta, 0.01, SAMLAB_RANGE_GE(0), "ASAM's eta: the offset in T = |w| + eta"),
    {0}};

static int asam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  double tg2 = 0; /* ||T g||^2 */
  for (size_t i = 0; i < n; i++) {
    double t = fabs(w[i]) + r->hp.eta;
    r->eps[i] = t * t * r->g[i];
    tg2 += (t * r->g[i]) * (t * r->g[i]);
  }
  double s = r->hp.ascent_raw ? r->hp.rho : r->hp.rho / (sqrt(tg2) + SAMLAB_EPS);
  samlab_scale(n, s, r->eps);
  samlab_ascent_eps(r, p, w, info);
  samlab_base_apply(r, w, r->gs);
  return 0;
}

const samlab_rule_type samlab_rule_asam = {
    .name = "asam", .paper = "ASAM (Kwon et al. 2021)",
    .formula = "T = |w| + eta; eps = rho T^2 g/||T g||; step with g_s", .params = asam_params,
    .step = asam_step};
