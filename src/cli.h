/* Command-line parsing shared by every samlab command: --name value, --name=value, --help, and every
 * hyperparameter of the parameter tables (samlab/rule.h) for commands that run rules. */
#ifndef SAMLAB_CLI_H
#define SAMLAB_CLI_H
#include <stdio.h>
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
 * max_positional) and their count is returned.  --help prints help and exits 0; errors exit 2.  The option
 * named "out" (every command's output file) is checked with cli_check_out, so that a run that cannot write its
 * result stops before any work. */
int cli_parse(const cli_spec *spec, int argc, char **argv, char **pos);
/* cli_parse for stored options replayed under new ones (train --resume): a later option overrides an earlier one
 * (cli_parse refuses an option given twice), and the output is not checked. */
int cli_parse_replay(const cli_spec *spec, int argc, char **argv, char **pos);
/* Dies (exit 2, one line) unless path (if not NULL) can be written: samlab_out_check. */
void cli_check_out(const char *cmd, const char *path);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#include <setjmp.h>
/* Fuzz harnesses run commands in their own process: set, cli_die and --help longjmp here (value 1 + the exit
 * status) instead of exiting. */
extern jmp_buf *cli_exit_jump;
#endif
/* One line "samlab CMD: message" on stderr, exit status 2. */
void cli_die(const char *cmd, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* A decimal integer given to option opt, or dies naming it (samlab_parse_long). */
long cli_long(const char *cmd, const char *opt, const char *text);
/* Comma-separated numbers; returns the count (or dies naming the option on bad text or too many). */
int cli_doubles(const char *cmd, const char *opt, const char *text, double *out, int max);
/* The rule called name, or dies listing the rules.  Prints a one-line notice on stderr for each option of hp given
 * under the old name of one of the rule's parameters. */
const samlab_rule_type *cli_rule(const char *cmd, const char *name, const samlab_hparams *hp);
/* The hyperparameter options (every parameter table's, but seed and total_steps, which commands set), each once, in
 * the order of --help: the base optimizers', the shared ones, the rules'.  Returns the count (SAMLAB_HPARAMS_MAX at
 * most). */
size_t cli_hparam_options(const samlab_hparam_desc **out);
/* Who takes a parameter ("every base optimizer", "adam, adamw", "every rule but sgd", "looksam, periodic-sam"), its
 * defaults ("0.05"; "off, on for stablesam"; "5 for looksam, 2 for periodic-sam") and its option ("--k N"). */
void cli_hparam_takers(const samlab_hparam_desc *d, char *buf, size_t len);
void cli_hparam_defaults(const samlab_hparam_desc *d, char *buf, size_t len);
void cli_hparam_option(const samlab_hparam_desc *d, char *buf, size_t len);
/* The hyperparameter lines of --help, one per option: "--k N   takers: help (was --old); range, default ...". */
void cli_hparams_print(void);
const samlab_base_type *cli_base(const char *cmd, const char *name);

/* The options naming what an analysis looks at (samlab hessian, gradnorm, slice), rows of an option table that
 * fill the samlab_subject_spec ss (its epoch preset to -1): --function, --toy-options, --at, --checkpoint,
 * --epoch, --data, --data-dir. */
#define CLI_SUBJECT_OPTS(ss, function_help, toy_options_help)                                                 \
  {"function", 'f', CLI_STR, &(ss).function, "NAME", function_help},                                          \
      {"toy-options", 0, CLI_STR, &(ss).toy_options, "K=V;...", toy_options_help},                            \
      {"at", 0, CLI_STR, &(ss).at, "X,Y,...", "toys: the point (default: the toy's first global minimum, else all 1)"}, \
      {"checkpoint", 'c', CLI_STR, &(ss).checkpoint, "FILE", "a samlab train file: the network at its weights"}, \
      {"epoch", 0, CLI_LONG, &(ss).epoch, "E", "the checkpoint's epoch (default: the last)"},                 \
      {"data", 0, CLI_STR, &(ss).data, "NAME", "networks: data set (default: the train file's)"},             \
      {"data-dir", 0, CLI_STR, &(ss).data_dir, "DIR", "networks: directory of the data set's files"}
/* samlab_subject_open with networks computed at precision bits, or dies with its message. */
void cli_subject_open(const char *cmd, samlab_subject_spec *ss, long precision, samlab_subject *sub);
/* Networks: evaluate on the first `examples` training examples (0: the whole set), returning how many (0 for a
 * toy); dies when they cannot be selected. */
size_t cli_subject_examples(const char *cmd, const samlab_subject *sub, long examples);

/* A progress bar on stderr when it is a terminal, at most ten redraws a second; without a terminal, a plain line
 * every `every` seconds if set (after progress_start, which leaves it 0: none). */
typedef struct progress {
  const char *label;
  double total, start, last;
  int active;
  double every;
} progress;
void progress_start(progress *p, const char *label, double total);
void progress_update(progress *p, double done, const char *extra);
void progress_end(progress *p);
double progress_now(void); /* monotonic seconds */
#endif
