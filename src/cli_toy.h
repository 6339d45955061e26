/* The toy options shared by samlab toy and samlab sweep: --diag, --matrix, --noise and --toy-options joined
 * into one option string for samlab_toy_create, which the commands also store as attribute toy_options. */
#ifndef SAMLAB_CLI_TOY_H
#define SAMLAB_CLI_TOY_H
#include <stdio.h>
#include "cli.h"

typedef struct cli_toy {
  const char *diag, *matrix, *noise, *toy_options; /* as given, NULL if not */
  char opts[4096];                                  /* joined by cli_toy_create */
} cli_toy;

/* The four rows of an option table (noise and toy-options help differ between commands). */
#define CLI_TOY_OPTS(t, noise_help, toy_options_help)                                                        \
  {"diag", 0, CLI_STR, &(t).diag, "A1,A2,...", "quadratic: diagonal of A"},                                  \
      {"matrix", 0, CLI_STR, &(t).matrix, "FILE", "quadratic: A (and b) from a text file"},                  \
      {"noise", 0, CLI_STR, &(t).noise, "X", noise_help},                                                    \
      {"toy-options", 0, CLI_STR, &(t).toy_options, "K=V;...", toy_options_help}

/* Joins --toy-options, then diag=, file= and noise= (with seed=S after noise, so noise is seeded by --seed)
 * into t->opts and creates the toy function, or dies with the toy's message. */
samlab_problem *cli_toy_create(const char *cmd, const char *function, cli_toy *t, long seed);
#endif
