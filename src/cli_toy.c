/* The toy options shared by samlab toy and samlab sweep (src/cli_toy.h). */
#include <stdio.h>
#include <string.h>
#include "cli_toy.h"

samlab_problem *cli_toy_create(const char *cmd, const char *function, cli_toy *t, long seed)
{
  char err[512];
  t->opts[0] = 0;
  if (t->toy_options)
    snprintf(t->opts, sizeof t->opts, "%s", t->toy_options);
  const char *keys[] = {"diag", "file", "noise"}, *vals[] = {t->diag, t->matrix, t->noise};
  for (int i = 0; i < 3; i++)
    if (vals[i]) {
      size_t len = strlen(t->opts);
      snprintf(t->opts + len, sizeof t->opts - len, "%s%s=%s", len ? ";" : "", keys[i], vals[i]);
    }
  if (t->noise) {
    size_t len = strlen(t->opts);
    snprintf(t->opts + len, sizeof t->opts - len, ";seed=%ld", seed);
  }
  samlab_problem *p = samlab_toy_create(function, t->opts[0] ? t->opts : NULL, err, sizeof err);
  if (!p)
    cli_die(cmd, "%s", err);
  return p;
}
