/* The training loop as a library: epochs of seeded shuffled mini-batches, any rule over any base optimizer
 * on a network problem, a learning-rate schedule, per-epoch evaluation.  The caller owns the output. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/train.h"
#include "train_impl.h"

static double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int augment_alloc(samlab_trainer *t, char *err, size_t errlen);

void samlab_trainer_free(samlab_trainer *t)
{
  if (!t)
    return;
  samlab_rule_free(t->rule);
  free(t->w);
  free(t->order);
  if (t->rng)
    gsl_rng_free(t->rng);
  samlab_dataset_free(t->aug);
  free(t->aug_idx);
  if (t->aug_rng)
    gsl_rng_free(t->aug_rng);
  free(t);
}

samlab_trainer *samlab_trainer_alloc(samlab_problem *net, const samlab_dataset *train,
                                     const samlab_dataset *test, const samlab_train_config *cfg, char *err,
                                     size_t errlen)
{
  if (!samlab_net_is(net)) {
    snprintf(err, errlen, "the trainer needs a network made by samlab_net_create");
    return NULL;
  }
  if (cfg->batch < 1 || cfg->batch > train->n) {
    snprintf(err, errlen, "bad value %zu for --batch: must be in [1, %zu] (the training set size)", cfg->batch,
             train->n);
    return NULL;
  }
  if (cfg->epochs < 1) {
    snprintf(err, errlen, "bad value %ld for --epochs: must be >= 1", cfg->epochs);
    return NULL;
  }
  samlab_trainer *t = calloc(1, sizeof *t);
  if (!t) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  t->net = net;
  t->train = train;
  t->test = test;
  t->cfg = *cfg;
  t->dim = net->dim;
  t->steps_per_epoch = (long)((train->n + cfg->batch - 1) / cfg->batch);
  samlab_hparams hp = cfg->hp;
  if (hp.total_steps < 0)
    hp.total_steps = t->steps_per_epoch * cfg->epochs;
  if (hp.seed < 0)
    hp.seed = (long)cfg->seed;
  t->rule = samlab_rule_alloc(cfg->rule, cfg->base, &hp, t->dim, err, errlen);
  if (!t->rule) {
    samlab_trainer_free(t);
    return NULL;
  }
  t->cfg.hp = *samlab_rule_hparams(t->rule); /* with defaults filled in: hp.lr is the schedule's lr0 */
  /* nothing here reads the perturbation, and w changes only through samlab_rule_step */
  samlab_rule_set_flags(t->rule, (cfg->geometry ? SAMLAB_RULE_GEOMETRY : 0) | SAMLAB_RULE_FUSE_F32);
  t->w = samlab_big_calloc(t->dim, sizeof *t->w);
  t->order = malloc(train->n * sizeof *t->order);
  t->rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng *init = gsl_rng_alloc(gsl_rng_mt19937);
  if (!t->w || !t->order || !t->rng || !init) {
    if (init)
      gsl_rng_free(init);
    snprintf(err, errlen, "out of memory for %zu weights", t->dim);
    samlab_trainer_free(t);
    return NULL;
  }
  gsl_rng_set(init, cfg->seed);
  samlab_net_init(net, init, t->w);
  gsl_rng_free(init);
  gsl_rng_set(t->rng, cfg->seed + 1);
  for (size_t i = 0; i < train->n; i++)
    t->order[i] = i;
  if (cfg->augment != SAMLAB_AUGMENT_NONE && augment_alloc(t, err, errlen) != 0) {
    samlab_trainer_free(t);
    return NULL;
  }
  return t;
}

/* ---- augmentation (issue 13): each step's network reads augmented copies of its batch ---- */
static int augment_alloc(samlab_trainer *t, char *err, size_t errlen)
{
  const samlab_dataset *d = t->train;
  t->aug = samlab_dataset_alloc(t->cfg.batch, samlab_dataset_channels(d), d->rows, d->cols, d->nclasses);
  t->aug_idx = malloc(t->cfg.batch * sizeof *t->aug_idx);
  t->aug_rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!t->aug || !t->aug_idx || !t->aug_rng) {
    snprintf(err, errlen, "out of memory for the augmented batch");
    return -1;
  }
  t->aug->name = d->name;
  for (size_t i = 0; i < t->cfg.batch; i++)
    t->aug_idx[i] = i;
  gsl_rng_set(t->aug_rng, t->cfg.seed + 5);
  return 0;
}

