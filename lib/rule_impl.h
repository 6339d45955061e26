/* For rule implementations only (lib/rules/): the shared pieces of a SAM step. */
#ifndef SAMLAB_RULE_IMPL_H
#define SAMLAB_RULE_IMPL_H
#include <math.h>
#include "samlab.h"

/* Fill *field with value if it is unset (NAN / -1). */
#define SAMLAB_DEFAULT(field, value)                                                                               \
  do {                                                                                                             \
    if (_Generic((field), double: isnan((double)(field)), default: (field) < 0))                                   \
      (field) = (value);                                                                                           \
  } while (0)

/* r->eps holds the perturbation: g_s = grad(w + eps) into r->gs (renormalised to ||g|| if hp.stable),
 * with gs_norm, cos_g_gs and sam_used recorded in info. */
void samlab_ascent_eps(samlab_rule *r, const samlab_problem *p, const double *w, samlab_step_info *info);
/* eps = rho d/(||d|| + EPS), or rho d with --ascent raw; then samlab_ascent_eps. */
void samlab_ascent_dir(samlab_rule *r, const samlab_problem *p, const double *w, const double *d,
                       samlab_step_info *info);
/* samlab_ascent_dir, then a base step with g_s: what sam and its kin do.  Fused (samlab_rule.fuse_f32) when
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
