/* samlab plot for kind "toy": the trajectories of all files over the contour of their function, which is
 * rebuilt from the attributes "function" and "toy_options" (the plot reads nothing but the HDF5 files).
 * Each curve is labelled by rule (gamma for wsam rules, rho for rules with an ascent); starts are open
 * circles, global minima filled dots, other minima stars, saddles crosses.  2-D toys get the contour,
 * 1-D toys the curve f(x) with the iterates on it, higher dimensions a slice through coordinates 1 and 2. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hdf5_hl.h>
#include "plot.h"

typedef struct {
  char function[64], options[131072], rule[64], base[64]; /* options: an inline 64 x 64 quadratic fits */
  double rho, gamma, lr;
  long diverged;
  size_t rows, dim;
  double *traj; /* rows x dim */
  double *eps;  /* (rows-1) x dim perturbations of a --fixed --record-eps run, else NULL */
} toy_run;

/* The options that shape the landscape: noise=... and seed=... removed (they only perturb gradients), so runs
 * with different noise seeds share one contour. */
static void landscape_options(char *opts)
{
  static char out[131072];
  out[0] = 0;
  for (char *tok = strtok(opts, ";"); tok; tok = strtok(NULL, ";")) {
    if (strncmp(tok, "noise=", 6) == 0 || strncmp(tok, "seed=", 5) == 0)
      continue;
    if (out[0])
      strncat(out, ";", sizeof out - strlen(out) - 1);
    strncat(out, tok, sizeof out - strlen(out) - 1);
  }
  strcpy(opts, out);
}

static int read_run(const char *path, toy_run *r, char *err, size_t errlen)
{
  memset(r, 0, sizeof *r);
  hid_t f = plot_open(path, err, errlen);
  if (f < 0)
    return -1;
  int rank;
  hsize_t dims[4];
  double div = 0;
  r->rho = r->gamma = r->lr = NAN;
  if (samlab_in_attr_str(f, "/", "function", r->function, sizeof r->function) != 0 ||
      samlab_in_f64(f, "/trajectory", &rank, dims, &r->traj) != 0 || rank != 2 || dims[0] < 1) {
    H5Fclose(f);
    free(r->traj);
    snprintf(err, errlen, "'%s' has no function attribute or /trajectory: not a samlab toy file", path);
    return -1;
  }
  r->rows = dims[0];
  r->dim = dims[1];
  samlab_in_attr_str(f, "/", "toy_options", r->options, sizeof r->options); /* absent in older files */
  landscape_options(r->options);
  if (samlab_in_attr_str(f, "/", "rule", r->rule, sizeof r->rule) != 0)
    strcpy(r->rule, "?");
  samlab_in_attr_str(f, "/", "base", r->base, sizeof r->base);
  samlab_in_attr_f64(f, "/", "rho", &r->rho);
  samlab_in_attr_f64(f, "/", "gamma", &r->gamma);
  samlab_in_attr_f64(f, "/", "lr", &r->lr);
  samlab_in_attr_f64(f, "/", "diverged", &div);
  r->diverged = div != 0;
  double fixed = 0;
  samlab_in_attr_f64(f, "/", "fixed", &fixed);
  hsize_t de[4];
  if (fixed != 0 && samlab_in_f64(f, "/eps", &rank, de, &r->eps) == 0 && (rank != 2 || de[1] != r->dim)) {
    free(r->eps);
    r->eps = NULL;
  }
  H5Fclose(f);
  return 0;
}

