/* One convolution layer's forward + backward data + backward weights on float32, oneDNN (lib/dnn.c) against
 * im2col + OpenBLAS sgemm (the engine's portable path), on one thread, alternating the two sides in each
 * round; prints each side's median time and the ratio.
 *   bench/bench_conv [ROUNDS]      (shapes: LeNet's two convolutions, ResNet-20's three stages, fcn's dense layers; batch 128) */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../lib/dnn.h"

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef struct shape {
  const char *name;
  dnn_conv_shape s;
} shape;

/* col[(e, oy, ox)][(ky, kx, c)] */
static void im2col(const dnn_conv_shape *s, size_t n, size_t oh, size_t ow, const float *x, float *col)
{
  size_t fan = s->k * s->k * s->c;
  for (size_t e = 0; e < n; e++)
    for (size_t oy = 0; oy < oh; oy++)
      for (size_t ox = 0; ox < ow; ox++) {
        float *row = col + ((e * oh + oy) * ow + ox) * fan;
        for (size_t ky = 0; ky < s->k; ky++)
          for (size_t kx = 0; kx < s->k; kx++) {
            long iy = (long)(oy * s->stride + ky) - (long)s->pad, ix = (long)(ox * s->stride + kx) - (long)s->pad;
            float *dst = row + (ky * s->k + kx) * s->c;
            if (iy < 0 || ix < 0 || iy >= (long)s->h || ix >= (long)s->w)
              memset(dst, 0, s->c * sizeof *dst);
            else
              memcpy(dst, x + ((e * s->h + iy) * s->w + ix) * s->c, s->c * sizeof *dst);
          }
      }
}

static void col2im(const dnn_conv_shape *s, size_t n, size_t oh, size_t ow, const float *col, float *dx)
{
  size_t fan = s->k * s->k * s->c;
  memset(dx, 0, n * s->h * s->w * s->c * sizeof *dx);
  for (size_t e = 0; e < n; e++)
    for (size_t oy = 0; oy < oh; oy++)
      for (size_t ox = 0; ox < ow; ox++) {
        const float *row = col + ((e * oh + oy) * ow + ox) * fan;
        for (size_t ky = 0; ky < s->k; ky++)
          for (size_t kx = 0; kx < s->k; kx++) {
            long iy = (long)(oy * s->stride + ky) - (long)s->pad, ix = (long)(ox * s->stride + kx) - (long)s->pad;
            if (iy < 0 || ix < 0 || iy >= (long)s->h || ix >= (long)s->w)
              continue;
            float *dst = dx + ((e * s->h + iy) * s->w + ix) * s->c;
            for (size_t c = 0; c < s->c; c++)
              dst[c] += row[(ky * s->k + kx) * s->c + c];
          }
      }
}

