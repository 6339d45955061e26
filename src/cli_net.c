/* Options and set-up shared by samlab stability and samlab decompose (src/cli_net.h). */
#include <stdio.h>
#include <string.h>
#include "cli_net.h"

void cli_net_options(cli_net *n, const cli_opt *own, size_t nown, cli_opt *opts)
{
  char names[256];
  snprintf(n->data_help, sizeof n->data_help, "data set: %s (default fashion-mnist)",
           samlab_data_names(", ", names, sizeof names));
  const cli_opt head[] = {
      {"data", 0, CLI_STR, &n->data, "NAME", n->data_help},
      {"data-dir", 0, CLI_STR, &n->data_dir, "DIR", "directory of the data set's files"},
      {"labels", 0, CLI_STR, &n->labels, "KIND", "fine (default) or coarse (cifar100's 20 superclasses)"},
      {"model", 0, CLI_STR, &n->model, "M", "fcn (default) or lenet"},
      {"hidden", 0, CLI_STR, &n->hidden, "N,N", n->hidden_help}};
  const cli_opt tail[] = {
      {"base", 0, CLI_STR, &n->base_name, "NAME", n->base_help},
      {"train-size", 0, CLI_LONG, &n->train_size, "N", n->train_size_help},
      {"test-size", 0, CLI_LONG, &n->test_size, "N", "first N test examples (default all)"},
      {"batch", 'b', CLI_LONG, &n->batch, "B", "batch size (default 128)"},
      {"epochs", 'e', CLI_LONG, &n->epochs, "E", n->epochs_help},
      {"schedule", 0, CLI_STR, &n->schedule, "S", "constant (default), cosine or step"},
      {"threads", 0, CLI_LONG, &n->threads, "N", "OpenBLAS/OpenMP threads (default: the library's)"},
      {"seed", 0, CLI_LONG, &n->seed, "N", n->seed_help},
      {"out", 'o', CLI_STR, &n->out, "FILE", n->out_help},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const size_t nhead = sizeof head / sizeof *head;
  memcpy(opts, head, sizeof head);
  memcpy(opts + nhead, own, nown * sizeof *own);
  memcpy(opts + nhead + nown, tail, sizeof tail);
}

void cli_net_check(const char *cmd, cli_net *n, long min_train, long batch_less, const char *batch_what)
{
  n->base = cli_base(cmd, n->base_name);
  if (samlab_schedule_parse(n->schedule, &n->sched) != 0)
    cli_die(cmd, "bad value '%s' for --schedule: constant, cosine or step", n->schedule);
  if (n->train_size < min_train)
    cli_die(cmd, "bad value %ld for --train-size: must be >= %ld", n->train_size, min_train);
  if (n->test_size < 0)
    cli_die(cmd, "bad value %ld for --test-size: must be >= 0 (0: all)", n->test_size);
  if (n->batch < 1 || n->batch > n->train_size - batch_less)
    cli_die(cmd, "bad value %ld for --batch: must be in [1, %ld] (%s)", n->batch, n->train_size - batch_less,
            batch_what);
  if (n->epochs < 1)
    cli_die(cmd, "bad value %ld for --epochs: must be >= 1", n->epochs);
  if (n->seed < 0)
    cli_die(cmd, "bad value %ld for --seed: must be >= 0", n->seed);
  if (n->threads < 0)
    cli_die(cmd, "bad value %ld for --threads: must be >= 0", n->threads);
  if (n->threads > 0)
    samlab_set_threads((int)n->threads);
}

void cli_net_data(const char *cmd, const cli_net *n, samlab_dataset **train, samlab_dataset **test)
{
  char err[1024];
  samlab_data_options o = {n->data_dir, n->labels};
  if (samlab_data_prepare(n->data, &o, n->train_size, n->test_size, (unsigned long)n->seed, train, test,
                          err, sizeof err) != 0)
    cli_die(cmd, "%s", err);
}

samlab_train_config cli_net_config(const cli_net *n, const samlab_hparams *hp)
{
  samlab_train_config cfg = {.base = n->base, .hp = *hp, .batch = (size_t)n->batch, .epochs = n->epochs,
                             .schedule = n->sched, .seed = (unsigned long)n->seed, .eval_train = 1};
  return cfg;
}

void cli_net_check_rules(const char *cmd, samlab_train_config cfg, const samlab_rule_type *const *rules,
                         size_t nrules, samlab_problem *net, const samlab_dataset *train,
                         const samlab_dataset *test)
{
  char err[1024];
  for (size_t r = 0; r < nrules; r++) {
    cfg.rule = rules[r];
    samlab_trainer *t = samlab_trainer_alloc(net, train, test, &cfg, err, sizeof err);
    if (!t)
      cli_die(cmd, "%s", err);
    samlab_trainer_free(t);
  }
}

int cli_net_attrs_head(hid_t f, int argc, char **argv, const cli_net *n, const samlab_hparams *hp,
                       const char *kind, const samlab_problem *net)
{
  int rc = samlab_attr_provenance(f, "/", argc, argv, NULL, n->base, hp);
  rc |= samlab_attr_str(f, "/", "kind", kind);
  rc |= samlab_attr_str(f, "/", "model", samlab_net_describe(net));
  rc |= samlab_attr_str(f, "/", "data", n->data);
  rc |= samlab_attr_str(f, "/", "labels", n->labels ? n->labels : "fine");
  return rc;
}

int cli_net_attrs_tail(hid_t f, const cli_net *n)
{
  int rc = samlab_attr_i64(f, "/", "batch", n->batch);
  rc |= samlab_attr_i64(f, "/", "epochs", n->epochs);
  rc |= samlab_attr_str(f, "/", "schedule", n->schedule);
  return rc;
}
