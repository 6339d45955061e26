/* The trainer (library) and `samlab train` (the program, run from the build directory on small IDX and CIFAR
 * files written here): schedules, batches, determinism, bit-exact checkpoints (with augmentation too), every rule
 * on both models, bad input and bad data leaving the output untouched, divergence (exit 3), Ctrl-C (exit 130,
 * then resume) and a CIFAR-10 smoke test on generated data. */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <hdf5_hl.h>
#include "testutil.h"
#include "cifar_files.h"

static char dir[256];

/* ---------------------------------------------------------------- fixtures */
static samlab_dataset *random_set(size_t n, size_t side, unsigned long seed)
{
  samlab_dataset *d = calloc(1, sizeof *d);
  d->n = n;
  d->rows = d->cols = side;
  d->nclasses = 10;
  d->x = malloc(n * side * side * sizeof *d->x);
  d->y = malloc(n);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  for (size_t i = 0; i < n; i++) {
    d->y[i] = (uint8_t)gsl_rng_uniform_int(r, 10);
    for (size_t j = 0; j < side * side; j++) /* a learnable signal: pixel y is bright */
      d->x[i * side * side + j] = (float)(0.3 * gsl_rng_uniform(r) + (j == d->y[i] ? 0.7 : 0));
  }
  gsl_rng_free(r);
  return d;
}

static samlab_train_config config(const char *rule, const char *base, double lr, size_t batch, long epochs)
{
  samlab_train_config c = {.rule = samlab_rule_find(rule), .base = samlab_base_find(base), .batch = batch,
                           .epochs = epochs, .schedule = SAMLAB_SCHEDULE_CONSTANT, .seed = 11, .eval_train = 1};
  samlab_hparams_unset(&c.hp);
  c.hp.lr = lr;
  return c;
}

static samlab_problem *net(const char *model, const char *hidden, const samlab_dataset *d)
{
  char err[256];
  samlab_problem *p = samlab_net_create(model, hidden, d, err, sizeof err);
  ck_assert_msg(p != NULL, "%s", err);
  return p;
}

static samlab_trainer *trainer(samlab_problem *p, const samlab_dataset *d, const samlab_train_config *c)
{
  char err[256];
  samlab_trainer *t = samlab_trainer_alloc(p, d, NULL, c, err, sizeof err);
  ck_assert_msg(t != NULL, "%s", err);
  return t;
}

/* ---------------------------------------------------------------- library */
START_TEST(schedules)
{
  ck_assert_close(samlab_schedule_lr(SAMLAB_SCHEDULE_CONSTANT, 0.1, 77, 100), 0.1, 0);
  ck_assert_close(samlab_schedule_lr(SAMLAB_SCHEDULE_COSINE, 0.1, 0, 100), 0.1, 1e-15);
  ck_assert_close(samlab_schedule_lr(SAMLAB_SCHEDULE_COSINE, 0.1, 50, 100), 0.05, 1e-15);
  ck_assert_close(samlab_schedule_lr(SAMLAB_SCHEDULE_COSINE, 0.1, 25, 100), 0.1 * (1 + sqrt(0.5)) / 2, 1e-15);
  ck_assert_close(samlab_schedule_lr(SAMLAB_SCHEDULE_STEP, 0.1, 49, 100), 0.1, 0);
  ck_assert_close(samlab_schedule_lr(SAMLAB_SCHEDULE_STEP, 0.1, 50, 100), 0.01, 1e-15);
  ck_assert_close(samlab_schedule_lr(SAMLAB_SCHEDULE_STEP, 0.1, 75, 100), 0.001, 1e-15);
  samlab_schedule s;
  ck_assert_int_eq(samlab_schedule_parse("cosine", &s), 0);
  ck_assert_int_eq(s, SAMLAB_SCHEDULE_COSINE);
  ck_assert_int_eq(samlab_schedule_parse("linear", &s), -1);
}
END_TEST

START_TEST(batches_cover_the_epoch_and_sgd_steps_by_hand)
{
  samlab_dataset *d = random_set(50, 4, 1);
  samlab_problem *p = net("fcn", "6", d);
  samlab_train_config c = config("sgd", "sgd", 0.1, 16, 2);
  samlab_trainer *t = trainer(p, d, &c);
  ck_assert_int_eq(samlab_trainer_steps_per_epoch(t), 4); /* 16 + 16 + 16 + 2 */
  double *w0 = malloc(p->dim * sizeof *w0), *g = malloc(p->dim * sizeof *g);
  memcpy(w0, samlab_trainer_weights(t), p->dim * sizeof *w0);
  samlab_step_info info;
  double lr;
  ck_assert_int_eq(samlab_trainer_step(t, &info, &lr), 0);
  ck_assert_close(lr, 0.1, 0);
  /* The order is a permutation, and the step was plain w - lr g on its first 16 examples. */
  int seen[50] = {0};
  for (size_t i = 0; i < 50; i++)
    seen[samlab_trainer_order(t)[i]]++;
  for (size_t i = 0; i < 50; i++)
    ck_assert_int_eq(seen[i], 1);
  samlab_problem_set_batch(p, samlab_trainer_order(t), 16);
  double f = samlab_problem_value_grad(p, w0, g);
  ck_assert_close(info.loss, f, 0);
  for (size_t i = 0; i < p->dim; i++)
    ck_assert_close(samlab_trainer_weights(t)[i], w0[i] - 0.1 * g[i], 1e-15);
  for (int k = 0; k < 3; k++)
    samlab_trainer_step(t, NULL, NULL);
  ck_assert_int_eq(samlab_trainer_epoch_pos(t), 4);
  samlab_epoch_stats s;
  ck_assert_int_eq(samlab_trainer_end_epoch(t, &s), 0);
  ck_assert_int_eq(samlab_trainer_epochs_done(t), 1);
  ck_assert(isnan(s.test_acc));
  double loss;
  samlab_net_evaluate(p, samlab_trainer_weights(t), d, NULL, 0, &loss, NULL);
  ck_assert_close(s.train_loss, loss, 0);
  free(w0);
  free(g);
  samlab_trainer_free(t);
  samlab_problem_free(p);
  samlab_dataset_free(d);
}
END_TEST

