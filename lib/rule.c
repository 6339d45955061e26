/* The rule object: allocation (defaults from the parameter tables), the generic step, and the shared ascent and base
 * step. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "rule_impl.h"

samlab_rule *samlab_rule_alloc(const samlab_rule_type *type, const samlab_base_type *base,
                               const samlab_hparams *hp, size_t dim, char *err, size_t errlen)
{
  samlab_rule *r = calloc(1, sizeof *r);
  if (!r) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  r->type = type;
  r->base = base;
  r->dim = dim;
  r->hp = *hp;
  samlab_hparams_fill(type, base, &r->hp);
  if (samlab_hparams_check(&r->hp, err, errlen) != 0) {
    free(r);
    return NULL;
  }
  r->state = samlab_big_calloc(1, type->state_size ? type->state_size(dim) : 1);
  r->base_state = samlab_big_calloc(base->state_vectors * dim + 1, sizeof(double));
  double *vecs = samlab_big_calloc(5 * dim + 1, sizeof(double));
  r->rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r->state || !r->base_state || !vecs || !r->rng) {
    free(vecs);
    samlab_rule_free(r);
    snprintf(err, errlen, "out of memory for dimension %zu", dim);
    return NULL;
  }
  r->keep_eps = r->geometry = 1;
  r->lr0 = r->hp.lr;
  r->g = vecs;
  r->gs = vecs + dim;
  r->eps = vecs + 2 * dim;
  r->wtmp = vecs + 3 * dim;
  r->work = vecs + 4 * dim;
  gsl_rng_set(r->rng, (unsigned long)r->hp.seed);
  if (type->init && type->init(r) != 0) {
    snprintf(err, errlen, "rule %s: initialisation failed", type->name);
    samlab_rule_free(r);
    return NULL;
  }
  return r;
}

void samlab_rule_free(samlab_rule *r)
{
  if (!r)
    return;
  free(r->state);
  free(r->base_state);
  free(r->g);
  if (r->rng)
    gsl_rng_free(r->rng);
  free(r);
}

/* Whether a base step may take the problem's float32 gradient as it is (see SAMLAB_RULE_FUSE_F32), and
 * whether an ascent's g_s may stay in float32: nothing reads it but the base step (no eps kept, no geometry,
 * no renormalisation). */
static int can_fuse(const samlab_rule *r, const samlab_problem *p)
{
  return r->fuse_f32 && p->fused && p->fused->value_grad_f32 && r->base->step_f32;
}

static int can_fuse_ascent(const samlab_rule *r, const samlab_problem *p)
{
  return !r->keep_eps && !r->geometry && !r->hp.stable && can_fuse(r, p);
}

/* The base step from the problem's float32 gradient, writing the problem's float32 weights too; g32.g32. */
static double base_apply_f32(samlab_rule *r, const samlab_problem *p, double *w, const float *g32)
{
  float *w32 = p->fused->weights_f32(p->ctx, w);
  double gg = r->base->step_f32(r->base_state, r->dim, w, g32, w32, &r->hp, r->base_t);
  r->base_t++;
  return gg;
}

/* Whether every s x_i is zero (a scan that stops at the first non-zero: almost always the first element);
 * x in double, or x32 in float32. */
static int scaled_all_zero(size_t n, double s, const double *x, const float *x32)
{
  for (size_t i = 0; i < n; i++)
    if (s * (x ? x[i] : (double)x32[i]) != 0)
      return 0;
  return 1;
}

/* The ascent's step along a direction of norm nd: rho/(nd + EPS), or rho with --ascent raw. */
static double ascent_size(const samlab_rule *r, double nd)
{
  return r->hp.ascent_raw ? r->hp.rho : r->hp.rho / (nd + SAMLAB_EPS);
}

/* The fused ascent: g_s at w + s d (d in double, or d32 in float32) kept in float32, and the base step with it.
 * 1 if it ran, 0 if the problem does not compute in float32 now. */
static int ascent_step_f32(samlab_rule *r, const samlab_problem *p, double *w, double s, const double *d,
                           const float *d32, samlab_step_info *info)
{
  const float *gs32;
  p->fused->value_grad_f32(p->ctx, w, s, d, d32, &gs32);
  if (!gs32)
    return 0;
  info->sam_used = 1;
  info->gs_norm = info->cos_g_gs = NAN;
  base_apply_f32(r, p, w, gs32);
  return 1;
}

