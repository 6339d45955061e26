/* Options and set-up shared by the commands that train networks on a seeded subset of a data set and compare
 * rules (or rule variants) run by run: samlab stability and samlab decompose. */
#ifndef SAMLAB_CLI_NET_H
#define SAMLAB_CLI_NET_H
#include "cli.h"

typedef struct cli_net {
  /* settings: the command sets its defaults, cli_parse fills them in */
  const char *data, *data_dir, *labels, *model, *hidden, *base_name, *schedule, *out;
  long train_size, test_size, batch, epochs, seed, threads;
  /* help of the options whose meaning or default differs between commands */
  const char *hidden_help, *base_help, *train_size_help, *epochs_help, *seed_help, *out_help;
  char data_help[320]; /* set by cli_net_options: the registry's names */
  /* set by cli_net_check */
  const samlab_base_type *base;
  samlab_schedule sched;
} cli_net;

/* The option table: --data, --data-dir, --labels, --model, --hidden, the command's own options (nown of them),
 * then --base, --train-size, --test-size, --batch, --epochs, --schedule, --threads, --seed, --out and the end. */
#define CLI_NET_OPTS 15
void cli_net_options(cli_net *n, const cli_opt *own, size_t nown, cli_opt *opts);
/* Checks the shared settings (dies with exit 2 on a bad one) and applies --threads.  The training set has at
 * least min_train examples; the batch is at most train_size - batch_less, described as batch_what. */
void cli_net_check(const char *cmd, cli_net *n, long min_train, long batch_less, const char *batch_what);
/* The training subset and the test set (samlab_data_prepare), or dies. */
void cli_net_data(const char *cmd, const cli_net *n, samlab_dataset **train, samlab_dataset **test);
/* The training configuration of every run (rule unset); unset hyperparameters take the rule's defaults. */
samlab_train_config cli_net_config(const cli_net *n, const samlab_hparams *hp);
/* Checks every rule's hyperparameters with a trainer on net before any output exists, or dies. */
void cli_net_check_rules(const char *cmd, samlab_train_config cfg, const samlab_rule_type *const *rules,
                         size_t nrules, samlab_problem *net, const samlab_dataset *train,
                         const samlab_dataset *test);
/* Root attributes: provenance, kind, model and data (cli_net_attrs_head), batch, epochs and schedule
 * (cli_net_attrs_tail).  0 or nonzero. */
int cli_net_attrs_head(hid_t f, int argc, char **argv, const cli_net *n, const samlab_hparams *hp,
                       const char *kind, const samlab_problem *net);
int cli_net_attrs_tail(hid_t f, const cli_net *n);
#endif
