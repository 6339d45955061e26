/* The contour of a toy function for gnuplot, computed in C: grid values and contour lines as datablocks of
 * the script, so a figure needs no temporary files.  Used by the toy trajectory plot (and free for others). */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "plot.h"

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int plot_contour(FILE *s, const samlab_problem *p, const double *base, plot_box box, int n, int nlevels,
                 double *zlo, double *zhi, char *err, size_t errlen)
{
  size_t dim = p->dim, cells = (size_t)n * (size_t)n;
  double *z = malloc(cells * sizeof *z), *sorted = malloc(cells * sizeof *sorted);
  double *w = calloc(dim, sizeof *w);
  if (!z || !sorted || !w || dim < 2) {
    free(z);
    free(sorted);
    free(w);
    snprintf(err, errlen, dim < 2 ? "a contour needs a function of at least 2 variables" : "out of memory");
    return -1;
  }
  if (base)
    memcpy(w, base, dim * sizeof *w);
  size_t finite = 0;
  for (int j = 0; j < n; j++)
    for (int i = 0; i < n; i++) {
      w[0] = box.x0 + (box.x1 - box.x0) * i / (n - 1);
      w[1] = box.y0 + (box.y1 - box.y0) * j / (n - 1);
      double v = samlab_problem_value_grad(p, w, NULL);
      z[(size_t)j * n + i] = v;
      if (isfinite(v))
        sorted[finite++] = v;
    }
  if (finite == 0) {
    free(z);
    free(sorted);
    free(w);
    snprintf(err, errlen, "%s is not finite anywhere on the plotted box", p->name);
    return -1;
  }
  /* Levels at quantiles adapt to any function (rosenbrock's range spans 1e-3 to 1e3); colours are clipped at
   * the 90% quantile so a steep rim does not wash out the basin. */
  qsort(sorted, finite, sizeof *sorted, cmp_double);
  *zlo = sorted[0];
  *zhi = sorted[(size_t)(0.9 * (double)(finite - 1))];
  if (!(*zhi > *zlo))
    *zhi = *zlo + 1;
  double top = sorted[finite - 1];
  fprintf(s, "$grid << EOD\n");
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < n; i++) {
      double v = z[(size_t)j * n + i];
      fprintf(s, "%.10g %.10g %.10g\n", box.x0 + (box.x1 - box.x0) * i / (n - 1),
              box.y0 + (box.y1 - box.y0) * j / (n - 1), isfinite(v) ? v : top);
    }
    fprintf(s, "\n");
  }
  fprintf(s, "EOD\nset contour base\nunset surface\nset view map\nset cntrparam levels discrete ");
  double last = NAN;
  int written = 0;
  for (int k = 1; k <= nlevels; k++) {
    /* quantiles k/(nlevels+1), denser near the bottom where minima are */
    double q = pow((double)k / (nlevels + 1), 2.0);
    double v = sorted[(size_t)(q * (double)(finite - 1))];
    if (v == last)
      continue;
    fprintf(s, "%s%.10g", written ? "," : "", v);
    last = v;
    written++;
  }
  if (!written)
    fprintf(s, "%.10g", sorted[0]);
  fprintf(s, "\nset table $contour\nsplot $grid using 1:2:3 with lines notitle\nunset table\nunset contour\n"
             "set surface\n");
  free(z);
  free(sorted);
  free(w);
  return 0;
}
