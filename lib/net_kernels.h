/* The arithmetic of a network, written once for a real type: before including, define REAL (float or
 * double), GEMM_FN (cblas_sgemm or cblas_dgemm), SFX (the suffix of the exported names) and BUF (the
 * member of net_ctx holding this precision's buffers).  Dense and conv layers share one code path: conv
 * is a dense layer applied to the im2col rows (one per output pixel, columns ky, kx, c). */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "net_impl.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define NAME(base) CAT(base, SFX)
#define GEMM(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)                                                 \
  GEMM_FN(CblasRowMajor, ta, tb, (int)(M), (int)(N), (int)(K), alpha, A, (int)(lda), B, (int)(ldb), beta, C,     \
          (int)(ldc))

static void *NAME(zalloc)(size_t n, size_t size)
{
  return samlab_big_calloc(n ? n : 1, size);
}

/* Slot s's buffers; its weights and direction are slot 0's (read only in the slots' passes). */
static int NAME(slot_alloc)(net_ctx *c, int s)
{
  net_buffers *b = &c->BUF[s];
  size_t ch = c->chunk, maxcol = 0;
  b->p = s ? c->BUF[0].p : NAME(zalloc)(c->dim, sizeof(REAL));
  b->v = s ? c->BUF[0].v : NAME(zalloc)(c->dim, sizeof(REAL));
  b->grad = NAME(zalloc)(c->dim, sizeof(REAL));
  b->loss = NAME(zalloc)(ch, sizeof(double));
  int ok = b->p && b->v && b->grad && b->loss;
  for (int l = 0; l <= c->nlayers; l++) {
    size_t sz = l < c->nlayers ? c->layer[l].in : c->nclasses;
    b->act[l] = NAME(zalloc)(ch * sz, sizeof(REAL));
    b->dact[l] = NAME(zalloc)(ch * sz, sizeof(REAL));
    ok = ok && b->act[l] && b->dact[l];
  }
  for (int l = 0; l < c->nlayers; l++) {
    const net_layer *L = &c->layer[l];
    if (L->kind == NET_CONV) {
      size_t n = ch * L->oh * L->ow * L->fan_in;
      b->col[l] = NAME(zalloc)(n, sizeof(REAL));
      ok = ok && b->col[l];
      if (n > maxcol)
        maxcol = n;
    }
    if (L->kind == NET_POOL) {
      b->argmax[l] = NAME(zalloc)(ch * L->out, sizeof(int32_t));
      ok = ok && b->argmax[l];
    }
  }
  b->dcol = NAME(zalloc)(maxcol, sizeof(REAL));
  ok = ok && b->dcol;
  b->ready = 1;
  return ok ? 0 : -1;
}

static int NAME(buffers_ready)(net_ctx *c)
{
  int rc = 0;
  for (int s = 0; s < c->slots; s++)
    if (!c->BUF[s].ready)
      rc |= NAME(slot_alloc)(c, s);
  return rc;
}

/* The R-operator's buffers, slot 0's only (Hessian-vector products run in one slot). */
static int NAME(r_buffers_ready)(net_ctx *c)
{
  net_buffers *b = &c->BUF[0];
  if (b->r_ready)
    return 0;
  size_t ch = c->chunk;
  int ok = 1;
  for (int l = 0; l <= c->nlayers; l++) {
    size_t sz = l < c->nlayers ? c->layer[l].in : c->nclasses;
    b->ract[l] = NAME(zalloc)(ch * sz, sizeof(REAL));
    b->rdact[l] = NAME(zalloc)(ch * sz, sizeof(REAL));
    ok = ok && b->ract[l] && b->rdact[l];
  }
  for (int l = 0; l < c->nlayers; l++)
    if (c->layer[l].kind == NET_CONV) {
      b->rcol[l] = NAME(zalloc)(ch * c->layer[l].oh * c->layer[l].ow * c->layer[l].fan_in, sizeof(REAL));
      ok = ok && b->rcol[l];
    }
  b->r_ready = 1;
  return ok ? 0 : -1;
}

int NAME(net_prepare)(net_ctx *c)
{
  return NAME(buffers_ready)(c);
}

void NAME(net_buffers_free)(net_ctx *c)
{
  for (int s = NET_SLOTS - 1; s >= 0; s--) {
    net_buffers *b = &c->BUF[s];
    if (s == 0) {
      free(b->p);
      free(b->v);
    }
    free(b->grad);
    free(b->loss);
    free(b->dcol);
    for (int l = 0; l <= NET_MAX_LAYERS; l++) {
      free(b->act[l]);
      free(b->dact[l]);
      free(b->ract[l]);
      free(b->rdact[l]);
    }
    for (int l = 0; l < NET_MAX_LAYERS; l++) {
      free(b->col[l]);
      free(b->rcol[l]);
      free(b->argmax[l]);
    }
    memset(b, 0, sizeof *b);
  }
}

