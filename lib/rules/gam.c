/* GAM (Zhang et al. 2023, Gradient norm Aware Minimization), its four gradients as the authors' code
 * (xxgege/GAM, gam/gam.py) computes them:
 *   g0 = g;  g1 = grad(w + rho g0/||g0||);  e = rho' (g1 - g0)/||g1 - g0||;  g2 = grad(w + e);
 *   g3 = grad(w + e + rho g2/||g2||)  (g_s: --stable renormalises it to ||g||);
 *   pro = g0 + |beta2| g2,  u = beta1 g1 + beta3 g3,  c = pro.u/(||u|| ||pro|| + EPS),
 *   step with u - gamma (pro - c ||pro|| u/(||u|| + EPS)).
 * --ascent raw drops the normalisations of the three ascents (rho g0, rho' (g1 - g0), rho g2). */
#include "../rule_impl.h"

/* The state: g1, then g2 (scratch of the step, nothing carried between steps). */
static size_t gam_state_size(size_t dim)
{
  return 2 * dim * sizeof(double);
}

static const samlab_hparam_desc gam_params[] = {
    SAMLAB_HPARAM("gam-norm-rho", SAMLAB_HP_DOUBLE, gam_norm_rho, 0.2, SAMLAB_RANGE_GE(0),
                  "GAM's rho': the radius of the gradient-norm ascent"),
    SAMLAB_HPARAM("gam-beta1", SAMLAB_HP_DOUBLE, gam_beta1, 1, SAMLAB_RANGE_ANY, "GAM's beta1: the weight of g1"),
    SAMLAB_HPARAM("gam-beta2", SAMLAB_HP_DOUBLE, gam_beta2, 1, SAMLAB_RANGE_GE(0),
                  "GAM's |beta2|: the weight of g2 in the projection target"),
    SAMLAB_HPARAM("gam-beta3", SAMLAB_HP_DOUBLE, gam_beta3, 1, SAMLAB_RANGE_ANY, "GAM's beta3: the weight of g3"),
    SAMLAB_HPARAM("gam-gamma", SAMLAB_HP_DOUBLE, gam_gamma, 0.03, SAMLAB_RANGE_GE(0),
                  "GAM's gamma: the weight of the orthogonal correction"),
    {0}};

/* x = w + a + s d into r->wtmp (a may be NULL), its gradient into out; s = radius/(||d|| + EPS), or radius raw. */
static void grad_at(samlab_rule *r, const samlab_problem *p, const double *w, const double *a, double radius,
                    const double *d, double *out)
{
  double s = r->hp.ascent_raw ? radius : radius / (samlab_norm(r->dim, d) + SAMLAB_EPS);
  for (size_t i = 0; i < r->dim; i++)
    r->wtmp[i] = w[i] + (a ? a[i] : 0) + s * d[i];
  samlab_problem_value_grad(p, r->wtmp, out);
}

static int gam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  double *g1 = r->state, *g2 = g1 + n, *e = r->work;
  grad_at(r, p, w, NULL, r->hp.rho, r->g, g1);
  for (size_t i = 0; i < n; i++)
    e[i] = g1[i] - r->g[i];
  double s = r->hp.ascent_raw ? r->hp.gam_norm_rho : r->hp.gam_norm_rho / (samlab_norm(n, e) + SAMLAB_EPS);
  samlab_scale(n, s, e);
  grad_at(r, p, w, e, 0, e, g2); /* at w + e */
  s = r->hp.ascent_raw ? r->hp.rho : r->hp.rho / (samlab_norm(n, g2) + SAMLAB_EPS);
  for (size_t i = 0; i < n; i++)
    r->eps[i] = e[i] + s * g2[i];
  samlab_ascent_eps(r, p, w, info); /* g3 into r->gs */
  double *pro = r->work, *u = g1;
  for (size_t i = 0; i < n; i++) {
    pro[i] = r->g[i] + fabs(r->hp.gam_beta2) * g2[i];
    u[i] = r->hp.gam_beta1 * g1[i] + r->hp.gam_beta3 * r->gs[i];
  }
  double nu = samlab_norm(n, u), npro = samlab_norm(n, pro);
  double c = samlab_dot(n, pro, u) / (nu * npro + SAMLAB_EPS);
  for (size_t i = 0; i < n; i++)
    u[i] -= r->hp.gam_gamma * (pro[i] - c * npro * u[i] / (nu + SAMLAB_EPS));
  samlab_base_apply(r, w, u);
  return 0;
}

const samlab_rule_type samlab_rule_gam = {
    .name = "gam", .paper = "GAM (Zhang et al. 2023)",
    .formula = "g1 = grad(w + rho g/||g||); e = rho' (g1-g)/||g1-g||; g2 = grad(w+e); "
               "g3 = grad(w + e + rho g2/||g2||); "
               "pro = g + beta2 g2, u = beta1 g1 + beta3 g3; step with u - gamma (pro - proj_u pro)",
    .state_size = gam_state_size, .params = gam_params, .step = gam_step, .rho0_own_step = 1};
