/* samlab plot for kind "bounds" (samlab bounds --out): one panel per check and one line per row, its claim at the
 * left; on a log axis the row's allowed interval (a bar from the lower end, or the panel's left edge for a
 * one-sided bound, to the bound, or the right edge when the bound is infinite; ticks mark finite ends) and the
 * measured value, a dot coloured by the verdict: holds (green), erratum row failing as samlab states (orange),
 * informational row whose premises fail (grey), and red, large, for what counts against exit 0 (a violated
 * bound or an erratum row that holds).  A measured 0 (a count of violating steps, bound 0) sits at the left edge
 * as a triangle; a measured NaN as a cross. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plot.h"

#define MAX_ROWS 2048
#define ROW_PX 16   /* height of a row */
#define PANEL_PX 66 /* a panel's title and x tics */
#define HEAD_PX 96  /* the figure's title and key */

enum { CLS_HOLDS, CLS_ERRATUM, CLS_INFO, CLS_BAD, NCLS };
static const char *const cls_title[NCLS] = {"holds", "erratum row: fails as printed, as stated",
                                            "informational: premises fail", "VIOLATED or unexpected"};
static const char *const cls_colour[NCLS] = {"#2ca02c", "#ff7f0e", "#7f7f7f", "#d62728"};
static const char *const cls_size[NCLS] = {"1.1", "1.1", "1.1", "1.8"};

typedef struct {
  int n;
  char (*check)[64], (*claim)[64];
  double *measured, *bound, *lower, *premises, *expect_hold, *ok;
  long seed, quick, all_ok;
} bounds_file;

static void free_file(bounds_file *b)
{
  free(b->check), free(b->claim), free(b->measured), free(b->bound), free(b->lower), free(b->premises);
  free(b->expect_hold), free(b->ok);
}

/* A 1-D dataset of n numbers (any numeric type). */
static double *read_column(hid_t h, const char *name, int n)
{
  int rank;
  hsize_t dims[4];
  double *x = NULL;
  if (samlab_in_f64(h, name, &rank, dims, &x) != 0 || rank != 1 || dims[0] != (hsize_t)n) {
    free(x);
    return NULL;
  }
  return x;
}

static int read_file(const char *path, bounds_file *b, char *err, size_t errlen)
{
  memset(b, 0, sizeof *b);
  hid_t h = plot_open(path, err, errlen);
  if (h < 0)
    return -1;
  b->check = malloc(MAX_ROWS * sizeof *b->check);
  b->claim = malloc(MAX_ROWS * sizeof *b->claim);
  int n = b->check && b->claim ? plot_read_names(h, "/check", b->check, MAX_ROWS) : -1;
  int ok = n > 0 && plot_read_names(h, "/claim", b->claim, MAX_ROWS) == n;
  if (ok) {
    b->n = n;
    ok = (b->measured = read_column(h, "/measured", n)) && (b->bound = read_column(h, "/bound", n)) &&
         (b->lower = read_column(h, "/lower", n)) && (b->premises = read_column(h, "/premises", n)) &&
         (b->expect_hold = read_column(h, "/expect_hold", n)) && (b->ok = read_column(h, "/ok", n));
  }
  long long x;
  b->seed = samlab_in_attr_i64(h, "/", "seed", &x) == 0 ? (long)x : -1;
  b->quick = samlab_in_attr_i64(h, "/", "quick", &x) == 0 ? (long)x : 0;
  b->all_ok = samlab_in_attr_i64(h, "/", "all_ok", &x) == 0 ? (long)x : -1;
  H5Fclose(h);
  if (!ok) {
    free_file(b);
    snprintf(err, errlen, "'%s' lacks the rows of a samlab bounds file (/check, /claim, /measured, /bound, "
                          "/lower, /premises, /expect_hold, /ok of one length)", path);
    return -1;
  }
  return 0;
}

static int row_class(const bounds_file *b, int i)
{
  if (b->ok[i] == 0)
    return CLS_BAD;
  if (b->premises[i] == 0)
    return CLS_INFO;
  return b->expect_hold[i] == 0 ? CLS_ERRATUM : CLS_HOLDS;
}

static void widen(double *lo, double *hi, double v)
{
  if (isfinite(v) && v > 0) {
    *lo = fmin(*lo, v);
    *hi = fmax(*hi, v);
  }
}

