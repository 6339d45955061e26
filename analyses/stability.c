/* Uniform-stability twin sets and the distances between twin runs' weights (StableSAM Section 5.2). */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/rule.h"
#include "samlab/toy.h"
#include "samlab/train.h"
#include "samlab/analyses.h"
#include "samlab/bounds.h"

int samlab_twin_sets(const samlab_dataset *train, unsigned long seed, samlab_dataset **s, samlab_dataset **s2,
                     size_t *removed, size_t *replaced, char *err, size_t errlen)
{
  size_t n = train->n;
  *s = *s2 = NULL;
  if (n < 3) {
    snprintf(err, errlen, "twin sets need a training set of at least 3 examples (got %zu)", n);
    return -1;
  }
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  size_t *idx = malloc(n * sizeof *idx);
  if (!rng || !idx) {
    if (rng)
      gsl_rng_free(rng);
    free(idx);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  gsl_rng_set(rng, seed);
  size_t e = gsl_rng_uniform_int(rng, n);        /* the removed example */
  size_t j = gsl_rng_uniform_int(rng, n - 1);    /* position in S that S2 replaces by it */
  for (size_t i = 0, k = 0; i < n; i++)
    if (i != e)
      idx[k++] = i;
  *s = samlab_dataset_subset(train, idx, n - 1);
  idx[j] = e;
  *s2 = samlab_dataset_subset(train, idx, n - 1);
  gsl_rng_free(rng);
  free(idx);
  if (!*s || !*s2) {
    samlab_dataset_free(*s);
    samlab_dataset_free(*s2);
    *s = *s2 = NULL;
    snprintf(err, errlen, "out of memory for the twin sets");
    return -1;
  }
  *removed = e;
  *replaced = j;
  return 0;
}

double samlab_twin_distance(size_t n, const double *w, const double *w2)
{
  double d = 0;
  for (size_t i = 0; i < n; i++)
    d += (w[i] - w2[i]) * (w[i] - w2[i]);
  double den = samlab_norm(n, w) + samlab_norm(n, w2);
  return den > 0 ? sqrt(d) / den : 0.0;
}

double samlab_twin_distance_hardt(size_t n, const double *w, const double *w2)
{
  double d = 0, a = samlab_dot(n, w, w), b = samlab_dot(n, w2, w2);
  for (size_t i = 0; i < n; i++)
    d += (w[i] - w2[i]) * (w[i] - w2[i]);
  return a + b > 0 ? sqrt(d / (a + b)) : 0.0;
}
