/* infoSAM: ascend along g scaled down where the gradient is noisy, d = g/(s + floor) elementwise, with
 * s the one-sample squared deviation from an EMA (not an EMA of squares):
 *   step 0: m = g, s = 1;  later: m = alpha m + (1 - alpha) g, s = (m - g)^2 (m updated first).
 * floor is our guard (the paper has none), recorded with every result. */
#include "../rule_impl.h"

typedef struct infosam_state {
  long started;
  double m[];
} infosam_state;

SAMLAB_STATE_SIZE(infosam_state_size, infosam_state, 1)

/* The paper states 0 < alpha < 1; 0 and 1 are allowed as its degenerate ends (m = g, m frozen at g_0). */
static const samlab_hparam_desc infosam_params[] = {
    SAMLAB_HPARAM_RENAMED("alpha", "infosam-alpha", SAMLAB_HP_DOUBLE, infosam_alpha, 0.05, SAMLAB_RANGE_CLOSED(0, 1),
                          "infoSAM's alpha: EMA factor of m"),
    SAMLAB_HPARAM("floor", SAMLAB_HP_DOUBLE, floor, 1e-8, SAMLAB_RANGE_GT(0),
                  "added to s in d = g/(s + floor), our guard (the paper has none)"),
    {0}};

static int infosam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  infosam_state *st = r->state;
  double a = r->hp.infosam_alpha;
  for (size_t i = 0; i < r->dim; i++) {
    double s = 1;
    if (st->started) {
      st->m[i] = a * st->m[i] + (1 - a) * r->g[i];
      s = (st->m[i] - r->g[i]) * (st->m[i] - r->g[i]);
    } else {
      st->m[i] = r->g[i];
    }
    r->work[i] = r->g[i] / (s + r->hp.floor);
  }
  st->started = 1;
  samlab_ascent_step(r, p, w, r->work, info);
  return 0;
}

const samlab_rule_type samlab_rule_infosam = {
    .name = "infosam", .paper = "infoSAM (Zhang, Li, Giannakis)",
    .formula = "m = alpha m + (1-alpha) g, s = (m - g)^2 (step 0: m = g, s = 1); d = g/(s + floor)",
    .state_size = infosam_state_size, .params = infosam_params, .step = infosam_step};