/* act[0] = inputs of examples [start, start + m) of (d, idx).  The rows are scattered over the whole set in
 * memory, so the rows two ahead are fetched while one is copied.  A SAM step's second pass is on the same
 * batch: when the whole batch is one chunk its inputs are in act[0] already, and nothing is copied. */
static void NAME(load_inputs)(net_ctx *c, net_buffers *B, const samlab_dataset *d, const size_t *idx, size_t start, size_t m)
{
  int batch = d == c->data && idx == c->batch && start == 0 && m == c->nbatch;
  if (batch && B->inputs_serial == c->batch_serial)
    return;
  B->inputs_serial = batch ? c->batch_serial : 0;
  REAL *x = B->act[0];
  size_t in = c->in_size;
  for (size_t i = 0; i < m; i++) {
    if (i + 2 < m) {
      const char *ahead = (const char *)(d->x + (idx ? idx[start + i + 2] : start + i + 2) * in);
      for (size_t o = 0; o < in * sizeof(float); o += 64)
        __builtin_prefetch(ahead + o);
    }
    const float *src = d->x + (idx ? idx[start + i] : start + i) * in;
#pragma omp simd
    for (size_t j = 0; j < in; j++)
      x[i * in + j] = (REAL)src[j];
  }
}

/* Copy / accumulate one kernel row of n = k c values; LeNet's (30, its second conv: the first uses
 * im2col_t) gets constant-size code. */
static inline void NAME(copy_run)(REAL *restrict dst, const REAL *restrict src, long n)
{
  switch (n) {
  case 30:
    memcpy(dst, src, 30 * sizeof(REAL));
    break;
  default:
    for (long j = 0; j < n; j++)
      dst[j] = src[j];
  }
}

static inline void NAME(add_run)(REAL *restrict dst, const REAL *restrict src, long n)
{
  switch (n) {
  case 30:
    for (long j = 0; j < 30; j++)
      dst[j] += src[j];
    break;
  default:
    for (long j = 0; j < n; j++)
      dst[j] += src[j];
  }
}

/* col (rows: example, oy, ox; columns: ky, kx, ch) from an h x w x c input, zero padding, stride 1.  Within
 * one kernel row the k c entries are contiguous in the input when the row lies inside the image. */
static void NAME(im2col)(const net_layer *L, size_t m, const REAL *in, REAL *col)
{
  const long k = (long)L->k, c = (long)L->c, h = (long)L->h, w = (long)L->w, pad = (long)L->pad;
  const long kc = k * c, oh = (long)L->oh, ow = (long)L->ow, rowlen = (long)L->fan_in, insz = (long)L->in;
/* serial: OpenMP threads here spin against OpenBLAS's own threads (3x slower on 2 cores) */
  for (size_t b = 0; b < m; b++) {
    const REAL *src = in + (long)b * insz;
    REAL *dst = col + (long)b * oh * ow * rowlen;
    for (long oy = 0; oy < oh; oy++)
      for (long ox = 0; ox < ow; ox++, dst += rowlen)
        for (long ky = 0; ky < k; ky++) {
          long iy = oy + ky - pad, ix0 = ox - pad;
          REAL *row = dst + ky * kc;
          if (iy < 0 || iy >= h) {
            for (long j = 0; j < kc; j++)
              row[j] = 0;
          } else if (ix0 >= 0 && ix0 + k <= w) {
            NAME(copy_run)(row, src + (iy * w + ix0) * c, kc);
          } else {
            for (long kx = 0; kx < k; kx++) {
              long ix = ix0 + kx;
              for (long ch = 0; ch < c; ch++)
                row[kx * c + ch] = ix < 0 || ix >= w ? 0 : src[(iy * w + ix) * c + ch];
            }
          }
        }
  }
}

/* col transposed (rows ky, kx; columns example, oy, ox) from an h x w single-channel input, zero padding,
 * stride 1: each output row oy of a kernel offset is one run of the input row oy + ky - pad. */
static void NAME(im2col_t)(const net_layer *L, size_t m, const REAL *in, REAL *col)
{
  const long k = (long)L->k, h = (long)L->h, w = (long)L->w, pad = (long)L->pad, oh = (long)L->oh,
             ow = (long)L->ow, insz = (long)L->in, rows = (long)m * oh * ow;
  for (long ky = 0; ky < k; ky++)
    for (long kx = 0; kx < k; kx++) {
      long lo = pad - kx > 0 ? pad - kx : 0, hi = w + pad - kx < ow ? w + pad - kx : ow; /* ox in [lo, hi) */
      REAL *dst = col + (ky * k + kx) * rows;
      for (long b = 0; b < (long)m; b++)
        for (long oy = 0; oy < oh; oy++, dst += ow) {
          long iy = oy + ky - pad;
          if (iy < 0 || iy >= h || hi <= lo) {
            memset(dst, 0, (size_t)ow * sizeof(REAL));
            continue;
          }
          for (long ox = 0; ox < lo; ox++)
            dst[ox] = 0;
          memcpy(dst + lo, in + b * insz + iy * w + lo + kx - pad, (size_t)(hi - lo) * sizeof(REAL));
          for (long ox = hi; ox < ow; ox++)
            dst[ox] = 0;
        }
    }
}