/* "sam, ρ = 2" / "wsam, γ = 0.95, ρ = 2" / "sgdm", plus base and lr when the files differ in them. */
static void run_label(const toy_run *r, int show_base, int show_lr, char *buf, size_t len)
{
  /* rule sgd is the base optimizer alone: name it by the base (sgdm, adam ...) */
  int plain = strcmp(r->rule, "sgd") == 0 && r->base[0];
  int n = snprintf(buf, len, "%s", plain ? r->base : r->rule);
  if (strstr(r->rule, "wsam") && isfinite(r->gamma))
    n += snprintf(buf + n, len - (size_t)n, ", γ = %g", r->gamma);
  if (strcmp(r->rule, "sgd") != 0 && isfinite(r->rho))
    n += snprintf(buf + n, len - (size_t)n, ", ρ = %g", r->rho);
  if (show_base && !plain)
    n += snprintf(buf + n, len - (size_t)n, ", %s", r->base);
  if (show_lr && isfinite(r->lr))
    n += snprintf(buf + n, len - (size_t)n, ", lr = %g", r->lr);
  if (r->diverged)
    snprintf(buf + n, len - (size_t)n, " (diverged)");
}

static void grow(double *lo, double *hi, double v)
{
  if (isfinite(v)) {
    *lo = fmin(*lo, v);
    *hi = fmax(*hi, v);
  }
}

/* The box: starts and declared points, then trajectory points unless they fly far out (diverging runs). */
static plot_box choose_box(const toy_run *runs, int nruns, const samlab_problem *p, int coords)
{
  const samlab_landscape *land = samlab_problem_landscape(p);
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  size_t d = p->dim;
  const double *sets[3] = {land->minima, land->local_minima, land->saddles};
  size_t counts[3] = {land->nminima, land->nlocal_minima, land->nsaddles};
  for (int s = 0; s < 3; s++)
    for (size_t k = 0; k < counts[s]; k++) {
      grow(&x0, &x1, sets[s][k * d]);
      if (coords > 1)
        grow(&y0, &y1, sets[s][k * d + 1]);
    }
  for (int i = 0; i < nruns; i++) {
    grow(&x0, &x1, runs[i].traj[0]);
    if (coords > 1)
      grow(&y0, &y1, runs[i].traj[1]);
  }
  double cx = fmax(x1 - x0, 1.0), cy = coords > 1 ? fmax(y1 - y0, 1.0) : 1.0;
  double fx0 = x0 - 10 * cx, fx1 = x1 + 10 * cx, fy0 = y0 - 10 * cy, fy1 = y1 + 10 * cy;
  for (int i = 0; i < nruns; i++)
    for (size_t t = 0; t < runs[i].rows; t++) {
      const double *w = runs[i].traj + t * d;
      if (w[0] < fx0 || w[0] > fx1 || (coords > 1 && (w[1] < fy0 || w[1] > fy1)))
        continue;
      grow(&x0, &x1, w[0]);
      if (coords > 1)
        grow(&y0, &y1, w[1]);
    }
  double px = 0.08 * fmax(x1 - x0, 0.5), py = 0.08 * fmax(y1 - y0, 0.5);
  plot_box b = {x0 - px, x1 + px, y0 - py, y1 + py};
  if (coords < 2)
    b.y0 = b.y1 = 0;
  return b;
}

/* wsam-kl is a function of sigma > 0: keep the box inside its domain. */
static void clip_domain(const char *function, plot_box *b)
{
  if (strcmp(function, "wsam-kl") == 0 && b->y0 < 0.5)
    b->y0 = 0.5;
}

static void write_points(FILE *s, const char *block, const samlab_problem *p, const double *pts, size_t n, int coords)
{
  fprintf(s, "%s << EOD\n", block);
  for (size_t k = 0; k < n; k++) {
    const double *w = pts + k * p->dim;
    if (coords > 1)
      fprintf(s, "%.12g %.12g\n", w[0], w[1]);
    else
      fprintf(s, "%.12g %.12g\n", w[0], samlab_problem_value_grad(p, w, NULL));
  }
  fprintf(s, "EOD\n");
}