/* Two trainers from one seed agree bit for bit; save after `split` steps, load into a fresh trainer and
 * both go on: still bit for bit. */
static void resume_matches(const char *model, const char *hidden, const char *rule, int side, samlab_augment aug)
{
  samlab_dataset *d = random_set(40, (size_t)side, 2);
  samlab_problem *p = net(model, hidden, d), *q = net(model, hidden, d);
  samlab_train_config c = config(rule, "sgdm", 0.05, 8, 3);
  c.augment = aug;
  samlab_trainer *a = trainer(p, d, &c), *b = trainer(q, d, &c);
  samlab_trainer_epoch(a, NULL, NULL, NULL); /* one epoch and two steps */
  samlab_trainer_step(a, NULL, NULL);
  samlab_trainer_step(a, NULL, NULL);
  char path[512];
  snprintf(path, sizeof path, "%s/ckpt-%s-%s.h5", dir, model, rule);
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ck_assert_int_eq(samlab_trainer_save(a, f, "/checkpoint"), 0);
  H5Fclose(f);
  char err[256];
  f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert_msg(samlab_trainer_load(b, f, "/checkpoint", err, sizeof err) == 0, "%s", err);
  H5Fclose(f);
  ck_assert_int_eq(samlab_trainer_steps_done(b), samlab_trainer_steps_done(a));
  while (samlab_trainer_epochs_done(a) < 3) {
    ck_assert_int_eq(samlab_trainer_epoch(a, NULL, NULL, NULL), 0);
    ck_assert_int_eq(samlab_trainer_epoch(b, NULL, NULL, NULL), 0);
  }
  ck_assert_msg(memcmp(samlab_trainer_weights(a), samlab_trainer_weights(b), samlab_trainer_dim(a) * sizeof(double)) ==
                    0,
                "%s on %s: resumed weights differ", rule, model);
  samlab_trainer_free(a);
  samlab_trainer_free(b);
  samlab_problem_free(p);
  samlab_problem_free(q);
  samlab_dataset_free(d);
}

START_TEST(checkpoint_resumes_bit_for_bit)
{
  resume_matches("fcn", "8", "sam", 4, SAMLAB_AUGMENT_NONE);
  resume_matches("fcn", "8", "ae-sam", 4, SAMLAB_AUGMENT_NONE);     /* EMA state and the step counter in the schedule */
  resume_matches("fcn", "8", "ss-sam", 4, SAMLAB_AUGMENT_NONE); /* the rule's RNG */
  resume_matches("lenet", NULL, "sam", 12, SAMLAB_AUGMENT_NONE);
  resume_matches("fcn", "8", "sam", 4, SAMLAB_AUGMENT_CROP_FLIP);   /* the crops' and flips' stream */
  resume_matches("lenet", NULL, "ss-sam", 12, SAMLAB_AUGMENT_CROP_FLIP);
}
END_TEST

/* Weights after two epochs of SAM on d with augmentation aug (seed 11). */
static double *train_two_epochs(const samlab_dataset *d, samlab_augment aug)
{
  samlab_problem *p = net("fcn", "8", d);
  samlab_train_config c = config("sam", "sgdm", 0.05, 8, 2);
  c.augment = aug;
  samlab_trainer *t = trainer(p, d, &c);
  for (int e = 0; e < 2; e++)
    ck_assert_int_eq(samlab_trainer_epoch(t, NULL, NULL, NULL), 0);
  double *w = malloc(samlab_trainer_dim(t) * sizeof *w);
  memcpy(w, samlab_trainer_weights(t), samlab_trainer_dim(t) * sizeof *w);
  samlab_trainer_free(t);
  samlab_problem_free(p);
  return w;
}

/* A step's loss is the loss on the augmented copies of its batch, made here from the documented stream (mt19937
 * seeded with seed + 5), not on the batch as stored. */
