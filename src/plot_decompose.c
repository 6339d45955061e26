/* samlab plot for kind "decompose": F-SAM Figure 1's comparison -- test accuracy per epoch for each variant
 * (sgd, sam, full, noise) and the final test accuracy as bars. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plot.h"


int plot_decompose(const plot_request *req, char *err, size_t errlen)
{
  hid_t h = plot_open(req->files[0], err, errlen);
  if (h < 0)
    return -1;
  char names[8][64], model[128] = "", proj[128] = "";
  int nv = plot_read_names(h, "/variants", names, 8), rank;
  samlab_in_attr_str(h, "/", "model", model, sizeof model);
  samlab_in_attr_str(h, "/", "proj", proj, sizeof proj);
  hsize_t da[4];
  double *ep = NULL, *acc = NULL;
  hsize_t ne = 0;
  int ok = nv > 0 && samlab_in_vec(h, "/epoch", &ep, &ne) == 0 &&
           samlab_in_f64(h, "/test_acc", &rank, da, &acc) == 0 && rank == 2 && da[0] == (hsize_t)nv && da[1] == ne;
  H5Fclose(h);
  if (!ok) {
    free(ep);
    free(acc);
    snprintf(err, errlen, "'%s' has no /variants, /epoch and /test_acc", req->files[0]);
    return -1;
  }
  char *body = NULL;
  size_t blen = 0;
  FILE *s = open_memstream(&body, &blen);
  size_t E = ne;
  fprintf(s, "$bars << EOD\n");
  for (int v = 0; v < nv; v++) {
    double last = NAN;
    for (size_t e = 0; e < E; e++)
      if (isfinite(acc[(size_t)v * E + e]))
        last = acc[(size_t)v * E + e];
    fprintf(s, "%d \"%s\" %.10g\n", v, names[v], 100 * last);
  }
  fprintf(s, "EOD\n");
  for (int v = 0; v < nv; v++) {
    fprintf(s, "$v%d << EOD\n", v);
    for (size_t e = 0; e < E; e++)
      if (isfinite(acc[(size_t)v * E + e]))
        fprintf(s, "%.10g %.10g\n", ep[e], 100 * acc[(size_t)v * E + e]);
    fprintf(s, "EOD\n");
  }
  fprintf(s, "set multiplot layout 1,2 title '%s (%s)'\nset grid\n", plot_esc(req->title ? req->title : model),
          plot_esc(proj));
  fprintf(s, "set xlabel 'epoch'\nset ylabel 'test accuracy (%%)'\nset key bottom right\nplot ");
  for (int v = 0; v < nv; v++)
    fprintf(s, "%s$v%d using 1:2 with linespoints lw 2 title '%s'", v ? ", " : "", v, plot_esc(names[v]));
  fprintf(s, "\nset xlabel ''\nset ylabel 'final test accuracy (%%)'\nset style fill solid 0.6\nset boxwidth 0.6\n"
             "set xrange [-0.7:%d.7]\nplot $bars using 1:3:xtic(2) with boxes notitle, $bars using 1:3:(sprintf('%%.2f', "
             "$3)) with labels offset 0,1 notitle\n",
          nv - 1);
  fclose(s);
  int rc = plot_render(req, 1100, 480, body, err, errlen);
  free(body);
  free(ep);
  free(acc);
  return rc;
}
