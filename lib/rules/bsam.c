/* bSAM (Moellenhoff & Khan 2023, SAM as an optimal relaxation of Bayes), as the authors' code
 * (team-approx-bayes/bayesian-sam, optim.py build_bsam_optimizer) computes a step, per coordinate with precision s:
 *   z ~ N(0, 1) (the rule's RNG, one draw per coordinate in order);  g_n = grad(w + z/sqrt(N s));
 *   eps = rho g_n/s (no normalisation: --ascent does not apply);  g_s = grad(w + eps);
 *   the base optimizer steps with g_s/s (s before its update);
 *   s <- beta2 s + (1 - beta2)(sqrt(s) |g_n| + damping + wd).
 * The authors' descent is their own momentum gm = beta1 gm + (1 - beta1)(g_s + wd w), w -= lr gm/s: samlab's
 * over sgdm (momentum beta1) differs by the factor 1 - beta1 in lr and in where wd enters (g_s/s + wd w).
 * N: bsam-ndata, or the problem's training-set size when 0 (1 on a toy). */
#include <gsl/gsl_randist.h>
#include "../rule_impl.h"

/* The state: the precision s, then the noisy gradient g_n (scratch). */
static size_t bsam_state_size(size_t dim)
{
  return 2 * dim * sizeof(double);
}

static const samlab_hparam_desc bsam_params[] = {
    SAMLAB_HPARAM("bsam-beta2", SAMLAB_HP_DOUBLE, bsam_beta2, 0.999, SAMLAB_RANGE_CLOSED_OPEN(0, 1),
                  "bSAM's beta2: the precision's average"),
    SAMLAB_HPARAM("bsam-damping", SAMLAB_HP_DOUBLE, bsam_damping, 0.1, SAMLAB_RANGE_GE(0),
                  "bSAM's damping gamma in the precision update"),
    SAMLAB_HPARAM("bsam-s-init", SAMLAB_HP_DOUBLE, bsam_s_init, 1, SAMLAB_RANGE_GT(0), "bSAM's initial precision s_0"),
    SAMLAB_HPARAM("bsam-ndata", SAMLAB_HP_LONG, bsam_ndata, 0, SAMLAB_RANGE_GE(0),
                  "bSAM's N in the noise 1/(N s) (0: the training-set size, 1 on a toy)"),
    {0}};

static int bsam_init(samlab_rule *r)
{
  double *s = r->state;
  for (size_t i = 0; i < r->dim; i++)
    s[i] = r->hp.bsam_s_init;
  return 0;
}

static int bsam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  double *s = r->state, *gn = s + n;
  double N = r->hp.bsam_ndata > 0 ? (double)r->hp.bsam_ndata
                                   : samlab_problem_examples(p) > 0 ? (double)samlab_problem_examples(p) : 1.0;
  for (size_t i = 0; i < n; i++)
    r->wtmp[i] = w[i] + gsl_ran_gaussian(r->rng, 1.0) * sqrt(1.0 / (N * s[i]));
  samlab_problem_value_grad(p, r->wtmp, gn);
  for (size_t i = 0; i < n; i++)
    r->eps[i] = r->hp.rho * gn[i] / s[i];
  samlab_ascent_eps(r, p, w, info);
  for (size_t i = 0; i < n; i++)
    r->work[i] = r->gs[i] / s[i];
  samlab_base_apply(r, w, r->work);
  double b2 = r->hp.bsam_beta2;
  for (size_t i = 0; i < n; i++)
    s[i] = b2 * s[i] + (1 - b2) * (sqrt(s[i]) * fabs(gn[i]) + r->hp.bsam_damping + r->hp.wd);
  return 0;
}

const samlab_rule_type samlab_rule_bsam = {
    .name = "bsam", .paper = "bSAM (Moellenhoff & Khan 2023)",
    .formula = "g_n = grad(w + z/sqrt(N s)); eps = rho g_n/s; step with g_s/s; "
               "s = beta2 s + (1-beta2)(sqrt(s)|g_n| + damping + wd)",
    .state_size = bsam_state_size, .params = bsam_params, .init = bsam_init, .step = bsam_step, .rho0_own_step = 1};
