/* lib/dnn.c (oneDNN float32 primitives) against a direct convolution and dense layer written here in double:
 * strides, padding, 1x1 and 5x5 kernels, the shorter last chunk, accumulation, and no bias. */
#include <gsl/gsl_rng.h>
#include "testutil.h"
#include "../lib/dnn.h"

static void fill(gsl_rng *r, float *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    x[i] = (float)(2 * gsl_rng_uniform(r) - 1);
}

/* y[e][oy][ox][o] = b[o] + sum over ky, kx, c of x[e][oy s + ky - pad][ox s + kx - pad][c] W[o][ky][kx][c]. */
static double ref_conv_at(const dnn_conv_shape *s, const float *x, const float *W, const float *b, size_t e,
                          size_t oy, size_t ox, size_t o)
{
  double sum = b ? b[o] : 0;
  for (size_t ky = 0; ky < s->k; ky++)
    for (size_t kx = 0; kx < s->k; kx++) {
      long iy = (long)(oy * s->stride + ky) - (long)s->pad, ix = (long)(ox * s->stride + kx) - (long)s->pad;
      if (iy < 0 || ix < 0 || iy >= (long)s->h || ix >= (long)s->w)
        continue;
      for (size_t c = 0; c < s->c; c++)
        sum += (double)x[((e * s->h + iy) * s->w + ix) * s->c + c] * W[((o * s->k + ky) * s->k + kx) * s->c + c];
    }
  return sum;
}

/* Checks forward, backward data (against the transpose: <dy, conv(x)> = <backward_data(dy), x> per input),
 * and backward weights (dW = sum of dy times inputs) for n examples. */
static void check_conv(const dnn_conv_shape *s, size_t max_n, size_t n, int bias)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  size_t oh = dnn_conv_out(s->h, s->k, s->stride, s->pad), ow = dnn_conv_out(s->w, s->k, s->stride, s->pad);
  size_t nx = n * s->h * s->w * s->c, ny = n * oh * ow * s->oc, nw = s->oc * s->k * s->k * s->c;
  float *x = malloc(nx * sizeof *x), *y = malloc(ny * sizeof *y), *dy = malloc(ny * sizeof *dy);
  float *dx = malloc(nx * sizeof *dx), *W = malloc(nw * sizeof *W), *dW = malloc(nw * sizeof *dW);
  float *b = malloc(s->oc * sizeof *b), *db = malloc(s->oc * sizeof *db);
  fill(r, x, nx);
  fill(r, dy, ny);
  fill(r, W, nw);
  fill(r, b, s->oc);
  dnn_conv *p = dnn_conv_create(s, max_n);
  ck_assert_ptr_nonnull(p);

  ck_assert_int_eq(dnn_conv_forward(p, n, x, W, bias ? b : NULL, y), 0);
  for (size_t e = 0; e < n; e++)
    for (size_t oy = 0; oy < oh; oy++)
      for (size_t ox = 0; ox < ow; ox++)
        for (size_t o = 0; o < s->oc; o++)
          ck_assert_close(y[((e * oh + oy) * ow + ox) * s->oc + o], ref_conv_at(s, x, W, bias ? b : NULL, e, oy, ox, o),
                          1e-5);

  /* backward data: d/dx[i] of <dy, conv(x)> = sum over outputs of dy times the weight that met x[i] */
  ck_assert_int_eq(dnn_conv_backward_data(p, n, dy, W, dx), 0);
  double *want = calloc(nx, sizeof *want);
  for (size_t e = 0; e < n; e++)
    for (size_t oy = 0; oy < oh; oy++)
      for (size_t ox = 0; ox < ow; ox++)
        for (size_t o = 0; o < s->oc; o++)
          for (size_t ky = 0; ky < s->k; ky++)
            for (size_t kx = 0; kx < s->k; kx++) {
              long iy = (long)(oy * s->stride + ky) - (long)s->pad, ix = (long)(ox * s->stride + kx) - (long)s->pad;
              if (iy < 0 || ix < 0 || iy >= (long)s->h || ix >= (long)s->w)
                continue;
              for (size_t c = 0; c < s->c; c++)
                want[((e * s->h + iy) * s->w + ix) * s->c + c] +=
                    (double)dy[((e * oh + oy) * ow + ox) * s->oc + o] * W[((o * s->k + ky) * s->k + kx) * s->c + c];
            }
  for (size_t i = 0; i < nx; i++)
    ck_assert_close(dx[i], want[i], 1e-5);

  /* backward weights, overwritten then accumulated onto 1 */
  double *wantw = calloc(nw, sizeof *wantw), wantb[64] = {0};
  for (size_t e = 0; e < n; e++)
    for (size_t oy = 0; oy < oh; oy++)
      for (size_t ox = 0; ox < ow; ox++)
        for (size_t o = 0; o < s->oc; o++) {
          double g = dy[((e * oh + oy) * ow + ox) * s->oc + o];
          wantb[o] += g;
          for (size_t ky = 0; ky < s->k; ky++)
            for (size_t kx = 0; kx < s->k; kx++) {
              long iy = (long)(oy * s->stride + ky) - (long)s->pad, ix = (long)(ox * s->stride + kx) - (long)s->pad;
              if (iy < 0 || ix < 0 || iy >= (long)s->h || ix >= (long)s->w)
                continue;
              for (size_t c = 0; c < s->c; c++)
                wantw[((o * s->k + ky) * s->k + kx) * s->c + c] += g * x[((e * s->h + iy) * s->w + ix) * s->c + c];
            }
        }
  for (int acc = 0; acc <= 1; acc++) {
    for (size_t i = 0; i < nw; i++)
      dW[i] = 1;
    for (size_t o = 0; o < s->oc; o++)
      db[o] = 1;
    ck_assert_int_eq(dnn_conv_backward_weights(p, n, x, dy, dW, db, acc), 0);
    for (size_t i = 0; i < nw; i++)
      ck_assert_close(dW[i], wantw[i] + acc, 1e-5);
    for (size_t o = 0; o < s->oc; o++)
      ck_assert_close(db[o], wantb[o] + acc, 1e-5);
  }
  dnn_conv_free(p);
  free(want), free(wantw), free(x), free(y), free(dy), free(dx), free(W), free(dW), free(b), free(db);
  gsl_rng_free(r);
}

