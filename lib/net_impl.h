/* Networks as problems, internal: a network is a list of layers over per-example activations laid out
 * row-major, one row per example (conv activations as height x width x channels).  The arithmetic
 * lives in net_kernels.h, compiled once for float (net_f32.c) and once for double (net_f64.c). */
#ifndef SAMLAB_NET_IMPL_H
#define SAMLAB_NET_IMPL_H
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/train.h"

#define NET_MAX_LAYERS 16
#define NET_SLOTS 4 /* the most chunks of a pass that run at once (see net_kernels.h) */

typedef enum { NET_DENSE, NET_RELU, NET_CONV, NET_POOL } net_kind;

typedef struct net_layer {
  net_kind kind;
  size_t in, out;           /* activation sizes per example */
  size_t h, w, c;           /* conv/pool: input height, width, channels */
  size_t oh, ow, oc, k, pad; /* conv/pool: output height, width, channels; kernel; padding */
  size_t woff, boff;        /* conv/dense: offsets of W (out x fan_in) and b in the weight vector */
  size_t fan_in;            /* dense: in; conv: k k c */
  int col_t;                /* conv: col is stored transposed (fan_in x rows): the first layer with c = 1 */
} net_layer;

/* Work buffers of one precision for chunk examples (REAL* stored as void*); R-buffers only once hvp ran. */
typedef struct net_buffers {
  int ready, r_ready;
  void *p, *v, *grad;                      /* weights, direction, gradient (or Hv), dim each */
  void *act[NET_MAX_LAYERS + 1];           /* act[l] is layer l's input, act[nlayers] the logits */
  void *dact[NET_MAX_LAYERS + 1];          /* d loss / d act */
  void *ract[NET_MAX_LAYERS + 1], *rdact[NET_MAX_LAYERS + 1]; /* R-operator images of act and dact */
  void *col[NET_MAX_LAYERS], *rcol[NET_MAX_LAYERS];           /* conv: im2col of the input (and of R input) */
  void *dcol;                              /* conv: gradient wrt col, the largest conv's size */
  int32_t *argmax[NET_MAX_LAYERS];         /* pool: index into the input of each output's maximum */
  double *loss;                            /* per-example loss of the chunk */
  unsigned long inputs_serial;             /* act[0] holds batch number inputs_serial whole (0: not a batch) */
} net_buffers;

typedef struct net_ctx {
  char name[128]; /* "fcn 784-500-500-10" */
  int nlayers;
  net_layer layer[NET_MAX_LAYERS];
  size_t dim, in_size, nclasses, chunk;
  const samlab_dataset *data;
  size_t *batch; /* current batch: indices into data (nbatch <= data->n of them), unless whole */
  size_t nbatch;
  size_t batch_cap; /* room in batch: the size of the set the net was made on (samlab_net_set_data) */
  unsigned long batch_serial; /* counts set_batch calls, from 1 */
  int whole;     /* the batch is the whole set, in order */
  samlab_batching batching; /* the problem's batching capability */
  int precision;
  int serial_blas; /* run OpenBLAS on one thread in this net's passes (see net.c) */
  const double *p32_is; /* b32.p was given out (weights_f32) to hold this w for the next evaluation only */
  int slots;       /* 1 to NET_SLOTS, a power of two: chunks of a pass run in this many slots */
  net_buffers b32[NET_SLOTS], b64[NET_SLOTS];
} net_ctx;

/* Chunked passes over examples idx[0..n) of d (idx NULL: 0..n-1).  value_grad: mean loss at w + s sdir or
 * w + s sdir32 (both NULL: at w; p_ready: the buffer p already holds w in the working precision), with grad
 * the gradient into the buffer grad (sdir32 may be that buffer) and, if g is not NULL, widened into g, with
 * g.g into *gg when gg is not NULL (as samlab_dot sums it).  evaluate: summed loss and count of correct
 * predictions.  hvp: hv = H v of the mean loss. */
double net_value_grad_f32(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                          double s, const double *sdir, const float *sdir32, int p_ready, int grad, double *g,
                          double *gg);
double net_value_grad_f64(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                          double s, const double *sdir, const float *sdir32, int p_ready, int grad, double *g,
                          double *gg);
int net_evaluate_f32(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                     double *loss_sum, size_t *correct);
int net_evaluate_f64(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                     double *loss_sum, size_t *correct);
int net_hvp_f32(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                const double *v, double *hv);
int net_hvp_f64(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                const double *v, double *hv);
/* GGN (fisher 0) or empirical Fisher (fisher 1) times v, of the mean loss over idx[0..n) (net_kernels.h). */
int net_curvature_vp_f32(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                         const double *v, double *out, int fisher);
int net_curvature_vp_f64(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                         const double *v, double *out, int fisher);
int net_prepare_f32(net_ctx *c); /* allocate the work buffers: 0 or -1 */
int net_prepare_f64(net_ctx *c);
void net_buffers_free_f32(net_ctx *c);
void net_buffers_free_f64(net_ctx *c);
#endif
