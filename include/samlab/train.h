/* samlab/train.h: image classification data, networks as problems, and the training loop.
 * Functions that take GSL's gsl_rng are declared when <gsl/gsl_rng.h> is included before this header: GSL
 * defines gsl_rng as an unnamed struct, which C cannot forward-declare. */
#ifndef SAMLAB_TRAIN_H
#define SAMLAB_TRAIN_H
#include <stddef.h>
#include <stdint.h>
#include "samlab/problem.h"
#include "samlab/rule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Image classification data: n examples of channels x rows x cols pixels, labels 0..nclasses-1.  Pixels are the
 * files' bytes / 255 (in [0, 1]) unless samlab_dataset_normalize changed them.  Layout: example after example,
 * each channel after channel (CHW), each channel's image row-major.  IDX files give 1 channel, CIFAR 3 (R, G, B).
 * channels 0 reads as 1 (sets built by hand before channels existed): use samlab_dataset_example_size. */
typedef struct samlab_dataset {
  size_t n, rows, cols, nclasses;
  float *x;   /* n * channels * rows * cols */
  uint8_t *y; /* n labels */
  size_t channels;
  const char *name;            /* the data set's name ("cifar10"; "IDX files" for a pair), NULL if unknown */
  double *norm_mean, *norm_std; /* per channel, when samlab_dataset_normalize ran; else NULL */
} samlab_dataset;

/* An empty set of n examples of that shape (pixels 0, labels 0); NULL when out of memory. */
samlab_dataset *samlab_dataset_alloc(size_t n, size_t channels, size_t rows, size_t cols, size_t nclasses);
size_t samlab_dataset_channels(const samlab_dataset *d);     /* channels, 1 when 0 */
size_t samlab_dataset_example_size(const samlab_dataset *d); /* floats per example: channels rows cols */
/* "3x32x32" into buf. */
const char *samlab_dataset_shape(const samlab_dataset *d, char *buf, size_t len);
/* One IDX pair (images magic 2051, labels magic 2049), gzip-compressed or plain.  NULL with a one-line
 * message naming the file when it is missing, truncated or corrupt, or when the pair disagrees. */
samlab_dataset *samlab_idx_load(const char *images, const char *labels, char *err, size_t errlen);

/* The data-set registry (lib/data/registry.c): each type reads its files from a directory. */
typedef struct samlab_data_options {
  const char *dir;    /* NULL: $SAMLAB_DATA, else /usr/share/datasets/<name> */
  const char *labels; /* "fine" (NULL: the default) or "coarse" (cifar100's 20 superclasses) */
} samlab_data_options;
typedef struct samlab_data_type {
  const char *name, *summary; /* "cifar10", one line for --help and the docs */
  const char *hint;           /* how to get the files, for the message when the directory is missing */
  int coarse;                 /* it has coarse labels (--labels coarse) */
  /* Reads the train and test sets from dir (already resolved): 0, or -1 with a one-line message naming the
   * file or value. */
  int (*load)(const char *dir, int coarse, samlab_dataset **train, samlab_dataset **test, char *err, size_t errlen);
} samlab_data_type;
extern const samlab_data_type *const samlab_data_types[]; /* NULL-terminated */
const samlab_data_type *samlab_data_find(const char *name);
/* The names joined by sep ("fashion-mnist, mnist, ...") into buf. */
const char *samlab_data_names(const char *sep, char *buf, size_t len);
/* A data set's train and test sets by name, from o->dir (o may be NULL), checked to have the same shape and
 * classes.  0, or -1 with a message. */
int samlab_data_open(const char *name, const samlab_data_options *o, samlab_dataset **train, samlab_dataset **test,
                     char *err, size_t errlen);
/* samlab_data_open with only a directory (dir NULL: the search path). */
int samlab_data_load(const char *name, const char *dir, samlab_dataset **train, samlab_dataset **test, char *err,
                     size_t errlen);
/* A copy of examples idx[0..n) (idx NULL: the first n). */
samlab_dataset *samlab_dataset_subset(const samlab_dataset *d, const size_t *idx, size_t n);
/* A copy of n examples drawn without replacement by a seeded mt19937 (kept in their original order). */
samlab_dataset *samlab_dataset_sample(const samlab_dataset *d, size_t n, unsigned long seed);
/* Symmetric label noise: the first round(r n) examples of a seeded shuffle get a label drawn uniformly among
 * the nclasses - 1 other classes (so every chosen label changes).  Returns how many changed. */
size_t samlab_dataset_label_noise(samlab_dataset *d, double r, unsigned long seed);
void samlab_dataset_free(samlab_dataset *d);

/* Per-channel mean and standard deviation (population: divided by the pixel count) of every pixel of d, summed
 * in double in storage order; mean and std hold channels entries.  0, or -1 for an empty set. */
int samlab_dataset_channel_stats(const samlab_dataset *d, double *mean, double *std);
/* x = (float)((x - mean[c]) / std[c]) on every pixel of channel c, and the values kept in d->norm_mean/norm_std.
 * 0, or -1 (a std not positive and finite, out of memory, or d normalised already). */
