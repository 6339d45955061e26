/* Additive Gaussian gradient noise for toys that model stochastic gradients: g = grad f + xi, with xi drawn
 * afresh at each set_batch (a new "mini-batch"), so both gradients of one SAM step share it. */
#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>
#include "toy_impl.h"

samlab_toy_noise *samlab_toy_noise_alloc(size_t dim, const double *sd, unsigned long seed)
{
  samlab_toy_noise *z = calloc(1, sizeof *z + 2 * dim * sizeof(double));
  if (!z)
    return NULL;
  z->rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!z->rng) {
    free(z);
    return NULL;
  }
  gsl_rng_set(z->rng, seed);
  z->dim = dim;
  z->sd = z->v;
  z->xi = z->v + dim;
  memcpy(z->sd, sd, dim * sizeof *sd);
  return z;
}

int samlab_toy_noise_batch(samlab_toy_noise *z, const size_t *idx, size_t n)
{
  for (size_t i = 0; i < z->dim; i++)
    z->xi[i] = idx ? gsl_ran_gaussian_ziggurat(z->rng, z->sd[i]) : 0.0;
  return 0;
}

void samlab_toy_noise_add(const samlab_toy_noise *z, double *g)
{
  for (size_t i = 0; i < z->dim; i++)
    g[i] += z->xi[i];
}

void samlab_toy_noise_free(samlab_toy_noise *z)
{
  if (z) {
    gsl_rng_free(z->rng);
    free(z);
  }
}
