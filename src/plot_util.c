/* Running gnuplot and naming output files. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "plot.h"

int plot_gnuplot(const char *script, char *err, size_t errlen)
{
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