START_TEST(trainer_reads_the_augmented_batch)
{
  samlab_dataset *d = random_set(40, 6, 2);
  samlab_problem *p = net("fcn", "8", d);
  samlab_train_config c = config("sgd", "sgd", 0.05, 8, 1);
  c.augment = SAMLAB_AUGMENT_CROP_FLIP;
  samlab_trainer *t = trainer(p, d, &c);
  size_t dim = samlab_trainer_dim(t);
  double *w0 = malloc(dim * sizeof *w0);
  memcpy(w0, samlab_trainer_weights(t), dim * sizeof *w0);
  samlab_step_info info;
  ck_assert_int_eq(samlab_trainer_step(t, &info, NULL), 0);
  samlab_dataset *aug = samlab_dataset_alloc(8, 1, 6, 6, 10);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 11 + 5);
  ck_assert_int_eq(samlab_dataset_augment(d, samlab_trainer_order(t), 8, SAMLAB_AUGMENT_CROP_FLIP, rng, aug), 0);
  samlab_problem *q = net("fcn", "8", aug);
  double want = q->value_grad(q->ctx, w0, NULL), plain;
  ck_assert_close(info.loss, want, 1e-6);
  ck_assert_int_eq(samlab_net_evaluate(p, w0, d, samlab_trainer_order(t), 8, &plain, NULL), 0);
  ck_assert(fabs(plain - want) > 1e-3);
  gsl_rng_free(rng);
  free(w0);
  samlab_problem_free(q);
  samlab_dataset_free(aug);
  samlab_trainer_free(t);
  samlab_problem_free(p);
  samlab_dataset_free(d);
}
END_TEST

/* The network reads augmented copies: the run changes, the training set does not, and a seed repeats it. */
START_TEST(augmentation_in_the_trainer)
{
  samlab_dataset *d = random_set(40, 6, 2);
  size_t bytes = 40 * 36 * sizeof(float), dim = (36 + 1) * 8 + (8 + 1) * 10;
  float *x = malloc(bytes);
  memcpy(x, d->x, bytes);
  double *plain = train_two_epochs(d, SAMLAB_AUGMENT_NONE), *a = train_two_epochs(d, SAMLAB_AUGMENT_CROP_FLIP),
         *b = train_two_epochs(d, SAMLAB_AUGMENT_CROP_FLIP);
  ck_assert_int_ne(memcmp(plain, a, dim * sizeof *a), 0);
  ck_assert_int_eq(memcmp(a, b, dim * sizeof *a), 0);
  ck_assert_int_eq(memcmp(x, d->x, bytes), 0);
  free(x);
  free(plain);
  free(a);
  free(b);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(load_rejects_another_model)
{
  samlab_dataset *d = random_set(40, 4, 2);
  samlab_problem *p = net("fcn", "8", d), *q = net("fcn", "9", d);
  samlab_train_config c = config("sam", "sgdm", 0.05, 8, 1);
  samlab_trainer *a = trainer(p, d, &c), *b = trainer(q, d, &c);
  char path[512], err[256];
  snprintf(path, sizeof path, "%s/other.h5", dir);
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  samlab_trainer_save(a, f, "/checkpoint");
  ck_assert_int_eq(samlab_trainer_load(b, f, "/checkpoint", err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "another model"));
  /* a checkpoint without augmentation into a trainer that augments */
  samlab_problem *r = net("fcn", "8", d);
  samlab_train_config ca = c;
  ca.augment = SAMLAB_AUGMENT_CROP_FLIP;
  samlab_trainer *aug = trainer(r, d, &ca);
  ck_assert_int_eq(samlab_trainer_load(aug, f, "/checkpoint", err, sizeof err), -1);
  ck_assert_str_eq(err, "its checkpoint augments with none, not crop-flip");
  samlab_trainer_free(aug);
  samlab_problem_free(r);
  H5Fclose(f);
  samlab_trainer_free(a);
  samlab_trainer_free(b);
  samlab_problem_free(p);
  samlab_problem_free(q);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(every_rule_trains_both_models)
{
  samlab_dataset *d = random_set(64, 12, 3);
  for (int m = 0; m < 2; m++) {
    samlab_problem *p = m ? net("lenet", NULL, d) : net("fcn", "16", d);
    for (size_t i = 0; samlab_rule_types[i]; i++) {
      const samlab_rule_type *rt = samlab_rule_types[i];
      samlab_train_config c = config(rt->name, "sgdm", 0.05, 16, 3);
      samlab_trainer *t = trainer(p, d, &c);
      double before;
      samlab_net_evaluate(p, samlab_trainer_weights(t), d, NULL, 0, &before, NULL);
      samlab_epoch_stats s;
      for (int e = 0; e < 3; e++)
        ck_assert_msg(samlab_trainer_epoch(t, NULL, NULL, &s) == 0, "%s diverged on %s", rt->name,
                      m ? "lenet" : "fcn");
      ck_assert_msg(s.train_loss < before, "%s on %s: loss %g -> %g", rt->name, m ? "lenet" : "fcn", before,
                    s.train_loss);
      samlab_trainer_free(t);
    }
    samlab_problem_free(p);
  }
  samlab_dataset_free(d);
}
END_TEST

START_TEST(divergence_is_reported)
{
  samlab_dataset *d = random_set(40, 4, 2);
  samlab_problem *p = net("fcn", "8", d);
  samlab_train_config c = config("sgd", "sgd", 1e30, 8, 5);
  samlab_trainer *t = trainer(p, d, &c);
  ck_assert_int_eq(samlab_trainer_epoch(t, NULL, NULL, NULL), 1);
  samlab_trainer_free(t);
  samlab_problem_free(p);
  samlab_dataset_free(d);
}
END_TEST

/* ---------------------------------------------------------------- the program */
static void put32(unsigned char *b, uint32_t v)
{
  b[0] = (unsigned char)(v >> 24), b[1] = (unsigned char)(v >> 16), b[2] = (unsigned char)(v >> 8);
  b[3] = (unsigned char)v;
}

/* dir/sub/{train,t10k}-... gz files from a random learnable set of 12 x 12 images. */
static void write_idx_dir(const char *sub, size_t ntrain, size_t ntest)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, sub);
  mkdir(path, 0755);
  for (int part = 0; part < 2; part++) {
    size_t n = part ? ntest : ntrain;
    samlab_dataset *d = random_set(n, 12, 20 + part);
    unsigned char *b = malloc(16 + n * 144);
    put32(b, 2051), put32(b + 4, (uint32_t)n), put32(b + 8, 12), put32(b + 12, 12);
    for (size_t i = 0; i < n * 144; i++)
      b[16 + i] = (unsigned char)lroundf(d->x[i] * 255);
    snprintf(path, sizeof path, "%s/%s/%s-images-idx3-ubyte.gz", dir, sub, part ? "t10k" : "train");
    gzFile f = gzopen(path, "wb");
    gzwrite(f, b, (unsigned)(16 + n * 144));
    gzclose(f);
    put32(b, 2049), put32(b + 4, (uint32_t)n);
    memcpy(b + 8, d->y, n);
    snprintf(path, sizeof path, "%s/%s/%s-labels-idx1-ubyte.gz", dir, sub, part ? "t10k" : "train");
    f = gzopen(path, "wb");
    gzwrite(f, b, (unsigned)(8 + n));
    gzclose(f);
    free(b);
    samlab_dataset_free(d);
  }
}