/* out (+)= A W^T of a linear layer, A its input (rows x fan_in) or, for col_t, its transposed im2col. */
static void NAME(linear_forward)(const net_layer *L, size_t rows, size_t width, const REAL *A, const REAL *W,
                                 REAL beta, REAL *out)
{
  if (L->col_t)
    GEMM(CblasTrans, CblasTrans, rows, width, L->fan_in, 1, A, rows, W, L->fan_in, beta, out, width);
  else
    GEMM(CblasNoTrans, CblasTrans, rows, width, L->fan_in, 1, A, L->fan_in, W, L->fan_in, beta, out, width);
}

/* G (+)= dout^T A: a linear layer's weight gradient from its output gradient and input A (as above). */
static void NAME(linear_wgrad)(const net_layer *L, size_t rows, size_t width, const REAL *dout, const REAL *A,
                               REAL beta, REAL *G)
{
  if (L->col_t)
    GEMM(CblasTrans, CblasTrans, width, L->fan_in, rows, 1, dout, width, A, rows, beta, G, L->fan_in);
  else
    GEMM(CblasTrans, CblasNoTrans, width, L->fan_in, rows, 1, dout, width, A, L->fan_in, beta, G, L->fan_in);
}

/* The adjoint of im2col: din = sum of the col entries that copied each input value. */
static void NAME(col2im)(const net_layer *L, size_t m, const REAL *col, REAL *din)
{
  const long k = (long)L->k, c = (long)L->c, h = (long)L->h, w = (long)L->w, pad = (long)L->pad;
  const long kc = k * c, oh = (long)L->oh, ow = (long)L->ow, rowlen = (long)L->fan_in, insz = (long)L->in;
/* serial: OpenMP threads here spin against OpenBLAS's own threads (3x slower on 2 cores) */
  for (size_t b = 0; b < m; b++) {
    REAL *dst = din + (long)b * insz;
    const REAL *src = col + (long)b * oh * ow * rowlen;
    for (long i = 0; i < insz; i++)
      dst[i] = 0;
    for (long oy = 0; oy < oh; oy++)
      for (long ox = 0; ox < ow; ox++, src += rowlen)
        for (long ky = 0; ky < k; ky++) {
          long iy = oy + ky - pad, ix0 = ox - pad;
          if (iy < 0 || iy >= h)
            continue;
          const REAL *row = src + ky * kc;
          if (ix0 >= 0 && ix0 + k <= w) {
            NAME(add_run)(dst + (iy * w + ix0) * c, row, kc);
          } else {
            for (long kx = 0; kx < k; kx++) {
              long ix = ix0 + kx;
              if (ix < 0 || ix >= w)
                continue;
              for (long ch = 0; ch < c; ch++)
                dst[(iy * w + ix) * c + ch] += row[kx * c + ch];
            }
          }
        }
  }
}

/* Rows and width of a linear (dense or conv) layer's GEMM: rows x fan_in times W^T -> rows x width. */
static void NAME(linear_shape)(const net_layer *L, size_t m, size_t *rows, size_t *width)
{
  *rows = L->kind == NET_CONV ? m * L->oh * L->ow : m;
  *width = L->kind == NET_CONV ? L->oc : L->out;
}

/* Narrow layers (a conv's 6 or 16 channels) go TILE / width rows at a time, as one run of TILE values
 * against the bias repeated as often: a long inner loop that vectorises, where a row alone is too
 * short. */
#define TILE 192 /* values per tile: a multiple of 6 and 16 */

/* out = bias (add = 0) or out += bias (add = 1), in every row. */
static void NAME(bias_rows)(size_t rows, size_t width, const REAL *bias, REAL *out, int add)
{
  size_t per = width < TILE ? TILE / width : 1, run = per * width, r = 0;
  REAL tile[TILE > 1 ? TILE : 1];
  if (per > 1) {
    for (size_t j = 0; j < run; j++)
      tile[j] = bias[j % width];
    for (; r + per <= rows; r += per)
#pragma omp simd
      for (size_t j = 0; j < run; j++)
        out[r * width + j] = (add ? out[r * width + j] : 0) + tile[j];
  }
  for (; r < rows; r++)
#pragma omp simd
    for (size_t j = 0; j < width; j++)
      out[r * width + j] = (add ? out[r * width + j] : 0) + bias[j];
}

