/* Running gnuplot and naming output files. */
#define _GNU_SOURCE
#include "config.h"
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include "plot.h"

int plot_gnuplot(const char *script, char *err, size_t errlen)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  (void)script; /* fuzzing the readers and the script they make, thousands of times a second: no gnuplot */
  return 0;
#endif
  FILE *g = popen(SAMLAB_GNUPLOT_CMD, "w");
  if (!g) {
    snprintf(err, errlen, "cannot run gnuplot (apt-get install gnuplot-nox)");
    return -1;
  }
  fputs(script, g);
  int rc = pclose(g);
  if (rc != 0) {
    snprintf(err, errlen, "gnuplot failed (status %d)", rc);
    return -1;
  }
  return 0;
}

void plot_sibling(const char *out, const char *suffix, char *buf, size_t len)
{
  snprintf(buf, len, "%s", out);
  char *dot = strrchr(buf, '.'), *slash = strrchr(buf, '/');
  if (dot && (!slash || dot > slash))
    *dot = 0;
  strncat(buf, suffix, len - strlen(buf) - 1);
}

void plot_quote(FILE *s, const char *text)
{
  fprintf(s, "'%s'", plot_esc(text));
}

const char *plot_esc(const char *text)
{
  static char buf[8][1024];
  static int slot;
  char *out = buf[slot++ % 8];
  size_t n = 0;
  for (const char *c = text; *c && n + 2 < sizeof buf[0]; c++) {
    if (*c == '\'')
      out[n++] = '\'';
    out[n++] = (unsigned char)*c < 0x20 ? ' ' : *c; /* a newline would end the command */
  }
  out[n] = 0;
  return out;
}

hid_t plot_open(const char *path, char *err, size_t errlen)
{
  return samlab_in_open(path, err, errlen);
}

/* The gnuplot script: prelude, then body drawn once to the PNG and once to the SVG beside it (multiplot cannot
 * replot), or to the SVG by replot. */
int plot_draw(const plot_request *req, const plot_page *pg, const char *prelude, const char *body, char *err,
              size_t errlen)
{
  char svg[4096], *script = NULL, *png_tmp, *svg_tmp = NULL;
  size_t len = 0;
  plot_sibling(req->out, ".svg", svg, sizeof svg);
  /* both drawn under partial names and renamed when gnuplot succeeded; a clear message before any drawing */
  if (!(png_tmp = samlab_partial_begin(req->out, err, errlen)) || !(svg_tmp = samlab_partial_begin(svg, err, errlen))) {
    if (png_tmp)
      samlab_partial_end(png_tmp, req->out, 0);
    return -1;
  }
  FILE *s = open_memstream(&script, &len);
  if (!s) {
    samlab_partial_end(png_tmp, req->out, 0);
    samlab_partial_end(svg_tmp, svg, 0);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int font = pg->font_size > 0 ? pg->font_size : 10;
  const char *text = pg->enhanced ? "enhanced" : "noenhanced";
  if (prelude)
    fputs(prelude, s);
  fprintf(s, "set terminal pngcairo size %d,%d %s font ',%d'\nset output ", pg->width, pg->height, text, font);
  plot_quote(s, png_tmp);
  fprintf(s, "\n%s\nunset multiplot\nset output\n", body);
  fprintf(s, "set terminal svg size %d,%d %s font 'sans,%d' background '#ffffff'\nset output ", pg->width,
          pg->height, text, font);
  plot_quote(s, svg_tmp);
  fprintf(s, "\n%s\nunset multiplot\nunset output\n", pg->replot ? "replot" : body);
  fclose(s);
  int rc = plot_gnuplot(script, err, errlen);
  free(script);
  if (samlab_partial_end(png_tmp, req->out, rc == 0) != 0 && rc == 0) {
    snprintf(err, errlen, "writing '%s' failed", req->out);
    rc = -1;
  }
  if (samlab_partial_end(svg_tmp, svg, rc == 0) != 0 && rc == 0) {
    snprintf(err, errlen, "writing '%s' failed", svg);
    rc = -1;
  }
  return rc;
}

int plot_render(const plot_request *req, int width, int height, const char *body, char *err, size_t errlen)
{
  const plot_page pg = {width, height, 10, 0, 0};
  return plot_draw(req, &pg, NULL, body, err, errlen);
}

/* A 1-D dataset of variable-length strings (samlab_out_strings) into names[0..n), at most max; the count or -1. */
int plot_read_names(hid_t h, const char *path, char names[][64], int max)
{
  hid_t ds = H5Dopen2(h, path, H5P_DEFAULT);
  if (ds < 0)
    return -1;
  hid_t space = H5Dget_space(ds), type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hssize_t n = H5Sget_simple_extent_npoints(space);
  int rc = -1;
  if (n > 0 && n <= max) {
    char **v = calloc((size_t)n, sizeof *v);
    if (v && H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0) {
      for (hssize_t i = 0; i < n; i++)
        snprintf(names[i], 64, "%s", v[i] ? v[i] : "?");
      H5Dvlen_reclaim(type, space, H5P_DEFAULT, v);
      rc = (int)n;
    }
    free(v);
  }
  H5Tclose(type);
  H5Sclose(space);
  H5Dclose(ds);
  return rc;
}