/* Runs ./samlab train with data options (%s: the test directory), then opts; stderr to err.txt; the exit status. */
static int run_on(const char *data, const char *opts)
{
  char cmd[2048], d[600];
  snprintf(d, sizeof d, data, dir);
  snprintf(cmd, sizeof cmd, "./samlab train %s %s >/dev/null 2>%s/err.txt", d, opts, dir);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Runs ./samlab train with the small IDX data and the given options; returns the exit status. */
static int run(const char *opts)
{
  return run_on("--data-dir %s/data --model fcn --hidden 16", opts);
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
}

static int file_is(const char *path, const char *text)
{
  char buf[256] = "";
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  return strcmp(buf, text) == 0;
}

static double *read_f64(const char *path, const char *name, size_t *n)
{
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert_msg(f >= 0, "cannot open %s", path);
  int rank;
  hsize_t dims[4];
  ck_assert(H5LTget_dataset_ndims(f, name, &rank) >= 0);
  H5LTget_dataset_info(f, name, dims, NULL, NULL);
  *n = 1;
  for (int i = 0; i < rank; i++)
    *n *= dims[i];
  double *x = malloc(*n * sizeof *x + 1);
  H5LTread_dataset_double(f, name, x);
  H5Fclose(f);
  return x;
}

static long attr_i64(const char *path, const char *name)
{
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  long long v = -99;
  H5LTget_attribute_long_long(f, "/", name, &v);
  H5Fclose(f);
  return (long)v;
}

static void same_runs(const char *a, const char *b)
{
  const char *names[] = {"/checkpoint/w", "/step/loss", "/step/lr", "/epoch/test_acc", "/weights"};
  for (int k = 0; k < 5; k++) {
    size_t na, nb;
    double *x = read_f64(a, names[k], &na), *y = read_f64(b, names[k], &nb);
    ck_assert_msg(na == nb && memcmp(x, y, na * sizeof *x) == 0, "%s differs between %s and %s", names[k], a, b);
    free(x);
    free(y);
  }
}

START_TEST(program_resume_is_bit_exact)
{
  char full[512], part[512], opts[1024];
  snprintf(full, sizeof full, "%s/full.h5", dir);
  snprintf(part, sizeof part, "%s/part.h5", dir);
  snprintf(opts, sizeof opts, "--rule sam --epochs 3 --batch 32 --trace-geometry --out %s", full);
  ck_assert_int_eq(run(opts), 0);
  snprintf(opts, sizeof opts, "--rule sam --epochs 1 --batch 32 --trace-geometry --out %s", part);
  ck_assert_int_eq(run(opts), 0);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "./samlab train --resume %s --epochs 3 >/dev/null 2>&1", part);
  ck_assert_int_eq(system(cmd), 0);
  same_runs(full, part);
  ck_assert_int_eq(attr_i64(part, "epochs_done"), 3);
}
END_TEST

START_TEST(program_bad_input_leaves_output_untouched)
{
  char out[512], opts[1024], other[512];
  snprintf(out, sizeof out, "%s/keep.h5", dir);
  snprintf(other, sizeof other, "%s/lenet.h5", dir);
  write_text(out, "keep me");
  const char *bad[] = {"--batch 0", "--batch 100000", "--label-noise 1.5", "--label-noise -0.1", "--model resnet",
                       "--data cifar", "--data-dir /nonexistent/samlab", "--data-dir %s/corrupt",
                       "--epochs 0", "--schedule linear", "--rule nosuch", "--base nosuch", "--lr -1",
                       "--hidden 5,x", "--train-size 100000", "--threads 0"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char b[512];
    snprintf(b, sizeof b, bad[i], dir);
    snprintf(opts, sizeof opts, "%s --out %s", b, out);
    ck_assert_msg(run(opts) == 2, "%s: expected exit 2", b);
    ck_assert_msg(file_is(out, "keep me"), "%s: output touched", b);
  }
  /* A resume file from another model. */
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "./samlab train --data-dir %s/data --model lenet --epochs 1 --out %s >/dev/null 2>&1",
           dir, other);
  ck_assert_int_eq(system(cmd), 0);
  snprintf(opts, sizeof opts, "--resume %s --out %s", other, out); /* run() passes --model fcn */
  ck_assert_int_eq(run(opts), 2);
  ck_assert(file_is(out, "keep me"));
}
END_TEST

