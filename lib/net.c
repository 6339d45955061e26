/* Networks as samlab problems: building fcn and lenet as layer lists, PyTorch-default initialisation, the
 * current batch, and dispatch to the float32 or double arithmetic (net_kernels.h). */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "net_impl.h"
#include "samlab/parse.h"

static int add_layer(net_ctx *c, net_layer L)
{
  if (c->nlayers >= NET_MAX_LAYERS)
    return -1;
  c->layer[c->nlayers++] = L;
  return 0;
}

/* A dense layer after the current last one; weights then bias. */
static int add_dense(net_ctx *c, size_t in, size_t out)
{
  net_layer L = {.kind = NET_DENSE, .in = in, .out = out, .fan_in = in, .woff = c->dim};
  L.boff = L.woff + out * in;
  c->dim = L.boff + out;
  return add_layer(c, L);
}

static int add_relu(net_ctx *c, size_t n)
{
  return add_layer(c, (net_layer){.kind = NET_RELU, .in = n, .out = n});
}

static int add_conv(net_ctx *c, size_t h, size_t w, size_t ch, size_t oc, size_t k, size_t pad)
{
  net_layer L = {.kind = NET_CONV, .h = h, .w = w, .c = ch, .oc = oc, .k = k, .pad = pad};
  L.oh = h + 2 * pad - k + 1;
  L.ow = w + 2 * pad - k + 1;
  L.in = h * w * ch;
  L.out = L.oh * L.ow * oc;
  L.fan_in = k * k * ch;
  /* A single-channel input layer stores its im2col transposed: each of its rows is then whole runs of
   * image rows (28 floats) where the usual layout copies runs of k = 5; it needs no gradient wrt its input. */
  L.col_t = ch == 1 && c->nlayers == 0;
  L.woff = c->dim;
  L.boff = L.woff + oc * L.fan_in;
  c->dim = L.boff + oc;
  return add_layer(c, L);
}

static int add_pool(net_ctx *c, size_t h, size_t w, size_t ch)
{
  net_layer L = {.kind = NET_POOL, .h = h, .w = w, .c = ch, .oh = h / 2, .ow = w / 2, .oc = ch, .k = 2};
  L.in = h * w * ch;
  L.out = L.oh * L.ow * ch;
  return add_layer(c, L);
}

static int build_fcn(net_ctx *c, const char *hidden, char *err, size_t errlen)
{
  size_t sizes[NET_MAX_LAYERS / 2];
  int n = 0;
  const char *p = hidden ? hidden : "500,500";
  while (*p) {
    const char *end;
    char why[128];
    long v;
    if (samlab_parse_long_prefix(p, &v, &end, why, sizeof why) != 0 || (*end && *end != ',')) {
      snprintf(err, errlen, "bad value '%s' for --hidden: expected layer sizes like 500,500", hidden);
      return -1;
    }
    if (v < 1 || v > 100000) {
      snprintf(err, errlen, "bad value '%s' for --hidden: a layer of %ld units (each must have 1 to 100000)", hidden,
               v);
      return -1;
    }
    if (n >= NET_MAX_LAYERS / 2 - 1) {
      snprintf(err, errlen, "bad value '%s' for --hidden: more than %d layers", hidden, NET_MAX_LAYERS / 2 - 1);
      return -1;
    }
    sizes[n++] = (size_t)v;
    p = *end ? end + 1 : end;
  }
  size_t in = c->in_size;
  int len = snprintf(c->name, sizeof c->name, "fcn %zu", in);
  for (int i = 0; i < n; i++) {
    add_dense(c, in, sizes[i]);
    add_relu(c, sizes[i]);
    in = sizes[i];
    len += snprintf(c->name + len, sizeof c->name - (size_t)len, "-%zu", in);
  }
  add_dense(c, in, c->nclasses);
  snprintf(c->name + len, sizeof c->name - (size_t)len, "-%zu", c->nclasses);
  return 0;
}

/* LeNet-5 for one-channel h x w images: conv 6@5x5 pad 2, ReLU, pool, conv 16@5x5, ReLU, pool, 120, 84. */
static int build_lenet(net_ctx *c, const samlab_dataset *d, char *err, size_t errlen)
{
  size_t h = d->rows, w = d->cols;
  if (samlab_dataset_channels(d) != 1 || h % 2 || w % 2 || h < 12 || w < 12 || (h / 2 - 4) % 2 || (w / 2 - 4) % 2) {
    char shape[64];
    snprintf(err, errlen, "lenet needs 1-channel images of even sizes with size/2 - 4 even, like 1x28x28; %s has %s",
             d->name ? d->name : "the data", samlab_dataset_shape(d, shape, sizeof shape));
    return -1;
  }
  add_conv(c, h, w, 1, 6, 5, 2);
  add_relu(c, h * w * 6);
  add_pool(c, h, w, 6);
  size_t h2 = h / 2 - 4, w2 = w / 2 - 4;
  add_conv(c, h / 2, w / 2, 6, 16, 5, 0);
  add_relu(c, h2 * w2 * 16);
  add_pool(c, h2, w2, 16);
  size_t flat = (h2 / 2) * (w2 / 2) * 16;
  add_dense(c, flat, 120);
  add_relu(c, 120);
  add_dense(c, 120, 84);
  add_relu(c, 84);
  add_dense(c, 84, c->nclasses);
  snprintf(c->name, sizeof c->name, "lenet %zux%zu-6c5p2-pool-16c5-pool-120-84-%zu", h, w, c->nclasses);
  return 0;
}

