/* samlab plot: each kind of HDF5 file (root attribute "kind") has one drawing function, plot_<kind>,
 * which writes a gnuplot script for PNG and SVG from the file alone. */
#ifndef SAMLAB_PLOT_H
#define SAMLAB_PLOT_H
#include "samlab.h"

typedef struct plot_request {
  int nfiles;
  char **files;     /* input HDF5 files (all of one kind) */
  const char *out;  /* output PNG path; the SVG goes beside it with the .svg suffix */
  const char *title; /* may be NULL */
} plot_request;

/* Runs gnuplot on a script (its text); 0 or -1 with a message in err. */
int plot_gnuplot(const char *script, char *err, size_t errlen);
/* out with its suffix replaced (".svg"), in buf. */
void plot_sibling(const char *out, const char *suffix, char *buf, size_t len);

/* PLOT_KINDS(X): X(kind) for each kind that plot_<kind>(req, err, errlen) draws. */
#define PLOT_KINDS(X) X(toy)
#define DECLARE_PLOT(kind) int plot_##kind(const plot_request *req, char *err, size_t errlen);
PLOT_KINDS(DECLARE_PLOT)
#endif
