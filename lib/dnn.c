/* float32 network primitives on oneDNN (see dnn.h).  Primitives are made once per shape and example count
 * (a plan keeps a few counts: a full chunk and the last, shorter one) and executed with memory objects that
 * wrap the caller's buffers.  Weights are handed over in the engine's plain layout and reordered to the
 * layout the primitive asked for (format "any"); scratchpads are the caller's (user mode), so slots may run
 * one plan at once. */
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "dnn.h"

#define PLAN_COUNTS 4 /* example counts a plan keeps primitives for */

static dnnl_engine_t engine;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER;

static void engine_make(void)
{
  if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success)
    engine = NULL;
}

static dnnl_engine_t the_engine(void)
{
  pthread_once(&engine_once, engine_make);
  return engine;
}

size_t dnn_conv_out(size_t in, size_t k, size_t stride, size_t pad)
{
  return in + 2 * pad < k ? 0 : (in + 2 * pad - k) / stride + 1;
}

/* One primitive with its descriptor, the memory descriptors of its arguments, and its scratchpad size. */
typedef struct prim {
  dnnl_primitive_desc_t pd;
  dnnl_primitive_t p;
  size_t scratch;
} prim;

static void prim_free(prim *q)
{
  if (q->p)
    dnnl_primitive_destroy(q->p);
  if (q->pd)
    dnnl_primitive_desc_destroy(q->pd);
  q->p = NULL;
  q->pd = NULL;
}

static int prim_make(prim *q, const_dnnl_op_desc_t desc, const_dnnl_primitive_desc_t hint)
{
  dnnl_primitive_attr_t attr;
  if (dnnl_primitive_attr_create(&attr) != dnnl_success)
    return -1;
  dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
  dnnl_status_t st = dnnl_primitive_desc_create(&q->pd, desc, attr, the_engine(), hint);
  dnnl_primitive_attr_destroy(attr);
  if (st != dnnl_success) {
    q->pd = NULL;
    return -1;
  }
  if (dnnl_primitive_create(&q->p, q->pd) != dnnl_success) {
    prim_free(q);
    return -1;
  }
  q->scratch = dnnl_memory_desc_get_size(dnnl_primitive_desc_query_md(q->pd, dnnl_query_scratchpad_md, 0));
  return 0;
}

static const dnnl_memory_desc_t *prim_md(const prim *q, dnnl_query_t what)
{
  return dnnl_primitive_desc_query_md(q->pd, what, 0);
}

/* Run primitive or reorder p with nargs arguments (md/pointer pairs) on this thread alone. */
typedef struct arg {
  int kind;
  const dnnl_memory_desc_t *md;
  const void *data;
} arg;

static int execute(dnnl_primitive_t p, size_t scratch, const dnnl_memory_desc_t *scratch_md, int nargs,
                   const arg *a)
{
  dnnl_exec_arg_t ex[8];
  dnnl_memory_t mem[8];
  dnnl_stream_t stream;
  void *pad = NULL;
  int n = 0, rc = -1;
  if (dnnl_stream_create(&stream, the_engine(), dnnl_stream_default_flags) != dnnl_success)
    return -1;
  for (int i = 0; i < nargs; i++, n++)
    if (dnnl_memory_create(&mem[n], a[i].md, the_engine(), (void *)a[i].data) != dnnl_success)
      goto done;
    else
      ex[n] = (dnnl_exec_arg_t){a[i].kind, mem[n]};
  if (scratch) {
    if (!(pad = malloc(scratch)) || dnnl_memory_create(&mem[n], scratch_md, the_engine(), pad) != dnnl_success)
      goto done;
    ex[n] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, mem[n]};
    n++;
  }
#ifdef _OPENMP
  int threads = omp_get_max_threads();
  omp_set_num_threads(1);
#endif
  rc = dnnl_primitive_execute(p, stream, n, ex) == dnnl_success && dnnl_stream_wait(stream) == dnnl_success ? 0 : -1;
