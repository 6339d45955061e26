/* samlab/problem.h: anything with a loss and a gradient (a toy, a quadratic, a network on a batch) is one
 * problem, so every rule and analysis runs on every problem.
 *
 * The core is liblinear's small objective interface: {dim, value_grad, hvp, ctx, free}.  What only some
 * problems can do comes as optional capability tables the problem points to (NULL when absent); callers go
 * through the samlab_problem_* functions below, which fall back when a capability is missing. */
#ifndef SAMLAB_PROBLEM_H
#define SAMLAB_PROBLEM_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Faster evaluations, for problems that compute in float32 (networks).  Each member may be NULL.
 *   value_grad_gg: value_grad that also returns g.g (the sum samlab_dot gives) in *gg, from the pass that
 *     writes g.
 *   value_grad_shifted: value_grad at w_i + s d_i (each formed in double) without storing the point.
 *   value_grad_f32 and weights_f32, both or neither:
 *     value_grad_f32: value_grad at w_i + s d_i, or w_i + s d32_i with a float32 direction (both NULL: at w),
 *       leaving the gradient in float32 in the problem's own buffer, *g32, valid until its next evaluation,
 *       and writing no double copy; d32 may be that buffer.  NAN with *g32 = NULL, evaluating nothing, when
 *       the problem does not compute in float32 now.
 *     weights_f32: the float32 weights its next evaluation reads.  The caller writes (float)w_i into it and
 *       changes w in no other way before that evaluation, which, if it is at w itself, skips converting w. */
typedef struct samlab_fused_eval {
  double (*value_grad_gg)(void *ctx, const double *w, double *g, double *gg);
  double (*value_grad_shifted)(void *ctx, const double *w, double s, const double *d, double *g);
  double (*value_grad_f32)(void *ctx, const double *w, double s, const double *d, const float *d32,
                           const float **g32);
  float *(*weights_f32)(void *ctx, const double *w);
} samlab_fused_eval;

/* Data problems (and noisy toys): evaluate on examples idx[0..n) from now on (idx NULL: the whole set); noisy
 * toys (no examples) draw fresh gradient noise for the next step instead (idx NULL: none).  0 or -1.
 * examples: the size of the training set (0 for noisy toys).
 * Optional, both or neither (NULL if absent; ESAM's data selection needs them, docs/developing.md):
 *   batch: the current batch, its size returned and its examples in *idx (the problem's own array, valid until
 *     the next set_batch; NULL for the whole set, examples 0 .. n-1);
 *   example_losses: the loss of each example of the current batch at w, in the batch's order, into losses (as
 *     many as batch returns; their mean is value_grad's loss).  0 or -1. */
typedef struct samlab_batching {
  int (*set_batch)(void *ctx, const size_t *idx, size_t n);
  size_t examples;
  size_t (*batch)(void *ctx, const size_t **idx);
  int (*example_losses)(void *ctx, const double *w, double *losses);
} samlab_batching;

/* Toys: what is known of the landscape.  Points are dim doubles each; minima are global minima,
 * local_minima those that are not global (wsam-kl's flat minimum).  hessian (may be NULL): the dense
 * Hessian, row-major dim x dim.  stochastic: the gradient carries noise drawn from the problem's own RNG (a
 * sweep makes a fresh problem per run).  sweep_kernel: a SAMLAB_KERNEL_* value naming a fast sweep kernel
 * that computes exactly this landscape (0: none). */
enum { SAMLAB_KERNEL_NONE, SAMLAB_KERNEL_QUARTIC };
typedef struct samlab_landscape {
  void (*hessian)(void *ctx, const double *w, double *H);
  size_t nminima, nsaddles, nlocal_minima;
  const double *minima, *saddles, *local_minima;
  int stochastic, sweep_kernel;
} samlab_landscape;

/* Curvature operators besides the Hessian, for problems that know their loss's output curvature (networks with
 * softmax cross-entropy).  Each may be NULL.  On the current batch's mean loss L = (1/n) sum_i l(f(w, x_i), y_i):
 *   ggn_vp: the generalised Gauss-Newton product J^T H_l J v (J = df/dw, H_l the loss's Hessian in the logits);
 *   fisher_vp: the empirical Fisher product (1/n) sum_i g_i (g_i . v), g_i = grad l_i the per-example gradients. */
typedef struct samlab_curvature {
  void (*ggn_vp)(void *ctx, const double *w, const double *v, double *out);
  void (*fisher_vp)(void *ctx, const double *w, const double *v, double *out);
} samlab_curvature;

typedef struct samlab_problem {
  const char *name;
  size_t dim;
  void *ctx;
  /* Loss at w; when g is not NULL writes the gradient there.  Data problems evaluate the current batch. */
  double (*value_grad)(void *ctx, const double *w, double *g);
  /* Optional (NULL if absent): exact Hessian-vector product hv = H(w) v. */
  void (*hvp)(void *ctx, const double *w, const double *v, double *hv);
  void (*free)(void *ctx);
  /* Optional capabilities (NULL if absent), owned by the problem: static tables, or storage freed with it. */
  const samlab_fused_eval *fused;
  const samlab_batching *batching;
  const samlab_landscape *landscape;
  const samlab_curvature *curvature;
} samlab_problem;

double samlab_problem_value_grad(const samlab_problem *p, const double *w, double *g);
/* Loss and gradient at w + s d: the problem's value_grad_shifted, or value_grad at scratch = w + s d. */
double samlab_problem_value_grad_shifted(const samlab_problem *p, const double *w, double s, const double *d,
                                         double *g, double *scratch);
/* Loss and gradient (g not NULL), with g.g in *gg: the problem's value_grad_gg, or value_grad and samlab_dot. */
double samlab_problem_value_grad_gg(const samlab_problem *p, const double *w, double *g, double *gg);
/* Hessian-vector product: the problem's exact one, or the dense Hessian times v. Returns -1 if neither. */
int samlab_problem_hvp(const samlab_problem *p, const double *w, const double *v, double *hv);
/* The batching capability: set_batch (-1 if the problem has none), examples (0 if none). */
int samlab_problem_set_batch(const samlab_problem *p, const size_t *idx, size_t n);
size_t samlab_problem_examples(const samlab_problem *p);
/* The landscape capability, or an empty one (no points, no Hessian) when the problem has none. */
const samlab_landscape *samlab_problem_landscape(const samlab_problem *p);
void samlab_problem_free(samlab_problem *p); /* calls p->free(ctx) and frees p */

#ifdef __cplusplus
}
#endif
#endif