/* A step of a plain or ascends rule, fused: g stays in float32, and the base step takes g or g_s as the
 * problem left them.  1 if it ran, 0 if the problem does not compute in float32 now. */
static int fused_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  const float *g32;
  double loss = p->fused->value_grad_f32(p->ctx, w, 0, NULL, NULL, &g32);
  if (!g32)
    return 0;
  info->loss = loss;
  if (r->type->plain) {
    info->grad_norm = sqrt(base_apply_f32(r, p, w, g32)); /* ||g||, read by nothing before the step */
    return 1;
  }
  double gg = samlab_sumsq_f32(r->dim, g32);
  info->grad_norm = sqrt(gg);
  if (!r->type->ascends(r, gg)) {
    base_apply_f32(r, p, w, g32);
    return 1;
  }
  double s = ascent_size(r, info->grad_norm);
  r->eps_zero = scaled_all_zero(r->dim, s, NULL, g32);
  return ascent_step_f32(r, p, w, s, NULL, g32, info); /* w + s g is formed before g's buffer is overwritten */
}

/* The same step from the double gradient r->g (with gg = g.g). */
static int generic_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info, double gg)
{
  if (r->type->step)
    return r->type->step(r, p, w, info);
  if (!r->type->plain && r->type->ascends(r, gg))
    samlab_ascent_step(r, p, w, r->g, info);
  else
    samlab_base_apply(r, w, r->g);
  return 0;
}

int samlab_rule_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info)
{
  samlab_step_info local;
  if (!info)
    info = &local;
  /* A rho schedule sets rho for this step only: hp.rho stays the configured value (the attribute, rho_max unset) */
  double rho_given = r->hp.rho;
  if (!r->type->plain && r->hp.rho_schedule > SAMLAB_RHO_CONSTANT)
    r->hp.rho = samlab_rho_at(&r->hp, r->t, r->lr0);
  info->gs_norm = NAN;
  info->cos_g_gs = NAN;
  info->sam_used = 0;
  int rc = 0;
  /* An ascends rule fuses only when its ascents could (else it would need g in double after all). */
  int fuse = r->type->plain ? can_fuse(r, p) : r->type->ascends && can_fuse_ascent(r, p);
  if (!(fuse && fused_step(r, p, w, info))) {
    double gg;
    info->loss = samlab_problem_value_grad_gg(p, w, r->g, &gg);
    info->grad_norm = sqrt(gg);
    rc = generic_step(r, p, w, info, gg);
  }
  r->step_rho = r->hp.rho;
  r->hp.rho = rho_given;
  r->t++;
  return rc;
}

/* What the trace records of g_s (just computed), and StableSAM's renormalisation. */
static void after_ascent(samlab_rule *r, samlab_step_info *info)
{
  size_t n = r->dim;
  info->sam_used = 1;
  info->gs_norm = info->cos_g_gs = NAN;
  if (r->geometry) {
    double g_gs, gs_gs;
    samlab_dot_pair(n, r->g, r->gs, &g_gs, &gs_gs); /* one pass for both */
    info->gs_norm = sqrt(gs_gs);
    info->cos_g_gs = g_gs / (info->grad_norm * info->gs_norm + SAMLAB_EPS);
  } else if (r->hp.stable) {
    info->gs_norm = samlab_norm(n, r->gs); /* the same sum as the pair's, so the same bits */
  }
  if (r->hp.stable)
    samlab_scale(n, info->grad_norm / (info->gs_norm + SAMLAB_EPS), r->gs);
}

void samlab_ascent_eps(samlab_rule *r, const samlab_problem *p, const double *w, samlab_step_info *info)
{
  double *restrict wtmp = r->wtmp;
  const double *restrict eps = r->eps;
#pragma omp simd
  for (size_t i = 0; i < r->dim; i++)
    wtmp[i] = w[i] + eps[i];
  r->eps_zero = scaled_all_zero(r->dim, 1, eps, NULL);
  samlab_problem_value_grad(p, wtmp, r->gs);
  after_ascent(r, info);
}

/* The ascent's step along d (its norm known from samlab_rule_step when d is g: the same sum, so the same
 * bits), noting whether the perturbation is all zero. */
static double ascent_scale(samlab_rule *r, const double *d, const samlab_step_info *info)
{
  double s = ascent_size(r, d == r->g ? info->grad_norm : samlab_norm(r->dim, d));
  r->eps_zero = scaled_all_zero(r->dim, s, d, NULL);
  return s;
}

