/* GCSAM (gradient-centralised SAM): the ascent along g - mean(g), the mean over all coordinates (a toy's or a
 * network's whole weight vector), then a base step with g_s. */
#include "../rule_impl.h"

static int gcsam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  double mean = 0;
  for (size_t i = 0; i < n; i++)
    mean += r->g[i];
  mean = n ? mean / (double)n : 0;
  for (size_t i = 0; i < n; i++)
    r->work[i] = r->g[i] - mean;
  samlab_ascent_step(r, p, w, r->work, info);
  return 0;
}

const samlab_rule_type samlab_rule_gcsam = {
    .name = "gcsam", .paper = "GCSAM (gradient centralisation before SAM's ascent)",
    .formula = "d = g - mean(g); eps = rho d/||d||; step with g_s", .step = gcsam_step};
