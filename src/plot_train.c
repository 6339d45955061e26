/* samlab plot for kind "train": four panels over one or more runs - the per-step batch loss, the test (and
 * train) accuracy per epoch, the train and test loss per epoch, and ||g||/||g_s|| per step when the runs
 * were traced with --trace-geometry (StableSAM Figure 1), else the fraction of SAM steps per epoch. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hdf5_hl.h>
#include "plot.h"

typedef struct {
  char label[256];
  long spe; /* steps per epoch */
  hsize_t nsteps, nepochs, nratio;
  double *loss, *ratio, *train_acc, *test_acc, *train_loss, *test_loss, *sam_fraction;
} train_run;

static void free_run(train_run *r)
{
  free(r->loss), free(r->ratio), free(r->train_acc), free(r->test_acc), free(r->train_loss), free(r->test_loss);
  free(r->sam_fraction);
}

static int read_run(const char *path, train_run *r, char *err, size_t errlen)
{
  memset(r, 0, sizeof *r);
  hid_t f = plot_open(path, err, errlen);
  if (f < 0)
    return -1;
  hsize_t n;
  double rho = NAN;
  int rc = samlab_in_vec(f, "/step/loss", &r->loss, &r->nsteps);
  rc = rc || samlab_in_vec(f, "/epoch/train_acc", &r->train_acc, &r->nepochs);
  rc = rc || samlab_in_vec(f, "/epoch/test_acc", &r->test_acc, &n) || n != r->nepochs;
  rc = rc || samlab_in_vec(f, "/epoch/train_loss", &r->train_loss, &n) || n != r->nepochs;
  rc = rc || samlab_in_vec(f, "/epoch/test_loss", &r->test_loss, &n) || n != r->nepochs;
  rc = rc || samlab_in_vec(f, "/epoch/sam_fraction", &r->sam_fraction, &n) || n != r->nepochs;
  if (rc) {
    H5Fclose(f);
    free_run(r);
    snprintf(err, errlen, "'%s' lacks the /step and /epoch traces of a samlab train file", path);
    return -1;
  }
  if (samlab_in_vec(f, "/step/grad_ratio", &r->ratio, &r->nratio) != 0)
    r->nratio = 0;
  long long s = 1;
  samlab_in_attr_i64(f, "/", "steps_per_epoch", &s);
  r->spe = s > 0 ? (long)s : 1;
  char rule[64] = "?", model[128] = "";
  samlab_in_attr_str(f, "/", "rule", rule, sizeof rule);
  samlab_in_attr_str(f, "/", "model", model, sizeof model);
  samlab_in_attr_f64(f, "/", "rho", &rho);
  char *sp = strchr(model, ' '); /* "fcn 784-500-500-10" -> "fcn" */
  if (sp)
    *sp = 0;
  if (strcmp(rule, "sgd") != 0 && isfinite(rho))
    snprintf(r->label, sizeof r->label, "%s %s rho=%g", model, rule, rho);
  else
    snprintf(r->label, sizeof r->label, "%s %s", model, rule);
  H5Fclose(f);
  return 0;
}

static void datablocks(FILE *s, const train_run *runs, int n)
{
  for (int i = 0; i < n; i++) {
    const train_run *r = &runs[i];
    fprintf(s, "$steps%d << EOD\n", i);
    for (hsize_t t = 0; t < r->nsteps; t++)
      fprintf(s, "%.6g %.6g %.6g\n", (double)(t + 1) / (double)r->spe, r->loss[t],
              t < r->nratio && isfinite(r->ratio[t]) ? r->ratio[t] : NAN);
    fprintf(s, "EOD\n$epochs%d << EOD\n", i);
    for (hsize_t e = 0; e < r->nepochs; e++)
      fprintf(s, "%llu %.6g %.6g %.6g %.6g %.6g\n", (unsigned long long)e + 1, 100 * r->train_acc[e],
              100 * r->test_acc[e], r->train_loss[e], r->test_loss[e], r->sam_fraction[e]);
    fprintf(s, "EOD\n");
  }
}

