/* samlab train: any rule over any base optimizer on fcn or LeNet-5 over a registered data set (Fashion-MNIST,
 * MNIST, CIFAR-10/100) or any IDX pair, optionally augmented and normalised, with per-step and per-epoch traces,
 * weight snapshots and a checkpoint that resumes bit for bit. */
#include <stdio.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hdf5_hl.h>
#include "cli.h"
#include "commands.h"
#include "train_trace.h"

#define CMD "train"
#define MAX_ARGS TRAIN_MAX_ARGS

typedef struct train_args {
  const char *data, *data_dir, *model, *hidden, *rule, *base, *schedule, *out, *resume;
  const char *train_images, *train_labels, *test_images, *test_labels, *train_size_text;
  const char *labels, *augment; /* data sets (issue 13) */
  int normalize;
  long batch, epochs, seed, threads, train_size, weights_every;
  long track_hessian; /* every this many epochs, the Hessian's top eigenvalue and trace (0: never) */
  double label_noise;
  int trace_geometry, check_grad;
  samlab_hparams hp;
} train_args;

static volatile sig_atomic_t interrupted;

/* SIGINT or SIGTERM: stop after the current step and save a checkpoint.  A second one ends at once (removing
 * the partial file); the file at --out is still the last checkpoint. */
static void on_stop_signal(int sig)
{
  interrupted = 1;
  signal(sig, samlab_partial_signal_handler);
}

