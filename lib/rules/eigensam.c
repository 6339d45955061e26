/* Eigen-SAM (Luo et al. 2024, explicit eigenvalue regularisation): SAM's ascent tilted toward the top Hessian
 * eigenvector v, d = g/||g|| + alpha sign(g.v) v, eps = rho d/||d||, a base step with g_s.  v is re-estimated at
 * every step t with t % eigensam-k == 0 by power-iters steps of power iteration v <- Hv/||Hv|| through the
 * problem's HVP
 * (samlab_problem_hvp), warm-started from the last estimate (the first from a Gaussian vector of the rule's RNG).
 * The power iteration finds the eigenvalue of largest magnitude.  A problem without an HVP gets no tilt (sam). */
#include <gsl/gsl_randist.h>
#include "../rule_impl.h"

typedef struct eigen_state {
  long have_v; /* v holds an estimate */
  double v[];  /* v, then scratch for Hv */
} eigen_state;

SAMLAB_STATE_SIZE(eigen_state_size, eigen_state, 2)

static const samlab_hparam_desc eigensam_params[] = {
    SAMLAB_HPARAM("eigensam-alpha", SAMLAB_HP_DOUBLE, eigensam_alpha, 0.2, SAMLAB_RANGE_GE(0),
                  "Eigen-SAM's alpha: the weight of the top eigenvector in the ascent"),
    SAMLAB_HPARAM("eigensam-k", SAMLAB_HP_LONG, eigensam_k, 100, SAMLAB_RANGE_GE(1),
                  "Eigen-SAM's period: v re-estimated when t % k == 0"),
    SAMLAB_HPARAM("power-iters", SAMLAB_HP_LONG, power_iters, 10, SAMLAB_RANGE_GE(1),
                  "power-iteration steps per estimate of v"),
    {0}};

/* 0, or -1 when the problem has no HVP. */
static int estimate_top(samlab_rule *r, const samlab_problem *p, const double *w)
{
  size_t n = r->dim;
  eigen_state *s = r->state;
  double *v = s->v, *hv = s->v + n;
  if (!s->have_v) {
    for (size_t i = 0; i < n; i++)
      v[i] = gsl_ran_gaussian(r->rng, 1.0);
    samlab_scale(n, 1 / (samlab_norm(n, v) + SAMLAB_EPS), v);
  }
  for (long it = 0; it < r->hp.power_iters; it++) {
    if (samlab_problem_hvp(p, w, v, hv) != 0)
      return -1;
    double nh = samlab_norm(n, hv);
    for (size_t i = 0; i < n; i++)
      v[i] = hv[i] / (nh + SAMLAB_EPS);
  }
  s->have_v = 1;
  return 0;
}

static int eigensam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  eigen_state *s = r->state;
  if (r->t % r->hp.eigensam_k == 0 && estimate_top(r, p, w) != 0)
    s->have_v = 0;
  double gv = s->have_v ? samlab_dot(n, r->g, s->v) : 0, sgn = gv > 0 ? 1 : gv < 0 ? -1 : 0;
  double a = r->hp.eigensam_alpha * sgn, ig = 1 / (info->grad_norm + SAMLAB_EPS);
  for (size_t i = 0; i < n; i++)
    r->work[i] = ig * r->g[i] + a * s->v[i];
  samlab_ascent_step(r, p, w, r->work, info);
  return 0;
}

const samlab_rule_type samlab_rule_eigensam = {
    .name = "eigen-sam", .paper = "Eigen-SAM (Luo et al. 2024)",
    .formula = "v: top Hessian eigenvector by power iteration every k steps; d = g/||g|| + alpha sign(g.v) v; "
               "eps = rho d/||d||; step with g_s",
    .state_size = eigen_state_size, .params = eigensam_params, .step = eigensam_step};
