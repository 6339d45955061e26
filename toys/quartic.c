/* StableSAM's quartic saddle f = x1^4/4 - x1 x2 + x2^2/2: minima (1,1), (-1,-1) at f = -1/4, saddle (0,0). */
#include <stdio.h>
#include "toy_impl.h"

static const double quartic_minima[] = {1, 1, -1, -1};
static const double quartic_saddles[] = {0, 0};

static double quartic_vg(void *ctx, const double *w, double *g)
{
  double x = w[0], y = w[1];
  if (g) {
    g[0] = x * x * x - y;
    g[1] = y - x;
  }
  return 0.25 * x * x * x * x - x * y + 0.5 * y * y;
}

static void quartic_hessian(void *ctx, const double *w, double *H)
{
  H[0] = 3 * w[0] * w[0];
  H[1] = H[2] = -1;
  H[3] = 1;
}

static samlab_problem *quartic_create(const char *opts, char *err, size_t errlen)
{
  if (samlab_toy_no_options("quartic", opts, err, errlen) != 0)
    return NULL;
  samlab_problem *p = samlab_toy_problem("quartic", 2, NULL, quartic_vg, quartic_hessian, NULL);
  if (!p)
    snprintf(err, errlen, "out of memory");
  if (p)
    *samlab_toy_landscape(p) = (samlab_landscape){.hessian = quartic_hessian,
                                                  .nminima = 2,
                                                  .minima = quartic_minima,
                                                  .nsaddles = 1,
                                                  .saddles = quartic_saddles,
                                                  .sweep_kernel = SAMLAB_KERNEL_QUARTIC};
  return p;
}

const samlab_toy_type samlab_toy_quartic = {"quartic", "x1^4/4 - x1 x2 + x2^2/2", 2, quartic_create};
