/* GSAM (Zhuang et al. 2022): step with g_s minus alpha times the part of g orthogonal to g_s,
 * u = g_s/(||g_s|| + EPS), g_perp = g - (g.u) u, step with g_s - alpha g_perp.  With --stable, g_s is
 * renormalised first (u is unchanged, g_s is not). */
#include "../rule_impl.h"

static void gsam_defaults(samlab_hparams *hp)
{
  SAMLAB_DEFAULT(hp->alpha, 0.1);
}

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
    .formula = "u = g_s/||g_s||, g_perp = g - (g.u)u; step with g_s - alpha g_perp", .defaults = gsam_defaults,
    .step = gsam_step};