#ifdef _OPENMP
  omp_set_num_threads(threads);
#endif
done:
  for (int i = 0; i < n; i++)
    dnnl_memory_destroy(mem[i]);
  dnnl_stream_destroy(stream);
  free(pad);
  return rc;
}

static int prim_run(const prim *q, int nargs, const arg *a)
{
  return execute(q->p, q->scratch, prim_md(q, dnnl_query_scratchpad_md), nargs, a);
}

/* A reorder between two layouts of the same tensor (none when they are equal). */
typedef struct reorder {
  int needed;
  prim r;
} reorder;

static int reorder_make(reorder *o, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to)
{
  o->needed = !dnnl_memory_desc_equal(from, to);
  if (!o->needed)
    return 0;
  dnnl_primitive_attr_t attr;
  if (dnnl_primitive_attr_create(&attr) != dnnl_success)
    return -1;
  dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
  dnnl_status_t st = dnnl_reorder_primitive_desc_create(&o->r.pd, from, the_engine(), to, the_engine(), attr);
  dnnl_primitive_attr_destroy(attr);
  if (st != dnnl_success || dnnl_primitive_create(&o->r.p, o->r.pd) != dnnl_success) {
    prim_free(&o->r);
    return -1;
  }
  o->r.scratch = dnnl_memory_desc_get_size(prim_md(&o->r, dnnl_query_scratchpad_md));
  return 0;
}

/* from -> to through o: returns the data in the "to" layout (src itself when no reorder is needed). */
static const void *reorder_run(const reorder *o, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to,
                               const void *src, void *room)
{
  if (!o->needed)
    return src;
  arg a[2] = {{DNNL_ARG_FROM, from, src}, {DNNL_ARG_TO, to, room}};
  return prim_run(&o->r, 2, a) ? NULL : room;
}

/* ---- convolution ---- */

typedef struct conv_prims {
  size_t n;
  dnnl_memory_desc_t src, dst, wuser, bias;
  prim fwd, bwd_data, bwd_w;
  reorder w_in;   /* user weights -> forward's and backward data's layout (asked to agree) */
  reorder w_in_bd;
  reorder dw_out; /* backward weights' layout -> user */
} conv_prims;

struct dnn_conv {
  dnn_conv_shape s;
  size_t oh, ow, max_n, wsize;
  conv_prims at[PLAN_COUNTS];
  int count;
};

static void conv_prims_free(conv_prims *c)
{
  prim_free(&c->fwd);
  prim_free(&c->bwd_data);
  prim_free(&c->bwd_w);
  prim_free(&c->w_in.r);
  prim_free(&c->w_in_bd.r);
  prim_free(&c->dw_out.r);
}

