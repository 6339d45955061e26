/* samlab plot: each kind of HDF5 file (root attribute "kind") has one drawing function, plot_<kind>,
 * which writes a gnuplot script for PNG and SVG from the file alone. */
#ifndef SAMLAB_PLOT_H
#define SAMLAB_PLOT_H
#include <stdio.h>
#include "samlab.h"

typedef struct plot_request {
  int nfiles;
  char **files;     /* input HDF5 files (all of one kind) */
  const char *out;  /* output PNG path; the SVG goes beside it with the .svg suffix */
  const char *title; /* may be NULL */
} plot_request;

/* Runs gnuplot on a script (its text); 0 or -1 with a message in err. */
int plot_gnuplot(const char *script, char *err, size_t errlen);
/* How plot_draw draws a figure. */
typedef struct plot_page {
  int width, height;
  int font_size; /* points (0: 10) */
  int enhanced;  /* gnuplot's enhanced text (x_1, x^2) */
  int replot;    /* the SVG by replot: body is a single plot, not a multiplot */
} plot_page;
/* Draws body (a gnuplot script without terminal) after prelude (datablocks, line types; may be NULL) to
 * req->out as PNG and to the SVG beside it; first checks that req->out can be written; on failure neither
 * file is left.  Multiplot cannot replot, so the body is sent twice unless pg->replot. */
int plot_draw(const plot_request *req, const plot_page *pg, const char *prelude, const char *body, char *err,
              size_t errlen);
/* plot_draw with font size 10, no enhanced text, no prelude. */
int plot_render(const plot_request *req, int width, int height, const char *body, char *err, size_t errlen);
/* A samlab file opened read-only, or a negative id with "cannot read 'path' as HDF5" in err. */
hid_t plot_open(const char *path, char *err, size_t errlen);
/* text as a gnuplot single-quoted string (a quote inside doubled), taken literally. */
void plot_quote(FILE *s, const char *text);
/* text to put inside a single-quoted gnuplot string: quotes doubled, control characters as spaces, so that text
 * from a file (a rule, a subject) cannot end the string and run commands.  One of 8 rotating buffers, cut at 1000
 * characters. */
const char *plot_esc(const char *text);
/* A 1-D dataset of variable-length strings into names[0..n), at most max; the count, or -1. */
int plot_read_names(hid_t h, const char *path, char names[][64], int max);
/* out with its suffix replaced (".svg"), in buf. */
void plot_sibling(const char *out, const char *suffix, char *buf, size_t len);

/* The contour of p on the plane of coordinates 0 and 1 (the others fixed at base[], which may be NULL for
 * dim 2) over the box, computed on an n x n grid: writes gnuplot datablocks $grid (x y f; non-finite values
 * replaced by the largest finite one) and $contour (nlevels lines at quantiles of f) into the script s, and
 * the colour range [zlo, zhi] (min and 90% quantile) for `plot $grid with image`.  src/plot_contour.c. */
typedef struct plot_box {
  double x0, x1, y0, y1;
} plot_box;
int plot_contour(FILE *s, const samlab_problem *p, const double *base, plot_box box, int n, int nlevels,
                 double *zlo, double *zhi, char *err, size_t errlen);

/* PLOT_KINDS(X): X(kind) for each kind that plot_<kind>(req, err, errlen) draws. */
#define PLOT_KINDS(X) X(toy) X(sweep) X(train) X(hessian) X(gradnorm) X(slice) X(stability) X(decompose) X(bounds)
#define DECLARE_PLOT(kind) int plot_##kind(const plot_request *req, char *err, size_t errlen);
PLOT_KINDS(DECLARE_PLOT)
#endif
