/* Dense vector helpers on double arrays; the rules' only arithmetic kernels. */
#include <math.h>
#include "samlab.h"

double samlab_dot(size_t n, const double *x, const double *y)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += x[i] * y[i];
  return s;
}

double samlab_norm(size_t n, const double *x)
{
  return sqrt(samlab_dot(n, x, x));
}

void samlab_axpy(size_t n, double a, const double *x, double *y)
{
  for (size_t i = 0; i < n; i++)
    y[i] += a * x[i];
}

void samlab_scale(size_t n, double a, double *x)
{
  for (size_t i = 0; i < n; i++)
    x[i] *= a;
}

void samlab_copy(size_t n, const double *x, double *y)
{
  for (size_t i = 0; i < n; i++)
    y[i] = x[i];
}

int samlab_all_finite(size_t n, const double *x)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i]))
      return 0;
  return 1;
}