static int conv_prims_make(const dnn_conv *p, size_t n, conv_prims *c)
{
  const dnn_conv_shape *s = &p->s;
  memset(c, 0, sizeof *c);
  c->n = n;
  dnnl_dims_t src = {(dnnl_dim_t)n, (dnnl_dim_t)s->c, (dnnl_dim_t)s->h, (dnnl_dim_t)s->w};
  dnnl_dims_t dst = {(dnnl_dim_t)n, (dnnl_dim_t)s->oc, (dnnl_dim_t)p->oh, (dnnl_dim_t)p->ow};
  dnnl_dims_t wt = {(dnnl_dim_t)s->oc, (dnnl_dim_t)s->c, (dnnl_dim_t)s->k, (dnnl_dim_t)s->k};
  dnnl_dims_t bias = {(dnnl_dim_t)s->oc};
  dnnl_dims_t strides = {(dnnl_dim_t)s->stride, (dnnl_dim_t)s->stride};
  dnnl_dims_t pad = {(dnnl_dim_t)s->pad, (dnnl_dim_t)s->pad};
  dnnl_memory_desc_t wany, bany;
  dnnl_convolution_desc_t d;
  if (dnnl_memory_desc_init_by_tag(&c->src, 4, src, dnnl_f32, dnnl_nhwc) ||
      dnnl_memory_desc_init_by_tag(&c->dst, 4, dst, dnnl_f32, dnnl_nhwc) ||
      dnnl_memory_desc_init_by_tag(&c->wuser, 4, wt, dnnl_f32, dnnl_ohwi) ||
      dnnl_memory_desc_init_by_tag(&c->bias, 1, bias, dnnl_f32, dnnl_x) ||
      dnnl_memory_desc_init_by_tag(&wany, 4, wt, dnnl_f32, dnnl_format_tag_any) ||
      dnnl_memory_desc_init_by_tag(&bany, 1, bias, dnnl_f32, dnnl_x))
    return -1;
  if (dnnl_convolution_forward_desc_init(&d, dnnl_forward_training, dnnl_convolution_direct, &c->src, &wany,
                                         &bany, &c->dst, strides, pad, pad) ||
      prim_make(&c->fwd, &d, NULL))
    goto fail;
  if (dnnl_convolution_backward_data_desc_init(&d, dnnl_convolution_direct, &c->src, &wany, &c->dst, strides, pad,
                                               pad) ||
      prim_make(&c->bwd_data, &d, c->fwd.pd))
    goto fail;
  if (dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &c->src, &wany, &bany, &c->dst,
                                                  strides, pad, pad) ||
      prim_make(&c->bwd_w, &d, c->fwd.pd))
    goto fail;
  if (reorder_make(&c->w_in, &c->wuser, prim_md(&c->fwd, dnnl_query_weights_md)) ||
      reorder_make(&c->w_in_bd, &c->wuser, prim_md(&c->bwd_data, dnnl_query_weights_md)) ||
      reorder_make(&c->dw_out, prim_md(&c->bwd_w, dnnl_query_diff_weights_md), &c->wuser))
    goto fail;
  return 0;
fail:
  conv_prims_free(c);
  return -1;
}

/* The primitives for n examples, made on first use. */
static conv_prims *conv_at(dnn_conv *p, size_t n)
{
  conv_prims *found = NULL;
  pthread_mutex_lock(&create_lock);
  for (int i = 0; i < p->count && !found; i++)
    if (p->at[i].n == n)
      found = &p->at[i];
  if (!found && n && n <= p->max_n && p->count < PLAN_COUNTS && !conv_prims_make(p, n, &p->at[p->count]))
    found = &p->at[p->count++];
  pthread_mutex_unlock(&create_lock);
  return found;
}

dnn_conv *dnn_conv_create(const dnn_conv_shape *s, size_t max_n)
{
  if (!the_engine() || !s->k || !s->stride || !s->c || !s->oc)
    return NULL;
  dnn_conv *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->s = *s;
  p->oh = dnn_conv_out(s->h, s->k, s->stride, s->pad);
  p->ow = dnn_conv_out(s->w, s->k, s->stride, s->pad);
  p->max_n = max_n;
  p->wsize = s->oc * s->k * s->k * s->c;
  if (!p->oh || !p->ow || !conv_at(p, max_n)) {
    dnn_conv_free(p);
    return NULL;
  }
  return p;
}

void dnn_conv_free(dnn_conv *p)
{
  if (!p)
    return;
  for (int i = 0; i < p->count; i++)
    conv_prims_free(&p->at[i]);
  free(p);
}

/* Room for a reordered copy of a weights tensor (its largest layout, padded blocks included). */
static void *weights_room(const reorder *o, const prim *q, dnnl_query_t what)
{
  return o->needed ? malloc(dnnl_memory_desc_get_size(prim_md(q, what))) : NULL;
}