int samlab_dataset_normalize(samlab_dataset *d, const double *mean, const double *std);

/* Augmentation of training batches (lib/data/augment.c). */
typedef enum { SAMLAB_AUGMENT_NONE, SAMLAB_AUGMENT_CROP_FLIP } samlab_augment;
int samlab_augment_parse(const char *name, samlab_augment *a); /* "none", "crop-flip": 0 or -1 */
const char *samlab_augment_name(samlab_augment a);
#define SAMLAB_AUGMENT_PAD 4
#ifdef __GSL_RNG_H__
/* Augmented copies of examples idx[0..m) of d into examples 0..m-1 of out (same shape, at least m examples;
 * labels copied).  crop-flip, per example in order: dy, dx uniform in [0, 2 PAD] (gsl_rng_uniform_int, dy first),
 * then flip iff gsl_rng_uniform < 0.5; the image padded by PAD pixels on every side with the value a byte 0
 * has (0, or (0 - mean) / std when d is normalised), cropped back to rows x cols at (dy, dx), mirrored left to
 * right when flipped.  The draws are taken serially; the copies may run on OpenMP threads (the same bits on
 * any count).  none: plain copies, no draws.  0, or -1 when the shapes differ. */
int samlab_dataset_augment(const samlab_dataset *d, const size_t *idx, size_t m, samlab_augment a, gsl_rng *rng,
                           samlab_dataset *out);
#endif

/* A classifier network as a problem: dim = number of weights, value_grad = mean softmax cross-entropy over
 * the current batch of train (set_batch(ctx, idx, n) with indices into train; idx NULL = the whole set, the
 * initial batch), computed in chunks; hvp = exact Hessian-vector product (R-operator, forward over backward)
 * on the same batch.  model "fcn" (ReLU layers of sizes hidden, "500,500" when NULL) or "lenet" (LeNet-5:
 * conv 6@5x5 pad 2, max-pool, conv 16@5x5, max-pool, 120, 84).  The problem points at train (the caller
 * keeps it alive).  Computes in float32 (OpenBLAS sgemm) unless samlab_net_set_precision(net, 64).
 * Weight layout per layer: W (out x in, row-major; conv: out x (ky, kx, c)) then b; see docs/hdf5-train.md. */
samlab_problem *samlab_net_create(const char *model, const char *hidden, const samlab_dataset *train, char *err,
                                  size_t errlen);
int samlab_net_is(const samlab_problem *p); /* 1 if p was made by samlab_net_create */
/* The k-th filter of a network (a row of a dense W, one conv kernel): its weights w[woff .. woff + fan_in) and
 * its bias w[boff].  0, or -1 when k is past the last filter (or p is no network). */
typedef struct samlab_net_filter {
  size_t woff, fan_in, boff;
} samlab_net_filter;
int samlab_net_get_filter(const samlab_problem *net, size_t k, samlab_net_filter *f);
/* Loss and gradient over the network's whole training set, leaving its current batch as it was. */
double samlab_net_full_value_grad(const samlab_problem *net, const double *w, double *g);
/* PyTorch's default initialisation (Linear/Conv2d): weights and biases uniform in +-1/sqrt(fan_in). */
#ifdef __GSL_RNG_H__
void samlab_net_init(const samlab_problem *net, gsl_rng *rng, double *w);
#endif
/* Mean loss and accuracy on examples idx[0..n) of d (idx NULL: all of d), forward only; 0 or -1. */
int samlab_net_evaluate(const samlab_problem *net, const double *w, const samlab_dataset *d, const size_t *idx,
                        size_t n, double *loss, double *accuracy);
void samlab_net_set_precision(samlab_problem *net, int bits); /* 32 (default) or 64 */
/* The i-th block (weight tensor) of a network's weights (0, 1, ...: each conv or dense layer's W, then its b, input
 * to output): its name ("conv1.W", "conv1.b", "dense1.W", ...; layers numbered from 1 per kind; name may be NULL),
 * offset and length in w.  0, or -1 past the last block (or not a network). */
int samlab_net_block(const samlab_problem *net, size_t i, char *name, size_t len, size_t *off, size_t *n);
/* The set the network's batches index from now on, d of the same example size and classes as the set it was
 * made on and at most as many examples (the trainer points it at augmented copies of a batch); the batch
 * becomes the whole of d.  0, or -1 (nothing changed). */
int samlab_net_set_data(samlab_problem *net, const samlab_dataset *d);
const char *samlab_net_describe(const samlab_problem *net);   /* "fcn 784-500-500-10", "lenet" */
void samlab_set_threads(int n); /* OpenBLAS and OpenMP threads for this process */
const char *samlab_blas_core(void); /* OpenBLAS's kernel family, e.g. "SkylakeX" (stored with results) */