static int build_script(FILE *s, const plot_request *req, toy_run *runs, int n, const samlab_problem *p, char *err,
                        size_t errlen)
{
  const samlab_landscape *land = samlab_problem_landscape(p);
  int coords = p->dim >= 2 ? 2 : 1;
  plot_box box = choose_box(runs, n, p, coords);
  clip_domain(runs[0].function, &box);
  int show_base = 0, show_lr = 0;
  for (int i = 1; i < n; i++) {
    show_base |= strcmp(runs[i].base, runs[0].base) != 0;
    show_lr |= !(runs[i].lr == runs[0].lr);
  }
  const int wsam = strcmp(runs[0].function, "wsam-kl") == 0;
  /* matplotlib's colours, as in the papers' figures */
  const char *colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  for (int i = 0; i < 8; i++)
    fprintf(s, "set linetype %d lc rgb '%s'\n", i + 1, colours[i]);
  /* the key below in 3 columns; the bottom margin leaves room for it and the x label */
  int items = n + (land->nminima > 0) + (land->nlocal_minima > 0) + (land->nsaddles > 0) + 1;
  fprintf(s, "set linetype cycle 8\nset encoding utf8\nset key outside below center horizontal maxcols 3 box opaque\n"
             "set bmargin %d\nset border lw 1\n", (items + 2) / 3 + 5);
  fprintf(s, "set xrange [%.12g:%.12g]\n", box.x0, box.x1);
  fprintf(s, "set xlabel '%s'\n", wsam ? "μ" : "w1");
  double zlo = 0, zhi = 1;
  if (coords == 2) {
    /* higher dimensions: the plane of w1, w2 through the first global minimum (else the first start) */
    const double *base = p->dim > 2 ? (land->nminima ? land->minima : runs[0].traj) : NULL;
    if (plot_contour(s, p, base, box, 201, 20, &zlo, &zhi, err, errlen) != 0)
      return -1;
    fprintf(s, "set yrange [%.12g:%.12g]\nset ylabel '%s'\n", box.y0, box.y1, wsam ? "σ" : "w2");
    fprintf(s, "set cbrange [%.12g:%.12g]\nset cblabel 'f'\nset format cb '%%g'\nset palette defined (0 '#ffffff', 1 '#707070')\n", zlo,
            zhi);
  } else {
    fprintf(s, "set ylabel 'f(w)'\nset samples 500\n");
  }
  char title[1024];
  if (req->title)
    snprintf(title, sizeof title, "%s", req->title);
  else {
    /* what the runs share: the function, its options, and the base optimizer and lr when common */
    char shared[256] = "";
    if (!show_base && runs[0].base[0])
      snprintf(shared, sizeof shared, ": %s", runs[0].base);
    if (!show_lr && isfinite(runs[0].lr))
      snprintf(shared + strlen(shared), sizeof shared - strlen(shared), "%slr = %g", shared[0] ? ", " : ": ",
               runs[0].lr);
    const char *o = strlen(runs[0].options) <= 80 ? runs[0].options : "options in the file";
    snprintf(title, sizeof title, "%s%s%.80s%s%s%s", runs[0].function, o[0] ? " (" : "", o, o[0] ? ")" : "", shared,
             p->dim > 2 ? "; slice through w1, w2, other coordinates at the first minimum" : "");
  }
  fprintf(s, "set title ");
  plot_quote(s, title);
  fprintf(s, "\n");
  for (int i = 0; i < n; i++) {
    fprintf(s, "$t%d << EOD\n", i);
    for (size_t t = 0; t < runs[i].rows; t++) {
      const double *w = runs[i].traj + t * runs[i].dim;
      if (!samlab_all_finite(runs[i].dim, w))
        break;
      if (coords == 2)
        fprintf(s, "%.12g %.12g\n", w[0], w[1]);
      else
        fprintf(s, "%.12g %.12g\n", w[0], samlab_problem_value_grad(p, w, NULL));
    }
    fprintf(s, "EOD\n");
  }
  write_points(s, "$minima", p, land->minima, land->nminima, coords);
  write_points(s, "$local", p, land->local_minima, land->nlocal_minima, coords);
  write_points(s, "$saddles", p, land->saddles, land->nsaddles, coords);
  /* the 1-D function as data too, so the plot needs no gnuplot formula */
  if (coords == 1) {
    fprintf(s, "$curve << EOD\n");
    double *w = calloc(p->dim, sizeof *w);
    for (int k = 0; k <= 400 && w; k++) {
      w[0] = box.x0 + (box.x1 - box.x0) * k / 400;
      fprintf(s, "%.12g %.12g\n", w[0], samlab_problem_value_grad(p, w, NULL));
    }
    free(w);
    fprintf(s, "EOD\n");
  }
  fprintf(s, "plot ");
  if (coords == 2)
    fprintf(s, "$grid using 1:2:3 with image notitle, $contour using 1:2 with lines lc rgb '#505050' lw 0.6 "
               "notitle");
  else
    fprintf(s, "$curve using 1:2 with lines lc rgb 'black' lw 1.5 title 'f'");
  for (int i = 0; i < n; i++) {
    char label[512];
    run_label(&runs[i], show_base, show_lr, label, sizeof label);
    fprintf(s, ", $t%d using 1:2 with linespoints lt %d lw 2 pt 7 ps 0.35 title ", i, i + 1);
    plot_quote(s, label);
    fprintf(s, ", $t%d every ::0::0 using 1:2 with points lt %d pt 6 ps 2 lw 2 notitle", i, i + 1);
  }
  if (land->nminima)
    fprintf(s, ", $minima using 1:2 with points lc rgb 'black' pt 7 ps 1.8 title 'global minimum'");
  if (land->nlocal_minima)
    fprintf(s, ", $local using 1:2 with points lc rgb 'black' pt 3 ps 2.5 lw 2 title 'local minimum'");
  if (land->nsaddles)
    fprintf(s, ", $saddles using 1:2 with points lc rgb 'black' pt 2 ps 1.8 lw 2 title 'saddle'");
  fprintf(s, ", NaN with points lc rgb 'black' pt 6 ps 2 title 'start'\n");
  return 0;
}