int dnn_conv_forward(dnn_conv *p, size_t n, const float *x, const float *W, const float *b, float *y)
{
  conv_prims *c = conv_at(p, n);
  if (!c)
    return -1;
  float *zeros = b ? NULL : calloc(p->s.oc, sizeof(float));
  const dnnl_memory_desc_t *wmd = prim_md(&c->fwd, dnnl_query_weights_md);
  void *room = weights_room(&c->w_in, &c->fwd, dnnl_query_weights_md);
  const void *w = reorder_run(&c->w_in, &c->wuser, wmd, W, room);
  int rc = -1;
  if (w && (b || zeros)) {
    arg a[4] = {{DNNL_ARG_SRC, &c->src, x}, {DNNL_ARG_WEIGHTS, wmd, w},
                {DNNL_ARG_BIAS, &c->bias, b ? b : zeros}, {DNNL_ARG_DST, &c->dst, y}};
    rc = prim_run(&c->fwd, 4, a);
  }
  free(room);
  free(zeros);
  return rc;
}

int dnn_conv_backward_data(dnn_conv *p, size_t n, const float *dy, const float *W, float *dx)
{
  conv_prims *c = conv_at(p, n);
  if (!c)
    return -1;
  const dnnl_memory_desc_t *wmd = prim_md(&c->bwd_data, dnnl_query_weights_md);
  void *room = weights_room(&c->w_in_bd, &c->bwd_data, dnnl_query_weights_md);
  const void *w = reorder_run(&c->w_in_bd, &c->wuser, wmd, W, room);
  int rc = -1;
  if (w) {
    arg a[3] = {{DNNL_ARG_DIFF_DST, &c->dst, dy}, {DNNL_ARG_WEIGHTS, wmd, w}, {DNNL_ARG_DIFF_SRC, &c->src, dx}};
    rc = prim_run(&c->bwd_data, 3, a);
  }
  free(room);
  return rc;
}

static void add_into(float *dst, const float *src, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dst[i] += src[i];
}

int dnn_conv_backward_weights(dnn_conv *p, size_t n, const float *x, const float *dy, float *dW, float *db, int acc)
{
  conv_prims *c = conv_at(p, n);
  if (!c)
    return -1;
  const dnnl_memory_desc_t *dwmd = prim_md(&c->bwd_w, dnnl_query_diff_weights_md);
  size_t oc = p->s.oc;
  /* oneDNN writes its own layout (reordered into dW, or into tmp when adding), and a bias gradient always */
  float *inner = c->dw_out.needed ? malloc(dnnl_memory_desc_get_size(dwmd)) : NULL;
  float *tmp = acc ? malloc(p->wsize * sizeof(float)) : NULL;
  float *dbias = malloc(oc * sizeof(float));
  float *wout = acc ? tmp : dW;
  int rc = -1;
  if ((inner || !c->dw_out.needed) && (tmp || !acc) && dbias) {
    arg a[4] = {{DNNL_ARG_SRC, &c->src, x}, {DNNL_ARG_DIFF_DST, &c->dst, dy},
                {DNNL_ARG_DIFF_WEIGHTS, dwmd, inner ? (void *)inner : (void *)wout}, {DNNL_ARG_DIFF_BIAS, &c->bias, dbias}};
    rc = prim_run(&c->bwd_w, 4, a);
    if (!rc && inner)
      rc = reorder_run(&c->dw_out, dwmd, &c->wuser, inner, wout) ? 0 : -1;
  }
  if (!rc) {
    if (acc)
      add_into(dW, tmp, p->wsize);
    if (db && acc)
      add_into(db, dbias, oc);
    else if (db)
      memcpy(db, dbias, oc * sizeof(float));
  }
  free(inner);
  free(tmp);
  free(dbias);
  return rc;
}

/* ---- dense layer: matrix products ---- */

typedef struct dense_prims {
  size_t n;
  dnnl_memory_desc_t x, y, w_t, w, bias, dy_t, dw;
  prim fwd, bwd_data, bwd_w, bwd_w_acc;
} dense_prims;

struct dnn_dense {
  size_t in, out, max_n;
  dense_prims at[PLAN_COUNTS];
  int count;
};

