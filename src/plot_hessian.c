/* samlab plot for kind "hessian": the top eigenvalues of each file (Lanczos, power, and the exact spectrum's top
 * when stored) and, when any file has one, the SLQ spectral density on a log scale. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plot.h"


static void block(FILE *s, const char *name, size_t n, const double *x, const double *y)
{
  fprintf(s, "$%s << EOD\n", name);
  for (size_t i = 0; i < n; i++)
    if (isfinite(y[i]))
      fprintf(s, "%.10g %.10g\n", x ? x[i] : (double)(i + 1), y[i]);
  fprintf(s, "EOD\n");
}

int plot_hessian(const plot_request *req, char *err, size_t errlen)
{
  char *body = NULL, *plots = NULL, *dplots = NULL;
  size_t blen = 0, plen = 0, dlen = 0;
  FILE *s = open_memstream(&body, &blen), *p = open_memstream(&plots, &plen), *d = open_memstream(&dplots, &dlen);
  int rc = -1, ndens = 0;
  for (int f = 0; f < req->nfiles; f++) {
    hid_t h = plot_open(req->files[f], err, errlen);
    if (h < 0)
      goto done;
    char subject[512] = "?";
    samlab_in_attr_str(h, "/", "subject", subject, sizeof subject);
    const char *groups[] = {"/lanczos/eigenvalues", "/power/eigenvalues", "/exact/eigenvalues"};
    const char *what[] = {"lanczos", "power", "dsyevr"}, *style[] = {"pt 7 ps 1.2", "pt 6 ps 1.8", "pt 1 ps 1"};
    for (int g = 0; g < 3; g++) {
      hsize_t len;
      double *v = NULL;
      if (H5Lexists(h, groups[g], H5P_DEFAULT) <= 0 || samlab_in_vec(h, groups[g], &v, &len) != 0)
        continue;
      size_t n = len > 50 ? 50 : (size_t)len; /* the exact spectrum: its top 50 */
      char name[32];
      snprintf(name, sizeof name, "e%d_%d", f, g);
      block(s, name, n, NULL, v);
      fprintf(p, "%s$%s using 1:2 with points %s title '%s%s%s'", plen ? ", " : "", name, style[g], what[g],
              req->nfiles > 1 ? ": " : "", req->nfiles > 1 ? plot_esc(subject) : "");
      fflush(p);
      free(v);
    }
    hsize_t ngrid = 0, ndensity = 0;
    double *grid = NULL, *dens = NULL;
    if (H5Lexists(h, "/density", H5P_DEFAULT) > 0 && samlab_in_vec(h, "/density/grid", &grid, &ngrid) == 0 &&
        samlab_in_vec(h, "/density/values", &dens, &ndensity) == 0 && ngrid == ndensity) {
      for (hsize_t i = 0; i < ndensity; i++) /* log scale: floor the Gaussian tails */
        dens[i] = fmax(dens[i], 1e-8);
      char name[32];
      snprintf(name, sizeof name, "d%d", f);
      block(s, name, ndensity, grid, dens);
      fprintf(d, "%s$%s using 1:2 with lines lw 2 title '%s'", dlen ? ", " : "", name, req->nfiles > 1 ? plot_esc(subject) : "");
      fflush(d);
      ndens++;
    }
    free(grid);
    free(dens);
    H5Fclose(h);
  }
  fclose(p);
  fclose(d);
  p = d = NULL;
  if (!plen) {
    snprintf(err, errlen, "'%s' has no eigenvalues", req->files[0]);
    goto done;
  }
  fprintf(s, "set multiplot layout 1,%d title '%s'\nset grid\nset key top right\n", ndens ? 2 : 1,
          plot_esc(req->title ? req->title : "Hessian spectrum"));
  fprintf(s, "set xlabel 'index i'\nset ylabel 'eigenvalue lambda_i'\nset xtics 1\nplot %s\nset xtics autofreq\n", plots);
  if (ndens)
    fprintf(s, "set xlabel 'eigenvalue'\nset ylabel 'density (SLQ, Gaussian-smoothed)'\nset logscale y\nset format y '%%.0e'\n"
               "plot %s\nunset logscale y\n", dplots);
  fclose(s);
  s = NULL;
  rc = plot_render(req, ndens ? 1200 : 700, 500, body, err, errlen);
done:
  if (s)
    fclose(s);
  if (p)
    fclose(p);
  if (d)
    fclose(d);
  free(body);
  free(plots);
  free(dplots);
  return rc;
}