/* gb += column sums of d, or gb = them when !acc.  Sums run in double (a conv layer sums over every output
 * pixel of the batch), narrow layers a tile of rows at a time as in bias_rows. */
static void NAME(bias_grad)(size_t rows, size_t width, const REAL *d, REAL *gb, int acc)
{
  double s[512];
  size_t per = width < TILE ? TILE / width : 1;
  for (size_t j0 = 0; j0 < width; j0 += 512) {
    size_t nj = width - j0 < 512 ? width - j0 : 512, r = 0;
    memset(s, 0, nj * sizeof *s);
    if (per > 1) { /* width = nj < TILE here */
      double t[TILE] = {0};
      size_t run = per * width;
      for (; r + per <= rows; r += per)
#pragma omp simd
        for (size_t j = 0; j < run; j++)
          t[j] += d[r * width + j];
      for (size_t j = 0; j < run; j++)
        s[j % width] += t[j];
    }
    for (; r < rows; r++)
#pragma omp simd
      for (size_t j = 0; j < nj; j++)
        s[j] += d[r * width + j0 + j];
    for (size_t j = 0; j < nj; j++)
      gb[j0 + j] = acc ? gb[j0 + j] + (REAL)s[j] : (REAL)s[j];
  }
}

static void NAME(pool_forward)(const net_layer *L, size_t m, const REAL *in, REAL *out, int32_t *arg)
{
  const size_t c = L->c, w = L->w, oh = L->oh, ow = L->ow, insz = L->in, outsz = L->out;
/* serial: OpenMP threads here spin against OpenBLAS's own threads (3x slower on 2 cores) */
  for (size_t b = 0; b < m; b++) {
    const REAL *x = in + b * insz;
    REAL *y = out + b * outsz;
    int32_t *a = arg + b * outsz;
    for (size_t oy = 0; oy < oh; oy++)
      for (size_t ox = 0; ox < ow; ox++) {
        size_t i00 = (2 * oy * w + 2 * ox) * c, i01 = i00 + c, i10 = i00 + w * c, i11 = i10 + c;
        size_t o = (oy * ow + ox) * c;
        /* the first maximum in the order (0,0), (0,1), (1,0), (1,1), as PyTorch; selects, not branches, so
         * the channels go in vectors */
#pragma omp simd
        for (size_t ch = 0; ch < c; ch++) {
          REAL v = x[i00 + ch], v01 = x[i01 + ch], v10 = x[i10 + ch], v11 = x[i11 + ch];
          int32_t best = (int32_t)(i00 + ch);
          best = v01 > v ? (int32_t)(i01 + ch) : best;
          v = v01 > v ? v01 : v;
          best = v10 > v ? (int32_t)(i10 + ch) : best;
          v = v10 > v ? v10 : v;
          best = v11 > v ? (int32_t)(i11 + ch) : best;
          v = v11 > v ? v11 : v;
          y[o + ch] = v;
          a[o + ch] = best;
        }
      }
  }
}

/* din[argmax] = dout, zero elsewhere.  The 2x2 windows tile an even-sized input, so each window is written
 * whole (no separate clearing pass); odd sizes clear first. */
static void NAME(pool_scatter)(const net_layer *L, size_t m, const REAL *dout, const int32_t *arg, REAL *din)
{
  const size_t c = L->c, w = L->w, oh = L->oh, ow = L->ow, insz = L->in, outsz = L->out;
  if (L->h % 2 || L->w % 2)
    memset(din, 0, m * insz * sizeof(REAL));
/* serial: OpenMP threads here spin against OpenBLAS's own threads (3x slower on 2 cores) */
  for (size_t b = 0; b < m; b++) {
    REAL *x = din + b * insz;
    const REAL *y = dout + b * outsz;
    const int32_t *a = arg + b * outsz;
    for (size_t oy = 0; oy < oh; oy++)
      for (size_t ox = 0; ox < ow; ox++) {
        size_t i00 = (2 * oy * w + 2 * ox) * c, i01 = i00 + c, i10 = i00 + w * c, i11 = i10 + c;
        size_t o = (oy * ow + ox) * c;
        for (size_t ch = 0; ch < c; ch++) {
          x[i00 + ch] = x[i01 + ch] = x[i10 + ch] = x[i11 + ch] = 0;
          x[a[o + ch]] = y[o + ch];
        }
      }
  }
}