/* Central finite differences (step h, in whatever precision the problem computes) on ncoords coordinates
 * (the largest |g| of 4 ncoords drawn by a seeded mt19937) against value_grad's gradient; returns the
 * largest relative error
 * |fd - g| / max(|fd|, |g|, 1e-6).  Errors of each coordinate in rel (ncoords entries) if not NULL. */
double samlab_check_grad(const samlab_problem *p, const double *w, size_t ncoords, double h, unsigned long seed,
                         double *rel);

typedef enum { SAMLAB_SCHEDULE_CONSTANT, SAMLAB_SCHEDULE_COSINE, SAMLAB_SCHEDULE_STEP } samlab_schedule;
/* lr at step t of T: constant lr0; cosine lr0 (1 + cos(pi t/T))/2; step lr0, x0.1 from t >= T/2, x0.01 from
 * t >= 3T/4. */
double samlab_schedule_lr(samlab_schedule s, double lr0, long t, long T);
int samlab_schedule_parse(const char *name, samlab_schedule *s); /* 0 or -1 */
const char *samlab_schedule_name(samlab_schedule s);

typedef struct samlab_train_config {
  const samlab_rule_type *rule;
  const samlab_base_type *base;
  samlab_hparams hp; /* unset values take defaults; total_steps = epochs x steps per epoch; seed = seed */
  size_t batch;      /* examples per step; the last batch of an epoch may be smaller */
  long epochs;
  samlab_schedule schedule;
  unsigned long seed; /* initial weights (mt19937 seeded with seed), batch order (seed + 1), rule RNG */
  int eval_train;     /* 1: epoch train loss/accuracy on the whole training set; 0: mean over the batches */
  int geometry;       /* 1: steps report gs_norm and cos_g_gs (--trace-geometry); 0: NAN, a pass cheaper */
  samlab_augment augment; /* each batch's inputs: augmented copies (draws: mt19937 seeded with seed + 5) */
} samlab_train_config;

typedef struct samlab_epoch_stats {
  double train_loss, train_acc, test_loss, test_acc; /* test NAN without a test set */
  double batch_loss;   /* mean loss over the epoch's batches (before each step) */
  double sam_fraction; /* fraction of steps that computed a perturbed gradient */
  double seconds;      /* wall time of the epoch's steps, evaluation excluded */
} samlab_epoch_stats;

/* The training loop over a network problem (opaque; the accessors below read it). */
typedef struct samlab_trainer samlab_trainer;
samlab_trainer *samlab_trainer_alloc(samlab_problem *net, const samlab_dataset *train,
                                     const samlab_dataset *test, const samlab_train_config *cfg, char *err,
                                     size_t errlen);
void samlab_trainer_free(samlab_trainer *t);
/* One step on the next batch (shuffling at the start of each epoch); info and lr (the lr used) may be NULL.
 * 0, or 1 if the loss or the gradient is not finite (diverged; non-finite weights show one step later, and
 * samlab_trainer_epoch checks the weights at the epoch's end). */
int samlab_trainer_step(samlab_trainer *t, samlab_step_info *info, double *lr);
/* After an epoch's last step: evaluate, fill stats (may be NULL), count the epoch.  0 or -1. */
int samlab_trainer_end_epoch(samlab_trainer *t, samlab_epoch_stats *stats);
/* Called after every step of samlab_trainer_epoch; nonzero stops the epoch there (e.g. on SIGINT). */
typedef int (*samlab_step_hook)(void *user, const samlab_trainer *t, const samlab_step_info *info, double lr);
/* The rest of the current epoch, then samlab_trainer_end_epoch.  0 done, 1 diverged, 2 stopped by the hook. */
int samlab_trainer_epoch(samlab_trainer *t, samlab_step_hook hook, void *user, samlab_epoch_stats *stats);
/* What a trainer holds, for callers that report or save it. */
double *samlab_trainer_weights(const samlab_trainer *t); /* the current weights (may be set before the first step) */
size_t samlab_trainer_dim(const samlab_trainer *t);
const samlab_train_config *samlab_trainer_config(const samlab_trainer *t);
samlab_rule *samlab_trainer_rule(const samlab_trainer *t);
samlab_problem *samlab_trainer_net(const samlab_trainer *t);
const samlab_dataset *samlab_trainer_train_set(const samlab_trainer *t);
const samlab_dataset *samlab_trainer_test_set(const samlab_trainer *t); /* NULL without one */
long samlab_trainer_steps_per_epoch(const samlab_trainer *t); /* ceil(n / batch) */
long samlab_trainer_epochs_done(const samlab_trainer *t);
long samlab_trainer_steps_done(const samlab_trainer *t);     /* in all */
long samlab_trainer_epoch_pos(const samlab_trainer *t);      /* in the current epoch */
double samlab_trainer_epoch_loss_sum(const samlab_trainer *t); /* the current epoch's batch losses so far */
const size_t *samlab_trainer_order(const samlab_trainer *t);  /* the current epoch's example order */

#ifdef __cplusplus
}
#endif
#endif
