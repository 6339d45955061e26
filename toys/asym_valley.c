/* infoSAM's asymmetric valley (App. C, Fig. 3).  The paper draws it without constants; ours (the shared notes'
 * choice): v(x) = a x^2/2 for x < 0 (sharp side), b x^2/2 for x >= 0 (flat side), a = 1, b = 0.04, C^1 with
 * its minimum at 0.  Default 2-D: f = v(x1) + b x2^2/2 (a second, flat coordinate that only noise moves);
 * "dim=1" gives v alone.  The Hessian is exact except on x1 = 0 where v'' jumps (we take the flat side).
 * Toy options: "dim=1|2", "noise=S1[,S2]" (standard deviations of the gradient noise per coordinate; the notes
 * use 0.5 in 1-D and 0.1,2.0 in 2-D; default none), "seed=N". */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "toy_impl.h"

#define VALLEY_A 1.0
#define VALLEY_B 0.04
static const double valley_minima[2] = {0, 0};

typedef struct {
  size_t dim;
  samlab_toy_noise *noise;
} valley;

static double valley_vg(void *ctx, const double *w, double *g)
{
  const valley *v = ctx;
  double c = w[0] < 0 ? VALLEY_A : VALLEY_B;
  double f = 0.5 * c * w[0] * w[0];
  if (g)
    g[0] = c * w[0];
  if (v->dim == 2) {
    f += 0.5 * VALLEY_B * w[1] * w[1];
    if (g)
      g[1] = VALLEY_B * w[1];
  }
  if (g && v->noise)
    samlab_toy_noise_add(v->noise, g);
  return f;
}

static void valley_hessian(void *ctx, const double *w, double *H)
{
  const valley *v = ctx;
  H[0] = w[0] < 0 ? VALLEY_A : VALLEY_B;
  if (v->dim == 2) {
    H[1] = H[2] = 0;
    H[3] = VALLEY_B;
  }
}

static int valley_batch(void *ctx, const size_t *idx, size_t n)
{
  return samlab_toy_noise_batch(((valley *)ctx)->noise, idx, n);
}

static void valley_free(void *ctx)
{
  valley *v = ctx;
  samlab_toy_noise_free(v->noise);
  free(v);
}

static samlab_problem *valley_create(const char *opts, char *err, size_t errlen)
{
  const char *cursor = opts;
  char key[32], value[256], noisetext[256] = "";
  double dim = 2, seed = 1;
  int rc;
  while ((rc = samlab_toy_opt_next("asym-valley", &cursor, key, sizeof key, value, sizeof value, err, errlen)) > 0) {
    if (strcmp(key, "noise") == 0) {
      snprintf(noisetext, sizeof noisetext, "%s", value);
      continue;
    }
    double *dest = strcmp(key, "dim") == 0 ? &dim : strcmp(key, "seed") == 0 ? &seed : NULL;
    if (!dest)
      return samlab_toy_bad_option("asym-valley", key, "dim=1|2, noise=S1[,S2], seed=N", err, errlen), NULL;
    if (samlab_toy_doubles("asym-valley", key, value, dest, 1, err, errlen) < 0)
      return NULL;
    if (*dest < 0 || *dest != floor(*dest) || (dest == &dim && dim != 1 && dim != 2)) {
      snprintf(err, errlen, "bad value '%s' for toy option %s of asym-valley: must be %s", value, key,
               dest == &dim ? "1 or 2" : "a non-negative integer");
      return NULL;
    }
  }
  if (rc < 0)
    return NULL;
  valley *v = calloc(1, sizeof *v);
  if (!v) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  v->dim = (size_t)dim;
  if (noisetext[0]) {
    double sd[2];
    int n = samlab_toy_doubles("asym-valley", "noise", noisetext, sd, 2, err, errlen);
    if (n >= 0 && ((size_t)n != v->dim || sd[0] < 0 || sd[n - 1] < 0)) {
      snprintf(err, errlen, "bad value '%s' for toy option noise of asym-valley: needs %zu standard deviation%s >= 0",
               noisetext, v->dim, v->dim == 1 ? "" : "s");
      n = -1;
    }
    if (n < 0 || !(v->noise = samlab_toy_noise_alloc(v->dim, sd, (unsigned long)seed))) {
      if (n >= 0)
        snprintf(err, errlen, "out of memory");
      free(v);
      return NULL;
    }
  }
  samlab_problem *p = samlab_toy_problem("asym-valley", v->dim, v, valley_vg, valley_hessian, valley_free);
  if (!p) {
    valley_free(v);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (v->noise) {
    samlab_toy_batching(p, valley_batch, 0);
    samlab_toy_landscape(p)->stochastic = 1;
  }
  samlab_toy_landscape(p)->minima = valley_minima;
  samlab_toy_landscape(p)->nminima = 1;
  return p;
}

const samlab_toy_type samlab_toy_asym_valley = {
    "asym-valley", "v(x1) + 0.02 x2^2, v = x^2/2 (x < 0), 0.02 x^2 (x >= 0); dim=1: v alone; noise=S1[,S2]", 2,
    valley_create};