/* Every pass over the network starts with pass_begin and ends with pass_end.  pass_begin takes back the
 * float32 weights handed over by weights_f32 (a pass may overwrite them), and runs OpenBLAS on one thread
 * where the model says so: LeNet's GEMMs (a chunk of 16 examples) are too small to share, and on two cores
 * OpenBLAS's second thread cost more than it gave (an epoch took twice as long as on one thread).  It returns
 * the thread count for pass_end to restore. */
static int pass_begin(net_ctx *c)
{
  c->p32_is = NULL;
  int n = openblas_get_num_threads();
  if (c->serial_blas && n > 1)
    openblas_set_num_threads(1);
  return n;
}

static void pass_end(const net_ctx *c, int n)
{
  if (c->serial_blas && n > 1)
    openblas_set_num_threads(n);
}

/* The loss and gradient (grad) of the current batch at w + s sdir, or w + s sdir32 (both NULL: at w), widened
 * into g if not NULL, g.g too when gg.  Every pass writes its own weights into b32.p unless they were handed
 * over for w. */
static double net_pass(net_ctx *c, const double *w, double s, const double *sdir, const float *sdir32, int grad,
                       double *g, double *gg)
{
  const size_t *idx = c->whole ? NULL : c->batch;
  int p_ready = !sdir && !sdir32 && c->p32_is == w;
  int threads = pass_begin(c);
  double loss = c->precision == 64
                    ? net_value_grad_f64(c, c->data, idx, c->nbatch, w, s, sdir, sdir32, 0, grad, g, gg)
                    : net_value_grad_f32(c, c->data, idx, c->nbatch, w, s, sdir, sdir32, p_ready, grad, g, gg);
  pass_end(c, threads);
  return loss;
}

static double net_value_grad(void *ctx, const double *w, double *g)
{
  return net_pass(ctx, w, 0, NULL, NULL, g != NULL, g, NULL);
}

static double net_value_grad_gg(void *ctx, const double *w, double *g, double *gg)
{
  return net_pass(ctx, w, 0, NULL, NULL, 1, g, gg);
}

static double net_value_grad_shifted(void *ctx, const double *w, double s, const double *d, double *g)
{
  return net_pass(ctx, w, s, d, NULL, 1, g, NULL);
}

/* The float32 gradient left in b32[0].grad (at float32 precision only). */
static double net_grad_f32(void *ctx, const double *w, double s, const double *d, const float *d32,
                           const float **g32)
{
  net_ctx *c = ctx;
  *g32 = NULL;
  if (c->precision != 32)
    return NAN;
  double loss = net_pass(c, w, s, d, d32, 1, NULL, NULL);
  *g32 = c->b32[0].grad;
  return loss;
}

static float *net_weights_f32(void *ctx, const double *w)
{
  net_ctx *c = ctx;
  c->p32_is = w;
  return c->b32[0].p;
}

static void net_hvp(void *ctx, const double *w, const double *v, double *hv)
{
  net_ctx *c = ctx;
  const size_t *idx = c->whole ? NULL : c->batch;
  int threads = pass_begin(c);
  int rc = c->precision == 64 ? net_hvp_f64(c, c->data, idx, c->nbatch, w, v, hv)
                              : net_hvp_f32(c, c->data, idx, c->nbatch, w, v, hv);
  pass_end(c, threads);
  if (rc != 0)
    for (size_t i = 0; i < c->dim; i++)
      hv[i] = NAN;
}

/* The curvature capability: GGN and empirical Fisher products on the current batch, like net_hvp. */
static void net_curvature_vp(net_ctx *c, const double *w, const double *v, double *out, int fisher)
{
  const size_t *idx = c->whole ? NULL : c->batch;
  int threads = pass_begin(c);
  int rc = c->precision == 64 ? net_curvature_vp_f64(c, c->data, idx, c->nbatch, w, v, out, fisher)
                              : net_curvature_vp_f32(c, c->data, idx, c->nbatch, w, v, out, fisher);
  pass_end(c, threads);
  if (rc != 0)
    for (size_t i = 0; i < c->dim; i++)
      out[i] = NAN;
}