START_TEST(program_divergence_exits_3)
{
  char out[512], opts[1024];
  snprintf(out, sizeof out, "%s/div.h5", dir);
  snprintf(opts, sizeof opts, "--rule sgd --base sgd --lr 1e30 --epochs 3 --out %s", out);
  ck_assert_int_eq(run(opts), 3);
  ck_assert_int_eq(attr_i64(out, "diverged"), 1);
}
END_TEST

/* Starts a long training run writing to cut, sends sig once its first checkpoint exists; the wait status. */
static int interrupt_train(const char *cut, const char *epochs, int sig)
{
  char datadir[512];
  snprintf(datadir, sizeof datadir, "%s/data", dir);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1), dup2(null, 2);
    execl("./samlab", "samlab", "train", "--data-dir", datadir, "--model", "fcn", "--hidden", "16", "--rule", "sam",
          "--batch", "32", "--weights-every", "0", "--epochs", epochs, "--out", cut, (char *)NULL);
    _exit(127);
  }
  /* Wait for the first checkpoint, then interrupt. */
  for (int i = 0; i < 3000 && access(cut, F_OK) != 0; i++)
    usleep(10000);
  ck_assert_int_eq(access(cut, F_OK), 0);
  kill(pid, sig);
  int status;
  waitpid(pid, &status, 0);
  return status;
}

START_TEST(program_ctrl_c_then_resume)
{
  char full[512], cut[512], epochs[] = "150";
  snprintf(full, sizeof full, "%s/sig-full.h5", dir);
  snprintf(cut, sizeof cut, "%s/sig-cut.h5", dir);
  int status = interrupt_train(cut, epochs, SIGINT);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d", status);
  ck_assert_int_eq(attr_i64(cut, "interrupted"), 1);
  ck_assert_int_lt(attr_i64(cut, "epochs_done"), 150);
  char cmd[1024], opts[1024];
  snprintf(cmd, sizeof cmd, "./samlab train --resume %s >/dev/null 2>&1", cut);
  ck_assert_int_eq(system(cmd), 0);
  snprintf(opts, sizeof opts, "--rule sam --batch 32 --weights-every 0 --epochs %s --out %s", epochs, full);
  ck_assert_int_eq(run(opts), 0);
  same_runs(full, cut);
}
END_TEST

/* The number of files in dir/sub. */
static int files_in(const char *sub)
{
  char cmd[600];
  snprintf(cmd, sizeof cmd, "exit $(ls -A '%s/%s' | wc -l)", dir, sub);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int err_has(const char *text)
{
  char path[512], buf[2048] = "";
  snprintf(path, sizeof path, "%s/err.txt", dir);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  return strstr(buf, text) != NULL;
}

/* issue 16: SIGTERM stops like Ctrl-C (a checkpoint, exit 130, no partial file); an output that cannot be written
 * stops the run before the data are loaded (exit 2, the path named); a full disk (a file size limit: sh's ulimit -f
 * counts 512-byte blocks) is "writing ... failed", exit 2 and no file. */
START_TEST(program_output_faults)
{
  char cut[600], sub[512], cmd[2048];
  snprintf(sub, sizeof sub, "%s/faults", dir);
  ck_assert_int_eq(mkdir(sub, 0755), 0);
  snprintf(cut, sizeof cut, "%s/term.h5", sub);
  int status = interrupt_train(cut, "150", SIGTERM);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d", status);
  ck_assert_int_eq(attr_i64(cut, "interrupted"), 1);
  ck_assert_int_eq(files_in("faults"), 1);
  unlink(cut);

  snprintf(cmd, sizeof cmd, "./samlab train --data-dir /nonexistent/samlab --out %s/missing/dir/o.h5 >/dev/null "
           "2>%s/err.txt", sub, dir);
  status = system(cmd);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2, "missing directory: status %d", status);
  ck_assert_msg(err_has("missing/dir/o.h5") && !err_has("nonexistent"), "the output was not checked first");

  snprintf(cmd, sizeof cmd, "ulimit -f 16; exec ./samlab train --data-dir %s/data --model fcn --hidden 16 --epochs 1 "
           "--out %s/full.h5 >/dev/null 2>%s/err.txt", dir, sub, dir);
  status = system(cmd);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2, "disk full: status %d", status);
  ck_assert(err_has("writing") && err_has("full.h5' failed"));
  ck_assert_int_eq(files_in("faults"), 0);
}
END_TEST

/* ---------------------------------------------------------------- CIFAR-10 on generated data */
/* dir/cifar/cifar-10-batches-bin (the archive's folder): five batches of 20 records, a test batch of 30. */
static void write_cifar_dir(void)
{
  char path[512];
  snprintf(path, sizeof path, "%s/cifar", dir);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/cifar/cifar-10-batches-bin", dir);
  mkdir(path, 0755);
  const size_t counts[5] = {20, 20, 20, 20, 20};
  cifar10_write_dir(path, counts, 30);
}

static int run_cifar(const char *opts)
{
  return run_on("--data cifar10 --data-dir %s/cifar", opts);
}

