/* The plain rules: sgd (no ascent), sam (Foret et al.) and stablesam (StableSAM's renormalisation). */
#include "rule_impl.h"

static int sgd_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  samlab_base_apply(r, w, r->g);
  return 0;
}

/* eps = rho g/(||g|| + EPS); step with g_s = grad(w + eps). */
static int sam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  samlab_ascent_step(r, p, w, r->g, info);
  return 0;
}

static void stablesam_defaults(samlab_hparams *hp)
{
  hp->stable = 1;
}

const samlab_rule_type samlab_rule_sgd = {
    .name = "sgd", .paper = "-", .formula = "base step with g", .plain = 1, .step = sgd_step};
const samlab_rule_type samlab_rule_sam = {
    .name = "sam", .paper = "Foret et al. 2021", .formula = "eps = rho g/||g||; step with g_s = grad(w + eps)",
    .ascent_on_g = 1, .step = sam_step};
const samlab_rule_type samlab_rule_stablesam = {
    .name = "stablesam", .paper = "StableSAM (Tan et al. 2024)",
    .formula = "sam, then g_s *= ||g||/||g_s||", .defaults = stablesam_defaults, .ascent_on_g = 1,
    .step = sam_step};