static void NAME(forward)(net_ctx *c, net_buffers *B, size_t m)
{
  const REAL *P = B->p;
  for (int l = 0; l < c->nlayers; l++) {
    const net_layer *L = &c->layer[l];
    REAL *in = B->act[l], *out = B->act[l + 1];
    size_t rows, width;
    switch (L->kind) {
    case NET_CONV:
      (L->col_t ? NAME(im2col_t) : NAME(im2col))(L, m, in, B->col[l]);
      in = B->col[l];
      /* fall through */
    case NET_DENSE:
      NAME(linear_shape)(L, m, &rows, &width);
      /* the bias first, then the GEMM adds to it: no clearing pass in the GEMM and no bias pass after */
      NAME(bias_rows)(rows, width, P + L->boff, out, 0);
      NAME(linear_forward)(L, rows, width, in, P + L->woff, 1, out);
      break;
    case NET_RELU:
#pragma omp simd
      for (size_t i = 0; i < m * L->in; i++)
        out[i] = in[i] > 0 ? in[i] : 0;
      break;
    case NET_POOL:
      NAME(pool_forward)(L, m, in, out, B->argmax[l]);
      break;
    }
  }
}

/* Softmax cross-entropy of the chunk's logits: returns the summed loss, adds correct predictions to *correct,
 * and when grad, writes dact[last] = scale (p - onehot). */
static double NAME(softmax_xent)(net_ctx *c, net_buffers *B, const samlab_dataset *d, const size_t *idx, size_t start, size_t m,
                                 double scale, int grad, size_t *correct)
{
  const REAL *z = B->act[c->nlayers];
  REAL *dz = B->dact[c->nlayers];
  size_t K = c->nclasses;
  double sum = 0;
  for (size_t i = 0; i < m; i++) {
    const REAL *zi = z + i * K;
    int y = d->y[idx ? idx[start + i] : start + i];
    size_t am = 0;
    for (size_t j = 1; j < K; j++)
      if (zi[j] > zi[am])
        am = j;
    double mx = zi[am], se = 0;
    for (size_t j = 0; j < K; j++)
      se += exp((double)zi[j] - mx);
    double lse = mx + log(se);
    sum += lse - (double)zi[y];
    if (correct && am == (size_t)y)
      (*correct)++;
    if (grad)
      for (size_t j = 0; j < K; j++)
        dz[i * K + j] = (REAL)(scale * (exp((double)zi[j] - lse) - (j == (size_t)y)));
  }
  return sum;
}

/* The chunk's gradient from dact[last], added to grad (acc) or written over it (the first chunk: no separate
 * clearing pass over all the weights). */
static void NAME(backward)(net_ctx *c, net_buffers *B, REAL *G, size_t m, int acc)
{
  const REAL *P = B->p;
  for (int l = c->nlayers - 1; l >= 0; l--) {
    const net_layer *L = &c->layer[l];
    REAL *in = B->act[l], *dout = B->dact[l + 1], *din = B->dact[l];
    size_t rows, width;
    switch (L->kind) {
    case NET_CONV:
    case NET_DENSE: {
      const REAL *A = L->kind == NET_CONV ? B->col[l] : in;
      NAME(linear_shape)(L, m, &rows, &width);
      NAME(linear_wgrad)(L, rows, width, dout, A, acc ? 1 : 0, G + L->woff);
      NAME(bias_grad)(rows, width, dout, G + L->boff, acc);
      if (l == 0)
        break;
      REAL *dA = L->kind == NET_CONV ? B->dcol : din;
      GEMM(CblasNoTrans, CblasNoTrans, rows, L->fan_in, width, 1, dout, width, P + L->woff, L->fan_in, 0, dA,
           L->fan_in);
      if (L->kind == NET_CONV)
        NAME(col2im)(L, m, dA, din);
      break;
    }
    case NET_RELU: {
      size_t n = m * L->in; /* hoisted: the stores could alias L->in otherwise */
#pragma omp simd
      for (size_t i = 0; i < n; i++) {
        REAL d = dout[i]; /* loaded unconditionally so the select vectorises */
        din[i] = in[i] > 0 ? d : 0;
      }
      break;
    }
    case NET_POOL:
      NAME(pool_scatter)(L, m, dout, B->argmax[l], din);
      break;
    }
  }
}

/* Conversions run on every evaluation over all weights: vectorised explicitly (-O2 alone leaves them scalar). */
static void NAME(to_real)(size_t n, const double *restrict x, REAL *restrict y)
{
#pragma omp simd
  for (size_t i = 0; i < n; i++)
    y[i] = (REAL)x[i];
}

static void NAME(to_double)(size_t n, const REAL *restrict x, double *restrict y)
{
#pragma omp simd
  for (size_t i = 0; i < n; i++)
    y[i] = (double)x[i];
}

/* y = x + s d in the working precision, d in double or d32 in float32 (both NULL: y = x); x + s d is rounded
 * to double first, as a stored point would be. */