static void dense_prims_free(dense_prims *d)
{
  prim_free(&d->fwd);
  prim_free(&d->bwd_data);
  prim_free(&d->bwd_w);
  prim_free(&d->bwd_w_acc);
}

static int matmul_make(prim *q, const dnnl_memory_desc_t *a, const dnnl_memory_desc_t *b,
                       const dnnl_memory_desc_t *bias, const dnnl_memory_desc_t *c, int acc)
{
  dnnl_matmul_desc_t d;
  if (dnnl_matmul_desc_init(&d, a, b, bias, c) != dnnl_success)
    return -1;
  dnnl_primitive_attr_t attr;
  dnnl_post_ops_t ops = NULL;
  if (dnnl_primitive_attr_create(&attr) != dnnl_success)
    return -1;
  dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
  if (acc && (dnnl_post_ops_create(&ops) || dnnl_post_ops_append_sum(ops, 1.0f) ||
              dnnl_primitive_attr_set_post_ops(attr, ops))) {
    dnnl_post_ops_destroy(ops);
    dnnl_primitive_attr_destroy(attr);
    return -1;
  }
  dnnl_status_t st = dnnl_primitive_desc_create(&q->pd, &d, attr, the_engine(), NULL);
  if (ops)
    dnnl_post_ops_destroy(ops);
  dnnl_primitive_attr_destroy(attr);
  if (st != dnnl_success || dnnl_primitive_create(&q->p, q->pd) != dnnl_success) {
    prim_free(q);
    return -1;
  }
  q->scratch = dnnl_memory_desc_get_size(prim_md(q, dnnl_query_scratchpad_md));
  return 0;
}

static int dense_prims_make(const dnn_dense *p, size_t n, dense_prims *d)
{
  memset(d, 0, sizeof *d);
  d->n = n;
  dnnl_dim_t N = (dnnl_dim_t)n, I = (dnnl_dim_t)p->in, O = (dnnl_dim_t)p->out;
  /* y = x W^T + b: W [out][in] read as the in x out matrix in layout "ba" */
  if (dnnl_memory_desc_init_by_tag(&d->x, 2, (dnnl_dims_t){N, I}, dnnl_f32, dnnl_ab) ||
      dnnl_memory_desc_init_by_tag(&d->y, 2, (dnnl_dims_t){N, O}, dnnl_f32, dnnl_ab) ||
      dnnl_memory_desc_init_by_tag(&d->w_t, 2, (dnnl_dims_t){I, O}, dnnl_f32, dnnl_ba) ||
      dnnl_memory_desc_init_by_tag(&d->w, 2, (dnnl_dims_t){O, I}, dnnl_f32, dnnl_ab) ||
      dnnl_memory_desc_init_by_tag(&d->bias, 2, (dnnl_dims_t){1, O}, dnnl_f32, dnnl_ab) ||
      dnnl_memory_desc_init_by_tag(&d->dy_t, 2, (dnnl_dims_t){O, N}, dnnl_f32, dnnl_ba) ||
      dnnl_memory_desc_init_by_tag(&d->dw, 2, (dnnl_dims_t){O, I}, dnnl_f32, dnnl_ab))
    return -1;
  if (matmul_make(&d->fwd, &d->x, &d->w_t, &d->bias, &d->y, 0) ||
      matmul_make(&d->bwd_data, &d->y, &d->w, NULL, &d->x, 0) ||
      matmul_make(&d->bwd_w, &d->dy_t, &d->x, NULL, &d->dw, 0) ||
      matmul_make(&d->bwd_w_acc, &d->dy_t, &d->x, NULL, &d->dw, 1)) {
    dense_prims_free(d);
    return -1;
  }
  return 0;
}

