/* samlab decompose: F-SAM's gradient decomposition experiment (F-SAM Sec. 4, Figure 1): SGD, SAM, and SAM whose
 * ascent uses only the full-gradient component or only the noise component of the mini-batch gradient, the
 * full gradient computed exactly on the (small) training set at every step.  Per epoch metrics to HDF5. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli_net.h"
#include "commands.h"

#define CMD "decompose"
#define MAX_VARIANTS 8

static const samlab_rule_type *variant_rule(const char *name, int literal)
{
  if (strcmp(name, "sgd") == 0)
    return samlab_rule_find("sgd");
  if (strcmp(name, "sam") == 0)
    return samlab_decompose_rule(SAMLAB_DECOMP_BATCH, 0);
  if (strcmp(name, "full") == 0)
    return samlab_decompose_rule(SAMLAB_DECOMP_FULL, literal);
  if (strcmp(name, "noise") == 0)
    return samlab_decompose_rule(SAMLAB_DECOMP_NOISE, literal);
  return NULL;
}

int cmd_decompose(int argc, char **argv)
{
  const char *variants = "sgd,sam,full,noise", *proj = "orth";
  cli_net cn = {.data = "fashion-mnist", .model = "fcn", .hidden = "128", .base_name = "sgdm", .schedule = "constant",
              .out = "decompose.h5", .train_size = 4000, .batch = 128, .epochs = 10, .seed = 1,
              .hidden_help = "fcn hidden sizes (default 128)", .base_help = "base optimizer (default sgdm)",
              .train_size_help = "training subset: a full gradient per step (default 4000)",
              .epochs_help = "epochs (default 10)",
              .seed_help = "seed of the subset, the initialisation and the batch order (default 1)",
              .out_help = "HDF5 output (default decompose.h5)"};
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  const cli_opt own[] = {
      {"variants", 0, CLI_STR, &variants, "V,V,...", "of sgd, sam, full, noise (default all four)"},
      {"proj", 0, CLI_STR, &proj, "P", "orth (default): P = (gb.g/||g||^2) g; literal: P = cos(g, gb) g as printed"}};
  cli_opt opts[CLI_NET_OPTS + 2];
  cli_net_options(&cn, own, 2, opts);
  const cli_spec spec = {
      CMD, "samlab decompose [--variants sgd,sam,full,noise] [--train-size N] [--epochs E] [hyperparameters] --out FILE",
      "F-SAM's decomposition of SAM's ascent direction (F-SAM Sec. 4, Figure 1).  With g the exact full gradient\n"
      "over the training subset (recomputed every step) and gb the mini-batch gradient, SAM ascends along\n"
      "gb (sam), along its full-gradient component P (full), or along its noise component gb - P (noise); the\n"
      "descent gradient is always the mini-batch's at w + eps.  Every variant starts from the same weights and\n"
      "sees the same batches.  Per epoch: train (whole subset) and test loss and accuracy, and the mean\n"
      "cos(gb, g) over the epoch's steps.  Hyperparameter options (--lr, --rho ...) apply to every variant.\n"
      "Layout: docs/hdf5-analyses.md.",
      opts, &hp, 0};
  cli_parse(&spec, argc, argv, NULL);
  int literal = strcmp(proj, "literal") == 0;
  if (!literal && strcmp(proj, "orth") != 0)
    cli_die(CMD, "bad value '%s' for --proj: orth or literal", proj);
  const samlab_rule_type *rt[MAX_VARIANTS];
  const char *vname[MAX_VARIANTS];
  size_t nv = 0;
  static char list[1024];
  snprintf(list, sizeof list, "%s", variants);
  for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (nv == MAX_VARIANTS)
      cli_die(CMD, "bad value '%s' for --variants: at most %d", variants, MAX_VARIANTS);
    if (!(rt[nv] = variant_rule(tok, literal)))
      cli_die(CMD, "bad variant '%s' in --variants: sgd, sam, full or noise", tok);
    vname[nv++] = tok;
  }
  if (!nv)
    cli_die(CMD, "bad value '%s' for --variants: name at least one", variants);
  cli_net_check(CMD, &cn, 1, 0, "the training subset");
  const char *out = cn.out;
  long epochs = cn.epochs;

  char err[1024];
  samlab_dataset *train, *test;
  cli_net_data(CMD, &cn, &train, &test);
  samlab_problem *net = samlab_net_create(cn.model, cn.hidden, train, err, sizeof err);
  if (!net)
    cli_die(CMD, "%s", err);
  samlab_train_config cfg = cli_net_config(&cn, &hp);
  cli_net_check_rules(CMD, cfg, rt, nv, net, train, test); /* every variant's hyperparameters before any output */
  samlab_out *o = samlab_out_create(out, err, sizeof err);
  if (!o)
    cli_die(CMD, "%s", err);
  size_t E = (size_t)epochs, n = nv * E;
  double *trl = malloc(n * sizeof *trl), *tra = malloc(n * sizeof *tra), *tel = malloc(n * sizeof *tel);
  double *tea = malloc(n * sizeof *tea), *cosm = malloc(n * sizeof *cosm), *ep = malloc(E * sizeof *ep);
  uint8_t *div = calloc(nv, 1);
  if (!trl || !tra || !tel || !tea || !cosm || !ep || !div) {
    samlab_out_abort(o);
    cli_die(CMD, "out of memory");
  }
  for (size_t i = 0; i < n; i++)
    trl[i] = tra[i] = tel[i] = tea[i] = cosm[i] = NAN;
  progress bar;
  progress_start(&bar, CMD, (double)n);
  for (size_t v = 0; v < nv; v++) {
    cfg.rule = rt[v];
    samlab_trainer *t = samlab_trainer_alloc(net, train, test, &cfg, err, sizeof err);
    if (!t) {
      samlab_out_abort(o);
      cli_die(CMD, "%s", err);
    }
    double prev_sum = 0;
    long prev_steps = 0;
    for (size_t e = 0; e < E; e++) {
      samlab_epoch_stats st;
      if (samlab_trainer_epoch(t, NULL, NULL, &st) != 0) {
        div[v] = 1; /* diverged: the rest of this variant stays NAN */
        break;
      }
      size_t at = v * E + e;
      trl[at] = st.train_loss;
      tra[at] = st.train_acc;
      tel[at] = st.test_loss;
      tea[at] = st.test_acc;
      if (rt[v]->step != samlab_rule_find("sgd")->step) {
        long steps;
        double mean = samlab_decompose_mean_cos(samlab_trainer_rule(t), &steps), sum = mean * (double)steps;
        cosm[at] = steps > prev_steps ? (sum - prev_sum) / (double)(steps - prev_steps) : NAN;
        prev_sum = sum;
        prev_steps = steps;
      }
      ep[e] = (double)(e + 1);
      char extra[96];
      snprintf(extra, sizeof extra, "%s epoch %zu, test acc %.4f", vname[v], e + 1, st.test_acc);
      progress_update(&bar, (double)(at + 1), extra);
    }
    size_t last = v * E + E - 1;
    printf("%-6s train loss %.4f acc %.4f, test loss %.4f acc %.4f, mean cos(gb, g) %.4f%s\n", vname[v], trl[last],
           tra[last], tel[last], tea[last], cosm[last], div[v] ? " (diverged)" : "");
    samlab_trainer_free(t);
  }
  progress_end(&bar);
  for (size_t e = 0; e < E; e++)
    ep[e] = (double)(e + 1);
  hsize_t d1 = E, d2[2] = {nv, E}, dv = nv;
  int rc = samlab_out_strings(o, "/variants", nv, vname);
  rc |= samlab_out_f64(o, "/epoch", 1, &d1, ep);
  rc |= samlab_out_f64(o, "/train_loss", 2, d2, trl);
  rc |= samlab_out_f64(o, "/train_acc", 2, d2, tra);
  rc |= samlab_out_f64(o, "/test_loss", 2, d2, tel);
  rc |= samlab_out_f64(o, "/test_acc", 2, d2, tea);
  rc |= samlab_out_f64(o, "/mean_cos", 2, d2, cosm);
  rc |= samlab_out_u8(o, "/diverged", 1, &dv, div);
  rc |= cli_net_attrs_head(o->file, argc, argv, &cn, &cfg.hp, "decompose", net);
  rc |= samlab_attr_str(o->file, "/", "proj", literal ? "literal: P = cos(g, gb) g (F-SAM Eq. 8 as printed)"
                                                      : "orth: P = (gb.g / ||g||^2) g");
  rc |= samlab_attr_str(o->file, "/", "full_gradient", "exact, over the whole training subset, every step, no EMA");
  rc |= samlab_attr_i64(o->file, "/", "train_size", (int64_t)train->n);
  rc |= samlab_attr_i64(o->file, "/", "test_size", (int64_t)test->n);
  rc |= cli_net_attrs_tail(o->file, &cn);
  if (samlab_out_finish(o, rc) != 0)
    cli_die(CMD, "writing '%s' failed", out);
  printf("%s: %zu variants, %s on %zu examples, %ld epochs\n", out, nv, samlab_net_describe(net), train->n, epochs);
  free(trl);
  free(tra);
  free(tel);
  free(tea);
  free(cosm);
  free(ep);
  free(div);
  samlab_problem_free(net);
  samlab_dataset_free(train);
  samlab_dataset_free(test);
  return 0;
}
