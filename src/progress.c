/* A progress bar on stderr, drawn only on a terminal so logs and CI output stay clean. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

double progress_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

void progress_start(progress *p, const char *label, double total)
{
  p->label = label;
  p->total = total > 0 ? total : 1;
  p->start = progress_now();
  p->last = p->start;
  p->active = isatty(2);
  p->every = 0;
}

void progress_update(progress *p, double done, const char *extra)
{
  if (!p->active && !(p->every > 0))
    return;
  double now = progress_now();
  if (now - p->last < (p->active ? 0.1 : p->every) && (done < p->total || !p->active))
    return;
  p->last = now;
  double f = done / p->total, el = now - p->start;
  if (!p->active) { /* a log: one line now and then, so a long run is seen to be alive */
    fprintf(stderr, "%s: %.1f%% after %.0f s, about %.0f s left%s%s\n", p->label, 100 * f, el,
            f > 0 ? el * (1 - f) / f : 0, extra ? ", " : "", extra ? extra : "");
    fflush(stderr);
    return;
  }
  int width = 30, filled = (int)(f * width);
  char bar[64];
  for (int i = 0; i < width; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[width] = 0;
  double eta = f > 0 ? el * (1 - f) / f : 0;
  fprintf(stderr, "\r%s [%s] %5.1f%%  %.0fs left  %s\033[K", p->label, bar, 100 * f, eta, extra ? extra : "");
  fflush(stderr);
}

void progress_end(progress *p)
{
  if (p->active) {
    progress_update(p, p->total, NULL);
    fputc('\n', stderr);
  }
}
