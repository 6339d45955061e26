/* Rules that choose per step between a SAM step and a plain step with g:
 *   periodic-sam  SAM at t % k == 0;
 *   random-sam    SAM with probability p (SS-SAM, Zhao et al. 2022), one uniform draw per step;
 *   ae-sam        SAM when ||g||^2 is large against its running mean and deviation (Jiang et al. 2023). */
#include "ae_test.h"

static void periodic_defaults(samlab_hparams *hp)
{
  SAMLAB_DEFAULT(hp->k, 2);
}

static int periodic_ascends(samlab_rule *r, double gg)
{
  return r->t % r->hp.k == 0;
}

static void random_defaults(samlab_hparams *hp)
{
  SAMLAB_DEFAULT(hp->p, 0.5);
}

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

static void ae_defaults(samlab_hparams *hp)
{
  SAMLAB_DEFAULT(hp->delta, 0.9);
  SAMLAB_DEFAULT(hp->lambda1, -1.0);
  SAMLAB_DEFAULT(hp->lambda2, 1.0);
}

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
    .formula = "SAM at t % k == 0, else base step with g", .defaults = periodic_defaults, .ascends = periodic_ascends};
const samlab_rule_type samlab_rule_random_sam = {
    .name = "random-sam", .paper = "SS-SAM (Zhao et al. 2022)",
    .formula = "SAM with probability p (seeded RNG), else g", .defaults = random_defaults, .ascends = random_ascends};
const samlab_rule_type samlab_rule_ae_sam = {
    .name = "ae-sam", .paper = "AE-SAM (Jiang et al. 2023)",
    .formula = "SAM iff ||g||^2 >= mu + c_t sd (EMAs of ||g||^2), c_t from lambda2 to lambda1",
    .state_size = ae_state_size, .defaults = ae_defaults, .init = ae_init, .ascends = ae_ascends};
