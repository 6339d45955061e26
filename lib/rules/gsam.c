/* GSAM (Zhuang et al. 2022): step with g_s minus alpha times the part of g orthogonal to g_s,
 * u = g_s/(||g_s|| + EPS), g_perp = g - (g.u) u, step with g_s - alpha g_perp.  With --stable, g_s is
 * renormalised first (u is unchanged, g_s is not). */
#include "../rule_impl.h"

/* alpha is a fraction: GSAM and WSAM search 0.01-0.3. */
static const samlab_hparam_desc gsam_params[] = {
    SAMLAB_HPARAM("alpha", SAMLAB_HP_DOUBLE, alpha, 0.1, SAMLAB_RANGE_CLOSED(0, 1),
                  "GSAM's alpha: the weight of g_perp in the step"),
    {0}};

static int gsam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  samlab_ascent_dir(r, p, w, r->g, info);
  double ngs = samlab_norm(n, r->gs) + SAMLAB_EPS;
  double gu = samlab_dot(n, r->g, r->gs) / ngs; /* g.u */
  for (size_t i = 0; i < n; i++) {
    double gperp = r->g[i] - gu * (r->gs[i] / ngs);
    r->work[i] = r->gs[i] - r->hp.alpha * gperp;
  }
  samlab_base_apply(r, w, r->work);
  return 0;
}

const samlab_rule_type samlab_rule_gsam = {
    .name = "gsam", .paper = "GSAM (Zhuang et al. 2022)",
    .formula = "u = g_s/||g_s||, g_perp = g - (g.u)u; step with g_s - alpha g_perp", .params = gsam_params,
    .step = gsam_step};