/* The per-channel mean and standard deviation of the training pixels (bytes / 255), by hand from the files, in
 * one pass (sum and sum of squares; the library takes two). */
static void cifar_stats_by_hand(double mean[3], double std[3])
{
  double sum[3] = {0}, sq[3] = {0}, n = 0;
  unsigned char rec[3073];
  for (int k = 1; k <= 5; k++) {
    char path[600];
    snprintf(path, sizeof path, "%s/cifar/cifar-10-batches-bin/data_batch_%d.bin", dir, k);
    FILE *f = fopen(path, "rb");
    while (fread(rec, 1, sizeof rec, f) == sizeof rec) {
      for (int j = 0; j < 3072; j++) {
        double v = (float)rec[1 + j] / 255.0f;
        sum[j / 1024] += v;
        sq[j / 1024] += v * v;
      }
      n += 1024;
    }
    fclose(f);
  }
  for (int c = 0; c < 3; c++) {
    mean[c] = sum[c] / n;
    std[c] = sqrt(sq[c] / n - mean[c] * mean[c]);
  }
}

/* samlab train --data cifar10 with fcn: trains, checkpoints, resumes bit for bit with crop-flip and --normalize;
 * the stored statistics are the hand-computed ones, and an analysis of the checkpoint sees the normalised data. */
START_TEST(program_cifar10_smoke)
{
  char full[512], part[512], opts[1024], cmd[2048];
  snprintf(full, sizeof full, "%s/c10-full.h5", dir);
  snprintf(part, sizeof part, "%s/c10-part.h5", dir);
  const char *common = "--hidden 16 --rule sam --batch 32 --augment crop-flip --normalize --trace-geometry";
  snprintf(opts, sizeof opts, "%s --epochs 2 --out %s", common, full);
  ck_assert_msg(run_cifar(opts) == 0, "cifar10 run failed");
  snprintf(opts, sizeof opts, "%s --epochs 1 --out %s", common, part);
  ck_assert_int_eq(run_cifar(opts), 0);
  snprintf(cmd, sizeof cmd, "./samlab train --resume %s --epochs 2 >/dev/null 2>&1", part);
  ck_assert_int_eq(system(cmd), 0);
  same_runs(full, part);
  ck_assert_int_eq(attr_i64(part, "channels"), 3);
  ck_assert_int_eq(attr_i64(part, "height"), 32);
  ck_assert_int_eq(attr_i64(part, "classes"), 10);
  ck_assert_int_eq(attr_i64(part, "train_size"), 100);
  ck_assert_int_eq(attr_i64(part, "test_size"), 30);
  ck_assert_int_eq(attr_i64(part, "normalize"), 1);
  double mean[3], std[3];
  cifar_stats_by_hand(mean, std);
  size_t n;
  double *m = read_f64(part, "/normalize_mean", &n), *s = read_f64(part, "/normalize_std", &n);
  ck_assert_uint_eq(n, 3);
  for (int c = 0; c < 3; c++) {
    ck_assert_close(m[c], mean[c], 1e-12);
    ck_assert_close(s[c], std[c], 1e-9);
    ck_assert(m[c] > 0.4 && m[c] < 0.6); /* uniform bytes: 127.5 / 255 */
  }
  free(m);
  free(s);
  /* the Hessian's loss at the final weights, over the whole rebuilt (normalised) training set, is the run's last
   * train loss */
  char h[512];
  snprintf(h, sizeof h, "%s/c10-hessian.h5", dir);
  snprintf(cmd, sizeof cmd, "./samlab hessian --checkpoint %s --data-dir %s/cifar --examples 0 --k 1 --max-iter 3 "
           "--trace-probes 0 --out %s >/dev/null 2>&1", part, dir, h);
  ck_assert_int_eq(system(cmd), 0);
  hid_t f = H5Fopen(h, H5F_ACC_RDONLY, H5P_DEFAULT);
  double loss = NAN;
  H5LTget_attribute_double(f, "/", "loss", &loss);
  H5Fclose(f);
  double *train_loss = read_f64(part, "/epoch/train_loss", &n);
  ck_assert_uint_eq(n, 2);
  ck_assert_close(loss, train_loss[1], 1e-5);
  free(train_loss);
}
END_TEST

