/* samlab plot of a sweep file: StableSAM Figure 4's layout.  Panel (a) the contour of the function over the
 * start box with its global minima marked '+'; then one panel per rho: success rate against lr (log x), one
 * curve per rule.  Everything comes from the HDF5 file (the function is rebuilt from its name and options). */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plot.h"

/* The panels, drawn once per terminal. */
static void panels(FILE *s, const char *title, size_t nrules, char **rules, size_t nrho, const double *rho,
                   double lr0, double lr1, int log_lr, plot_box box, double zlo, double zhi, int contour)
{
  fprintf(s, "set multiplot layout 1,%zu title ", nrho + (contour ? 1 : 0));
  plot_quote(s, title);
  fprintf(s, "\n");
  if (contour) {
    fprintf(s, "set title '(a) f and its global minima (+)'\nset xlabel 'x1'\nset ylabel 'x2'\nunset logscale x\n"
               "set xrange [%.12g:%.12g]\nset yrange [%.12g:%.12g]\nset cbrange [%.12g:%.12g]\nunset colorbox\n"
               "set palette defined (0 '#ffffff', 1 '#707070')\nset size ratio -1\nunset key\n",
            box.x0, box.x1, box.y0, box.y1, zlo, zhi);
    fprintf(s, "plot $grid using 1:2:3 with image notitle, $contour using 1:2 with lines lc rgb '#404040' "
               "lw 0.6 notitle, $minima using 1:2 with points lc rgb '#d62728' pt 1 ps 3 lw 3 notitle\n"
               "set size noratio\n");
  }
  fprintf(s, "set key bottom left box opaque\nset yrange [-0.02:1.02]\nset xrange [%.12g:%.12g]\n%s\n"
             "set xlabel 'learning rate'\nset ylabel 'success rate'\nset grid\n",
          lr0, lr1, log_lr ? "set logscale x\nset format x '10^{%L}'" : "unset logscale x");
  for (size_t k = 0; k < nrho; k++) {
    fprintf(s, "set title '(%c) rho = %g'\nplot ", (char)('a' + k + (contour ? 1 : 0)), rho[k]);
    for (size_t r = 0; r < nrules; r++) {
      fprintf(s, "%s$r%zu_%zu using 1:2 with linespoints lt %zu lw 2 pt 7 ps 0.4 title ", r ? ", " : "", r, k,
              r + 1);
      plot_quote(s, rules[r]);
    }
    fprintf(s, "\nunset grid\nset grid\n");
  }
  fprintf(s, "unset multiplot\n");
}