/* Runs made with --fixed --record-eps: the perturbations eps as a scatter over (eps1, eps2) (at most 2000 per
 * file), with rho times the noise-free gradient direction at the point marked (infoSAM Fig. 4), and in the
 * key the mean eps and the fraction of steps whose eps1 exceeds 0.9 of the radius. */
static int build_eps_script(FILE *s, const plot_request *req, toy_run *runs, int n, const samlab_problem *p)
{
  size_t dim = p->dim;
  double *g = calloc(dim, sizeof *g);
  if (!g)
    return -1;
  samlab_problem_value_grad(p, runs[0].traj, g);
  double gn = samlab_norm(dim, g), rho = isfinite(runs[0].rho) ? runs[0].rho : 1;
  const char *colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
  fprintf(s, "set encoding utf8\nset key outside below center horizontal maxcols 2 box opaque\nset bmargin %d\n"
             "set size ratio -1\nset xlabel 'eps1'\nset ylabel 'eps2'\nset grid\n",
          (n + 2) / 2 + 5);
  if (req->title) {
    fprintf(s, "set title ");
    plot_quote(s, req->title);
  } else
    fprintf(s, "set title '%s: perturbations eps at the fixed point (%zu coordinates, first two shown)'", plot_esc(runs[0].function),
            dim);
  fprintf(s, "\n$grad << EOD\n0 0 %.10g %.10g\nEOD\n", gn > 0 ? rho * g[0] / gn : 0, gn > 0 ? rho * g[1] / gn : 0);
  char(*labels)[512] = calloc((size_t)n, sizeof *labels);
  if (!labels) {
    free(g);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    size_t steps = runs[i].rows - 1, shown = 0, big = 0, used = 0;
    double *mean = calloc(dim, sizeof *mean);
    fprintf(s, "$e%d << EOD\n", i);
    for (size_t t = 0; t < steps; t++) {
      const double *e = runs[i].eps + t * dim;
      if (!samlab_all_finite(dim, e))
        continue;
      used++;
      for (size_t k = 0; mean && k < dim; k++)
        mean[k] += e[k];
      double r = isfinite(runs[i].rho) ? runs[i].rho : 1;
      big += e[0] > 0.9 * r;
      if (shown++ < 2000)
        fprintf(s, "%.10g %.10g\n", e[0], e[1]);
    }
    fprintf(s, "EOD\n");
    char *label = labels[i];
    run_label(&runs[i], 0, 0, label, sizeof labels[i]);
    int len = (int)strlen(label);
    len += snprintf(label + len, sizeof labels[i] - (size_t)len, ": mean eps (");
    for (size_t k = 0; k < dim && k < 4; k++)
      len += snprintf(label + len, sizeof labels[i] - (size_t)len, "%s%.3f", k ? ", " : "",
                      mean && used ? mean[k] / (double)used : NAN);
    snprintf(label + len, sizeof labels[i] - (size_t)len, "), P(eps1 > 0.9 rho) = %.3f over %zu steps",
             used ? (double)big / (double)used : NAN, used);
    free(mean);
  }
  for (int i = 0; i < n; i++) {
    fprintf(s, "%s$e%d using 1:2 with points pt 7 ps 0.3 lc rgb '%s' title ", i ? ", " : "plot ", i, colours[i % 6]);
    plot_quote(s, labels[i]);
  }
  free(labels);
  fprintf(s, ", $grad using 1:2:3:4 with vectors head filled lw 2.5 lc rgb 'black' title "
             "'rho grad f/|grad f| (noise-free)'\n");
  free(g);
  return 0;
}