/* The rule's step on examples idx[0..m) of the training set, or on augmented copies of them. */
static void step_on_batch(samlab_trainer *t, const size_t *idx, size_t m, samlab_step_info *info)
{
  if (!t->aug) {
    samlab_problem_set_batch(t->net, idx, m);
    samlab_rule_step(t->rule, t->net, t->w, info);
    return;
  }
  samlab_dataset_augment(t->train, idx, m, t->cfg.augment, t->aug_rng, t->aug);
  samlab_net_set_data(t->net, t->aug);
  samlab_problem_set_batch(t->net, t->aug_idx, m);
  samlab_rule_step(t->rule, t->net, t->w, info);
  samlab_net_set_data(t->net, t->train); /* between steps the net is on the training set, as without augmentation */
}

int samlab_trainer_step(samlab_trainer *t, samlab_step_info *info, double *lr)
{
  samlab_step_info local;
  if (!info)
    info = &local;
  size_t n = t->train->n, batch = t->cfg.batch;
  if (t->pos == 0) {
    /* A new epoch: a fresh permutation of the previous order (so the order's state is the RNG's). */
    gsl_ran_shuffle(t->rng, t->order, n, sizeof *t->order);
    t->acc_loss = t->acc_seconds = 0;
    t->acc_sam = 0;
  }
  size_t start = (size_t)t->pos * batch, m = n - start < batch ? n - start : batch;
  double t0 = now_seconds();
  double lr_t = samlab_schedule_lr(t->cfg.schedule, t->cfg.hp.lr, t->step,
                                   t->steps_per_epoch * t->cfg.epochs);
  samlab_rule_set_lr(t->rule, lr_t);
  step_on_batch(t, t->order + start, m, info);
  t->acc_seconds += now_seconds() - t0;
  t->acc_loss += info->loss;
  t->acc_sam += info->sam_used;
  t->pos++;
  t->step++;
  if (lr)
    *lr = lr_t;
  /* Non-finite weights show in the next step's loss; the epoch's end checks the weights themselves
   * (a pass over all of them per step would cost as much as a vector operation of the rule). */
  return isfinite(info->loss) && isfinite(info->grad_norm) ? 0 : 1;
}

int samlab_trainer_end_epoch(samlab_trainer *t, samlab_epoch_stats *stats)
{
  samlab_epoch_stats s;
  double steps = t->pos > 0 ? (double)t->pos : 1;
  s.batch_loss = t->acc_loss / steps;
  s.sam_fraction = (double)t->acc_sam / steps;
  s.seconds = t->acc_seconds;
  s.train_loss = s.batch_loss;
  s.train_acc = s.test_loss = s.test_acc = NAN;
  int rc = 0;
  if (t->cfg.eval_train)
    rc |= samlab_net_evaluate(t->net, t->w, t->train, NULL, 0, &s.train_loss, &s.train_acc);
  if (t->test)
    rc |= samlab_net_evaluate(t->net, t->w, t->test, NULL, 0, &s.test_loss, &s.test_acc);
  t->epoch++;
  t->pos = 0;
  if (stats)
    *stats = s;
  return rc ? -1 : 0;
}

int samlab_trainer_epoch(samlab_trainer *t, samlab_step_hook hook, void *user, samlab_epoch_stats *stats)
{
  while (t->pos < t->steps_per_epoch) {
    samlab_step_info info;
    double lr;
    int diverged = samlab_trainer_step(t, &info, &lr);
    int stop = hook ? hook(user, t, &info, lr) : 0;
    if (diverged)
      return 1;
    if (stop)
      return 2;
  }
  if (!samlab_all_finite(t->dim, t->w))
    return 1;
  samlab_trainer_end_epoch(t, stats);
  return 0;
}

double *samlab_trainer_weights(const samlab_trainer *t) { return t->w; }
size_t samlab_trainer_dim(const samlab_trainer *t) { return t->dim; }
const samlab_train_config *samlab_trainer_config(const samlab_trainer *t) { return &t->cfg; }
samlab_rule *samlab_trainer_rule(const samlab_trainer *t) { return t->rule; }
samlab_problem *samlab_trainer_net(const samlab_trainer *t) { return t->net; }
const samlab_dataset *samlab_trainer_train_set(const samlab_trainer *t) { return t->train; }
const samlab_dataset *samlab_trainer_test_set(const samlab_trainer *t) { return t->test; }
long samlab_trainer_steps_per_epoch(const samlab_trainer *t) { return t->steps_per_epoch; }
long samlab_trainer_epochs_done(const samlab_trainer *t) { return t->epoch; }
long samlab_trainer_steps_done(const samlab_trainer *t) { return t->step; }
long samlab_trainer_epoch_pos(const samlab_trainer *t) { return t->pos; }
double samlab_trainer_epoch_loss_sum(const samlab_trainer *t) { return t->acc_loss; }
const size_t *samlab_trainer_order(const samlab_trainer *t) { return t->order; }
