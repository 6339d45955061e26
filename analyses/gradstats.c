/* Statistics of squared gradient norms (AE-SAM's Gaussian model): moments, Anderson-Darling and Jarque-Bera
 * normality tests, Q-Q points, histogram with the fitted Gaussian, and the AE-SAM rule replayed on a stream. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/rule.h"
#include "samlab/toy.h"
#include "samlab/train.h"
#include "samlab/analyses.h"
#include "samlab/bounds.h"

/* Anderson-Darling p-value for the normal with estimated mean and variance (D'Agostino & Stephens 1986,
 * Table 4.9), from the modified statistic A*^2 = A^2 (1 + 0.75/n + 2.25/n^2). */
static double ad_pvalue(double a)
{
  if (a >= 0.6)
    return exp(1.2937 - 5.709 * a + 0.0186 * a * a);
  if (a >= 0.34)
    return exp(0.9177 - 4.279 * a - 1.38 * a * a);
  if (a >= 0.2)
    return 1 - exp(-8.318 + 42.796 * a - 59.938 * a * a);
  return 1 - exp(-13.436 + 101.14 * a - 223.73 * a * a);
}

int samlab_normality_test(size_t n, const double *x, samlab_normality *out)
{
  memset(out, 0, sizeof *out);
  out->n = n;
  if (n < SAMLAB_NORMALITY_MIN)
    return -1;
  double *s = malloc(n * sizeof *s), *q = malloc(n * sizeof *q);
  if (!s || !q) {
    free(s);
    free(q);
    return -1;
  }
  memcpy(s, x, n * sizeof *s);
  gsl_sort(s, 1, n);
  double mean = gsl_stats_mean(s, 1, n), m2 = 0, m3 = 0, m4 = 0;
  for (size_t i = 0; i < n; i++) {
    double d = s[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= (double)n;
  m3 /= (double)n;
  m4 /= (double)n;
  out->mean = mean;
  out->var = m2 * (double)n / (double)(n - 1);
  out->sd = sqrt(out->var);
  out->skewness = m2 > 0 ? m3 / pow(m2, 1.5) : 0;
  out->kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3 : 0;
  out->jb = (double)n / 6.0 * (out->skewness * out->skewness + out->kurtosis * out->kurtosis / 4.0);
  out->jb_p = gsl_cdf_chisq_Q(out->jb, 2.0);
  if (!(out->sd > 0)) { /* constant samples: certainly not normal, and the statistics below are undefined */
    out->ad = out->ad_star = INFINITY;
    out->ad_p = 0;
    out->qq_r = NAN;
    free(s);
    free(q);
    return 0;
  }
  double a = 0;
  for (size_t i = 0; i < n; i++) {
    double zi = (s[i] - mean) / out->sd, zj = (s[n - 1 - i] - mean) / out->sd;
    /* log(1 - Phi(z)) as log Q(z): exact in the upper tail */
    a += (2.0 * (double)i + 1.0) * (log(gsl_cdf_ugaussian_P(zi)) + log(gsl_cdf_ugaussian_Q(zj)));
  }
  out->ad = -(double)n - a / (double)n;
  out->ad_star = out->ad * (1 + 0.75 / (double)n + 2.25 / ((double)n * (double)n));
  out->ad_p = fmin(1.0, fmax(0.0, ad_pvalue(out->ad_star)));
  for (size_t i = 0; i < n; i++)
    q[i] = gsl_cdf_ugaussian_Pinv(((double)i + 0.5) / (double)n);
  out->qq_r = gsl_stats_correlation(q, 1, s, 1, n);
  free(s);
  free(q);
  return 0;
}

void samlab_qq_points(size_t n, const double *x, double *theoretical, double *sorted)
{
  memcpy(sorted, x, n * sizeof *sorted);
  gsl_sort(sorted, 1, n);
  for (size_t i = 0; i < n; i++)
    theoretical[i] = gsl_cdf_ugaussian_Pinv(((double)i + 0.5) / (double)n);
}

void samlab_histogram_gauss(size_t n, const double *x, size_t nbins, double mean, double sd, double *edges,
                            double *counts, double *fitted)
{
  double lo = x[0], hi = x[0];
  for (size_t i = 1; i < n; i++) {
    lo = fmin(lo, x[i]);
    hi = fmax(hi, x[i]);
  }
  if (hi <= lo) { /* all equal: one unit-wide range around the value */
    lo -= 0.5;
    hi += 0.5;
  }
  double width = (hi - lo) / (double)nbins;
  for (size_t b = 0; b <= nbins; b++)
    edges[b] = lo + width * (double)b;
  edges[nbins] = hi;
  memset(counts, 0, nbins * sizeof *counts);
  for (size_t i = 0; i < n; i++) {
    size_t b = (size_t)((x[i] - lo) / width);
    counts[b < nbins ? b : nbins - 1] += 1; /* the maximum falls in the last bin */
  }
  for (size_t b = 0; b < nbins; b++)
    fitted[b] = sd > 0 ? (double)n * (gsl_cdf_gaussian_P(edges[b + 1] - mean, sd) -
                                      gsl_cdf_gaussian_P(edges[b] - mean, sd))
                       : NAN;
}

/* The antiderivative of 1 - Phi: F(c) = c Q(c) - phi(c). */
static double q_integral(double c)
{
  return c * gsl_cdf_ugaussian_Q(c) - exp(-0.5 * c * c) / sqrt(2 * M_PI);
}

double samlab_aesam_predicted_fraction(double lambda1, double lambda2)
{
  if (lambda1 == lambda2)
    return gsl_cdf_ugaussian_Q(lambda1);
  return (q_integral(lambda2) - q_integral(lambda1)) / (lambda2 - lambda1);
}

double samlab_aesam_replay(size_t n, const double *s, double delta, double lambda1, double lambda2, long T,
                           double *mu, double *sd, double *threshold, uint8_t *sam)
{
  double m = 0, var = exp(-10.0);
  size_t used = 0;
  for (size_t t = 0; t < n; t++) {
    double frac = T > 0 ? (double)t / (double)T : 0.0;
    double c = frac * lambda1 + (1 - frac) * lambda2;
    m = delta * m + (1 - delta) * s[t];
    var = delta * var + (1 - delta) * (s[t] - m) * (s[t] - m);
    double th = m + c * sqrt(var);
    int use = s[t] >= th;
    used += (size_t)use;
    if (mu)
      mu[t] = m;
    if (sd)
      sd[t] = sqrt(var);
    if (threshold)
      threshold[t] = th;
    if (sam)
      sam[t] = (uint8_t)use;
  }
  return n ? (double)used / (double)n : NAN;
}
