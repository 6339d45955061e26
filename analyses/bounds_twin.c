/* Twin runs for the uniform-stability checks (StableSAM Theorems 8 and 15, Lemmas 6, 7, 13, 14). */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bounds_twin.h"

static void track(twin_result *o, const samlab_step_info *info, int own_gamma)
{
  o->G = fmax(o->G, info->grad_norm);
  o->gmin = fmin(o->gmin, info->grad_norm);
  if (info->sam_used)
    o->G = fmax(o->G, info->gs_norm);
  if (info->sam_used && own_gamma) {
    double g = info->grad_norm / info->gs_norm;
    o->gamma0 = fmin(o->gamma0, g);
    o->gamma1 = fmax(o->gamma1, g);
  }
}

/* StableSAM's gamma_t = ||g||/||g_asc|| at w on the current example (raw ascent xi). */
static double gamma_at(const samlab_problem *p, const double *w, double xi, double *g, double *tmp)
{
  size_t d = p->dim;
  p->value_grad(p->ctx, w, g);
  double ng = samlab_norm(d, g);
  for (size_t i = 0; i < d; i++)
    tmp[i] = w[i] + xi * g[i];
  p->value_grad(p->ctx, tmp, g);
  return ng / (samlab_norm(d, g) + SAMLAB_EPS);
}

int twin_run(const twin_setup *s, twin_result *o, char *err, size_t errlen)
{
  memset(o, 0, sizeof *o);
  o->gmin = INFINITY;
  o->gamma0 = INFINITY;
  o->gamma1 = 0;
  size_t d = s->d, T1 = (size_t)s->T + 1;
  o->delta = calloc((size_t)s->R * T1, sizeof *o->delta);
  o->differ = calloc((size_t)s->R * (size_t)s->T, 1);
  double *w = calloc(4 * d, sizeof *w), *v = w + d, *g = w + 2 * d, *tmp = w + 3 * d;
  double *finals = calloc((size_t)s->R, sizeof *finals);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!o->delta || !o->differ || !w || !finals || !rng) {
    snprintf(err, errlen, "out of memory for %d twin runs of %ld steps", s->R, s->T);
    free(w), free(finals), gsl_rng_free(rng), twin_free(o);
    return -1;
  }
  int rc = 0;
  for (int pair = 0; pair < s->R && rc == 0; pair++) {
    gsl_rng_set(rng, s->seed * 1000003UL + (unsigned long)pair);
    unsigned long data_seed = s->seed * 7919UL + (unsigned long)pair;
    size_t j = gsl_rng_uniform_int(rng, s->n);
    const char *fmt = "n=%zu;d=%zu;lambda=%.17g;r=%.17g;seed=%lu";
    samlab_problem *pS = bounds_toy(s->toy, err, errlen, fmt, s->n, d, s->lambda, s->r, data_seed);
    samlab_problem *pT = bounds_toy(s->toy, err, errlen, "n=%zu;d=%zu;lambda=%.17g;r=%.17g;seed=%lu;replace=%zu",
                                    s->n, d, s->lambda, s->r, data_seed, j);
    samlab_hparams hp;
    samlab_hparams_unset(&hp);
    hp.lr = s->eta;
    hp.rho = s->rho;
    hp.ascent_raw = s->raw;
    hp.seed = (long)data_seed;
    const char *rule = s->shared_gamma ? "sam" : s->rule;
    samlab_rule *rw = pS && pT ? bounds_rule(rule, &hp, d, err, errlen) : NULL;
    samlab_rule *rv = rw ? bounds_rule(rule, &hp, d, err, errlen) : NULL;
    if (!rv) {
      rc = -1;
    } else {
      memset(w, 0, 2 * d * sizeof *w);
      double *drow = o->delta + (size_t)pair * T1;
      for (long t = 0; t < s->T; t++) {
        size_t i = gsl_rng_uniform_int(rng, s->n);
        bounds_use_example(pS, i);
        bounds_use_example(pT, i);
        if (s->shared_gamma) {
          double gam = gamma_at(pS, w, s->rho, g, tmp);
          samlab_rule_set_lr(rw, s->eta * gam);
          samlab_rule_set_lr(rv, s->eta * gam);
        }
        samlab_step_info iw, iv;
        samlab_rule_step(rw, pS, w, &iw);
        samlab_rule_step(rv, pT, v, &iv);
        track(o, &iw, !s->shared_gamma);
        track(o, &iv, !s->shared_gamma);
        if (s->shared_gamma) { /* the gamma actually applied is the w-run's, for both */
          double gam = samlab_rule_hparams(rw)->lr / s->eta;
          o->gamma0 = fmin(o->gamma0, gam);
          o->gamma1 = fmax(o->gamma1, gam);
        }
        o->differ[(size_t)pair * (size_t)s->T + (size_t)t] = i == j;
        for (size_t k = 0; k < d; k++)
          tmp[k] = w[k] - v[k];
        drow[t + 1] = samlab_norm(d, tmp);
        if (!isfinite(drow[t + 1]))
          o->diverged = 1;
      }
      finals[pair] = drow[s->T];
    }
    samlab_rule_free(rw);
    samlab_rule_free(rv);
    if (pS)
      samlab_problem_free(pS);
    if (pT)
      samlab_problem_free(pT);
  }
  if (rc == 0) {
    o->mean_delta = bounds_mean(finals, (size_t)s->R);
    double var = 0;
    for (int k = 0; k < s->R; k++)
      var += (finals[k] - o->mean_delta) * (finals[k] - o->mean_delta);
    o->se_delta = s->R > 1 ? sqrt(var / (s->R - 1) / s->R) : 0;
  } else {
    twin_free(o);
  }
  free(w);
  free(finals);
  gsl_rng_free(rng);
  return rc;
}

void twin_violations(const twin_setup *s, const twin_result *r, double q, double add, long *same, long *diff)
{
  *same = *diff = 0;
  size_t T1 = (size_t)s->T + 1;
  for (int pair = 0; pair < s->R; pair++)
    for (long t = 0; t < s->T; t++) {
      const double *dl = r->delta + (size_t)pair * T1 + t;
      int differ = r->differ[(size_t)pair * (size_t)s->T + (size_t)t];
      double bound = q * dl[0] + (differ ? add : 0.0);
      if (dl[1] > bound * (1 + 1e-9) + 1e-14)
        (*(differ ? diff : same))++;
    }
}

void twin_free(twin_result *r)
{
  free(r->delta);
  free(r->differ);
  r->delta = NULL;
  r->differ = NULL;
}
