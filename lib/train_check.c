/* Gradient check by central finite differences, for any problem (networks use it in double precision). */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include "samlab/vec.h"
#include "samlab/train.h"

double samlab_check_grad(const samlab_problem *p, const double *w, size_t ncoords, double h, unsigned long seed,
                         double *rel)
{
  size_t n = p->dim;
  double *g = malloc(n * sizeof *g), *wp = malloc(n * sizeof *wp);
  size_t *cand = malloc(4 * ncoords * sizeof *cand + 1);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  double worst = NAN;
  if (!g || !wp || !cand || !rng || n == 0)
    goto done;
  gsl_rng_set(rng, seed);
  samlab_problem_value_grad(p, w, g);
  samlab_copy(n, w, wp);
  /* Many coordinates of a network have a zero gradient on a batch (blank pixels, dead units), which would
   * check nothing: draw 4 ncoords candidates and keep the ncoords of largest |g|. */
  for (size_t k = 0; k < 4 * ncoords; k++)
    cand[k] = gsl_rng_uniform_int(rng, n);
  for (size_t k = 0; k < ncoords; k++)
    for (size_t j = k + 1; j < 4 * ncoords; j++)
      if (fabs(g[cand[j]]) > fabs(g[cand[k]])) {
        size_t tmp = cand[k];
        cand[k] = cand[j];
        cand[j] = tmp;
      }
  worst = 0;
  for (size_t k = 0; k < ncoords; k++) {
    size_t i = cand[k];
    wp[i] = w[i] + h;
    double fp = samlab_problem_value_grad(p, wp, NULL);
    wp[i] = w[i] - h;
    double fm = samlab_problem_value_grad(p, wp, NULL);
    wp[i] = w[i];
    double fd = (fp - fm) / (2 * h);
    double scale = fmax(fmax(fabs(fd), fabs(g[i])), 1e-6);
    double r = fabs(fd - g[i]) / scale;
    if (rel)
      rel[k] = r;
    if (!(r <= worst))
      worst = r;
  }
done:
  free(g);
  free(wp);
  free(cand);
  if (rng)
    gsl_rng_free(rng);
  return worst;
}