static void NAME(to_real_shifted)(size_t n, const double *restrict x, double s, const double *restrict d,
                                  const float *restrict d32, REAL *restrict y)
{
  if (d) {
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
      double v = x[i] + s * d[i];
      y[i] = (REAL)v;
    }
  } else if (d32) {
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
      double v = x[i] + s * (double)d32[i];
      y[i] = (REAL)v;
    }
  } else {
    NAME(to_real)(n, x, y);
  }
}

/* y = x in double; with gg, *gg = y.y summed as samlab_dot does (in the same pass for float). */
static void NAME(to_double_gg)(size_t n, const REAL *x, double *y, double *gg)
{
#ifdef REAL_IS_FLOAT
  if (gg) {
    *gg = samlab_widen_sumsq(n, x, y);
    return;
  }
#endif
  NAME(to_double)(n, x, y);
  if (gg)
    *gg = samlab_dot(n, y, y);
}

/* A pass runs its chunks in c->slots slots, slot s taking chunks s, s + slots, ... and summing its own loss
 * and gradient (into BUF[s].grad), on as many threads as OpenMP has, each with its own work buffers (LeNet's
 * GEMMs are too small to share, its chunks are not).  The slots' sums are then added in one fixed tree,
 * ((0 + 1) + (2 + 3)): the same bits on any number of threads. */
static void NAME(sum_tree)(int slots, size_t n, REAL *const part[])
{
  for (int w = 1; w < slots; w *= 2)
    for (int s = 0; s + w < slots; s += 2 * w) {
      REAL *restrict a = part[s];
      const REAL *restrict b = part[s + w];
#pragma omp simd
      for (size_t i = 0; i < n; i++)
        a[i] += b[i];
    }
}

static double NAME(sum_tree_1)(int slots, double x[])
{
  for (int w = 1; w < slots; w *= 2)
    for (int s = 0; s + w < slots; s += 2 * w)
      x[s] += x[s + w];
  return x[0];
}

/* Slot s's part of a pass in work buffers B: its chunks' summed loss, their gradient into the slot's grad
 * (with grad), their correct predictions into *correct (if not NULL). */
static double NAME(slot_pass)(net_ctx *c, int s, net_buffers *B, const samlab_dataset *d, const size_t *idx,
                              size_t n, double scale, int grad, size_t *correct)
{
  REAL *G = c->BUF[s].grad;
  double sum = 0;
  int first = 1;
  for (size_t start = (size_t)s * c->chunk; start < n; start += (size_t)c->slots * c->chunk) {
    size_t m = n - start < c->chunk ? n - start : c->chunk;
    NAME(load_inputs)(c, B, d, idx, start, m);
    NAME(forward)(c, B, m);
    sum += NAME(softmax_xent)(c, B, d, idx, start, m, scale, grad, correct);
    if (grad)
      NAME(backward)(c, B, G, m, !first);
    first = 0;
  }
  if (grad && first) /* no chunk for this slot */
    memset(G, 0, c->dim * sizeof(REAL));
  return sum;
}

/* The slots' loss sums (and gradient, correct counts) over examples idx[0..n) of d. */
static double NAME(slots_pass)(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, double scale,
                               int grad, size_t *correct)
{
  int S = c->slots;
  double sums[NET_SLOTS];
  size_t counts[NET_SLOTS] = {0};
  int threads = 1;
#ifdef _OPENMP
  threads = omp_get_max_threads() < S ? omp_get_max_threads() : S;
#endif
#pragma omp parallel for num_threads(threads) schedule(static, 1) if (threads > 1)
  for (int s = 0; s < S; s++) {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    sums[s] = NAME(slot_pass)(c, s, &c->BUF[t], d, idx, n, scale, grad, correct ? &counts[s] : NULL);
  }
  if (grad && S > 1) {
    REAL *part[NET_SLOTS];
    for (int s = 0; s < S; s++)
      part[s] = c->BUF[s].grad;
    NAME(sum_tree)(S, c->dim, part);
  }
  if (correct)
    for (int s = 0; s < S; s++)
      *correct += counts[s];
  return NAME(sum_tree_1)(S, sums);
}

double NAME(net_value_grad)(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                            double s, const double *sdir, const float *sdir32, int p_ready, int grad, double *g,
                            double *gg)
{
  if (NAME(buffers_ready)(c) != 0 || n == 0)
    return NAN;
  net_buffers *B = &c->BUF[0];
  if (!p_ready)
    NAME(to_real_shifted)(c->dim, w, s, sdir, sdir32, B->p);
  double sum = NAME(slots_pass)(c, d, idx, n, 1.0 / (double)n, grad, NULL);
  if (g)
    NAME(to_double_gg)(c->dim, B->grad, g, gg);
  return sum / (double)n;
}

