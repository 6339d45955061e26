/* Rules that choose per step between a SAM step and a plain step with g:
 *   periodic-sam  SAM at t % k == 0;
 *   ss-sam        SAM with probability p (SS-SAM, Zhao et al. 2022), one uniform draw per step;
 *   ae-sam        SAM when ||g||^2 is large against its running mean and deviation (Jiang et al. 2023). */
#include "ae_test.h"

static const samlab_hparam_desc periodic_params[] = {
    SAMLAB_HPARAM("k", SAMLAB_HP_LONG, k, 2, SAMLAB_RANGE_GE(1), "period: a SAM step when t % k == 0"), {0}};

static int periodic_ascends(samlab_rule *r, double gg)
{
  return r->t % r->hp.k == 0;
}

static const samlab_hparam_desc random_params[] = {
    SAMLAB_HPARAM("p", SAMLAB_HP_DOUBLE, p, 0.5, SAMLAB_RANGE_CLOSED(0, 1), "probability of a SAM step"), {0}};

/* gsl_rng_uniform is in [0, 1): p = 1 always takes SAM, p = 0 never. */
static int random_ascends(samlab_rule *r, double gg)
{
  return gsl_rng_uniform(r->rng) < r->hp.p;
}

/* ---- AE-SAM */
void samlab_ae_stats_init(ae_stats *s)
{
  s->mu = 0;
  s->var = exp(-10.0);
}

/* c_t = (t/T) lambda1 + (1 - t/T) lambda2.  T = hp.total_steps; without it (T <= 0) the schedule stays at
 * lambda2, and t/T is capped at 1 past the announced end. */
int samlab_ae_wants_sam(ae_stats *s, const samlab_hparams *hp, long t, double n)
{
  double d = hp->delta;
  s->mu = d * s->mu + (1 - d) * n;
  s->var = d * s->var + (1 - d) * (n - s->mu) * (n - s->mu);
  double frac = hp->total_steps > 0 ? fmin(1.0, (double)t / (double)hp->total_steps) : 0.0;
  double c = frac * hp->lambda1 + (1 - frac) * hp->lambda2;
  return n >= s->mu + c * sqrt(s->var);
}

static const samlab_hparam_desc ae_params[] = {SAMLAB_AE_HPARAMS, {0}};

static size_t ae_state_size(size_t dim)
{
  return sizeof(ae_stats);
}

static int ae_init(samlab_rule *r)
{
  samlab_ae_stats_init(r->state);
  return 0;
}

static int ae_ascends(samlab_rule *r, double gg)
{
  return samlab_ae_wants_sam(r->state, &r->hp, r->t, gg);
}

const samlab_rule_type samlab_rule_periodic_sam = {
    .name = "periodic-sam", .paper = "LookSAM's schedule, no reuse",
    .formula = "SAM at t % k == 0, else base step with g", .params = periodic_params, .ascends = periodic_ascends};
const samlab_rule_type samlab_rule_ss_sam = {
    .name = "ss-sam", .paper = "SS-SAM (Zhao et al. 2022)",
    .formula = "SAM iff u < p, u uniform in [0,1) from the seeded mt19937 (one draw per step), else g",
    .params = random_params, .ascends = random_ascends};
const samlab_rule_type samlab_rule_ae_sam = {
    .name = "ae-sam", .paper = "AE-SAM (Jiang et al. 2023)",
    .formula = "n = ||g||^2; mu = delta mu + (1-delta) n; var = delta var + (1-delta)(n-mu)^2 (mu0 = 0, var0 = e^-10, "
               "updated before the test); c_t = (t/T) lambda1 + (1-t/T) lambda2; SAM iff n >= mu + c_t sqrt(var), "
               "else g",
    .state_size = ae_state_size, .params = ae_params, .init = ae_init, .ascends = ae_ascends};
