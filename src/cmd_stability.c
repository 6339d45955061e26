/* samlab stability: uniform-stability twin runs (StableSAM Section 5.2, Figures 5-7).  S is the training set
 * without one random example; S' is S with one random example replaced by the removed one; each rule trains
 * on both from the same initialisation in the same batch order.  Per epoch: the distance between the twins'
 * weights and the generalisation gaps, to HDF5. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli_net.h"
#include "commands.h"

#define CMD "stability"
#define MAX_RULES 16

typedef struct {
  size_t nrule, E; /* E + 1 columns: epoch 0 is the initialisation */
  double *dist, *dist_hardt;                          /* nrule x (E+1) */
  double *train_loss, *train_acc, *test_loss, *test_acc; /* nrule x 2 x (E+1): twin 0 on S, twin 1 on S' */
  uint8_t *diverged;
} stab_result;

static double *nan_array(size_t n)
{
  double *a = malloc(n * sizeof *a);
  for (size_t i = 0; a && i < n; i++)
    a[i] = NAN;
  return a;
}

static void record(stab_result *R, size_t r, size_t e, samlab_trainer *t[2], const samlab_epoch_stats st[2])
{
  size_t C = R->E + 1;
  R->dist[r * C + e] =
      samlab_twin_distance(samlab_trainer_dim(t[0]), samlab_trainer_weights(t[0]), samlab_trainer_weights(t[1]));
  R->dist_hardt[r * C + e] =
      samlab_twin_distance_hardt(samlab_trainer_dim(t[0]), samlab_trainer_weights(t[0]), samlab_trainer_weights(t[1]));
  for (int k = 0; k < 2; k++) {
    size_t at = (r * 2 + (size_t)k) * C + e;
    R->train_loss[at] = st[k].train_loss;
    R->train_acc[at] = st[k].train_acc;
    R->test_loss[at] = st[k].test_loss;
    R->test_acc[at] = st[k].test_acc;
  }
}

/* Epoch-0 statistics: the initial weights evaluated like an epoch's end. */
static void initial_stats(samlab_trainer *t, samlab_epoch_stats *s)
{
  memset(s, 0, sizeof *s);
  samlab_problem *net = samlab_trainer_net(t);
  const double *w = samlab_trainer_weights(t);
  samlab_net_evaluate(net, w, samlab_trainer_train_set(t), NULL, 0, &s->train_loss, &s->train_acc);
  samlab_net_evaluate(net, w, samlab_trainer_test_set(t), NULL, 0, &s->test_loss, &s->test_acc);
}

