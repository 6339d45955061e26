/* samlab plot for kind "slice": 1-D slices of all files as curves of the loss against the step (one per file,
 * StableSAM Figure 2 style for eigenvector slices, with the top eigenvalue in the key); a 2-D slice as a heat
 * map with contours (the first file). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plot.h"


int plot_slice(const plot_request *req, char *err, size_t errlen)
{
  char *body = NULL, *plots = NULL;
  size_t blen = 0, plen = 0;
  FILE *s = open_memstream(&body, &blen), *p = open_memstream(&plots, &plen);
  int rc = -1, two_d = 0;
  char mode[32] = "";
  for (int f = 0; f < req->nfiles; f++) {
    hid_t h = plot_open(req->files[f], err, errlen);
    if (h < 0)
      goto done;
    char subject[512] = "?";
    samlab_in_attr_str(h, "/", "subject", subject, sizeof subject);
    samlab_in_attr_str(h, "/", "mode", mode, sizeof mode);
    double lambda = NAN, epoch = NAN;
    samlab_in_attr_f64(h, "/", "lambda_max", &lambda);
    samlab_in_attr_f64(h, "/", "epoch", &epoch);
    int ra, rl;
    hsize_t da[4], dl[4];
    double *alpha = NULL, *loss = NULL;
    /* 1-D: alpha and loss of one length; 2-D: alpha along both axes of loss */
    if (samlab_in_f64(h, "/alpha", &ra, da, &alpha) != 0 || samlab_in_f64(h, "/loss", &rl, dl, &loss) != 0 ||
        ra != 1 || (rl == 1 && dl[0] != da[0]) || (rl == 2 && (dl[0] > da[0] || dl[1] > da[0])) || rl < 1 || rl > 2) {
      H5Fclose(h);
      free(alpha);
      free(loss);
      snprintf(err, errlen, "'%s' has no /alpha and /loss of matching shapes", req->files[f]);
      goto done;
    }
    H5Fclose(h);
    if (rl == 2) { /* 2-D: the first file only */
      two_d = 1;
      fprintf(s, "$grid << EOD\n");
      for (hsize_t i = 0; i < dl[0]; i++) {
        for (hsize_t j = 0; j < dl[1]; j++)
          fprintf(s, "%.10g %.10g %.10g\n", alpha[j], alpha[i], loss[i * dl[1] + j]);
        fprintf(s, "\n");
      }
      fprintf(s, "EOD\n");
      fprintf(s, "set title '%s'\nset xlabel 'alpha (direction 1)'\nset ylabel 'beta (direction 2)'\n"
                 "set view map\nset contour base\nset cntrparam levels 15\nunset surface\nset table $cont\n"
                 "splot $grid using 1:2:3\nunset table\nunset contour\nset surface\nset size ratio -1\n"
                 "plot $grid using 1:2:3 with image notitle, $cont using 1:2 with lines lc rgb 'white' notitle\n",
              plot_esc(req->title ? req->title : subject));
      free(alpha);
      free(loss);
      break;
    }
    fprintf(s, "$s%d << EOD\n", f);
    for (hsize_t i = 0; i < da[0]; i++)
      fprintf(s, "%.10g %.10g\n", alpha[i], loss[i]);
    fprintf(s, "EOD\n");
    char label[640];
    if (isfinite(epoch))
      snprintf(label, sizeof label, "epoch %.0f", epoch);
    else
      snprintf(label, sizeof label, "%s", subject);
    if (isfinite(lambda))
      snprintf(label + strlen(label), sizeof label - strlen(label), " (lambda_max %.4g)", lambda);
    fprintf(p, "%s$s%d using 1:2 with lines lw 2 title '%s'", plen ? ", " : "", f, plot_esc(label));
    fflush(p);
    free(alpha);
    free(loss);
  }
  fclose(p);
  p = NULL;
  if (!two_d)
    fprintf(s, "set title '%s'\nset grid\nset xlabel '%s'\nset ylabel 'loss'\nset key top center\nplot %s\n",
            plot_esc(req->title ? req->title : "loss slices"), strcmp(mode, "eigen") == 0 ? "alpha (along the top Hessian eigenvector e1)"
                                                                                : "alpha (along a random direction)",
            plots);
  fclose(s);
  s = NULL;
  rc = plot_render(req, 800, two_d ? 700 : 520, body, err, errlen);
done:
  if (s)
    fclose(s);
  if (p)
    fclose(p);
  free(body);
  free(plots);
  return rc;
}
