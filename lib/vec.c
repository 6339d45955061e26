/* Dense vector helpers on double arrays; the rules' only arithmetic kernels.  They are memory-bound on
 * networks (a million weights is 8 MB a vector), so each is one pass, written so the compiler vectorises it. */
#include <math.h>
#include "samlab.h"

/* Sums run in eight interleaved partial sums: one running sum waits an add's latency per element, eight
 * keep pace with memory.  The order is fixed in the source (no -ffast-math reassociation), so a result does
 * not depend on the compiler, and for n <= 8 it is the plain left-to-right sum (n = 2: x0 y0 + x1 y1). */
#define LANES 8

static double lanes_total(const double s[LANES])
{
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

double samlab_dot(size_t n, const double *x, const double *y)
{
  double s[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
#pragma GCC unroll 8
    for (int k = 0; k < LANES; k++)
      s[k] += x[i + k] * y[i + k];
  for (int k = 0; i < n; i++, k++)
    s[k] += x[i] * y[i];
  return lanes_total(s);
}

double samlab_widen_sumsq(size_t n, const float *x, double *y)
{
  double s[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
#pragma GCC unroll 8
    for (int k = 0; k < LANES; k++) {
      y[i + k] = (double)x[i + k];
      s[k] += y[i + k] * y[i + k];
    }
  for (int k = 0; i < n; i++, k++) {
    y[i] = (double)x[i];
    s[k] += y[i] * y[i];
  }
  return lanes_total(s);
}

void samlab_dot_pair(size_t n, const double *x, const double *y, double *xy, double *yy)
{
  double a[LANES] = {0}, b[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
#pragma GCC unroll 8
    for (int k = 0; k < LANES; k++) {
      a[k] += x[i + k] * y[i + k];
      b[k] += y[i + k] * y[i + k];
    }
  for (int k = 0; i < n; i++, k++) {
    a[k] += x[i] * y[i];
    b[k] += y[i] * y[i];
  }
  *xy = lanes_total(a);
  *yy = lanes_total(b);
}

double samlab_norm(size_t n, const double *x)
{
  return sqrt(samlab_dot(n, x, x));
}

void samlab_axpy(size_t n, double a, const double *restrict x, double *restrict y)
{
#pragma omp simd
  for (size_t i = 0; i < n; i++)
    y[i] += a * x[i];
}

void samlab_scale(size_t n, double a, double *x)
{
#pragma omp simd
  for (size_t i = 0; i < n; i++)
    x[i] *= a;
}

void samlab_copy(size_t n, const double *restrict x, double *restrict y)
{
#pragma omp simd
  for (size_t i = 0; i < n; i++)
    y[i] = x[i];
}

int samlab_all_finite(size_t n, const double *x)
{
  int ok = 1; /* no early exit: the loop vectorises, and the answer is rarely "no" */
  for (size_t i = 0; i < n; i++)
    ok &= isfinite(x[i]);
  return ok;
}