int cmd_stability(int argc, char **argv)
{
  const char *rules = "sgd,sam,stablesam";
  cli_net cn = {.data = "fashion-mnist", .model = "fcn", .base_name = "sgd", .schedule = "constant",
                .out = "stability.h5", .train_size = 10000, .batch = 128, .epochs = 30, .seed = 1,
                .hidden_help = "fcn hidden sizes (default 500,500)",
                .base_help = "base optimizer (default sgd: vanilla SGD, as the paper)",
                .train_size_help = "examples drawn from the training set, S has N - 1 (default 10000)",
                .epochs_help = "epochs (default 30)",
                .seed_help = "seed of the subset, the twin sets, the initialisation and the batch order",
                .out_help = "HDF5 output (default stability.h5)"};
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  const cli_opt own[] = {{"rules", 0, CLI_STR, &rules, "R,R,...", "rules to compare (default sgd,sam,stablesam)"}};
  cli_opt opts[CLI_NET_OPTS + 1];
  cli_net_options(&cn, own, 1, opts);
  const cli_spec spec = {
      CMD, "samlab stability [--rules sgd,sam,stablesam] [--train-size N] [--epochs E] [hyperparameters] --out FILE",
      "Uniform-stability twin runs (StableSAM Section 5.2).  From a seeded training subset, S removes one\n"
      "random example e and S' is S with one random example replaced by e (|S| = |S'| = N - 1).  For each rule,\n"
      "two networks train on S and S' from the same initialisation and in the same batch order, so their\n"
      "batches differ only where the replaced position falls.  Per epoch (0 = the initialisation): the\n"
      "distance ||w - w'|| / (||w|| + ||w'||) (stored as /distance; Hardt et al.'s sqrt(||w - w'||^2 /\n"
      "(||w||^2 + ||w'||^2)) as /distance_hardt), and for both twins the train metrics on their own set and\n"
      "the test metrics, so the generalisation gap test - train loss and the accuracy gap train - test.\n"
      "Every hyperparameter option (--lr, --rho ...) applies to every rule.  Layout: docs/hdf5-analyses.md.",
      opts, &hp, 0};
  cli_parse(&spec, argc, argv, NULL);

  const samlab_rule_type *rt[MAX_RULES];
  size_t nrule = 0;
  char list[1024];
  snprintf(list, sizeof list, "%s", rules);
  for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (nrule == MAX_RULES)
      cli_die(CMD, "bad value '%s' for --rules: at most %d rules", rules, MAX_RULES);
    rt[nrule++] = cli_rule(CMD, tok, &hp);
  }
  if (!nrule)
    cli_die(CMD, "bad value '%s' for --rules: name at least one rule", rules);
  cli_net_check(CMD, &cn, 3, 1, "the twin set size");
  const char *out = cn.out;

  char err[1024];
  samlab_dataset *train, *test, *S, *S2;
  cli_net_data(CMD, &cn, &train, &test);
  size_t removed, replaced;
  if (samlab_twin_sets(train, (unsigned long)cn.seed + 4, &S, &S2, &removed, &replaced, err, sizeof err) != 0)
    cli_die(CMD, "%s", err);
  samlab_problem *net[2];
  net[0] = samlab_net_create(cn.model, cn.hidden, S, err, sizeof err);
  if (!net[0])
    cli_die(CMD, "%s", err);
  net[1] = samlab_net_create(cn.model, cn.hidden, S2, err, sizeof err);
  samlab_train_config cfg = cli_net_config(&cn, &hp);
  cli_net_check_rules(CMD, cfg, rt, nrule, net[0], S, test); /* before any output exists */
  samlab_out *o = samlab_out_create(out, err, sizeof err);
  if (!o)
    cli_die(CMD, "%s", err);

  size_t E = (size_t)cn.epochs, C = E + 1;
  stab_result R = {nrule, E, nan_array(nrule * C), nan_array(nrule * C), nan_array(nrule * 2 * C),
                   nan_array(nrule * 2 * C), nan_array(nrule * 2 * C), nan_array(nrule * 2 * C), calloc(nrule, 1)};
  if (!R.dist || !R.dist_hardt || !R.train_loss || !R.train_acc || !R.test_loss || !R.test_acc || !R.diverged) {
    samlab_out_abort(o);
    cli_die(CMD, "out of memory");
  }
  progress bar;
  progress_start(&bar, CMD, (double)(nrule * E));
  for (size_t r = 0; r < nrule; r++) {
    cfg.rule = rt[r];
    samlab_trainer *t[2];
    samlab_epoch_stats st[2];
    for (int k = 0; k < 2; k++) {
      t[k] = samlab_trainer_alloc(net[k], k ? S2 : S, test, &cfg, err, sizeof err);
      if (!t[k]) {
        samlab_out_abort(o);
        cli_die(CMD, "%s", err);
      }
      initial_stats(t[k], &st[k]);
    }
    record(&R, r, 0, t, st);
    for (size_t e = 1; e <= E; e++) {
      int d0 = samlab_trainer_epoch(t[0], NULL, NULL, &st[0]);
      int d1 = samlab_trainer_epoch(t[1], NULL, NULL, &st[1]);
      if (d0 || d1) { /* a diverged twin ends this rule's curves here (NAN beyond) */
        R.diverged[r] = 1;
        break;
      }
      record(&R, r, e, t, st);
      char extra[96];
      snprintf(extra, sizeof extra, "%s epoch %zu, distance %.3g", rt[r]->name, e, R.dist[r * C + e]);
      progress_update(&bar, (double)(r * E + e), extra);
    }
    printf("%-12s distance %.4g, gap test-train loss %.4f, accuracy gap %.4f%s\n", rt[r]->name, R.dist[r * C + E],
           R.test_loss[r * 2 * C + E] - R.train_loss[r * 2 * C + E],
           R.train_acc[r * 2 * C + E] - R.test_acc[r * 2 * C + E], R.diverged[r] ? " (diverged)" : "");
    samlab_trainer_free(t[0]);
    samlab_trainer_free(t[1]);
  }
  progress_end(&bar);

  double *ep = malloc(C * sizeof *ep), *gap = malloc(nrule * C * sizeof *gap), *agap = malloc(nrule * C * sizeof *agap);
  for (size_t e = 0; e < C; e++)
    ep[e] = (double)e;
  for (size_t r = 0; r < nrule; r++)
    for (size_t e = 0; e < C; e++) {
      gap[r * C + e] = R.test_loss[r * 2 * C + e] - R.train_loss[r * 2 * C + e];
      agap[r * C + e] = R.train_acc[r * 2 * C + e] - R.test_acc[r * 2 * C + e];
    }
  const char *names[MAX_RULES];
  for (size_t r = 0; r < nrule; r++)
    names[r] = rt[r]->name;
  hsize_t d1 = C, d2[2] = {nrule, C}, d3[3] = {nrule, 2, C}, dr = nrule;
  int rc = samlab_out_strings(o, "/rules", nrule, names);
  rc |= samlab_out_f64(o, "/epoch", 1, &d1, ep);
  rc |= samlab_out_f64(o, "/distance", 2, d2, R.dist);
  rc |= samlab_out_f64(o, "/distance_hardt", 2, d2, R.dist_hardt);
  rc |= samlab_out_f64(o, "/gen_gap_loss", 2, d2, gap);
  rc |= samlab_out_f64(o, "/gen_gap_acc", 2, d2, agap);
  rc |= samlab_out_f64(o, "/train_loss", 3, d3, R.train_loss);
  rc |= samlab_out_f64(o, "/train_acc", 3, d3, R.train_acc);
  rc |= samlab_out_f64(o, "/test_loss", 3, d3, R.test_loss);
  rc |= samlab_out_f64(o, "/test_acc", 3, d3, R.test_acc);
  rc |= samlab_out_u8(o, "/diverged", 1, &dr, R.diverged);
  rc |= cli_net_attrs_head(o->file, argc, argv, &cn, &cfg.hp, "stability", net[0]);
  rc |= samlab_attr_i64(o->file, "/", "train_size", cn.train_size);
  rc |= samlab_attr_i64(o->file, "/", "twin_size", (int64_t)S->n);
  rc |= samlab_attr_i64(o->file, "/", "test_size", (int64_t)test->n);
  rc |= samlab_attr_i64(o->file, "/", "removed", (int64_t)removed);
  rc |= samlab_attr_i64(o->file, "/", "replaced", (int64_t)replaced);
  rc |= cli_net_attrs_tail(o->file, &cn);
  rc |= samlab_attr_str(o->file, "/", "distance",
                        "||w - w'|| / (||w|| + ||w'||); distance_hardt: sqrt(||w - w'||^2 / (||w||^2 + ||w'||^2))");
  rc |= samlab_attr_str(o->file, "/", "twin_sets",
                        "subset of train_size (mt19937 seed + 2); e = removed, j = replaced drawn by mt19937 seed + 4; "
                        "S = subset without e, S' = S with position j set to e");
  if (samlab_out_finish(o, rc) != 0)
    cli_die(CMD, "writing '%s' failed", out);
  printf("%s: twin runs of %zu rules, %s on %zu examples, %ld epochs\n", out, nrule, samlab_net_describe(net[0]),
         S->n, cn.epochs);
  free(ep);
  free(gap);
  free(agap);
  free(R.dist);
  free(R.dist_hardt);
  free(R.train_loss);
  free(R.train_acc);
  free(R.test_loss);
  free(R.test_acc);
  free(R.diverged);
  samlab_problem_free(net[0]);
  samlab_problem_free(net[1]);
  samlab_dataset_free(S);
  samlab_dataset_free(S2);
  samlab_dataset_free(train);
  samlab_dataset_free(test);
  return 0;
}