static dense_prims *dense_at(dnn_dense *p, size_t n)
{
  dense_prims *found = NULL;
  pthread_mutex_lock(&create_lock);
  for (int i = 0; i < p->count && !found; i++)
    if (p->at[i].n == n)
      found = &p->at[i];
  if (!found && n && n <= p->max_n && p->count < PLAN_COUNTS && !dense_prims_make(p, n, &p->at[p->count]))
    found = &p->at[p->count++];
  pthread_mutex_unlock(&create_lock);
  return found;
}

dnn_dense *dnn_dense_create(size_t in, size_t out, size_t max_n)
{
  if (!the_engine() || !in || !out)
    return NULL;
  dnn_dense *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->in = in;
  p->out = out;
  p->max_n = max_n;
  if (!dense_at(p, max_n)) {
    dnn_dense_free(p);
    return NULL;
  }
  return p;
}

void dnn_dense_free(dnn_dense *p)
{
  if (!p)
    return;
  for (int i = 0; i < p->count; i++)
    dense_prims_free(&p->at[i]);
  free(p);
}

int dnn_dense_forward(dnn_dense *p, size_t n, const float *x, const float *W, const float *b, float *y)
{
  dense_prims *d = dense_at(p, n);
  float *zeros = b ? NULL : calloc(p->out, sizeof(float));
  if (!d || (!b && !zeros)) {
    free(zeros);
    return -1;
  }
  arg a[4] = {{DNNL_ARG_SRC, &d->x, x}, {DNNL_ARG_WEIGHTS, &d->w_t, W}, {DNNL_ARG_BIAS, &d->bias, b ? b : zeros},
              {DNNL_ARG_DST, &d->y, y}};
  int rc = prim_run(&d->fwd, 4, a);
  free(zeros);
  return rc;
}

int dnn_dense_backward_data(dnn_dense *p, size_t n, const float *dy, const float *W, float *dx)
{
  dense_prims *d = dense_at(p, n);
  if (!d)
    return -1;
  arg a[3] = {{DNNL_ARG_SRC, &d->y, dy}, {DNNL_ARG_WEIGHTS, &d->w, W}, {DNNL_ARG_DST, &d->x, dx}};
  return prim_run(&d->bwd_data, 3, a);
}

int dnn_dense_backward_weights(dnn_dense *p, size_t n, const float *x, const float *dy, float *dW, float *db, int acc)
{
  dense_prims *d = dense_at(p, n);
  if (!d)
    return -1;
  arg a[3] = {{DNNL_ARG_SRC, &d->dy_t, dy}, {DNNL_ARG_WEIGHTS, &d->x, x}, {DNNL_ARG_DST, &d->dw, dW}};
  int rc = prim_run(acc ? &d->bwd_w_acc : &d->bwd_w, 3, a);
  if (!rc && db)
    for (size_t o = 0; o < p->out; o++) {
      float s = acc ? db[o] : 0.0f;
      for (size_t i = 0; i < n; i++)
        s += dy[i * p->out + o];
      db[o] = s;
    }
  return rc;
}

const char *dnn_describe(void)
{
  static char text[96];
  const dnnl_version_t *v = dnnl_version();
  dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
  const char *name = isa == dnnl_cpu_isa_avx512_core_amx    ? "avx512_core_amx"
                     : isa == dnnl_cpu_isa_avx512_core_bf16 ? "avx512_core_bf16"
                     : isa == dnnl_cpu_isa_avx512_core_vnni ? "avx512_core_vnni"
                     : isa == dnnl_cpu_isa_avx512_core      ? "avx512_core"
                     : isa == dnnl_cpu_isa_avx2_vnni        ? "avx2_vnni"
                     : isa == dnnl_cpu_isa_avx2             ? "avx2"
                     : isa == dnnl_cpu_isa_avx              ? "avx"
                     : isa == dnnl_cpu_isa_sse41            ? "sse41"
                                                            : "other";
  snprintf(text, sizeof text, "oneDNN %d.%d.%d, %s", v->major, v->minor, v->patch, name);
  return text;
}
