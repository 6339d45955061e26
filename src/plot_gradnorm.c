/* samlab plot for kind "gradnorm": the histogram of ||g_B||^2 with the fitted Gaussian's expected counts, the
 * normal Q-Q plot, and, when the file has a training trace, ||g||^2 per step with AE-SAM's threshold (log y). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plot.h"


static double *get(hid_t h, const char *name, size_t *n)
{
  double *v = NULL;
  hsize_t len;
  if (H5Lexists(h, name, H5P_DEFAULT) > 0 && samlab_in_vec(h, name, &v, &len) == 0)
    *n = (size_t)len;
  return v;
}

/* The over-training panel (AE-SAM Figures 1 and 2): mean ||g_B||^2 and the variance per epoch of every file that
 * has them, labelled by the rule of its run.  Returns how many files had them (0: no panel). */
static int over_training_panel(FILE *s, const plot_request *req)
{
  char *plots = NULL;
  size_t plen = 0;
  FILE *p = open_memstream(&plots, &plen);
  int n = 0;
  for (int f = 0; f < req->nfiles; f++) {
    hid_t h = H5Fopen(req->files[f], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (h < 0)
      continue;
    size_t ne = 0, nm = 0, nv = 0, nf = 0;
    double *ep = get(h, "/over_training/epoch", &ne), *m = get(h, "/over_training/mean_norm2", &nm);
    double *v = get(h, "/over_training/variance", &nv), *full = get(h, "/over_training/full_norm2", &nf);
    char rule[64] = "?";
    samlab_in_attr_str(h, "/over_training", "rule", rule, sizeof rule);
    H5Fclose(h);
    if (ep && m && v && full && ne == nm && ne == nv && ne == nf) {
      fprintf(s, "$ot%d << EOD\n", f);
      for (size_t e = 0; e < ne; e++)
        fprintf(s, "%.10g %.10g %.10g %.10g\n", ep[e], m[e], v[e], full[e]);
      fprintf(s, "EOD\n");
      fprintf(p, "%s$ot%d using 1:2 with linespoints lw 2 lc %d title '%s: E||g_B||^2', $ot%d using 1:($3 > 0 ? $3 : 1/0) "
                 "with linespoints dt 2 lw 2 lc %d title '%s: variance', $ot%d using 1:($4 > 0 ? $4 : 1/0) with linespoints "
                 "dt 3 lw 2 lc %d title '%s: full-batch ||g||^2'",
              n ? ", " : "", f, f + 1, plot_esc(rule), f, f + 1, plot_esc(rule), f, f + 1, plot_esc(rule));
      n++;
    }
    free(ep);
    free(m);
    free(v);
    free(full);
  }
  fclose(p);
  if (n)
    fprintf(s, "set xlabel 'epoch'\nset ylabel 'squared gradient norm'\nset logscale y\nset key top right\nplot %s\n"
               "unset logscale y\n", plots);
  free(plots);
  return n;
}

int plot_gradnorm(const plot_request *req, char *err, size_t errlen)
{
  if (req->nfiles > 1) { /* several runs: their over-training curves side by side (ERM vs SAM) */
    char *body = NULL;
    size_t blen = 0;
    FILE *s = open_memstream(&body, &blen);
    fprintf(s, "set title '%s'\nset grid\n",
            plot_esc(req->title ? req->title : "squared mini-batch gradient norms over training"));
    int n = over_training_panel(s, req);
    fclose(s);
    int rc = -1;
    if (!n)
      snprintf(err, errlen, "several gradnorm files are drawn together by their /over_training; none has one");
    else
      rc = plot_render(req, 800, 520, body, err, errlen);
    free(body);
    return rc;
  }
  hid_t h = plot_open(req->files[0], err, errlen);
  if (h < 0)
    return -1;
  size_t ne = 0, nc = 0, nf = 0, nq = 0, nqy = 0, nt = 0, nth = 0;
  double *edges = get(h, "/histogram/edges", &ne), *counts = get(h, "/histogram/counts", &nc);
  double *fitted = get(h, "/histogram/fitted", &nf), *qx = get(h, "/qq/theoretical", &nq);
  double *qy = get(h, "/qq/sorted", &nqy), *tg = get(h, "/trace/grad_norm2", &nt), *tth = get(h, "/trace/threshold", &nth);
  /* drawn only when their lengths agree (a damaged file must not make us read past them) */
  int hist = edges && counts && ne == nc + 1 && qx && qy && nq == nqy, trace = tg && tth && nt == nth;
  if (fitted && nf != nc) {
    free(fitted);
    fitted = NULL;
  }
  double mean = NAN, sd = NAN, adp = NAN, r = NAN;
  samlab_in_attr_f64(h, "/", "mean", &mean);
  samlab_in_attr_f64(h, "/", "sd", &sd);
  samlab_in_attr_f64(h, "/", "ad_p", &adp);
  samlab_in_attr_f64(h, "/", "qq_r", &r);
  char subject[512] = "";
  samlab_in_attr_str(h, "/", "subject", subject, sizeof subject);
  H5Fclose(h);
  char *body = NULL;
  size_t blen = 0;
  h = H5Fopen(req->files[0], H5F_ACC_RDONLY, H5P_DEFAULT);
  int has_ot = h >= 0 && H5Lexists(h, "/over_training", H5P_DEFAULT) > 0;
  if (h >= 0)
    H5Fclose(h);
  int rc = -1, panels = (hist ? 2 : 0) + trace + has_ot;
  if (!panels) {
    snprintf(err, errlen, "'%s' has neither samples nor a trace to draw", req->files[0]);
    goto done;
  }
  FILE *s = open_memstream(&body, &blen);
  fprintf(s, "set multiplot layout 1,%d title '%s'\nset grid\n", panels,
          plot_esc(req->title ? req->title : subject[0] ? subject : "squared mini-batch gradient norms"));
  if (hist) {
    fprintf(s, "$hist << EOD\n");
    for (size_t b = 0; b < nc; b++)
      fprintf(s, "%.10g %.10g %.10g %.10g\n", 0.5 * (edges[b] + edges[b + 1]), counts[b], fitted ? fitted[b] : NAN,
              edges[b + 1] - edges[b]);
    fprintf(s, "EOD\n$qq << EOD\n");
    for (size_t i = 0; i < nq; i++)
      fprintf(s, "%.10g %.10g\n", qx[i], qy[i]);
    fprintf(s, "EOD\n");
    fprintf(s, "set xlabel '||g_B||^2'\nset ylabel 'batches'\nset style fill solid 0.4\n"
               "plot $hist using 1:2:4 with boxes title 'histogram', $hist using 1:3 with linespoints lw 2 "
               "title 'fitted Gaussian (expected counts)'\n");
    fprintf(s, "set xlabel 'normal quantile'\nset ylabel 'sorted ||g_B||^2'\nset key top left\n"
               "plot $qq using 1:2 with points pt 7 ps 0.6 title 'Q-Q (AD p = %.3g, r = %.4f)', "
               "%.10g + %.10g * x with lines lw 2 title 'mean + sd x'\n", adp, r, mean, sd);
  }
  if (trace) {
    fprintf(s, "$trace << EOD\n");
    for (size_t i = 0; i < nt; i++)
      fprintf(s, "%zu %.10g %.10g\n", i, tg[i], tth[i]);
    fprintf(s, "EOD\nset xlabel 'step'\nset ylabel '||g||^2'\nset logscale y\nset key top right\n"
               "plot $trace using 1:2 with lines title '||g_t||^2', $trace using 1:($3 > 0 ? $3 : 1/0) with lines "
               "lw 2 title 'mu_t + c_t sigma_t'\nunset logscale y\n");
  }
  if (has_ot)
    over_training_panel(s, req);
  fclose(s);
  rc = plot_render(req, 500 * panels + 100, 480, body, err, errlen);
done:
  free(body);
  free(edges);
  free(counts);
  free(fitted);
  free(qx);
  free(qy);
  free(tg);
  free(tth);
  return rc;
}