/* Which points of a row go into a datablock. */
enum { PTS_BAR, PTS_TICK, PTS_MEASURED, PTS_ZERO, PTS_NAN };

/* Writes datablock $name with the points of kind `what` of rows [i0, i1) (of class cls for measured points; y of
 * row i is i1 - i, so the first row is on top) and, when it has any, the plot clause drawing it with `with` to
 * the clause stream.  lo, hi, edge: the panel's x range and the abscissa of edge markers. */
static void block(FILE *s, FILE *clauses, const char *name, const char *with, const bounds_file *b, int i0, int i1,
                  int what, int cls, double lo, double hi, double edge)
{
  int count = 0;
  fprintf(s, "$%s << EOD\n", name);
  for (int i = i0; i < i1; i++) {
    double y = (double)(i1 - i), m = b->measured[i], ub = b->bound[i], lb = b->lower[i];
    if (what == PTS_BAR && ub > 0) /* bound 0 (a count that must be 0) has no interval on a log axis */
      fprintf(s, "%.6g %.12g %.12g\n", y, isfinite(lb) && lb > 0 ? lb : lo, isfinite(ub) ? ub : hi), count++;
    if (what == PTS_TICK && isfinite(ub) && ub > 0)
      fprintf(s, "%.12g %.6g\n", ub, y), count++;
    if (what == PTS_TICK && isfinite(lb) && lb > 0)
      fprintf(s, "%.12g %.6g\n", lb, y), count++;
    if (what < PTS_MEASURED || row_class(b, i) != cls)
      continue;
    if ((what == PTS_MEASURED && isfinite(m) && m > 0) || (what == PTS_ZERO && isfinite(m) && m <= 0) ||
        (what == PTS_NAN && !isfinite(m)))
      fprintf(s, "%.12g %.6g\n", what == PTS_MEASURED ? m : edge, y), count++;
  }
  fprintf(s, "EOD\n");
  if (count)
    fprintf(clauses, "%s$%s %s notitle", ftell(clauses) ? ", " : "plot ", name, with);
}

/* One panel: rows [i0, i1) of one check, between screen heights bottom and top (fractions). */
static void panel(FILE *s, const bounds_file *b, int p, int i0, int i1, double bottom, double top, int first,
                  const int *present)
{
  int n = i1 - i0, count[NCLS] = {0};
  double lo = INFINITY, hi = -INFINITY;
  for (int i = i0; i < i1; i++) {
    widen(&lo, &hi, b->measured[i]);
    widen(&lo, &hi, b->bound[i]);
    widen(&lo, &hi, b->lower[i]);
    count[row_class(b, i)]++;
  }
  if (!(lo <= hi))
    lo = 0.1, hi = 10;
  lo /= 4, hi *= 4; /* room for the edge markers */
  double edge = lo * 1.3;
  char *text = NULL, name[32], with[160];
  size_t tlen = 0;
  FILE *c = open_memstream(&text, &tlen);
  if (!c)
    return;
  snprintf(name, sizeof name, "bar%d", p);
  block(s, c, name, "using 2:1:($3-$2):(0) with vectors nohead lw 7 lc rgb '#a6cee3'", b, i0, i1, PTS_BAR, 0, lo,
        hi, edge);
  snprintf(name, sizeof name, "tick%d", p);
  block(s, c, name, "using 1:2 with points pt '|' ps 1.4 lc rgb '#1f4e79'", b, i0, i1, PTS_TICK, 0, lo, hi, edge);
  const int pts[] = {PTS_MEASURED, PTS_ZERO, PTS_NAN}, pt[] = {7, 8, 2};
  for (int k = 0; k < NCLS; k++)
    for (int q = 0; q < 3; q++) {
      snprintf(name, sizeof name, "m%d_%d_%d", p, k, q);
      snprintf(with, sizeof with, "using 1:2 with points pt %d ps %s lc rgb '%s'", pt[q], cls_size[k], cls_colour[k]);
      block(s, c, name, with, b, i0, i1, pts[q], k, lo, hi, edge);
    }
  if (first) {
    fprintf(c, "%skeyentry with lines lw 7 lc rgb '#a6cee3' title 'allowed: lower .. bound (| a finite end)'",
            ftell(c) ? ", " : "plot ");
    for (int k = 0; k < NCLS; k++)
      if (present[k])
        fprintf(c, ", keyentry with points pt 7 ps %s lc rgb '%s' title '%s'", cls_size[k], cls_colour[k],
                cls_title[k]);
    fprintf(c, ", keyentry with points pt 8 lc rgb 'black' title 'measured 0 (at the left edge)'");
  }
  fclose(c);
  fprintf(s, "set tmargin at screen %.6f\nset bmargin at screen %.6f\nset title ", top, bottom);
  char title[256];
  int len = snprintf(title, sizeof title, "%s: %d row%s", b->check[i0], n, n == 1 ? "" : "s");
  const char *what[NCLS] = {"hold", "errata", "informational", "VIOLATED"};
  for (int k = 0; k < NCLS; k++)
    if (count[k] && len < (int)sizeof title)
      len += snprintf(title + len, sizeof title - (size_t)len, ", %d %s", count[k], what[k]);
  plot_quote(s, title);
  fprintf(s, "\nset xrange [%.12g:%.12g]\nset yrange [0.4:%d.6]\nset ytics (", lo, hi, n);
  for (int i = i0; i < i1; i++) {
    char label[96];
    snprintf(label, sizeof label, "%s%s%s", b->claim[i], strlen(b->claim[i]) == 63 ? "..." : "",
             b->bound[i] == 0 ? "  [bound 0]" : "");
    fprintf(s, "%s", i > i0 ? ", " : "");
    plot_quote(s, label);
    fprintf(s, " %d", i1 - i);
  }
  fprintf(s, ")\n%s\n", text && text[0] ? text : "plot NaN notitle");
  free(text);
}

