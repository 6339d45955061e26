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

static void infosam_defaults(samlab_hparams *hp)
{
  SAMLAB_DEFAULT(hp->alpha, 0.05);
  SAMLAB_DEFAULT(hp->floor, 1e-8);
}

static int infosam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  infosam_state *st = r->state;
  double a = r->hp.alpha;
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
    .state_size = infosam_state_size, .defaults = infosam_defaults, .step = infosam_step};