/* One multiplot; `$stepsI` columns: epoch, loss, ratio; `$epochsI`: epoch, train acc, test acc, train loss,
 * test loss, SAM fraction. */
static void panels(FILE *s, const train_run *runs, int n, const char *title)
{
  int geometry = 0;
  double epochs = 1; /* the x range, set: one epoch's single points would make an empty range and no curve */
  for (int i = 0; i < n; i++) {
    geometry |= runs[i].nratio > 0;
    epochs = fmax(epochs, fmax((double)runs[i].nepochs, (double)runs[i].nsteps / (double)runs[i].spe));
  }
  fprintf(s, "set multiplot layout 2,2 title ");
  plot_quote(s, title ? title : "samlab train");
  fprintf(s, "\nset grid\nset key top right\nset xlabel 'epoch'\nset xrange [0:%.6g]\n", 1.04 * epochs);
  fprintf(s, "set ylabel 'batch loss'\nset logscale y\nplot ");
  for (int i = 0; i < n; i++) {
    fprintf(s, "%s$steps%d using 1:2 with lines lw 1 lc %d title ", i ? ", " : "", i, i + 1);
    plot_quote(s, runs[i].label);
  }
  fprintf(s, "\nunset logscale y\nset ylabel 'accuracy (%%)'\nset key bottom right\nplot ");
  for (int i = 0; i < n; i++) {
    fprintf(s, "%s$epochs%d using 1:3 with linespoints lw 2 lc %d pt 7 title ", i ? ", " : "", i, i + 1);
    plot_quote(s, runs[i].label);
    fprintf(s, ", $epochs%d using 1:2 with lines dt 2 lc %d notitle", i, i + 1);
  }
  fprintf(s, "\nset ylabel 'loss (test solid, train dashed)'\nset key top right\nplot ");
  for (int i = 0; i < n; i++) {
    fprintf(s, "%s$epochs%d using 1:5 with linespoints lw 2 lc %d pt 7 title ", i ? ", " : "", i, i + 1);
    plot_quote(s, runs[i].label);
    fprintf(s, ", $epochs%d using 1:4 with lines dt 2 lc %d notitle", i, i + 1);
  }
  if (geometry) {
    fprintf(s, "\nset ylabel '||g|| / ||g_s||'\nplot ");
    for (int i = 0; i < n; i++) {
      fprintf(s, "%s$steps%d using 1:3 with lines lw 1 lc %d title ", i ? ", " : "", i, i + 1);
      plot_quote(s, runs[i].label);
    }
  } else {
    fprintf(s, "\nset ylabel 'fraction of SAM steps'\nset key center right\nset yrange [-0.05:1.05]\nplot ");
    for (int i = 0; i < n; i++) {
      fprintf(s, "%s$epochs%d using 1:6 with linespoints lw 2 lc %d pt 7 title ", i ? ", " : "", i, i + 1);
      plot_quote(s, runs[i].label);
    }
    fprintf(s, "\nunset yrange");
  }
  fprintf(s, "\nunset multiplot\n");
}

int plot_train(const plot_request *req, char *err, size_t errlen)
{
  train_run *runs = calloc((size_t)req->nfiles, sizeof *runs);
  int nread = 0, rc = -1;
  char *script = NULL, *body = NULL;
  size_t script_len = 0, body_len = 0;
  if (!runs) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (; nread < req->nfiles; nread++)
    if (read_run(req->files[nread], &runs[nread], err, errlen) != 0)
      goto done;
  FILE *s = open_memstream(&body, &body_len);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  panels(s, runs, req->nfiles, req->title);
  fclose(s);
  if (!(s = open_memstream(&script, &script_len))) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  datablocks(s, runs, req->nfiles);
  fclose(s);
  const plot_page page = {1200, 900, 11, 0, 0};
  rc = plot_draw(req, &page, script, body, err, errlen);
done:
  free(script);
  free(body);
  for (int i = 0; i < nread; i++)
    free_run(&runs[i]);
  free(runs);
  return rc;
}