START_TEST(conv_3x3_stride2_pad1)
{
  dnn_conv_shape s = {.h = 7, .w = 6, .c = 3, .oc = 5, .k = 3, .stride = 2, .pad = 1};
  check_conv(&s, 4, 4, 1);
  check_conv(&s, 4, 3, 0); /* the shorter last chunk, no bias */
}
END_TEST

START_TEST(conv_1x1_stride2_and_5x5)
{
  dnn_conv_shape a = {.h = 8, .w = 8, .c = 4, .oc = 6, .k = 1, .stride = 2, .pad = 0};
  check_conv(&a, 2, 2, 0);
  dnn_conv_shape b = {.h = 12, .w = 12, .c = 1, .oc = 6, .k = 5, .stride = 1, .pad = 0}; /* LeNet's first */
  check_conv(&b, 3, 3, 1);
  dnn_conv_shape c = {.h = 8, .w = 8, .c = 16, .oc = 16, .k = 3, .stride = 1, .pad = 1}; /* a ResNet block's */
  check_conv(&c, 2, 2, 0);
}
END_TEST

START_TEST(dense_products)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 3);
  enum { IN = 7, OUT = 5, N = 4 };
  float x[N * IN], W[OUT * IN], b[OUT], y[N * OUT], dy[N * OUT], dx[N * IN], dW[OUT * IN], db[OUT];
  fill(r, x, N * IN), fill(r, W, OUT * IN), fill(r, b, OUT), fill(r, dy, N * OUT);
  dnn_dense *p = dnn_dense_create(IN, OUT, N);
  ck_assert_ptr_nonnull(p);
  for (size_t n = N; n >= N - 1; n--) {
    ck_assert_int_eq(dnn_dense_forward(p, n, x, W, b, y), 0);
    for (size_t e = 0; e < n; e++)
      for (size_t o = 0; o < OUT; o++) {
        double s = b[o];
        for (size_t i = 0; i < IN; i++)
          s += (double)x[e * IN + i] * W[o * IN + i];
        ck_assert_close(y[e * OUT + o], s, 1e-5);
      }
    ck_assert_int_eq(dnn_dense_backward_data(p, n, dy, W, dx), 0);
    for (size_t e = 0; e < n; e++)
      for (size_t i = 0; i < IN; i++) {
        double s = 0;
        for (size_t o = 0; o < OUT; o++)
          s += (double)dy[e * OUT + o] * W[o * IN + i];
        ck_assert_close(dx[e * IN + i], s, 1e-5);
      }
    for (int acc = 0; acc <= 1; acc++) {
      for (size_t i = 0; i < OUT * IN; i++)
        dW[i] = 1;
      for (size_t o = 0; o < OUT; o++)
        db[o] = 1;
      ck_assert_int_eq(dnn_dense_backward_weights(p, n, x, dy, dW, db, acc), 0);
      for (size_t o = 0; o < OUT; o++) {
        double sb = acc;
        for (size_t e = 0; e < n; e++)
          sb += dy[e * OUT + o];
        ck_assert_close(db[o], sb, 1e-5);
        for (size_t i = 0; i < IN; i++) {
          double s = acc;
          for (size_t e = 0; e < n; e++)
            s += (double)dy[e * OUT + o] * x[e * IN + i];
          ck_assert_close(dW[o * IN + i], s, 1e-5);
        }
      }
    }
  }
  ck_assert_ptr_null(dnn_dense_create(0, OUT, N));
  dnn_dense_free(p);
  gsl_rng_free(r);
}
END_TEST

START_TEST(refused_and_described)
{
  dnn_conv_shape s = {.h = 2, .w = 2, .c = 1, .oc = 1, .k = 5, .stride = 1, .pad = 0}; /* kernel larger than input */
  ck_assert_ptr_null(dnn_conv_create(&s, 1));
  ck_assert_msg(strncmp(dnn_describe(), "oneDNN ", 7) == 0, "%s", dnn_describe());
}
END_TEST

int main(void)
{
  Suite *s = suite_create("dnn");
  TCase *tc = tcase_create("dnn");
  tcase_add_test(tc, conv_3x3_stride2_pad1);
  tcase_add_test(tc, conv_1x1_stride2_and_5x5);
  tcase_add_test(tc, dense_products);
  tcase_add_test(tc, refused_and_described);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
