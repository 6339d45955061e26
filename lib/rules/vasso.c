/* VaSSO (Li & Giannakis 2023): ascend along an EMA of the gradients, d = (1 - theta) d + theta g, d0 = g. */
#include "../rule_impl.h"

typedef struct vasso_state {
  long started; /* d holds an average */
  double d[];
} vasso_state;

SAMLAB_STATE_SIZE(vasso_state_size, vasso_state, 1)

static const samlab_hparam_desc vasso_params[] = {
    SAMLAB_HPARAM("theta", SAMLAB_HP_DOUBLE, theta, 0.9, SAMLAB_RANGE_CLOSED(0, 1),
                  "VaSSO's theta: weight of the new g in d"),
    {0}};

static int vasso_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  vasso_state *s = r->state;
  double th = r->hp.theta;
  for (size_t i = 0; i < r->dim; i++)
    s->d[i] = s->started ? (1 - th) * s->d[i] + th * r->g[i] : r->g[i];
  s->started = 1;
  samlab_ascent_step(r, p, w, s->d, info);
  return 0;
}

const samlab_rule_type samlab_rule_vasso = {
    .name = "vasso", .paper = "VaSSO (Li & Giannakis 2023)", .formula = "d = (1-theta) d + theta g, d0 = g",
    .state_size = vasso_state_size, .params = vasso_params, .step = vasso_step};