int plot_sweep(const plot_request *req, char *err, size_t errlen)
{
  if (req->nfiles != 1) {
    snprintf(err, errlen, "plot one sweep file at a time (%d given)", req->nfiles);
    return -1;
  }
  const char *file = req->files[0];
  hid_t f = plot_open(file, err, errlen);
  if (f < 0)
    return -1;
  int rank, rc = -1;
  hsize_t dims[4];
  double *lr = NULL, *rho = NULL, *rate = NULL;
  char function[256] = "", options[4096] = "", rules_attr[4096] = "", box_text[512] = "", scale[32] = "log";
  samlab_problem *p = NULL;
  char *script = NULL, *body = NULL;
  size_t script_len = 0, body_len = 0;
  hsize_t nlr_data = 0, nrho_data = 0;
  if (samlab_in_vec(f, "/lr", &lr, &nlr_data) != 0 || samlab_in_vec(f, "/rho", &rho, &nrho_data) != 0 ||
      samlab_in_f64(f, "/success_rate", &rank, dims, &rate) != 0 || rank != 3 || dims[1] != nrho_data ||
      dims[2] != nlr_data || nlr_data == 0 ||
      samlab_in_attr_str(f, "/", "function", function, sizeof function) != 0 ||
      samlab_in_attr_str(f, "/", "rules", rules_attr, sizeof rules_attr) != 0) {
    snprintf(err, errlen, "'%s' lacks /lr, /rho, /success_rate or its attributes: not a complete sweep file", file);
    goto done;
  }
  size_t nrules = dims[0], nrho = dims[1], nlr = dims[2];
  samlab_in_attr_str(f, "/", "toy_options", options, sizeof options);
  samlab_in_attr_str(f, "/", "box", box_text, sizeof box_text);
  samlab_in_attr_str(f, "/", "lr_scale", scale, sizeof scale);
  char *rules[256];
  size_t nnames = 0;
  for (char *save = NULL, *t = strtok_r(rules_attr, ",", &save); t && nnames < 256; t = strtok_r(NULL, ",", &save))
    rules[nnames++] = t;
  if (nnames != nrules) {
    snprintf(err, errlen, "'%s': %zu rule names for %zu rows of /success_rate", file, nnames, nrules);
    goto done;
  }
  char perr[512];
  p = samlab_toy_create(function, options[0] ? options : NULL, perr, sizeof perr);
  if (!p) {
    snprintf(err, errlen, "cannot rebuild the function of '%s': %s", file, perr);
    goto done;
  }
  /* panel (a) covers the start box (the first two coordinates), or [-2, 2]^2 */
  double b[128];
  int nb = 0;
  for (char *c = box_text; *c && nb < 128;) {
    char *end;
    b[nb] = strtod(c, &end);
    if (end == c)
      break;
    nb++;
    c = *end == ',' ? end + 1 : end;
  }
  plot_box box = {-2, 2, -2, 2};
  if (nb == 2)
    box = (plot_box){b[0], b[1], b[0], b[1]};
  else if (nb >= 4)
    box = (plot_box){b[0], b[1], b[2], b[3]};
  int contour = p->dim >= 2;

  FILE *s = open_memstream(&script, &script_len);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  const char *colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  for (int i = 0; i < 8; i++)
    fprintf(s, "set linetype %d lc rgb '%s'\n", i + 1, colours[i]);
  fprintf(s, "set linetype cycle 8\n");
  double zlo = 0, zhi = 1;
  int built = 0;
  if (contour) {
    const samlab_landscape *land = samlab_problem_landscape(p);
    const double *base = p->dim > 2 && land->nminima ? land->minima : NULL;
    if (plot_contour(s, p, base, box, 201, 20, &zlo, &zhi, err, errlen) != 0)
      built = -1;
    fprintf(s, "$minima << EOD\n");
    for (size_t m = 0; m < land->nminima; m++)
      fprintf(s, "%.12g %.12g\n", land->minima[m * p->dim], land->minima[m * p->dim + 1]);
    fprintf(s, "EOD\n");
  }
  for (size_t r = 0; r < nrules; r++)
    for (size_t k = 0; k < nrho; k++) {
      fprintf(s, "$r%zu_%zu << EOD\n", r, k);
      for (size_t l = 0; l < nlr; l++) {
        double v = rate[(r * nrho + k) * nlr + l];
        if (isfinite(v))
          fprintf(s, "%.12g %.12g\n", lr[l], v);
      }
      fprintf(s, "EOD\n");
    }
  char title[8192];
  long long steps = 0, starts = 0;
  double tol = 0;
  samlab_in_attr_i64(f, "/", "steps", &steps);
  samlab_in_attr_i64(f, "/", "starts", &starts);
  samlab_in_attr_f64(f, "/", "tol", &tol);
  if (req->title)
    snprintf(title, sizeof title, "%s", req->title);
  else
    snprintf(title, sizeof title, "%s%s%s%s: success rate (end point within %g of a global minimum), %lld starts, %lld steps",
             function, options[0] ? " (" : "", options, options[0] ? ")" : "", tol, starts, steps);
  double lr0 = lr[0], lr1 = lr[nlr - 1];
  if (!(lr1 > lr0))
    lr0 *= 0.9, lr1 *= 1.1;
  int log_lr = strcmp(scale, "linear") != 0;
  int width = 360 * (int)(nrho + (size_t)contour), height = 400;
  fclose(s);
  FILE *pb = open_memstream(&body, &body_len);
  if (!pb) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  panels(pb, title, nrules, rules, nrho, rho, lr0, lr1, log_lr, box, zlo, zhi, contour);
  fclose(pb);
  const plot_page page = {width, height, 10, 1, 0};
  if (built == 0)
    rc = plot_draw(req, &page, script, body, err, errlen);
done:
  H5Fclose(f);
  free(script);
  free(body);
  samlab_problem_free(p);
  free(lr), free(rho), free(rate);
  return rc;
}
