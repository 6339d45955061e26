/* samlab plot for kind "stability": StableSAM Figures 5-7's panels against the epoch, one curve per rule (and
 * file): the twins' parameter distance, the generalisation gap (test - train loss) and the accuracy gap. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plot.h"


int plot_stability(const plot_request *req, char *err, size_t errlen)
{
  const char *sets[] = {"/distance", "/gen_gap_loss", "/gen_gap_acc"};
  const char *ylab[] = {"||w - w'|| / (||w|| + ||w'||)", "test loss - train loss", "train acc - test acc"};
  char *body = NULL, *plots[3] = {NULL, NULL, NULL};
  size_t blen = 0, plen[3] = {0, 0, 0};
  FILE *s = open_memstream(&body, &blen), *p[3];
  for (int k = 0; k < 3; k++)
    p[k] = open_memstream(&plots[k], &plen[k]);
  int rc = -1, curves = 0;
  char model[128] = "";
  for (int f = 0; f < req->nfiles; f++) {
    hid_t h = plot_open(req->files[f], err, errlen);
    if (h < 0)
      goto done;
    char names[16][64];
    int nr = plot_read_names(h, "/rules", names, 16), rank;
    samlab_in_attr_str(h, "/", "model", model, sizeof model);
    hsize_t ne = 0, dd[4];
    double *ep = NULL;
    if (nr < 1 || samlab_in_vec(h, "/epoch", &ep, &ne) != 0) {
      H5Fclose(h);
      snprintf(err, errlen, "'%s' has no /rules or /epoch", req->files[f]);
      goto done;
    }
    for (int k = 0; k < 3; k++) {
      double *v = NULL;
      if (samlab_in_f64(h, sets[k], &rank, dd, &v) != 0 || rank != 2 || dd[0] != (hsize_t)nr || dd[1] != ne) {
        free(v);
        continue;
      }
      for (int r = 0; r < nr; r++) {
        fprintf(s, "$f%dk%dr%d << EOD\n", f, k, r);
        for (hsize_t e = 0; e < ne; e++)
          if (isfinite(v[(hsize_t)r * ne + e]))
            fprintf(s, "%.10g %.10g\n", ep[e], v[(hsize_t)r * ne + e]);
        fprintf(s, "EOD\n");
        fprintf(p[k], "%s$f%dk%dr%d using 1:2 with linespoints lw 2 lc %d title '%s%s%s'", plen[k] ? ", " : "", f,
                k, r, f * nr + r + 1, plot_esc(names[r]), req->nfiles > 1 ? " " : "",
                req->nfiles > 1 ? plot_esc(req->files[f]) : "");
        fflush(p[k]);
        curves++;
      }
      free(v);
    }
    free(ep);
    H5Fclose(h);
  }
  if (!curves) {
    snprintf(err, errlen, "'%s' has no curves to draw", req->files[0]);
    goto done;
  }
  for (int k = 0; k < 3; k++) {
    fclose(p[k]);
    p[k] = NULL;
  }
  fprintf(s, "set multiplot layout 1,3 title '%s'\nset grid\nset xlabel 'epoch'\nset key top left\n",
          plot_esc(req->title ? req->title : model[0] ? model : "uniform stability"));
  for (int k = 0; k < 3; k++)
    if (plen[k])
      fprintf(s, "set ylabel \"%s\"\nplot %s\n", ylab[k], plots[k]);
  fclose(s);
  s = NULL;
  rc = plot_render(req, 1500, 480, body, err, errlen);
done:
  if (s)
    fclose(s);
  for (int k = 0; k < 3; k++) {
    if (p[k])
      fclose(p[k]);
    free(plots[k]);
  }
  free(body);
  return rc;
}