static void net_ggn_vp(void *ctx, const double *w, const double *v, double *out)
{
  net_curvature_vp(ctx, w, v, out, 0);
}

static void net_fisher_vp(void *ctx, const double *w, const double *v, double *out)
{
  net_curvature_vp(ctx, w, v, out, 1);
}

/* The batch is copied into the context (the caller's array may change); idx NULL means the whole set. */
static int net_set_batch(void *ctx, const size_t *idx, size_t n)
{
  net_ctx *c = ctx;
  c->batch_serial++;
  if (!idx) {
    c->whole = 1;
    c->nbatch = c->data->n;
    return 0;
  }
  if (n == 0 || n > c->data->n)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (idx[i] >= c->data->n)
      return -1;
  memcpy(c->batch, idx, n * sizeof *idx);
  c->nbatch = n;
  c->whole = 0;
  return 0;
}

/* The per-example capability of the batching table (ESAM's data selection). */
static size_t net_batch(void *ctx, const size_t **idx)
{
  net_ctx *c = ctx;
  *idx = c->whole ? NULL : c->batch;
  return c->nbatch;
}

/* One forward pass per example: simple and exact (each loss is net_evaluate's on that example), not fast. */
static int net_example_losses(void *ctx, const double *w, double *losses)
{
  net_ctx *c = ctx;
  int threads = pass_begin(c), rc = 0;
  for (size_t i = 0; i < c->nbatch && rc == 0; i++) {
    size_t one = c->whole ? i : c->batch[i], correct;
    rc = c->precision == 64 ? net_evaluate_f64(c, c->data, &one, 1, w, &losses[i], &correct)
                            : net_evaluate_f32(c, c->data, &one, 1, w, &losses[i], &correct);
  }
  pass_end(c, threads);
  return rc;
}

static void net_free(void *ctx)
{
  net_ctx *c = ctx;
  net_buffers_free_f32(c);
  net_buffers_free_f64(c);
  free(c->batch);
  free(c);
}

