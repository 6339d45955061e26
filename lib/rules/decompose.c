/* F-SAM's gradient decomposition (F-SAM Sec. 4, Figure 1): SAM whose ascent uses only the full-gradient
 * component of the mini-batch gradient, or only the noise component.  The full gradient is computed exactly on
 * the network's whole training set at every step (no EMA).  Not in the registry: samlab decompose runs them. */
#include <math.h>
#include "samlab/train.h"
#include "../rule_impl.h"

void samlab_decompose_direction(size_t n, const double *gb, const double *g, samlab_decomp mode, int literal,
                                double *d)
{
  double gg = samlab_dot(n, g, g), bg = samlab_dot(n, gb, g);
  /* P = c g: orthogonal projection c = gb.g/||g||^2; the paper's printed form c = cos(g, gb) */
  double c = literal ? bg / (sqrt(gg) * samlab_norm(n, gb) + SAMLAB_EPS) : bg / (gg + SAMLAB_EPS);
  for (size_t i = 0; i < n; i++) {
    double p = c * g[i];
    d[i] = mode == SAMLAB_DECOMP_FULL ? p : mode == SAMLAB_DECOMP_NOISE ? gb[i] - p : gb[i];
  }
}

/* Per-step diagnostics kept in the rule state (no pointers): sums of cos(gb, g) and cos^2 over the steps. */
typedef struct {
  double sum_cos, sum_cos2;
  long steps;
} decomp_state;
SAMLAB_STATE_SIZE(decomp_state_size, decomp_state, 0)

static int decomp_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_decomp mode, int literal,
                       samlab_step_info *info)
{
  if (!samlab_net_is(p))
    return -1;
  size_t n = r->dim;
  samlab_net_full_value_grad(p, w, r->work); /* the full gradient into work; the mini-batch stays */
  decomp_state *s = r->state;
  double cs = samlab_dot(n, r->g, r->work) / (samlab_norm(n, r->g) * samlab_norm(n, r->work) + SAMLAB_EPS);
  s->sum_cos += cs;
  s->sum_cos2 += cs * cs;
  s->steps++;
  /* d in gs: samlab_ascent_dir reads all of d into eps before it overwrites gs */
  samlab_decompose_direction(n, r->g, r->work, mode, literal, r->gs);
  samlab_ascent_dir(r, p, w, r->gs, info);
  samlab_base_apply(r, w, r->gs);
  return 0;
}

#define DECOMP_RULE(fn, mode, literal)                                                                             \
  static int fn(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)                       \
  {                                                                                                                \
    return decomp_step(r, p, w, mode, literal, info);                                                              \
  }
DECOMP_RULE(step_batch, SAMLAB_DECOMP_BATCH, 0)
DECOMP_RULE(step_full, SAMLAB_DECOMP_FULL, 0)
DECOMP_RULE(step_noise, SAMLAB_DECOMP_NOISE, 0)
DECOMP_RULE(step_full_literal, SAMLAB_DECOMP_FULL, 1)
DECOMP_RULE(step_noise_literal, SAMLAB_DECOMP_NOISE, 1)

static const samlab_rule_type decomp_types[] = {
    {.name = "sam-batch", .paper = "F-SAM Sec. 4", .formula = "sam (full gradient also computed, for cos)",
     .state_size = decomp_state_size, .step = step_batch},
    {.name = "sam-full", .paper = "F-SAM Sec. 4.1", .formula = "d = (gb.g/||g||^2) g, g the full gradient",
     .state_size = decomp_state_size, .step = step_full},
    {.name = "sam-noise", .paper = "F-SAM Sec. 4.2", .formula = "d = gb - (gb.g/||g||^2) g",
     .state_size = decomp_state_size, .step = step_noise},
    {.name = "sam-full-literal", .paper = "F-SAM Eq. (8) as printed", .formula = "d = cos(g, gb) g",
     .state_size = decomp_state_size, .step = step_full_literal},
    {.name = "sam-noise-literal", .paper = "F-SAM Eq. (8) as printed", .formula = "d = gb - cos(g, gb) g",
     .state_size = decomp_state_size, .step = step_noise_literal},
};

const samlab_rule_type *samlab_decompose_rule(samlab_decomp mode, int literal)
{
  if (mode == SAMLAB_DECOMP_BATCH)
    return &decomp_types[0];
  return &decomp_types[(mode == SAMLAB_DECOMP_FULL ? 1 : 2) + (literal ? 2 : 0)];
}

double samlab_decompose_mean_cos(const samlab_rule *r, long *steps)
{
  const decomp_state *s = r->state;
  if (steps)
    *steps = s->steps;
  return s->steps ? s->sum_cos / (double)s->steps : NAN;
}
