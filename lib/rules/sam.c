/* The plain rules: sgd (no ascent), sam (Foret et al.) and stablesam (StableSAM's renormalisation). */
#include "../rule_impl.h"

/* eps = rho g/(||g|| + EPS); step with g_s = grad(w + eps): every step ascends. */
static int always(samlab_rule *r, double gg)
{
  return 1;
}

static const samlab_hparam_desc stablesam_params[] = {
    SAMLAB_HPARAM("stable", SAMLAB_HP_FLAG, stable, 1, SAMLAB_RANGE_CLOSED(0, 1), "on: stablesam is sam with --stable"),
    {0}};

const samlab_rule_type samlab_rule_sgd = {
    .name = "sgd", .paper = "-", .formula = "base step with g", .plain = 1,
    .sweep_step = SAMLAB_SWEEP_PLAIN};
const samlab_rule_type samlab_rule_sam = {
    .name = "sam", .paper = "Foret et al. 2021", .formula = "eps = rho g/||g||; step with g_s = grad(w + eps)",
    .ascends = always, .sweep_step = SAMLAB_SWEEP_ASCENT};
const samlab_rule_type samlab_rule_stablesam = {
    .name = "stablesam", .paper = "StableSAM (Tan et al. 2024)",
    .formula = "sam, then g_s *= ||g||/||g_s||", .params = stablesam_params,
    .ascends = always, .sweep_step = SAMLAB_SWEEP_ASCENT};