/* Bad data and options the data cannot meet: exit 2, one line naming the file or value, the output untouched. */
START_TEST(program_bad_cifar_data)
{
  char out[512], opts[1024], path[600], want[800];
  snprintf(out, sizeof out, "%s/keep-cifar.h5", dir);
  write_text(out, "keep me");
  const char *cases[][2] = {
      {"--model lenet", "lenet needs 1-channel images of even sizes with size/2 - 4 even, like 1x28x28; cifar10 has "
                        "3x32x32"},
      {"--labels coarse", "bad value 'coarse' for --labels: cifar10 has one set of labels"},
      {"--labels medium", "bad value 'medium' for --labels: fine or coarse"},
      {"--augment cutout", "bad value 'cutout' for --augment: none or crop-flip"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    snprintf(opts, sizeof opts, "%s --out %s", cases[i][0], out);
    ck_assert_msg(run_cifar(opts) == 2, "%s: expected exit 2", cases[i][0]);
    ck_assert_msg(err_has(cases[i][1]), "%s: the message lacks '%s'", cases[i][0], cases[i][1]);
    ck_assert_msg(file_is(out, "keep me"), "%s: output touched", cases[i][0]);
  }
  snprintf(opts, sizeof opts, "--out %s", out);
  ck_assert_msg(run_on("--data cifar100 --data-dir %s/cifar", opts) == 2, "cifar100 without its files: expected exit 2");
  ck_assert(err_has("cifar/train.bin': No such file or directory"));
  ck_assert(file_is(out, "keep me"));
  /* damaged files, each in a copy of the good directory */
  const char *damage[] = {"truncate", "label", "missing"};
  for (int k = 0; k < 3; k++) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "rm -rf %s/cifar-bad && cp -r %s/cifar %s/cifar-bad", dir, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/cifar-bad/cifar-10-batches-bin/data_batch_2.bin", dir);
    if (k == 0) {
      ck_assert_int_eq(truncate(path, 3073 * 20 - 5), 0);
      snprintf(want, sizeof want, "samlab train: '%s' is not a CIFAR-10 binary file: its 61455 bytes are not a whole "
               "number of 3073-byte records\n", path);
    } else if (k == 1) {
      FILE *f = fopen(path, "r+b");
      fseek(f, 3073 * 19, SEEK_SET);
      fputc(12, f);
      fclose(f);
      snprintf(want, sizeof want, "samlab train: '%s' is corrupt (label 12 at record 19, expected 0..9)\n", path);
    } else {
      unlink(path);
      snprintf(want, sizeof want, "samlab train: cannot read '%s': No such file or directory\n", path);
    }
    snprintf(cmd, sizeof cmd, "./samlab train --data cifar10 --data-dir %s/cifar-bad --out %s >/dev/null 2>%s/err.txt",
             dir, out, dir);
    int rc = system(cmd);
    ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "%s: expected exit 2", damage[k]);
    char errpath[600];
    snprintf(errpath, sizeof errpath, "%s/err.txt", dir);
    ck_assert_msg(file_is(errpath, want), "%s: expected the one line %s", damage[k], want);
    ck_assert_msg(file_is(out, "keep me"), "%s: output touched", damage[k]);
  }
}
END_TEST

/* A copy of src at dst with one byte flipped in the middle of the stored data of dataset name (its first chunk). */
static void copy_flipping(const char *src, const char *dst, const char *name)
{
  hid_t f = H5Fopen(src, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t ds = H5Dopen2(f, name, H5P_DEFAULT), space = H5Dget_space(ds);
  hsize_t offset[2], size = 0;
  haddr_t addr = 0;
  unsigned mask;
  ck_assert_msg(H5Dget_chunk_info(ds, space, 0, offset, &mask, &addr, &size) >= 0 && size > 0,
                "%s is not stored in checksummed chunks", name);
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(f);
  FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
  ck_assert(in && out);
  int c;
  for (long pos = 0; (c = getc(in)) != EOF; pos++)
    putc(pos == (long)(addr + size / 2) ? c ^ 0x10 : c, out);
  fclose(in);
  fclose(out);
}

/* issue 16: checkpoints and weights carry Fletcher-32 checksums; a byte flipped in /checkpoint/w,
 * /checkpoint/rule_state or /weights makes --resume, hessian --checkpoint and plot fail (exit 2, one line naming
 * the dataset) instead of going on with a changed value. */
START_TEST(program_checksums_catch_flipped_bytes)
{
  char good[512], bad[512], cmd[2048];
  snprintf(good, sizeof good, "%s/good.h5", dir);
  snprintf(bad, sizeof bad, "%s/bad.h5", dir);
  char opts[1024];
  snprintf(opts, sizeof opts, "--rule sam --epochs 1 --batch 32 --out %s", good);
  ck_assert_int_eq(run(opts), 0);
  const char *names[] = {"/checkpoint/w", "/checkpoint/rule_state", "/weights"};
  const char *readers[] = {"./samlab train --resume %s --epochs 2",
                           "./samlab hessian --checkpoint %s --data-dir %s/data -k 1 --trace-probes 0 -o %s/h.h5",
                           "./samlab plot %s -o %s/p.png"};
  for (int k = 0; k < 3; k++) {
    copy_flipping(good, bad, names[k]);
    for (int r = 0; r < 3; r++) {
      char reader[1024];
      snprintf(reader, sizeof reader, readers[r], bad, dir, dir);
      snprintf(cmd, sizeof cmd, "%s >/dev/null 2>%s/err.txt", reader, dir);
      int status = system(cmd);
      ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2, "%s damaged: '%s' exit %d", names[k], reader,
                    status);
      ck_assert_msg(err_has(names[k]) && err_has("checksum"), "%s damaged: '%s' does not say so", names[k], reader);
    }
  }
  /* the undamaged file reads on, bit for bit */
  snprintf(cmd, sizeof cmd, "./samlab hessian --checkpoint %s --data-dir %s/data -k 1 --trace-probes 0 -o %s/h.h5 "
           ">/dev/null 2>&1", good, dir, dir);
  ck_assert_int_eq(system(cmd), 0);
  size_t n1, n2;
  double *w = read_f64(good, "/checkpoint/w", &n1), *at = read_f64(good, "/weights", &n2);
  ck_assert(n2 >= n1 && memcmp(w, at + n2 - n1, n1 * sizeof *w) == 0); /* the last snapshot is the checkpoint */
  free(w);
  free(at);
}
END_TEST

