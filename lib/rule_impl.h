/* For rule implementations only (lib/rules/): the shared pieces of a SAM step. */
#ifndef SAMLAB_RULE_IMPL_H
#define SAMLAB_RULE_IMPL_H
#include <math.h>
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/rule.h"

/* The rule state behind the opaque samlab_rule of samlab/rule.h. */
struct samlab_rule {
  const samlab_rule_type *type;
  const samlab_base_type *base;
  samlab_hparams hp;  /* filled in; the caller may change hp.lr between steps (schedules) */
  size_t dim;
  long t;             /* rule steps taken */
  long base_t;        /* base-optimizer steps taken */
  void *state;        /* rule state, type->state_size(dim) bytes */
  double *base_state; /* base->state_vectors * dim */
  double *g;          /* gradient at w (set before type->step) */
  double *gs;         /* gradient at w + eps */
  double *eps;        /* the perturbation */
  double *wtmp;       /* w + eps */
  double *work;       /* scratch for rules, dim doubles */
  gsl_rng *rng;       /* seeded with hp.seed */
  /* samlab_rule_set_flags: SAMLAB_RULE_KEEP_EPS, SAMLAB_RULE_GEOMETRY, SAMLAB_RULE_FUSE_F32 (samlab/rule.h).
   * What only callers read; both 1 after samlab_rule_alloc.  A caller that never reads them sets them to 0
   * and saves a pass over the weights in each SAM step (the trainer sets keep_eps = 0, and geometry = 0
   * unless --trace-geometry):
   * keep_eps: r->eps holds the perturbation after an ascent along a direction (samlab_ascent_dir);
   * geometry: info->gs_norm and info->cos_g_gs are computed (else NAN; StableSAM still uses ||g_s||). */
  int keep_eps, geometry;
  /* 0 after samlab_rule_alloc.  A caller that changes w only through samlab_rule_step between steps may set it
   * to 1: on a problem with value_grad_f32 (a network), a base step whose gradient nothing else reads (the
   * sgd rule's, and sam's and its kin's on g_s) then takes the float32 gradient as it is and writes the
   * float32 weights of the next evaluation in the same pass (step_f32), and sam's ascent reads g in float32.
   * The results are the same bits; in those steps r->gs, and r->g for sgd and sam, are not written. */
  int fuse_f32;
  int eps_zero;       /* the last ascent's perturbation was exactly zero */
  double lr0;         /* hp.lr at allocation: the lr rho schedule's reference */
  double step_rho;    /* the rho of the last step (its schedule's) */
};

/* r->eps holds the perturbation: g_s = grad(w + eps) into r->gs (renormalised to ||g|| if hp.stable),
 * with gs_norm, cos_g_gs and sam_used recorded in info. */
void samlab_ascent_eps(samlab_rule *r, const samlab_problem *p, const double *w, samlab_step_info *info);
/* eps = rho d/(||d|| + EPS), or rho d with --ascent raw; then samlab_ascent_eps. */
void samlab_ascent_dir(samlab_rule *r, const samlab_problem *p, const double *w, const double *d,
                       samlab_step_info *info);
/* samlab_ascent_dir, then a base step with g_s: what sam and its kin do.  Fused (SAMLAB_RULE_FUSE_F32) when
 * nothing else reads g_s, and then r->gs is not written. */
void samlab_ascent_step(samlab_rule *r, const samlab_problem *p, double *w, const double *d, samlab_step_info *info);
/* One step of the base optimizer from w with the given gradient. */
void samlab_base_apply(samlab_rule *r, double *w, const double *grad);

/* A rule state of a fixed struct followed by dim doubles per vector. */
#define SAMLAB_STATE_SIZE(fn, type, vectors)                                                                       \
  static size_t fn(size_t dim) { return sizeof(type) + (vectors) * dim * sizeof(double); }
#endif
/* Rule state must hold no pointers (it is saved and restored by memcpy for checkpoints): use a struct
 * whose last member is a flexible array `double v[]` and index into it. */
