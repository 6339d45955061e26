/* Dense vector helpers on double arrays; the rules' only arithmetic kernels.  They are memory-bound on
 * networks (a million weights is 8 MB a vector), so each is one pass, written so the compiler vectorises it. */
#include <math.h>
#include "samlab/vec.h"
#include "lanes.h" /* the summation order of every sum here */

double samlab_dot(size_t n, const double *x, const double *y)
{
  double s[LANES] = {0};
  LANE_LOOP(n, s[k] += x[j] * y[j]);
  return lanes_total(s);
}

double samlab_widen_sumsq(size_t n, const float *x, double *y)
{
  double s[LANES] = {0};
  LANE_LOOP(n, y[j] = (double)x[j]; s[k] += y[j] * y[j]);
  return lanes_total(s);
}

double samlab_sumsq_f32(size_t n, const float *x)
{
  double s[LANES] = {0};
  LANE_LOOP(n, const double y = x[j]; s[k] += y * y);
  return lanes_total(s);
}

void samlab_dot_pair(size_t n, const double *x, const double *y, double *xy, double *yy)
{
  double a[LANES] = {0}, b[LANES] = {0};
  LANE_LOOP(n, a[k] += x[j] * y[j]; b[k] += y[j] * y[j]);
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