samlab_problem *samlab_net_create(const char *model, const char *hidden, const samlab_dataset *train, char *err,
                                  size_t errlen)
{
  if (!train || train->n == 0) {
    snprintf(err, errlen, "a network needs a non-empty training set");
    return NULL;
  }
  net_ctx *c = calloc(1, sizeof *c);
  samlab_problem *p = calloc(1, sizeof *p);
  if (!c || !p) {
    free(c);
    free(p);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  c->data = train;
  c->in_size = samlab_dataset_example_size(train);
  c->nclasses = train->nclasses;
  c->nbatch = train->n;
  c->whole = 1;
  c->precision = 32;
  c->batch = malloc(train->n * sizeof *c->batch);
  c->batch_cap = train->n;
  int rc;
  if (strcmp(model, "fcn") == 0) {
    rc = build_fcn(c, hidden, err, errlen);
    c->chunk = 1024;
    c->slots = 1; /* its batch is one chunk; OpenBLAS threads its GEMMs */
  } else if (strcmp(model, "lenet") == 0) {
    rc = hidden ? (snprintf(err, errlen, "--hidden applies to fcn only, not lenet"), -1)
                : build_lenet(c, train, err, errlen);
    /* Small chunks keep a chunk's im2col buffers (28x28x25 floats an example for the first conv) in the
     * core's cache: 16 examples ran an epoch 25% faster than 256 here (bench/bench_train 1 0.15 lenet). */
    c->chunk = 16;
    c->serial_blas = 1;
    c->slots = NET_SLOTS; /* a batch of 128 is 8 chunks: two per slot */
  } else {
    snprintf(err, errlen, "unknown model '%s' (fcn, lenet)", model);
    rc = -1;
  }
  /* Allocate the float32 work buffers now, so that no training step allocates. */
  if (rc == 0 && !c->batch)
    rc = (snprintf(err, errlen, "out of memory"), -1);
  if (rc == 0 && net_prepare_f32(c) != 0) {
    snprintf(err, errlen, "out of memory for the %s network", model);
    rc = -1;
  }
  if (rc != 0) {
    net_free(c);
    free(p);
    return NULL;
  }
  p->name = c->name;
  p->dim = c->dim;
  p->ctx = c;
  p->value_grad = net_value_grad;
  p->hvp = net_hvp;
  p->free = net_free;
  static const samlab_fused_eval fused = {net_value_grad_gg, net_value_grad_shifted, net_grad_f32, net_weights_f32};
  p->fused = &fused;
  c->batching = (samlab_batching){net_set_batch, train->n, net_batch, net_example_losses};
  p->batching = &c->batching;
  static const samlab_curvature curvature = {net_ggn_vp, net_fisher_vp};
  p->curvature = &curvature;
  return p;
}

double samlab_net_full_value_grad(const samlab_problem *net, const double *w, double *g)
{
  net_ctx *c = net->ctx;
  size_t nbatch = c->nbatch;
  int whole = c->whole;
  net_set_batch(c, NULL, 0);
  double loss = net_value_grad(c, w, g);
  /* the mini-batch back as it was: its indices are untouched by a whole-set batch */
  c->whole = whole;
  c->nbatch = nbatch;
  return loss;
}

int samlab_net_get_filter(const samlab_problem *net, size_t k, samlab_net_filter *f)
{
  if (!samlab_net_is(net))
    return -1;
  const net_ctx *c = net->ctx;
  for (int l = 0; l < c->nlayers; l++) {
    const net_layer *L = &c->layer[l];
    if (L->kind != NET_DENSE && L->kind != NET_CONV)
      continue;
    size_t nf = L->kind == NET_CONV ? L->oc : L->out;
    if (k < nf) {
      *f = (samlab_net_filter){L->woff + k * L->fan_in, L->fan_in, L->boff + k};
      return 0;
    }
    k -= nf;
  }
  return -1;
}

int samlab_net_block(const samlab_problem *net, size_t i, char *name, size_t len, size_t *off, size_t *n)
{
  if (!samlab_net_is(net))
    return -1;
  const net_ctx *c = net->ctx;
  size_t convs = 0, denses = 0;
  for (int l = 0; l < c->nlayers; l++) {
    const net_layer *L = &c->layer[l];
    if (L->kind != NET_DENSE && L->kind != NET_CONV)
      continue;
    size_t number = L->kind == NET_CONV ? ++convs : ++denses, nb = L->kind == NET_CONV ? L->oc : L->out;
    if (i < 2) {
      if (name)
        snprintf(name, len, "%s%zu.%s", L->kind == NET_CONV ? "conv" : "dense", number, i == 0 ? "W" : "b");
      *off = i == 0 ? L->woff : L->boff;
      *n = i == 0 ? L->boff - L->woff : nb;
      return 0;
    }
    i -= 2;
  }
  return -1;
}

int samlab_net_is(const samlab_problem *p)
{
  return p && p->value_grad == net_value_grad;
}

void samlab_net_init(const samlab_problem *net, gsl_rng *rng, double *w)
{
  const net_ctx *c = net->ctx;
  for (int l = 0; l < c->nlayers; l++) {
    const net_layer *L = &c->layer[l];
    if (L->kind != NET_DENSE && L->kind != NET_CONV)
      continue;
    double bound = 1.0 / sqrt((double)L->fan_in);
    for (size_t i = L->woff; i < L->boff; i++)
      w[i] = bound * (2.0 * gsl_rng_uniform(rng) - 1.0);
    size_t nb = L->kind == NET_CONV ? L->oc : L->out;
    for (size_t i = 0; i < nb; i++)
      w[L->boff + i] = bound * (2.0 * gsl_rng_uniform(rng) - 1.0);
  }
}

int samlab_net_evaluate(const samlab_problem *net, const double *w, const samlab_dataset *d, const size_t *idx,
                        size_t n, double *loss, double *accuracy)
{
  net_ctx *c = net->ctx;
  if (samlab_dataset_example_size(d) != c->in_size || d->nclasses != c->nclasses)
    return -1;
  if (!idx)
    n = d->n;
  if (n == 0)
    return -1;
  double sum;
  size_t correct;
  int threads = pass_begin(c);
  int rc = c->precision == 64 ? net_evaluate_f64(c, d, idx, n, w, &sum, &correct)
                              : net_evaluate_f32(c, d, idx, n, w, &sum, &correct);
  pass_end(c, threads);
  if (rc != 0)
    return -1;
  if (loss)
    *loss = sum / (double)n;
  if (accuracy)
    *accuracy = (double)correct / (double)n;
  return 0;
}

/* ---- the data a network's batches index (issue 13: the trainer's augmented batches) ---- */
int samlab_net_set_data(samlab_problem *net, const samlab_dataset *d)
{
  if (!samlab_net_is(net) || !d || d->n == 0)
    return -1;
  net_ctx *c = net->ctx;
  if (samlab_dataset_example_size(d) != c->in_size || d->nclasses != c->nclasses || d->n > c->batch_cap)
    return -1;
  c->data = d;
  c->batching.examples = d->n;
  return net_set_batch(c, NULL, 0); /* a new batch: no inputs of the old data are reused */
}

void samlab_net_set_precision(samlab_problem *net, int bits)
{
  ((net_ctx *)net->ctx)->precision = bits == 64 ? 64 : 32;
}

const char *samlab_net_describe(const samlab_problem *net)
{
  return ((const net_ctx *)net->ctx)->name;
}

void samlab_set_threads(int n)
{
  if (n < 1)
    n = 1;
  openblas_set_num_threads(n);
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
}
