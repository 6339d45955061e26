/* samlab plot FILE... -o OUT.png: dispatch on the files' "kind" attribute to the drawing function. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "commands.h"
#include "plot.h"

typedef struct {
  const char *kind;
  int (*draw)(const plot_request *, char *, size_t);
} plot_kind;
#define ENTRY(kind) {#kind, plot_##kind},
static const plot_kind kinds[] = {PLOT_KINDS(ENTRY)};

int cmd_plot(int argc, char **argv)
{
  const char *out = NULL, *title = NULL;
  char *files[64];
  const cli_opt opts[] = {{"out", 'o', CLI_STR, &out, "FILE.png", "output PNG (an SVG is written beside it)"},
                          {"title", 0, CLI_STR, &title, "TEXT", "figure title"},
                          {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {"plot", "samlab plot FILE.h5 [FILE.h5 ...] -o OUT.png",
                         "Draws samlab HDF5 files with gnuplot: toy trajectories over the function's contour, sweeps,\n"
                         "training curves, analyses and bounds tables, chosen by each file's 'kind' attribute.",
                         opts, NULL, 64};
  int n = cli_parse(&spec, argc, argv, files);
  if (n < 1)
    cli_die("plot", "no input file (see --help)");
  char kind[64] = "", k2[64];
  for (int i = 0; i < n; i++) {
    char err[512];
    hid_t f = samlab_in_open(files[i], err, sizeof err);
    if (f < 0 || samlab_in_verify(f, err, sizeof err) != 0)
      cli_die("plot", "%s", err);
    int rc = samlab_in_attr_str(f, "/", "kind", k2, sizeof k2);
    H5Fclose(f);
    if (rc != 0)
      cli_die("plot", "'%s' is not a samlab file (no 'kind' attribute)", files[i]);
    if (i == 0)
      strcpy(kind, k2);
    else if (strcmp(kind, k2) != 0)
      cli_die("plot", "'%s' is a %s file, '%s' a %s file: plot one kind at a time", files[0], kind, files[i], k2);
  }
  char def[1024];
  if (!out) {
    plot_sibling(files[0], ".png", def, sizeof def);
    out = def;
  }
  plot_request req = {n, files, out, title};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(kinds[i].kind, kind) == 0) {
      char err[512];
      if (kinds[i].draw(&req, err, sizeof err) != 0)
        cli_die("plot", "%s", err);
      char svg[1024];
      plot_sibling(out, ".svg", svg, sizeof svg);
      printf("%s\n%s\n", out, svg);
      return 0;
    }
  cli_die("plot", "no drawing for files of kind '%s'", kind);
}