int NAME(net_evaluate)(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                       double *loss_sum, size_t *correct)
{
  if (NAME(buffers_ready)(c) != 0)
    return -1;
  NAME(to_real)(c->dim, w, c->BUF[0].p);
  *correct = 0;
  *loss_sum = NAME(slots_pass)(c, d, idx, n, 0, 0, correct);
  return 0;
}

/* R-operator forward: ract[l+1] = d act[l+1] / dw . v, given ract[0] = 0. */
static void NAME(r_forward)(net_ctx *c, net_buffers *B, size_t m)
{
  const REAL *P = B->p, *V = B->v;
  for (int l = 0; l < c->nlayers; l++) {
    const net_layer *L = &c->layer[l];
    REAL *in = B->act[l], *rin = B->ract[l], *rout = B->ract[l + 1];
    size_t rows, width;
    switch (L->kind) {
    case NET_CONV:
    case NET_DENSE: {
      const REAL *A = L->kind == NET_CONV ? B->col[l] : in;
      NAME(linear_shape)(L, m, &rows, &width);
      /* R(A W^T + b) = RA W^T + A V^T + vb; RA = 0 at the input layer. */
      NAME(linear_forward)(L, rows, width, A, V + L->woff, 0, rout);
      NAME(bias_rows)(rows, width, V + L->boff, rout, 1);
      if (l > 0) {
        const REAL *RA = rin;
        if (L->kind == NET_CONV) {
          NAME(im2col)(L, m, rin, B->rcol[l]);
          RA = B->rcol[l];
        }
        GEMM(CblasNoTrans, CblasTrans, rows, width, L->fan_in, 1, RA, L->fan_in, P + L->woff, L->fan_in, 1, rout,
             width);
      }
      break;
    }
    case NET_RELU:
      for (size_t i = 0; i < m * L->in; i++)
        rout[i] = in[i] > 0 ? rin[i] : 0;
      break;
    case NET_POOL: {
      const int32_t *arg = B->argmax[l];
      for (size_t b = 0; b < m; b++)
        for (size_t o = 0; o < L->out; o++)
          rout[b * L->out + o] = rin[b * L->in + (size_t)arg[b * L->out + o]];
      break;
    }
    }
  }
}

/* R of the softmax cross-entropy gradient: rdz = scale p (Rz - p . Rz). */
static void NAME(r_softmax)(net_ctx *c, net_buffers *B, size_t m, double scale)
{
  const REAL *z = B->act[c->nlayers], *rz = B->ract[c->nlayers];
  REAL *rdz = B->rdact[c->nlayers];
  size_t K = c->nclasses;
  for (size_t i = 0; i < m; i++) {
    double mx = z[i * K], se = 0, p[64], prz = 0;
    for (size_t j = 1; j < K; j++)
      if (z[i * K + j] > mx)
        mx = z[i * K + j];
    for (size_t j = 0; j < K; j++)
      se += p[j] = exp((double)z[i * K + j] - mx);
    for (size_t j = 0; j < K; j++) {
      p[j] /= se;
      prz += p[j] * rz[i * K + j];
    }
    for (size_t j = 0; j < K; j++)
      rdz[i * K + j] = (REAL)(scale * p[j] * (rz[i * K + j] - prz));
  }
}

/* R-operator backward: accumulates Hv into grad from dact and rdact of the last layer. */
static void NAME(r_backward)(net_ctx *c, net_buffers *B, size_t m)
{
  const REAL *P = B->p, *V = B->v;
  REAL *HV = B->grad;
  for (int l = c->nlayers - 1; l >= 0; l--) {
    const net_layer *L = &c->layer[l];
    REAL *in = B->act[l], *dout = B->dact[l + 1], *din = B->dact[l];
    REAL *rdout = B->rdact[l + 1], *rdin = B->rdact[l];
    size_t rows, width;
    switch (L->kind) {
    case NET_CONV:
    case NET_DENSE: {
      int conv = L->kind == NET_CONV;
      const REAL *A = conv ? B->col[l] : in, *RA = conv ? B->rcol[l] : B->ract[l];
      NAME(linear_shape)(L, m, &rows, &width);
      /* R(dW) = RdO^T A + dO^T RA;  R(db) = colsum RdO. */
      NAME(linear_wgrad)(L, rows, width, rdout, A, 1, HV + L->woff);
      if (l > 0)
        GEMM(CblasTrans, CblasNoTrans, width, L->fan_in, rows, 1, dout, width, RA, L->fan_in, 1, HV + L->woff,
             L->fan_in);
      NAME(bias_grad)(rows, width, rdout, HV + L->boff, 1);
      if (l == 0)
        break;
      /* dA = dO W;  R(dA) = RdO W + dO V. */
      REAL *dA = B->dcol;
      GEMM(CblasNoTrans, CblasNoTrans, rows, L->fan_in, width, 1, dout, width, P + L->woff, L->fan_in, 0,
           conv ? dA : din, L->fan_in);
      if (conv)
        NAME(col2im)(L, m, dA, din);
      GEMM(CblasNoTrans, CblasNoTrans, rows, L->fan_in, width, 1, rdout, width, P + L->woff, L->fan_in, 0,
           conv ? dA : rdin, L->fan_in);
      GEMM(CblasNoTrans, CblasNoTrans, rows, L->fan_in, width, 1, dout, width, V + L->woff, L->fan_in, 1,
           conv ? dA : rdin, L->fan_in);
      if (conv)
        NAME(col2im)(L, m, dA, rdin);
      break;
    }
    case NET_RELU:
      for (size_t i = 0; i < m * L->in; i++) {
        din[i] = in[i] > 0 ? dout[i] : 0;
        rdin[i] = in[i] > 0 ? rdout[i] : 0;
      }
      break;
    case NET_POOL:
      NAME(pool_scatter)(L, m, dout, B->argmax[l], din);
      NAME(pool_scatter)(L, m, rdout, B->argmax[l], rdin);
      break;
    }
  }
}

