/* infoSAM's adversarial-model-degradation toy (App. D, Fig. 4), 3-D.  The paper fixes only the gradient at
 * x = 0, grad f(0) = (0.2, -0.02, 0.01), and the gradient noise Cov(xi) = alpha diag(0.2, 2, 1).  To make a
 * landscape with a minimum we choose (our decision, not the paper's) f(x) = c^T x + |x|^2/2 with
 * c = (0.2, -0.02, 0.01): minimum -c, Hessian I.
 * Toy options: "noise=ALPHA" (default 0: exact gradients; the paper tunes alpha to SNR 0.1, which with
 * SNR = |grad f|^2 / E|xi|^2 = 0.0405/(3.2 alpha) is alpha = 0.1265625), "seed=N" for the noise. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "toy_impl.h"

static const double AMD_C[3] = {0.2, -0.02, 0.01};
static const double AMD_VAR[3] = {0.2, 2.0, 1.0};
static const double amd_minima[3] = {-0.2, 0.02, -0.01};

static double amd_vg(void *ctx, const double *w, double *g)
{
  double f = 0;
  for (int i = 0; i < 3; i++) {
    f += AMD_C[i] * w[i] + 0.5 * w[i] * w[i];
    if (g)
      g[i] = AMD_C[i] + w[i];
  }
  if (g && ctx)
    samlab_toy_noise_add(ctx, g);
  return f;
}

static void amd_hessian(void *ctx, const double *w, double *H)
{
  for (int i = 0; i < 9; i++)
    H[i] = i % 4 == 0;
}

static int amd_batch(void *ctx, const size_t *idx, size_t n)
{
  return samlab_toy_noise_batch(ctx, idx, n);
}

static void amd_free(void *ctx)
{
  samlab_toy_noise_free(ctx);
}

static samlab_problem *amd_create(const char *opts, char *err, size_t errlen)
{
  const char *cursor = opts;
  char key[32], value[256];
  double alpha = 0, seed = 1;
  int rc;
  while ((rc = samlab_toy_opt_next("infosam-amd", &cursor, key, sizeof key, value, sizeof value, err, errlen)) > 0) {
    double *dest = strcmp(key, "noise") == 0 ? &alpha : strcmp(key, "seed") == 0 ? &seed : NULL;
    if (!dest)
      return samlab_toy_bad_option("infosam-amd", key, "noise=ALPHA, seed=N", err, errlen), NULL;
    if (samlab_toy_doubles("infosam-amd", key, value, dest, 1, err, errlen) < 0)
      return NULL;
    if (*dest < 0 || (dest == &seed && *dest != floor(*dest))) {
      snprintf(err, errlen, "bad value '%s' for toy option %s of infosam-amd: must be %s", value, key,
               dest == &seed ? "a non-negative integer" : ">= 0");
      return NULL;
    }
  }
  if (rc < 0)
    return NULL;
  samlab_toy_noise *noise = NULL;
  if (alpha > 0) {
    double sd[3];
    for (int i = 0; i < 3; i++)
      sd[i] = sqrt(alpha * AMD_VAR[i]);
    if (!(noise = samlab_toy_noise_alloc(3, sd, (unsigned long)seed))) {
      snprintf(err, errlen, "out of memory");
      return NULL;
    }
  }
  samlab_problem *p = samlab_toy_problem("infosam-amd", 3, noise, amd_vg, amd_hessian, amd_free);
  if (!p) {
    samlab_toy_noise_free(noise);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (noise) {
    samlab_toy_batching(p, amd_batch, 0);
    samlab_toy_landscape(p)->stochastic = 1;
  }
  samlab_toy_landscape(p)->minima = amd_minima;
  samlab_toy_landscape(p)->nminima = 1;
  return p;
}

const samlab_toy_type samlab_toy_infosam_amd = {
    "infosam-amd", "c^T x + |x|^2/2, c = (0.2,-0.02,0.01); noise=ALPHA: Cov(xi) = ALPHA diag(0.2,2,1)", 3,
    amd_create};