int main(int argc, char **argv)
{
  int rounds = argc > 1 ? atoi(argv[1]) : 5;
  const size_t n = 128;
  shape shapes[] = {
      {"lenet conv1 28x28x1->6 k5", {28, 28, 1, 6, 5, 1, 0}},   {"lenet conv2 12x12x6->16 k5", {12, 12, 6, 16, 5, 1, 0}},
      {"resnet20 s1 32x32x16 k3", {32, 32, 16, 16, 3, 1, 1}},    {"resnet20 s2 16x16x32 k3", {16, 16, 32, 32, 3, 1, 1}},
      {"resnet20 s3 8x8x64 k3", {8, 8, 64, 64, 3, 1, 1}},         {"resnet20 down 32x32x16->32 k3 s2", {32, 32, 16, 32, 3, 2, 1}},
  };
  openblas_set_num_threads(1);
  printf("# %s; one thread, batch %zu, %d rounds alternating; median seconds of fwd+bwd_data+bwd_weights\n",
         dnn_describe(), n, rounds);
  printf("%-34s %12s %12s %8s\n", "shape", "onednn", "im2col+blas", "speedup");
  for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
    const dnn_conv_shape *s = &shapes[i].s;
    size_t oh = dnn_conv_out(s->h, s->k, s->stride, s->pad), ow = dnn_conv_out(s->w, s->k, s->stride, s->pad);
    size_t nx = n * s->h * s->w * s->c, ny = n * oh * ow * s->oc, fan = s->k * s->k * s->c, nw = s->oc * fan;
    float *x = calloc(nx, 4), *y = calloc(ny, 4), *dy = calloc(ny, 4), *dx = calloc(nx, 4), *W = calloc(nw, 4);
    float *dW = calloc(nw, 4), *b = calloc(s->oc, 4), *db = calloc(s->oc, 4), *col = calloc(n * oh * ow * fan, 4);
    for (size_t j = 0; j < nx; j++)
      x[j] = (float)((j * 2654435761u) % 1000) / 1000.0f;
    for (size_t j = 0; j < ny; j++)
      dy[j] = (float)((j * 40503u) % 1000) / 1000.0f - 0.5f;
    for (size_t j = 0; j < nw; j++)
      W[j] = (float)((j * 9973u) % 1000) / 1000.0f - 0.5f;
    dnn_conv *p = dnn_conv_create(s, n);
    double *td = calloc(rounds, sizeof *td), *tb = calloc(rounds, sizeof *tb);
    for (int r = 0; r < rounds; r++) {
      double t0 = now();
      dnn_conv_forward(p, n, x, W, b, y);
      dnn_conv_backward_data(p, n, dy, W, dx);
      dnn_conv_backward_weights(p, n, x, dy, dW, db, 0);
      double t1 = now();
      size_t rows = n * oh * ow;
      im2col(s, n, oh, ow, x, col);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)s->oc, (int)fan, 1, col, (int)fan, W,
                  (int)fan, 0, y, (int)s->oc);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)s->oc, (int)fan, (int)rows, 1, dy, (int)s->oc, col,
                  (int)fan, 0, dW, (int)fan);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)fan, (int)s->oc, 1, dy, (int)s->oc, W,
                  (int)fan, 0, col, (int)fan);
      col2im(s, n, oh, ow, col, dx);
      double t2 = now();
      td[r] = t1 - t0;
      tb[r] = t2 - t1;
    }
    qsort(td, rounds, sizeof *td, by_value);
    qsort(tb, rounds, sizeof *tb, by_value);
    printf("%-34s %12.5f %12.5f %7.2fx\n", shapes[i].name, td[rounds / 2], tb[rounds / 2], tb[rounds / 2] / td[rounds / 2]);
    dnn_conv_free(p);
    free(x), free(y), free(dy), free(dx), free(W), free(dW), free(b), free(db), free(col), free(td), free(tb);
  }
  /* the dense layers of fcn 784-500-500-10 */
  size_t dense[][2] = {{784, 500}, {500, 500}, {500, 10}};
  printf("%-34s %12s %12s %8s\n", "dense (in->out)", "onednn", "openblas", "speedup");
  for (size_t i = 0; i < sizeof dense / sizeof *dense; i++) {
    size_t in = dense[i][0], out = dense[i][1];
    float *x = calloc(n * in, 4), *y = calloc(n * out, 4), *dy = calloc(n * out, 4), *dx = calloc(n * in, 4);
    float *W = calloc(out * in, 4), *dW = calloc(out * in, 4), *b = calloc(out, 4), *db = calloc(out, 4);
    for (size_t j = 0; j < n * in; j++)
      x[j] = (float)((j * 2654435761u) % 1000) / 1000.0f;
    for (size_t j = 0; j < n * out; j++)
      dy[j] = (float)((j * 40503u) % 1000) / 1000.0f - 0.5f;
    dnn_dense *p = dnn_dense_create(in, out, n);
    double *td = calloc(rounds, sizeof *td), *tb = calloc(rounds, sizeof *tb);
    for (int r = 0; r < rounds; r++) {
      double t0 = now();
      for (int rep = 0; rep < 10; rep++) {
        dnn_dense_forward(p, n, x, W, b, y);
        dnn_dense_backward_data(p, n, dy, W, dx);
        dnn_dense_backward_weights(p, n, x, dy, dW, db, 0);
      }
      double t1 = now();
      for (int rep = 0; rep < 10; rep++) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)out, (int)in, 1, x, (int)in, W, (int)in, 0,
                    y, (int)out);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)in, (int)out, 1, dy, (int)out, W, (int)in,
                    0, dx, (int)in);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)n, 1, dy, (int)out, x, (int)in, 0,
                    dW, (int)in);
      }
      double t2 = now();
      td[r] = (t1 - t0) / 10;
      tb[r] = (t2 - t1) / 10;
    }
    qsort(td, rounds, sizeof *td, by_value);
    qsort(tb, rounds, sizeof *tb, by_value);
    printf("%4zu -> %-26zu %12.6f %12.6f %7.2fx\n", in, out, td[rounds / 2], tb[rounds / 2], tb[rounds / 2] / td[rounds / 2]);
    dnn_dense_free(p);
    free(x), free(y), free(dy), free(dx), free(W), free(dW), free(b), free(db), free(td), free(tb);
  }
  return 0;
}
