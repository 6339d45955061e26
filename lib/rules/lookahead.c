/* LookSAM (Liu et al. 2022) and AE-LookSAM (Jiang et al. 2023): SAM steps keep the part of g_s orthogonal
 * to g, g_v = g_s - (g.g_s)/(||g||^2 + EPS) g; other steps reuse it as g + alpha ||g||/(||g_v|| + EPS) g_v
 * (plain g before the first SAM step).  looksam takes SAM at t % k == 0, ae-looksam on AE-SAM's test.
 * When eps is exactly zero (rho = 0, or g = 0) g_s = g and g_v is zero by definition: the EPS guard would
 * otherwise turn rounding into a reuse step of length alpha ||g||. */
#include "ae_test.h"

typedef struct look_state {
  ae_stats ae;  /* ae-looksam only */
  long have_gv; /* a SAM step has stored g_v */
  double gv[];
} look_state;

SAMLAB_STATE_SIZE(look_state_size, look_state, 1)

static void sam_keep_gv(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  size_t n = r->dim;
  look_state *s = r->state;
  samlab_ascent_dir(r, p, w, r->g, info);
  int eps_zero = r->eps_zero;
  double proj = eps_zero ? 0 : samlab_dot(n, r->g, r->gs) / (samlab_dot(n, r->g, r->g) + SAMLAB_EPS);
  for (size_t i = 0; i < n; i++)
    s->gv[i] = eps_zero ? 0 : r->gs[i] - proj * r->g[i];
  s->have_gv = 1;
  samlab_base_apply(r, w, r->gs);
}

static void reuse_gv(samlab_rule *r, double *w, const samlab_step_info *info)
{
  size_t n = r->dim;
  look_state *s = r->state;
  if (!s->have_gv) {
    samlab_base_apply(r, w, r->g);
    return;
  }
  double a = r->hp.looksam_alpha * info->grad_norm / (samlab_norm(n, s->gv) + SAMLAB_EPS);
  for (size_t i = 0; i < n; i++)
    r->work[i] = r->g[i] + a * s->gv[i];
  samlab_base_apply(r, w, r->work);
}

/* LookSAM's alpha, in both rules' tables: a fraction (AE-SAM searches 0.1-0.9). */
#define LOOKSAM_ALPHA                                                                                              \
  SAMLAB_HPARAM_RENAMED("alpha", "looksam-alpha", SAMLAB_HP_DOUBLE, looksam_alpha, 0.7, SAMLAB_RANGE_CLOSED(0, 1),  \
                        "LookSAM's alpha: weight of the reused g_v")

static const samlab_hparam_desc looksam_params[] = {
    SAMLAB_HPARAM("k", SAMLAB_HP_LONG, k, 5, SAMLAB_RANGE_GE(1), "period: a SAM step when t % k == 0"), LOOKSAM_ALPHA,
    {0}};
static const samlab_hparam_desc ae_looksam_params[] = {LOOKSAM_ALPHA, SAMLAB_AE_HPARAMS, {0}};

static int looksam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  if (r->t % r->hp.k == 0)
    sam_keep_gv(r, p, w, info);
  else
    reuse_gv(r, w, info);
  return 0;
}

static int ae_looksam_init(samlab_rule *r)
{
  samlab_ae_stats_init(&((look_state *)r->state)->ae);
  return 0;
}

static int ae_looksam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  look_state *s = r->state;
  if (samlab_ae_wants_sam(&s->ae, &r->hp, r->t, samlab_dot(r->dim, r->g, r->g)))
    sam_keep_gv(r, p, w, info);
  else
    reuse_gv(r, w, info);
  return 0;
}

const samlab_rule_type samlab_rule_looksam = {
    .name = "looksam", .paper = "LookSAM (Liu et al. 2022)",
    .formula = "SAM at t % k == 0 keeping g_v = g_s - (g.g_s)/||g||^2 g; other steps g + alpha ||g||/||g_v|| g_v "
               "(plain g before the first SAM step)",
    .state_size = look_state_size, .params = looksam_params, .step = looksam_step};
const samlab_rule_type samlab_rule_ae_looksam = {
    .name = "ae-looksam", .paper = "AE-LookSAM (Jiang et al. 2023)",
    .formula = "ae-sam's test; looksam's g_v on SAM steps and reuse on the others",
    .state_size = look_state_size, .params = ae_looksam_params, .init = ae_looksam_init,
    .step = ae_looksam_step};
