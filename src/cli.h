/* Command-line parsing shared by every samlab command: --name value, --name=value, --help, and every
 * hyperparameter of lib/hparams.c for commands that run rules. */
#ifndef SAMLAB_CLI_H
#define SAMLAB_CLI_H
#include "samlab.h"

typedef enum { CLI_FLAG, CLI_STR, CLI_DOUBLE, CLI_LONG } cli_kind;
typedef struct cli_opt {
  const char *name; /* long name without dashes; NULL ends a table */
  char short_name;  /* 0 if none */
  cli_kind kind;
  void *dest; /* int * (FLAG), const char ** (STR), double *, long * */
  const char *metavar;
  const char *help;
} cli_opt;

typedef struct cli_spec {
  const char *command;     /* "toy" */
  const char *usage;       /* "samlab toy [options]" */
  const char *description; /* a paragraph for --help */
  const cli_opt *opts;     /* may be NULL */
  samlab_hparams *hp;      /* non-NULL: accept every hyperparameter option (--lr, --rho ...) */
  int max_positional;
} cli_spec;

/* Parse argv[1..argc) (argv[0] is the command name).  Positional arguments go to pos[] (at most
 * max_positional) and their count is returned.  --help prints help and exits 0; errors exit 2. */
int cli_parse(const cli_spec *spec, int argc, char **argv, char **pos);
/* One line "samlab CMD: message" on stderr, exit status 2. */
void cli_die(const char *cmd, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* Comma-separated numbers; returns the count (or dies naming the option on bad text or too many). */
int cli_doubles(const char *cmd, const char *opt, const char *text, double *out, int max);
const samlab_rule_type *cli_rule(const char *cmd, const char *name);
const samlab_base_type *cli_base(const char *cmd, const char *name);

/* A progress bar on stderr when it is a terminal, at most ten redraws a second. */
typedef struct progress {
  const char *label;
  double total, start, last;
  int active;
} progress;
void progress_start(progress *p, const char *label, double total);
void progress_update(progress *p, double done, const char *extra);
void progress_end(progress *p);
double progress_now(void); /* monotonic seconds */
#endif