int plot_bounds(const plot_request *req, char *err, size_t errlen)
{
  if (req->nfiles != 1) {
    snprintf(err, errlen, "plot one bounds file at a time (%d given)", req->nfiles);
    return -1;
  }
  bounds_file b;
  if (read_file(req->files[0], &b, err, errlen) != 0)
    return -1;
  /* the checks: runs of equal /check (samlab bounds writes each check's rows together) */
  int npanels = 0, present[NCLS] = {0}, bad = 0;
  for (int i = 0; i < b.n; i++) {
    npanels += i == 0 || strcmp(b.check[i], b.check[i - 1]) != 0;
    present[row_class(&b, i)] = 1;
    bad += row_class(&b, i) == CLS_BAD;
  }
  int height = HEAD_PX + npanels * PANEL_PX + b.n * ROW_PX, width = 1300;
  char *body = NULL;
  size_t blen = 0;
  FILE *s = open_memstream(&body, &blen);
  if (!s) {
    free_file(&b);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  char title[512];
  if (req->title)
    snprintf(title, sizeof title, "%s", req->title);
  else
    snprintf(title, sizeof title, "samlab bounds%s, seed %ld: measured value (dot) against the allowed interval "
                                  "(bar), log scale; %d of %d rows against samlab's statements",
             b.quick ? " --quick" : "", b.seed, bad, b.n);
  fprintf(s, "set multiplot title ");
  plot_quote(s, title);
  fprintf(s, "\nset key on\nset lmargin at screen 0.37\nset rmargin at screen 0.98\nset logscale x\nset format x '%%.0e'\n"
             "set grid xtics\nset key at screen 0.675, screen %.6f center horizontal maxrows 2 samplen 2\n",
          1.0 - 50.0 / height);
  double y = 1.0 - (double)HEAD_PX / height;
  for (int i0 = 0, p = 0; i0 < b.n; p++) {
    int i1 = i0 + 1;
    while (i1 < b.n && strcmp(b.check[i1], b.check[i0]) == 0)
      i1++;
    double h = (double)(PANEL_PX + (i1 - i0) * ROW_PX) / height;
    panel(s, &b, p, i0, i1, y - h + 38.0 / height, y - 26.0 / height, p == 0, present);
    if (p == 0)
      fprintf(s, "set key off\n");
    y -= h;
    i0 = i1;
  }
  fclose(s);
  const plot_page page = {width, height, 10, 0, 0};
  int rc = plot_draw(req, &page, NULL, body, err, errlen);
  free(body);
  free_file(&b);
  return rc;
}
