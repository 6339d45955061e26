/* Ascents in other geometries (the preSAM family of "Table II", and Fisher SAM):
 *   fishersam     F = 1 + eta g^2; eps = rho (g/F)/(sqrt(g.(g/F)) + EPS)   (Kim et al. 2022)
 *   linf-sam      eps = rho sign(g), the l-inf ball's steepest ascent
 *   l1-sam        eps = rho sign(g_i) e_i, i = argmax |g_i| (lowest index on ties), the l1 ball's
 *   nsupport-sam  d = g on the n largest |g_i| (lowest index on ties), else 0; eps = rho d/(||d|| + EPS)
 * --ascent raw multiplies each normalised eps by the dual norm of g in its geometry, as raw SAM's rho g is
 * rho ||g||_2 times g/||g||_2: fishersam rho g/F, linf-sam rho ||g||_1 sign(g), l1-sam rho g_i e_i
 * (nsupport-sam, like sam, takes eps = rho d). */
#include <gsl/gsl_sort.h>
#include "../rule_impl.h"

static const samlab_hparam_desc fishersam_params[] = {
    SAMLAB_HPARAM_RENAMED("eta", "fishersam-eta", SAMLAB_HP_DOUBLE, fishersam_eta, 1, SAMLAB_RANGE_GE(0),
                          "Fisher SAM's eta: weight of g^2 in F = 1 + eta g^2"),
    {0}};

static int fishersam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  double gfg = 0; /* g.(g/F) */
  for (size_t i = 0; i < n; i++) {
    r->eps[i] = r->g[i] / (1 + r->hp.fishersam_eta * r->g[i] * r->g[i]);
    gfg += r->g[i] * r->eps[i];
  }
  samlab_scale(n, r->hp.ascent_raw ? r->hp.rho : r->hp.rho / (sqrt(gfg) + SAMLAB_EPS), r->eps);
  samlab_ascent_eps(r, p, w, info);
  samlab_base_apply(r, w, r->gs);
  return 0;
}

static double sign(double x)
{
  return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}

static int linf_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  double l1 = 0;
  for (size_t i = 0; i < n; i++)
    l1 += fabs(r->g[i]);
  double s = r->hp.ascent_raw ? r->hp.rho * l1 : r->hp.rho;
  for (size_t i = 0; i < n; i++)
    r->eps[i] = s * sign(r->g[i]);
  samlab_ascent_eps(r, p, w, info);
  samlab_base_apply(r, w, r->gs);
  return 0;
}

static int l1_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim, imax = 0;
  for (size_t i = 0; i < n; i++) {
    r->eps[i] = 0;
    if (fabs(r->g[i]) > fabs(r->g[imax]))
      imax = i;
  }
  if (n)
    r->eps[imax] = r->hp.rho * (r->hp.ascent_raw ? r->g[imax] : sign(r->g[imax]));
  samlab_ascent_eps(r, p, w, info);
  samlab_base_apply(r, w, r->gs);
  return 0;
}

static const samlab_hparam_desc nsupport_params[] = {
    SAMLAB_HPARAM("n", SAMLAB_HP_LONG, n, 1, SAMLAB_RANGE_GE(1), "coordinates of g kept in d"), {0}};

/* The n-th largest |g_i|: for small n GSL's partial selection (O(dim n)), otherwise a sorted copy
 * (O(dim log dim)); then every |g_i| above it and, in index order, as many equal to it as fill n. */
#define NSUPPORT_PARTIAL 32
static int nsupport_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim, keep = (size_t)r->hp.n < n ? (size_t)r->hp.n : n, above = 0;
  double *d = r->work;
  for (size_t i = 0; i < n; i++)
    d[i] = fabs(r->g[i]);
  double cut = 0;
  if (keep > 0 && keep <= NSUPPORT_PARTIAL) {
    double top[NSUPPORT_PARTIAL];
    gsl_sort_largest(top, keep, d, 1, n);
    cut = top[keep - 1];
  } else if (keep > 0) {
    gsl_sort(d, 1, n);
    cut = d[n - keep];
  }
  for (size_t i = 0; i < n; i++)
    above += fabs(r->g[i]) > cut;
  size_t ties = keep - above;
  for (size_t i = 0; i < n; i++) {
    double a = fabs(r->g[i]);
    int kept = a > cut || (a == cut && ties > 0);
    if (a == cut && ties > 0)
      ties--;
    d[i] = kept ? r->g[i] : 0;
  }
  samlab_ascent_step(r, p, w, d, info);
  return 0;
}

const samlab_rule_type samlab_rule_fishersam = {
    .name = "fishersam", .paper = "Fisher SAM (Kim et al. 2022)",
    .formula = "F = 1 + eta g^2; eps = rho (g/F)/sqrt(g.(g/F))", .params = fishersam_params,
    .step = fishersam_step};
const samlab_rule_type samlab_rule_linf_sam = {
    .name = "linf-sam", .paper = "preSAM (Zhang, Li, Giannakis)", .formula = "eps = rho sign(g)",
    .step = linf_step};
const samlab_rule_type samlab_rule_l1_sam = {
    .name = "l1-sam", .paper = "preSAM (Zhang, Li, Giannakis)",
    .formula = "eps = rho sign(g_i) e_i, i = argmax |g_i| (lowest index on ties)",
    .step = l1_step};
const samlab_rule_type samlab_rule_nsupport_sam = {
    .name = "nsupport-sam", .paper = "preSAM (Zhang, Li, Giannakis)",
    .formula = "d = g on the n largest |g_i| (lowest index on ties), else 0", .params = nsupport_params,
    .step = nsupport_step};