int NAME(net_hvp)(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                  const double *v, double *hv)
{
  if (NAME(buffers_ready)(c) != 0 || NAME(r_buffers_ready)(c) != 0 || n == 0)
    return -1;
  net_buffers *B = &c->BUF[0];
  NAME(to_real)(c->dim, w, B->p);
  NAME(to_real)(c->dim, v, B->v);
  memset(B->grad, 0, c->dim * sizeof(REAL));
  for (size_t start = 0; start < n; start += c->chunk) {
    size_t m = n - start < c->chunk ? n - start : c->chunk;
    NAME(load_inputs)(c, B, d, idx, start, m);
    NAME(forward)(c, B, m);
    NAME(r_forward)(c, B, m);
    NAME(softmax_xent)(c, B, d, idx, start, m, 1.0 / (double)n, 1, NULL);
    NAME(r_softmax)(c, B, m, 1.0 / (double)n);
    NAME(r_backward)(c, B, m);
  }
  NAME(to_double)(c->dim, B->grad, hv);
  return 0;
}

/* Curvature-vector products of the mean softmax cross-entropy, chunked like net_hvp (examples one chunk at a
 * time, no per-example weight vectors): the forward pass and the R-operator's (Rz = J v per example), then
 *   GGN:    dz = (1/n) H_L Rz = (1/n) p (Rz - p . Rz)  (r_softmax), so that the backward pass gives J^T H_L J v;
 *   Fisher: dz_i = (1/n) (g_i . v) (p_i - y_i) with g_i . v = Rz_i . (p_i - y_i), so that it gives
 *           (1/n) sum_i g_i (g_i . v), the empirical Fisher times v, g_i = J_i^T (p_i - y_i) example i's gradient;
 * then the ordinary backward pass (J^T) into out. */
int NAME(net_curvature_vp)(net_ctx *c, const samlab_dataset *d, const size_t *idx, size_t n, const double *w,
                           const double *v, double *out, int fisher)
{
  if (NAME(buffers_ready)(c) != 0 || NAME(r_buffers_ready)(c) != 0 || n == 0)
    return -1;
  net_buffers *B = &c->BUF[0];
  NAME(to_real)(c->dim, w, B->p);
  NAME(to_real)(c->dim, v, B->v);
  size_t K = c->nclasses;
  for (size_t start = 0; start < n; start += c->chunk) {
    size_t m = n - start < c->chunk ? n - start : c->chunk;
    NAME(load_inputs)(c, B, d, idx, start, m);
    NAME(forward)(c, B, m);
    NAME(r_forward)(c, B, m);
    REAL *dz = B->dact[c->nlayers];
    const REAL *rz = B->ract[c->nlayers];
    if (fisher) {
      NAME(softmax_xent)(c, B, d, idx, start, m, 1.0, 1, NULL); /* dz = p - y */
      for (size_t i = 0; i < m; i++) {
        double gv = 0;
        for (size_t j = 0; j < K; j++)
          gv += (double)rz[i * K + j] * (double)dz[i * K + j];
        for (size_t j = 0; j < K; j++)
          dz[i * K + j] = (REAL)(gv / (double)n * (double)dz[i * K + j]);
      }
    } else {
      NAME(r_softmax)(c, B, m, 1.0 / (double)n);
      memcpy(dz, B->rdact[c->nlayers], m * K * sizeof(REAL));
    }
    NAME(backward)(c, B, B->grad, m, start > 0);
  }
  NAME(to_double)(c->dim, B->grad, out);
  return 0;
}