/* Runs a shell command line; its exit status, stderr in dir/err.txt. */
static int shell(const char *fmt, const char *a, const char *b)
{
  char line[2048], cmd[2600];
  snprintf(line, sizeof line, fmt, a, b);
  snprintf(cmd, sizeof cmd, "%s >/dev/null 2>%s/err.txt", line, dir);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* issue 16: numbers and resumed runs.  --train-size 0 is refused (not "all"); a resumed run keeps its network,
 * and says so when asked for another; layer sizes too large are named as such; an option twice is refused, but a
 * resumed run's stored options are overridden by new ones, and its stored --out (gone elsewhere) is not checked. */
START_TEST(program_numbers_and_resume_messages)
{
  char data[512], moved[600], gone[512];
  snprintf(data, sizeof data, "%s/data", dir);
  snprintf(gone, sizeof gone, "%s/gone", dir);
  snprintf(moved, sizeof moved, "%s/moved.h5", dir);
  ck_assert_int_eq(mkdir(gone, 0755), 0);
  ck_assert_int_eq(shell("./samlab train --data-dir %s --train-size 0 --out %s/t.h5", data, dir), 2);
  ck_assert(err_has("bad value 0 for --train-size"));
  ck_assert_int_eq(shell("./samlab train --data-dir %s --hidden 100000000 --out %s/t.h5", data, dir), 2);
  ck_assert(err_has("a layer of 100000000 units"));
  ck_assert_int_eq(shell("./samlab train --data-dir %s --batch 32 --batch 64 --out %s/t.h5", data, dir), 2);
  ck_assert(err_has("--batch given twice"));
  ck_assert_int_eq(shell("./samlab train --data-dir %s --hidden 16 --epochs 1 --batch 50 --out %s/run.h5", data, gone), 0);
  char from[600];
  snprintf(from, sizeof from, "%s/run.h5", gone);
  ck_assert_int_eq(rename(from, moved), 0);
  ck_assert_int_eq(rmdir(gone), 0);
  ck_assert_int_eq(shell("./samlab train --resume %s --model lenet%s", moved, ""), 2);
  ck_assert_msg(err_has("is a fcn run") && !err_has("--hidden applies"), "resume as lenet: wrong message");
  ck_assert_int_eq(shell("./samlab train --resume %s --hidden 32%s", moved, ""), 2);
  ck_assert(err_has("has hidden layers 16"));
  ck_assert_int_eq(shell("./samlab train --resume %s --epochs 2 --batch 50%s", moved, ""), 0);
  ck_assert_int_eq(attr_i64(moved, "epochs_done"), 2);
}
END_TEST

/* issue 16: a one-epoch run plots without gnuplot's "empty x range" warnings (its points are drawn). */
START_TEST(program_one_epoch_plot)
{
  char out[512];
  snprintf(out, sizeof out, "%s/one.h5", dir);
  ck_assert_int_eq(shell("./samlab train --data-dir %s/data --hidden 16 --epochs 1 --trace-geometry --rule sam --out %s",
                         dir, out), 0);
  ck_assert_int_eq(shell("./samlab plot %s -o %s/one.png", out, dir), 0);
  ck_assert_msg(!err_has("arning") && !err_has("empty"), "gnuplot complained");
}
END_TEST

int main(void)
{
  snprintf(dir, sizeof dir, "/tmp/samlab-test-train-XXXXXX");
  if (!mkdtemp(dir))
    return 1;
  samlab_h5_quiet();
  write_idx_dir("data", 200, 50);
  write_cifar_dir();
  char corrupt[512];
  snprintf(corrupt, sizeof corrupt, "%s/corrupt", dir);
  mkdir(corrupt, 0755);
  snprintf(corrupt, sizeof corrupt, "%s/corrupt/train-images-idx3-ubyte.gz", dir);
  write_text(corrupt, "this is not gzip nor IDX");
  Suite *s = suite_create("train");
  TCase *lib = tcase_create("trainer"), *prog = tcase_create("program");
  tcase_set_timeout(lib, 120);
  tcase_set_timeout(prog, 120);
  tcase_add_test(lib, schedules);
  tcase_add_test(lib, batches_cover_the_epoch_and_sgd_steps_by_hand);
  tcase_add_test(lib, checkpoint_resumes_bit_for_bit);
  tcase_add_test(lib, load_rejects_another_model);
  tcase_add_test(lib, every_rule_trains_both_models);
  tcase_add_test(lib, divergence_is_reported);
  tcase_add_test(lib, augmentation_in_the_trainer);
  tcase_add_test(lib, trainer_reads_the_augmented_batch);
  tcase_add_test(prog, program_resume_is_bit_exact);
  tcase_add_test(prog, program_bad_input_leaves_output_untouched);
  tcase_add_test(prog, program_divergence_exits_3);
  tcase_add_test(prog, program_ctrl_c_then_resume);
  tcase_add_test(prog, program_output_faults);
  tcase_add_test(prog, program_cifar10_smoke);
  tcase_add_test(prog, program_bad_cifar_data);
  tcase_add_test(prog, program_checksums_catch_flipped_bytes);
  tcase_add_test(prog, program_numbers_and_resume_messages);
  tcase_add_test(prog, program_one_epoch_plot);
  suite_add_tcase(s, lib);
  suite_add_tcase(s, prog);
  int rc = run_suite(s);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    return 1;
  return rc;
}
