/* ESAM (Du et al. 2022, Efficient Sharpness-aware Minimization; code dydjw9/Efficient_SAM):
 *   stochastic weight perturbation: each weight tensor is perturbed with probability beta (one uniform draw of
 *     the rule's RNG per tensor, in order), eps_T = rho g_T/(beta ||g||) on the kept tensors, 0 on the others
 *     (--ascent raw: rho g_T/beta).  A network's tensors are its layers' W and b (samlab_net_block); on any
 *     other problem each coordinate is its own tensor;
 *   sharpness-sensitive data selection: the per-example loss rise l_i(w + eps) - l_i(w) over the current batch,
 *     and g_s = grad f(w + eps) on the m = max(1, floor(gamma n)) examples whose loss rose most (ties: the earlier
 *     in the batch), the batch restored afterwards.  A problem without the batching table's batch and
 *     example_losses (the toys), or gamma = 1, takes g_s on the whole batch (no selection);
 *   a base step with g_s. */
#include <stdlib.h>
#include "samlab/train.h"
#include "../rule_impl.h"

static const samlab_hparam_desc esam_params[] = {
    SAMLAB_HPARAM("esam-beta", SAMLAB_HP_DOUBLE, esam_beta, 0.6, 0, 1, SAMLAB_HP_OPEN_MIN,
                  "ESAM's beta: the probability that a weight tensor is perturbed"),
    SAMLAB_HPARAM("esam-gamma", SAMLAB_HP_DOUBLE, esam_gamma, 0.5, 0, 1, SAMLAB_HP_OPEN_MIN,
                  "ESAM's gamma: the fraction of the batch whose loss rose most, for g_s"),
    {0}};

/* eps over the tensors of p: the shared scale s = rho/||g|| (or rho), divided by beta where kept. */
static void perturb_tensors(samlab_rule *r, const samlab_problem *p, double s)
{
  size_t off, len, n = r->dim;
  int net = samlab_net_is(p);
  for (size_t k = 0;; k++) {
    if (net ? samlab_net_block(p, k, NULL, 0, &off, &len) != 0 : k >= n)
      break;
    if (!net)
      off = k, len = 1;
    int kept = gsl_rng_uniform(r->rng) < r->hp.esam_beta;
    for (size_t i = off; i < off + len; i++)
      r->eps[i] = kept ? s * r->g[i] / r->hp.esam_beta : 0;
  }
}

/* An example's loss rise and its position in the batch: sorted by rise, largest first, ties by position. */
typedef struct rise {
  double rise;
  size_t pos;
} rise;

static int by_rise(const void *a, const void *b)
{
  const rise *x = a, *y = b;
  return y->rise > x->rise ? 1 : y->rise < x->rise ? -1 : (x->pos > y->pos) - (x->pos < y->pos);
}

/* g_s on the selected sub-batch; 0, or -1 when the problem cannot select (then nothing changed). */
static int selected_gradient(samlab_rule *r, const samlab_problem *p, const double *w, samlab_step_info *info)
{
  const samlab_batching *b = p->batching;
  if (!b || !b->batch || !b->example_losses || r->hp.esam_gamma >= 1)
    return -1;
  const size_t *cur;
  size_t n = b->batch(p->ctx, &cur), m = (size_t)(r->hp.esam_gamma * (double)n);
  if (m < 1)
    m = 1;
  double *before = malloc(2 * n * sizeof *before);
  size_t *keep = malloc(2 * n * sizeof *keep), *orig = keep + n;
  rise *rises = malloc(n * sizeof *rises);
  int rc = -1;
  for (size_t i = 0; i < r->dim; i++)
    r->wtmp[i] = w[i] + r->eps[i];
  if (before && keep && rises && b->example_losses(p->ctx, w, before) == 0 &&
      b->example_losses(p->ctx, r->wtmp, before + n) == 0) {
    for (size_t i = 0; i < n; i++) {
      rises[i] = (rise){before[n + i] - before[i], i};
      orig[i] = cur ? cur[i] : i;
    }
    qsort(rises, n, sizeof *rises, by_rise);
    for (size_t i = 0; i < m; i++)
      keep[i] = orig[rises[i].pos];
    if (samlab_problem_set_batch(p, keep, m) == 0) {
      samlab_ascent_eps(r, p, w, info);
      rc = samlab_problem_set_batch(p, cur ? orig : NULL, n) == 0 ? 0 : -1;
    }
  }
  free(before);
  free(keep);
  free(rises);
  return rc;
}

static int esam_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  double s = r->hp.ascent_raw ? r->hp.rho : r->hp.rho / (info->grad_norm + SAMLAB_EPS);
  perturb_tensors(r, p, s);
  if (selected_gradient(r, p, w, info) != 0)
    samlab_ascent_eps(r, p, w, info);
  samlab_base_apply(r, w, r->gs);
  return 0;
}

const samlab_rule_type samlab_rule_esam = {
    .name = "esam", .paper = "ESAM (Du et al. 2022)",
    .formula = "each tensor kept with prob. beta: eps_T = rho g_T/(beta ||g||), else 0; g_s on the gamma fraction "
               "of the batch whose loss rose most",
    .params = esam_params, .step = esam_step};