void samlab_ascent_dir(samlab_rule *r, const samlab_problem *p, const double *w, const double *d,
                       samlab_step_info *info)
{
  size_t n = r->dim;
  double s = ascent_scale(r, d, info);
  if (r->keep_eps) {
    double *restrict eps = r->eps, *restrict wtmp = r->wtmp;
#pragma omp simd
    for (size_t i = 0; i < n; i++) { /* eps and w + eps in one pass */
      eps[i] = s * d[i];
      wtmp[i] = w[i] + eps[i];
    }
    samlab_problem_value_grad(p, wtmp, r->gs);
  } else { /* the same point, w_i + s d_i, without storing eps (nor w + eps, where the problem can) */
    samlab_problem_value_grad_shifted(p, w, s, d, r->gs, r->wtmp);
  }
  after_ascent(r, info);
}

void samlab_ascent_step(samlab_rule *r, const samlab_problem *p, double *w, const double *d, samlab_step_info *info)
{
  /* Fused when nothing reads g_s but the base step: no eps kept, no geometry, no renormalisation. */
  if (can_fuse_ascent(r, p) && ascent_step_f32(r, p, w, ascent_scale(r, d, info), d, NULL, info))
    return;
  samlab_ascent_dir(r, p, w, d, info);
  samlab_base_apply(r, w, r->gs);
}

void samlab_base_apply(samlab_rule *r, double *w, const double *grad)
{
  r->base->step(r->base_state, r->dim, w, grad, &r->hp, r->base_t);
  r->base_t++;
}

/* Checkpoint layout: t, base_t, rule state, base state, RNG state. */
size_t samlab_rule_state_bytes(const samlab_rule *r)
{
  return 2 * sizeof(long) + (r->type->state_size ? r->type->state_size(r->dim) : 1) +
         r->base->state_vectors * r->dim * sizeof(double) + gsl_rng_size(r->rng);
}

void samlab_rule_state_save(const samlab_rule *r, void *buf)
{
  char *b = buf;
  size_t rs = r->type->state_size ? r->type->state_size(r->dim) : 1;
  size_t bs = r->base->state_vectors * r->dim * sizeof(double);
  memcpy(b, &r->t, sizeof(long));
  memcpy(b + sizeof(long), &r->base_t, sizeof(long));
  b += 2 * sizeof(long);
  memcpy(b, r->state, rs);
  memcpy(b + rs, r->base_state, bs);
  memcpy(b + rs + bs, gsl_rng_state(r->rng), gsl_rng_size(r->rng));
}

void samlab_rule_state_load(samlab_rule *r, const void *buf)
{
  const char *b = buf;
  size_t rs = r->type->state_size ? r->type->state_size(r->dim) : 1;
  size_t bs = r->base->state_vectors * r->dim * sizeof(double);
  memcpy(&r->t, b, sizeof(long));
  memcpy(&r->base_t, b + sizeof(long), sizeof(long));
  b += 2 * sizeof(long);
  memcpy(r->state, b, rs);
  memcpy(r->base_state, b + rs, bs);
  memcpy(gsl_rng_state(r->rng), b + rs + bs, gsl_rng_size(r->rng));
}

void samlab_rule_set_flags(samlab_rule *r, unsigned flags)
{
  r->keep_eps = (flags & SAMLAB_RULE_KEEP_EPS) != 0;
  r->geometry = (flags & SAMLAB_RULE_GEOMETRY) != 0;
  r->fuse_f32 = (flags & SAMLAB_RULE_FUSE_F32) != 0;
}

const samlab_rule_type *samlab_rule_get_type(const samlab_rule *r) { return r->type; }
const samlab_base_type *samlab_rule_get_base(const samlab_rule *r) { return r->base; }
size_t samlab_rule_dim(const samlab_rule *r) { return r->dim; }
long samlab_rule_steps(const samlab_rule *r) { return r->t; }
const samlab_hparams *samlab_rule_hparams(const samlab_rule *r) { return &r->hp; }
void samlab_rule_set_lr(samlab_rule *r, double lr) { r->hp.lr = lr; }
void samlab_rule_set_rho(samlab_rule *r, double rho) { r->hp.rho = rho; }
double samlab_rule_step_rho(const samlab_rule *r) { return r->step_rho; }
const double *samlab_rule_gradient(const samlab_rule *r) { return r->g; }
const double *samlab_rule_perturbed_gradient(const samlab_rule *r) { return r->gs; }
const double *samlab_rule_perturbation(const samlab_rule *r) { return r->eps; }