int plot_toy(const plot_request *req, char *err, size_t errlen)
{
  toy_run *runs = calloc((size_t)req->nfiles, sizeof *runs);
  if (!runs) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int rc = -1, nread = 0;
  samlab_problem *p = NULL;
  char *script = NULL;
  size_t script_len = 0;
  for (; nread < req->nfiles; nread++)
    if (read_run(req->files[nread], &runs[nread], err, errlen) != 0)
      goto done;
  for (int i = 1; i < req->nfiles; i++)
    if (strcmp(runs[i].function, runs[0].function) != 0 || strcmp(runs[i].options, runs[0].options) != 0) {
      snprintf(err, errlen, "'%s' is on %s (%s), '%s' on %s (%s): plot one function at a time", req->files[0],
               runs[0].function, runs[0].options, req->files[i], runs[i].function, runs[i].options);
      goto done;
    }
  char perr[512];
  /* the contour is of the noise-free f */
  p = samlab_toy_create(runs[0].function, runs[0].options[0] ? runs[0].options : NULL, perr, sizeof perr);
  if (!p) {
    snprintf(err, errlen, "cannot rebuild the function of '%s': %s", req->files[0], perr);
    goto done;
  }
  if (p->dim != runs[0].dim) {
    snprintf(err, errlen, "'%s': /trajectory has %zu columns but %s has dimension %zu", req->files[0],
             runs[0].dim, runs[0].function, p->dim);
    goto done;
  }
  FILE *s = open_memstream(&script, &script_len);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  int all_eps = 1;
  for (int i = 0; i < req->nfiles; i++)
    all_eps &= runs[i].eps != NULL && p->dim >= 2;
  int built = all_eps ? build_eps_script(s, req, runs, req->nfiles, p)
                      : build_script(s, req, runs, req->nfiles, p, err, errlen);
  fclose(s);
  const plot_page page = {1000, 780, 11, 0, 1};
  if (built == 0)
    rc = plot_draw(req, &page, NULL, script, err, errlen);
done:
  free(script);
  samlab_problem_free(p);
  for (int i = 0; i < nread; i++) {
    free(runs[i].traj);
    free(runs[i].eps);
  }
  free(runs);
  return rc;
}