/* replay: the stored options of a --resume, then the new ones on top (cli_parse_replay). */
static void parse(train_args *a, int argc, char **argv, int replay)
{
  char names[256], data_help[320];
  snprintf(data_help, sizeof data_help, "data set: %s (default fashion-mnist; docs/hdf5-train.md)",
           samlab_data_names(", ", names, sizeof names));
  const cli_opt opts[] = {
      {"data", 0, CLI_STR, &a->data, "NAME", data_help},
      {"data-dir", 0, CLI_STR, &a->data_dir, "DIR", "directory of the data set's files (default $SAMLAB_DATA, else "
                                                    "/usr/share/datasets/NAME)"},
      {"labels", 0, CLI_STR, &a->labels, "KIND", "fine (default) or coarse: cifar100's 100 classes or its 20 "
                                                 "superclasses"},
      {"augment", 0, CLI_STR, &a->augment, "KIND", "none (default) or crop-flip: each batch padded by 4, cropped "
                                                   "back at a random offset, mirrored with probability 1/2 (seeded)"},
      {"normalize", 0, CLI_FLAG, &a->normalize, "", "subtract the training set's per-channel mean, divide by its "
                                                   "standard deviation (train and test; stored in the file)"},
      {"train-images", 0, CLI_STR, &a->train_images, "FILE", "IDX training images (with the three below, "
                                                             "instead of --data)"},
      {"train-labels", 0, CLI_STR, &a->train_labels, "FILE", "IDX training labels"},
      {"test-images", 0, CLI_STR, &a->test_images, "FILE", "IDX test images"},
      {"test-labels", 0, CLI_STR, &a->test_labels, "FILE", "IDX test labels"},
      {"model", 'm', CLI_STR, &a->model, "NAME", "fcn (default) or lenet"},
      {"hidden", 0, CLI_STR, &a->hidden, "N,N,...", "fcn hidden layer sizes (default 500,500)"},
      {"rule", 0, CLI_STR, &a->rule, "NAME", "SAM variant (default sgd; see samlab rules)"},
      {"base", 0, CLI_STR, &a->base, "NAME", "base optimizer: sgd, sgdm (default), adam, adamw"},
      {"batch", 'b', CLI_LONG, &a->batch, "N", "examples per step (default 128)"},
      {"epochs", 'e', CLI_LONG, &a->epochs, "N", "epochs (default 5); with --resume, the total to reach"},
      {"schedule", 0, CLI_STR, &a->schedule, "NAME", "learning rate: constant (default), cosine, step "
                                                     "(x0.1 at 50%, x0.01 at 75%)"},
      {"seed", 0, CLI_LONG, &a->seed, "N", "seed of weights, batch order, subset, label noise, rule (default 1)"},
      {"threads", 'j', CLI_LONG, &a->threads, "N", "threads (default 1): fcn's GEMMs share them (its "
                                                   "results differ by thread count), lenet's chunks run on them "
                                                   "(the same bits on any count)"},
      {"train-size", 0, CLI_STR, &a->train_size_text, "N", "train on a seeded subset of N examples (default all)"},
      {"label-noise", 0, CLI_DOUBLE, &a->label_noise, "R", "replace a fraction R in [0, 1] of the training labels "
                                                          "by a different class (seeded)"},
      {"trace-geometry", 0, CLI_FLAG, &a->trace_geometry, "", "also record ||g||/||g_s|| and cos(g, g_s) per step"},
      {"check-grad", 0, CLI_FLAG, &a->check_grad, "", "after each epoch compare the gradient with finite "
                                                      "differences (double) on 8 coordinates"},
      {"weights-every", 0, CLI_LONG, &a->weights_every, "K", "keep a weight snapshot every K epochs (default 1; "
                                                             "0: initial and last only)"},
      {"track-hessian", 0, CLI_LONG, &a->track_hessian, "EVERY", "every EVERY epochs, the Hessian's top eigenvalue "
                                                                 "(Lanczos, 20 steps) and trace (Hutchinson, 10 "
                                                                 "probes) on the first 512 examples (default 0: off)"},
      {"resume", 0, CLI_STR, &a->resume, "FILE", "continue the run in FILE (its options, then these on top)"},
      {"out", 'o', CLI_STR, &a->out, "FILE", "HDF5 output (default train.h5; with --resume, FILE)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {
      CMD, "samlab train --model fcn|lenet --rule NAME --base NAME [options] --out FILE",
      "Trains a network on a data set (Fashion-MNIST by default; MNIST, CIFAR-10/100 or any IDX pair; pixels are\n"
      "the files' bytes / 255, softmax cross-entropy) with any rule of the library.  Writes per-step loss,\n"
      "||g||^2, sam_used and lr, per-epoch train/test loss and accuracy, fraction of SAM steps and seconds,\n"
      "weight snapshots and a checkpoint (layout: docs/hdf5-train.md).\n"
      "The file is rewritten after every epoch under a temporary name and renamed, so it is always complete;\n"
      "Ctrl-C (or SIGTERM) stops after the current step and saves a checkpoint that --resume continues bit for bit.\n"
      "A run whose loss or weights become non-finite stops, is recorded with diverged = 1, exit status 3.\n"
      "Example: samlab train --model fcn --rule sam --rho 0.05 --base sgdm --lr 0.05 --epochs 5 --out run.h5",
      opts, &a->hp, 0};
  (replay ? cli_parse_replay : cli_parse)(&spec, argc, argv, NULL);
}

static void defaults(train_args *a)
{
  memset(a, 0, sizeof *a);
  a->data = "fashion-mnist";
  a->model = "fcn";
  a->rule = "sgd";
  a->base = "sgdm";
  a->schedule = "constant";
  a->batch = 128;
  a->epochs = 5;
  a->seed = 1;
  a->threads = 1;
  a->train_size = 0;
  a->weights_every = 1;
  a->labels = "fine";
  a->augment = "none";
  samlab_hparams_unset(&a->hp);
}

/* The options to store for a later --resume: everything given except --resume and its value. */
static int effective_args(int argc, char **argv, int skip_from, char **out)
{
  int n = 0;
  for (int i = skip_from; i < argc && n < MAX_ARGS - 1; i++) {
    if (strcmp(argv[i], "--resume") == 0) {
      i++;
      continue;
    }
    if (strncmp(argv[i], "--resume=", 9) == 0)
      continue;
    out[n++] = argv[i];
  }
  return n;
}

typedef struct run {
  train_args a;
  const samlab_rule_type *rt;
  const samlab_base_type *bt;
  samlab_schedule schedule;
  samlab_augment augment;
  samlab_dataset *train, *test;
  size_t label_changed;
  samlab_problem *net;
  samlab_trainer *t;
  train_trace tr;
  char *stored[MAX_ARGS];
  int nstored;
  int diverged, stopped;
  int argc;
  char **argv;
  progress bar;
  double bar_start_examples, bar_start_time, last_test_acc;
} run;

/* --normalize: the training set's per-channel statistics (on --resume, the ones the run stored), applied to the
 * training and the test set. */
static void normalize_data(run *r, hid_t resume)
{
  size_t C = samlab_dataset_channels(r->train);
  double *mean = malloc(C * sizeof *mean), *std = malloc(C * sizeof *std);
  if (!mean || !std)
    cli_die(CMD, "out of memory");
  int stored = resume >= 0 ? samlab_in_normalization(resume, C, mean, std) : 0;
  if (stored < 0)
    cli_die(CMD, "cannot resume from '%s': its /normalize_mean or /normalize_std is damaged", r->a.resume);
  if (!stored && samlab_dataset_channel_stats(r->train, mean, std) != 0)
    cli_die(CMD, "--normalize: the training set is empty");
  for (size_t c = 0; c < C; c++)
    if (!(std[c] > 0))
      cli_die(CMD, "--normalize: channel %zu of the training set is constant (standard deviation 0)", c);
  if (samlab_dataset_normalize(r->train, mean, std) != 0 || samlab_dataset_normalize(r->test, mean, std) != 0)
    cli_die(CMD, "out of memory");
  free(mean);
  free(std);
}

static void load_data(run *r, hid_t resume)
{
  char err[1024];
  train_args *a = &r->a;
  int custom = a->train_images || a->train_labels || a->test_images || a->test_labels;
  if (custom) {
    if (!a->train_images || !a->train_labels || !a->test_images || !a->test_labels)
      cli_die(CMD, "--train-images, --train-labels, --test-images and --test-labels go together");
    if (strcmp(a->labels, "fine") != 0)
      cli_die(CMD, "bad value '%s' for --labels: IDX files have one set of labels", a->labels);
    if (!(r->train = samlab_idx_load(a->train_images, a->train_labels, err, sizeof err)) ||
        !(r->test = samlab_idx_load(a->test_images, a->test_labels, err, sizeof err)))
      cli_die(CMD, "%s", err);
    if (r->test->rows != r->train->rows || r->test->cols != r->train->cols)
      cli_die(CMD, "test images are %zu x %zu but training images %zu x %zu", r->test->rows, r->test->cols,
              r->train->rows, r->train->cols);
  } else {
    samlab_data_options o = {a->data_dir, a->labels};
    if (samlab_data_open(a->data, &o, &r->train, &r->test, err, sizeof err) != 0)
      cli_die(CMD, "%s", err);
  }
  if (a->train_size > 0) {
    if ((size_t)a->train_size > r->train->n)
      cli_die(CMD, "bad value %ld for --train-size: the training set has %zu examples", a->train_size,
              r->train->n);
    samlab_dataset *s = samlab_dataset_sample(r->train, (size_t)a->train_size, (unsigned long)a->seed + 2);
    if (!s)
      cli_die(CMD, "out of memory for the training subset");
    samlab_dataset_free(r->train);
    r->train = s;
  }
  if (a->label_noise > 0)
    r->label_changed = samlab_dataset_label_noise(r->train, a->label_noise, (unsigned long)a->seed + 3);
  if (a->normalize)
    normalize_data(r, resume);
}

static void check_options(run *r)
{
  train_args *a = &r->a;
  r->rt = cli_rule(CMD, a->rule, &a->hp);
  r->bt = cli_base(CMD, a->base);
  if (samlab_schedule_parse(a->schedule, &r->schedule) != 0)
    cli_die(CMD, "bad value '%s' for --schedule: expected constant, cosine or step", a->schedule);
  if (a->batch < 1)
    cli_die(CMD, "bad value %ld for --batch: must be >= 1", a->batch);
  if (a->epochs < 1)
    cli_die(CMD, "bad value %ld for --epochs: must be >= 1", a->epochs);
  if (a->threads < 1 || a->threads > 256)
    cli_die(CMD, "bad value %ld for --threads: must be in [1, 256]", a->threads);
  /* a number of examples when given (0 is refused, not taken for "all"); all when not */
  a->train_size = a->train_size_text ? cli_long(CMD, "train-size", a->train_size_text) : 0;
  if (a->train_size_text && a->train_size < 1)
    cli_die(CMD, "bad value %ld for --train-size: must be >= 1 (leave it out for the whole set)", a->train_size);
  if (!(a->label_noise >= 0 && a->label_noise <= 1))
    cli_die(CMD, "bad value %g for --label-noise: must be in [0, 1]", a->label_noise);
  if (a->seed < 0)
    cli_die(CMD, "bad value %ld for --seed: must be >= 0", a->seed);
  if (a->track_hessian < 0)
    cli_die(CMD, "bad value %ld for --track-hessian: must be >= 0 (0: off)", a->track_hessian);
  if (a->weights_every < 0)
    cli_die(CMD, "bad value %ld for --weights-every: must be >= 0", a->weights_every);
  if (strcmp(a->model, "fcn") != 0 && strcmp(a->model, "lenet") != 0)
    cli_die(CMD, "unknown model '%s' (fcn, lenet)", a->model);
  if (samlab_augment_parse(a->augment, &r->augment) != 0)
    cli_die(CMD, "bad value '%s' for --augment: none or crop-flip", a->augment);
  if (strcmp(a->labels, "fine") != 0 && strcmp(a->labels, "coarse") != 0)
    cli_die(CMD, "bad value '%s' for --labels: fine or coarse", a->labels);
}

/* Root attributes of the data (issue 13): labels, shape, classes, augmentation, normalisation. */
static int write_data_attrs(const run *r, hid_t f)
{
  char method[256];
  int rc = samlab_attr_str(f, "/", "labels", r->a.labels);
  rc |= samlab_attr_i64(f, "/", "channels", (int64_t)samlab_dataset_channels(r->train));
  rc |= samlab_attr_i64(f, "/", "height", (int64_t)r->train->rows);
  rc |= samlab_attr_i64(f, "/", "width", (int64_t)r->train->cols);
  rc |= samlab_attr_i64(f, "/", "classes", (int64_t)r->train->nclasses);
  rc |= samlab_attr_str(f, "/", "augment", samlab_augment_name(r->augment));
  if (r->augment == SAMLAB_AUGMENT_CROP_FLIP) {
    snprintf(method, sizeof method, "each step's batch: padded by %d (with what a byte 0 becomes), cropped back at "
             "offsets uniform in [0, %d] and mirrored left-right with probability 1/2; mt19937 seeded with seed + 5, "
             "drawn serially (dy, dx, flip) per example", SAMLAB_AUGMENT_PAD, 2 * SAMLAB_AUGMENT_PAD);
    rc |= samlab_attr_str(f, "/", "augment_method", method);
  }
  rc |= samlab_attr_i64(f, "/", "normalize", r->a.normalize);
  rc |= samlab_out_normalization(f, r->train);
  return rc;
}

static long planned_snapshots(const train_args *a)
{
  return 2 + (a->weights_every > 0 ? a->epochs / a->weights_every : 0);
}

static int snapshot_due(const train_args *a, long epoch)
{
  return a->weights_every > 0 && epoch % a->weights_every == 0;
}

static int write_file(run *r)
{
  char err[1024];
  samlab_trainer *t = r->t;
  samlab_out *o = samlab_out_create(r->a.out, err, sizeof err);
  if (!o) {
    fprintf(stderr, "samlab %s: %s\n", CMD, err);
    return -1;
  }
  /* The current weights are always written as the last snapshot (in the buffer past r->tr's count). */
  train_trace tr = r->tr;
  if (samlab_trainer_epoch_pos(t) == 0 &&
      (tr.nweights == 0 || tr.weights_epoch[tr.nweights - 1] != samlab_trainer_epochs_done(t)))
    train_trace_weights(&tr, samlab_trainer_epochs_done(t), samlab_trainer_weights(t));
  int rc = train_trace_write(&tr, o);
  rc |= samlab_out_strings(o, "/args", (size_t)r->nstored, (const char *const *)r->stored);
  rc |= samlab_trainer_save(t, o->file, "/checkpoint");
  hid_t f = o->file;
  rc |= samlab_attr_provenance(f, "/", r->argc, r->argv, r->rt, r->bt, samlab_rule_hparams(samlab_trainer_rule(t)));
  rc |= samlab_attr_str(f, "/", "kind", "train");
  rc |= samlab_attr_str(f, "/", "model", samlab_net_describe(r->net));
  rc |= samlab_attr_str(f, "/", "data", r->a.train_images ? r->a.train_images : r->a.data);
  rc |= samlab_attr_i64(f, "/", "dim", (int64_t)samlab_trainer_dim(t));
  rc |= samlab_attr_i64(f, "/", "train_size", (int64_t)r->train->n);
  rc |= samlab_attr_i64(f, "/", "test_size", (int64_t)r->test->n);
  rc |= samlab_attr_f64(f, "/", "label_noise", r->a.label_noise);
  rc |= samlab_attr_i64(f, "/", "label_noise_changed", (int64_t)r->label_changed);
  char noise[256];
  snprintf(noise, sizeof noise, "symmetric: the first round(r n) examples of a seeded shuffle (mt19937, seed + 3) "
           "get a label drawn uniformly among the other %zu classes; applied once, before training",
           r->train->nclasses - 1);
  rc |= samlab_attr_str(f, "/", "label_noise_method", noise);
  rc |= write_data_attrs(r, f);
  rc |= samlab_attr_str(f, "/", "init", "PyTorch default: weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)), "
                                        "mt19937 seeded with seed");
  if (r->a.track_hessian > 0)
    rc |= samlab_attr_str(f, "/", "track_hessian", "every track_hessian_every epochs: Lanczos top eigenvalue (20 "
                          "steps, tol 1e-3, seed) and Hutchinson trace (10 Rademacher probes, seed + 1) on the first "
                          "512 training examples, in the training precision");
  if (r->a.track_hessian > 0)
    rc |= samlab_attr_i64(f, "/", "track_hessian_every", r->a.track_hessian);
  rc |= samlab_attr_i64(f, "/", "batch", r->a.batch);
  rc |= samlab_attr_i64(f, "/", "epochs", r->a.epochs);
  rc |= samlab_attr_i64(f, "/", "epochs_done", samlab_trainer_epochs_done(t));
  rc |= samlab_attr_i64(f, "/", "steps_per_epoch", samlab_trainer_steps_per_epoch(t));
  rc |= samlab_attr_str(f, "/", "schedule", samlab_schedule_name(r->schedule));
  rc |= samlab_attr_f64(f, "/", "lr0", samlab_trainer_config(t)->hp.lr);
  rc |= samlab_attr_i64(f, "/", "threads", r->a.threads);
  rc |= samlab_attr_str(f, "/", "blas_core", samlab_blas_core());
  rc |= samlab_attr_i64(f, "/", "diverged", r->diverged);
  rc |= samlab_attr_i64(f, "/", "interrupted", r->stopped);
  if (samlab_out_finish(o, rc) != 0) {
    fprintf(stderr, "samlab %s: writing '%s' failed\n", CMD, r->a.out);
    return -1;
  }
  return 0;
}

static int step_hook(void *user, const samlab_trainer *t, const samlab_step_info *info, double lr)
{
  run *r = user;
  train_trace_step(&r->tr, info, lr, samlab_rule_step_rho(samlab_trainer_rule(t)));
  if (r->bar.active) {
    char extra[160], acc[32] = "-";
    double ex = (double)(samlab_trainer_steps_done(t) * (long)samlab_trainer_config(t)->batch) - r->bar_start_examples;
    double el = progress_now() - r->bar_start_time;
    if (!isnan(r->last_test_acc))
      snprintf(acc, sizeof acc, "%.2f%%", 100 * r->last_test_acc);
    snprintf(extra, sizeof extra, "epoch %ld/%ld loss %.4f test acc %s %.0f ex/s", samlab_trainer_epochs_done(t) + 1,
             r->a.epochs, samlab_trainer_epoch_loss_sum(t) / (double)samlab_trainer_epoch_pos(t), acc,
             el > 0 ? ex / el : 0);
    progress_update(&r->bar, (double)samlab_trainer_steps_done(t), extra);
  }
  return interrupted;
}

/* Largest relative error of the gradient against central differences, in double, on the first batch. */
static double grad_check(run *r)
{
  samlab_trainer *t = r->t;
  size_t m = samlab_trainer_config(t)->batch;
  size_t *idx = malloc(m * sizeof *idx);
  if (!idx)
    return NAN;
  for (size_t i = 0; i < m; i++)
    idx[i] = i;
  samlab_net_set_precision(r->net, 64);
  samlab_problem_set_batch(r->net, idx, m);
  double worst = samlab_check_grad(r->net, samlab_trainer_weights(t), 8, 1e-6,
                                   (unsigned long)(r->a.seed + samlab_trainer_epochs_done(t)), NULL);
  samlab_net_set_precision(r->net, 32);
  free(idx);
  if (!(worst <= 1e-4))
    fprintf(stderr, "samlab %s: gradient check after epoch %ld: relative error %.3g exceeds 1e-4\n", CMD,
            samlab_trainer_epochs_done(t), worst);
  return worst;
}

/* --track-hessian: the top eigenvalue and Hutchinson's trace of the Hessian on the first 512 training examples, in
 * the training precision; cheap settings (tracking, not a converged spectrum: samlab hessian gives that). */
#define TRACK_EXAMPLES 512
static void track_hessian(run *r, double *top, double *trace)
{
  size_t n = r->train->n < TRACK_EXAMPLES ? r->train->n : TRACK_EXAMPLES, idx[TRACK_EXAMPLES];
  char err[256];
  double se;
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  *top = *trace = NAN;
  const double *w = samlab_trainer_weights(r->t);
  if (samlab_problem_set_batch(r->net, idx, n) != 0 ||
      samlab_hessian_lanczos(r->net, w, 1, 20, 1e-3, (unsigned long)r->a.seed, top, NULL, NULL, err, sizeof err) != 0 ||
      samlab_hessian_trace(r->net, w, 10, (unsigned long)r->a.seed + 1, trace, &se, NULL, err, sizeof err) != 0)
    fprintf(stderr, "samlab %s: --track-hessian: %s\n", CMD, err);
}

int cmd_train(int argc, char **argv)
{
  static run R;
  run *r = &R;
  char err[1024];
  r->argc = argc;
  r->argv = argv;
  r->last_test_acc = NAN;
  defaults(&r->a);
  parse(&r->a, argc, argv, 0);
  samlab_h5_quiet();

  /* --resume: the stored options first, then this command line's on top. */
  char **old = NULL;
  int nold = 0;
  hid_t resume = -1;
  if (r->a.resume) {
    const char *path = r->a.resume;
    if (access(path, R_OK) != 0)
      cli_die(CMD, "cannot read '%s' for --resume", path);
    if ((resume = samlab_in_open(path, err, sizeof err)) < 0 || samlab_in_verify(resume, err, sizeof err) != 0)
      cli_die(CMD, "%s", err);
    char kind[32];
    if (samlab_in_attr_str(resume, "/", "kind", kind, sizeof kind) != 0 || strcmp(kind, "train") != 0)
      cli_die(CMD, "'%s' is not a samlab train file", path);
    if (!(old = train_trace_read_args(resume, &nold)))
      cli_die(CMD, "'%s' has no stored options (/args)", path);
    char *all[2 * MAX_ARGS];
    int n = 0;
    all[n++] = argv[0];
    for (int i = 0; i < nold; i++)
      all[n++] = old[i];
    int nnew = effective_args(argc, argv, 1, all + n);
    n += nnew;
    const char *out = r->a.out; /* --out of this command line, else the resumed file itself */
    train_args stored;
    defaults(&stored);
    parse(&stored, nold + 1, all, 1);
    defaults(&r->a);
    parse(&r->a, n, all, 1);
    /* the network is the checkpoint's: say so before anything complains about its options */
    if (strcmp(stored.model, r->a.model) != 0)
      cli_die(CMD, "'%s' is a %s run: --resume continues it as one (--model %s cannot change that)", path,
              stored.model, r->a.model);
    const char *was = stored.hidden ? stored.hidden : "500,500", *now = r->a.hidden ? r->a.hidden : "500,500";
    if (strcmp(r->a.model, "fcn") == 0 && strcmp(was, now) != 0)
      cli_die(CMD, "'%s' has hidden layers %s: --resume continues with them (--hidden %s cannot change that)", path,
              was, now);
    r->a.resume = path;
    r->a.out = out ? out : path;
    r->nstored = effective_args(n, all, 1, r->stored);
  } else {
    r->nstored = effective_args(argc, argv, 1, r->stored);
  }
  if (!r->a.out)
    r->a.out = "train.h5";
  cli_check_out(CMD, r->a.out); /* with --resume, --out was not known when parsing */
  check_options(r);
  samlab_set_threads((int)r->a.threads);
  load_data(r, resume);

  if (!(r->net = samlab_net_create(r->a.model, r->a.hidden, r->train, err, sizeof err)))
    cli_die(CMD, "%s", err);
  samlab_train_config cfg = {.rule = r->rt, .base = r->bt, .hp = r->a.hp, .batch = (size_t)r->a.batch,
                             .epochs = r->a.epochs, .schedule = r->schedule, .seed = (unsigned long)r->a.seed,
                             .eval_train = 1, .geometry = r->a.trace_geometry, .augment = r->augment};
  if (!(r->t = samlab_trainer_alloc(r->net, r->train, r->test, &cfg, err, sizeof err)))
    cli_die(CMD, "%s", err);
  samlab_trainer *t = r->t;
  if (train_trace_init(&r->tr, samlab_trainer_dim(t), r->a.trace_geometry,
                       samlab_trainer_steps_per_epoch(t) * r->a.epochs, r->a.epochs, planned_snapshots(&r->a)) != 0)
    cli_die(CMD, "out of memory for the traces of %ld epochs", r->a.epochs);
  r->tr.hessian = r->a.track_hessian > 0;
  r->tr.scheduled = !r->rt->plain && samlab_rule_hparams(samlab_trainer_rule(t))->rho_schedule > SAMLAB_RHO_CONSTANT;
  if (resume >= 0) {
    if (samlab_trainer_load(t, resume, "/checkpoint", err, sizeof err) != 0 ||
        train_trace_read(&r->tr, resume, err, sizeof err) != 0)
      cli_die(CMD, "cannot resume from '%s': %s", r->a.resume, err);
    H5Fclose(resume);
    if (samlab_trainer_epochs_done(t) >= r->a.epochs) {
      printf("%s: already %ld of %ld epochs, nothing to do\n", r->a.resume, samlab_trainer_epochs_done(t), r->a.epochs);
      return 0;
    }
    /* The last snapshot, written as "the current weights", is dropped unless it is due. */
    if (r->tr.nweights > 1 && r->tr.weights_epoch[r->tr.nweights - 1] == samlab_trainer_epochs_done(t) &&
        !snapshot_due(&r->a, samlab_trainer_epochs_done(t)))
      r->tr.nweights--;
    if (samlab_trainer_epochs_done(t) > 0)
      r->last_test_acc = r->tr.epoch[samlab_trainer_epochs_done(t) - 1].test_acc;
  } else {
    train_trace_weights(&r->tr, 0, samlab_trainer_weights(t));
  }

  samlab_catch_signal(SIGINT, on_stop_signal);
  samlab_catch_signal(SIGTERM, on_stop_signal);
  progress_start(&r->bar, "train", (double)(samlab_trainer_steps_per_epoch(t) * r->a.epochs));
  r->bar_start_examples = (double)(samlab_trainer_steps_done(t) * (long)samlab_trainer_config(t)->batch);
  r->bar_start_time = progress_now();
  int status = 0;
  while (samlab_trainer_epochs_done(t) < r->a.epochs) {
    samlab_epoch_stats s;
    int rc = samlab_trainer_epoch(t, step_hook, r, &s);
    if (rc == 1) {
      r->diverged = 1;
      status = 3;
      break;
    }
    if (rc == 2) {
      r->stopped = 1;
      status = 130;
      break;
    }
    double gc = r->a.check_grad ? grad_check(r) : NAN;
    train_trace_epoch(&r->tr, &s, gc);
    if (r->a.track_hessian > 0 && samlab_trainer_epochs_done(t) % r->a.track_hessian == 0) {
      double top, trace;
      track_hessian(r, &top, &trace);
      train_trace_hessian(&r->tr, top, trace);
    }
    if (snapshot_due(&r->a, samlab_trainer_epochs_done(t)))
      train_trace_weights(&r->tr, samlab_trainer_epochs_done(t), samlab_trainer_weights(t));
    r->last_test_acc = s.test_acc;
    if (write_file(r) != 0)
      return 2;
    /* One line per epoch; on a terminal it replaces the bar, which redraws below it. */
    fprintf(stderr,
            "%sepoch %ld/%ld: train loss %.4f acc %.2f%%, test loss %.4f acc %.2f%%, SAM steps %.0f%%, %.2f s\n",
            r->bar.active ? "\r\033[K" : "", samlab_trainer_epochs_done(t), r->a.epochs, s.train_loss,
            100 * s.train_acc, s.test_loss, 100 * s.test_acc, 100 * s.sam_fraction, s.seconds);
    if (!isnan(gc))
      fprintf(stderr, "  gradient check: max relative error %.3g\n", gc);
    if (interrupted) {
      r->stopped = 1;
      status = 130;
      break;
    }
  }
  progress_end(&r->bar);
  if (status != 0 && write_file(r) != 0)
    return 2;
  const samlab_epoch_stats *last = r->tr.nepochs ? &r->tr.epoch[r->tr.nepochs - 1] : NULL;
  printf("%s: %s, %s/%s, %ld epochs%s%s", r->a.out, samlab_net_describe(r->net), r->rt->name, r->bt->name,
         samlab_trainer_epochs_done(t), r->diverged ? " (diverged: loss or weights not finite)" : "",
         r->stopped ? " (interrupted; --resume continues)" : "");
  if (last)
    printf(", test accuracy %.2f%%", 100 * last->test_acc);
  printf("\n");
  train_trace_free(&r->tr);
  samlab_trainer_free(r->t);
  samlab_problem_free(r->net);
  samlab_dataset_free(r->train);
  samlab_dataset_free(r->test);
  for (int i = 0; i < nold; i++)
    free(old[i]);
  free(old);
  return status;
}
