/* MSAM (Becker et al. 2024, Momentum-SAM): the gradient at w - rho v/||v||, v the momentum, with which the base
 * optimizer steps.  samlab takes for -v the last update w_t - w_{t-1}, so the rule works over every base optimizer:
 * over sgdm the last update is -lr v exactly (weight decay included), so the point is the authors'; over adam it is
 * the direction of the last Adam update.  No perturbation on the first step (no update yet, as v = 0). */
#include "../rule_impl.h"

typedef struct msam_state {
  long have_prev; /* w_prev holds the weights before the last update */
  double w_prev[];
} msam_state;

SAMLAB_STATE_SIZE(msam_state_size, msam_state, 1)

static int msam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  msam_state *s = r->state;
  for (size_t i = 0; i < n; i++)
    r->work[i] = s->have_prev ? w[i] - s->w_prev[i] : 0;
  samlab_ascent_dir(r, p, w, r->work, info);
  samlab_copy(n, w, s->w_prev);
  s->have_prev = 1;
  samlab_base_apply(r, w, r->gs);
  return 0;
}

const samlab_rule_type samlab_rule_msam = {
    .name = "msam", .paper = "MSAM (Becker et al. 2024)",
    .formula = "d = w_t - w_{t-1} (= -lr v over sgdm); eps = rho d/||d||; step with g_s (d = 0 on the first step)",
    .state_size = msam_state_size, .step = msam_step};
