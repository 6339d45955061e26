/* samlab: a toolkit for Sharpness-Aware Minimization.  The one public header of libsamlab.
 *
 * Three interfaces carry everything:
 *   samlab_problem   anything with a loss and a gradient (toy, quadratic, network on a batch);
 *   samlab_base_type a base optimizer (sgd, sgdm, adam, adamw) with PyTorch conventions;
 *   samlab_rule_type a SAM variant, as a method table (name, state size, init, step or ascends), found by name
 *                    in one registry.  The caller owns the loop and calls samlab_rule_step().
 * Vectors are contiguous double arrays of length dim; norms are global L2. */
#ifndef SAMLAB_H
#define SAMLAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <hdf5.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SAMLAB_VERSION "0.1.0"
#define SAMLAB_EPS 1e-12 /* the guard in every x / (||x|| + EPS) */

/* ------------------------------------------------------------------ vectors */
double samlab_dot(size_t n, const double *x, const double *y);
double samlab_norm(size_t n, const double *x);
/* y = x widened to double, returning y.y as samlab_dot(n, y, y) gives it, in one pass. */
double samlab_widen_sumsq(size_t n, const float *x, double *y);
/* x.x of a float32 vector, in double: what samlab_widen_sumsq returns, without writing y. */
double samlab_sumsq_f32(size_t n, const float *x);
/* x.y and y.y in one pass, each equal to what samlab_dot gives. */
void samlab_dot_pair(size_t n, const double *x, const double *y, double *xy, double *yy);
void samlab_axpy(size_t n, double a, const double *x, double *y);        /* y += a x */
void samlab_scale(size_t n, double a, double *x);                        /* x *= a */
void samlab_copy(size_t n, const double *x, double *y);                  /* y = x */
/* Zeroed n x size bytes for large arrays (2 MiB pages where Linux gives them); free() releases it. */
void *samlab_big_calloc(size_t n, size_t size);
int samlab_all_finite(size_t n, const double *x);

/* ------------------------------------------------------------------ problems */
typedef struct samlab_problem {
  const char *name;
  size_t dim;
  void *ctx;
  /* Loss at w; when g is not NULL writes the gradient there.  Data problems evaluate the current batch. */
  double (*value_grad)(void *ctx, const double *w, double *g);
  /* Optional: value_grad that also returns g.g (the sum samlab_dot gives) in *gg, from the same pass that
   * writes g: a network saves a pass over its weights a step. */
  double (*value_grad_gg)(void *ctx, const double *w, double *g, double *gg);
  /* Optional: value_grad at the point w_i + s d_i (each in double, as written), without storing it: a
   * network converts it to float32 straight away, a write and a read of the weights fewer a SAM step. */
  double (*value_grad_shifted)(void *ctx, const double *w, double s, const double *d, double *g);
  /* Optional, problems that compute in float32 (networks), both or neither:
   * value_grad_f32: value_grad at w_i + s d_i, or w_i + s d32_i with a float32 direction (both NULL: at w),
   *   that leaves the gradient in float32 in the problem's own buffer, *g32, valid until its next evaluation,
   *   and writes no double copy; d32 may be that buffer (the point is formed before the gradient is written).
   *   It returns NAN with *g32 = NULL, evaluating nothing, when the problem does not compute in float32 now.
   * weights_f32: the float32 weights its next evaluation reads.  The caller writes (float)w_i into it and
   *   changes w in no other way before that evaluation, which, if it is at w itself, skips converting w. */
  double (*value_grad_f32)(void *ctx, const double *w, double s, const double *d, const float *d32,
                          const float **g32);
  float *(*weights_f32)(void *ctx, const double *w);
  /* Optional (NULL if absent): exact Hessian-vector product hv = H(w) v. */
  void (*hvp)(void *ctx, const double *w, const double *v, double *hv);
  /* Optional: the full dense Hessian, row-major dim x dim. */
  void (*hessian)(void *ctx, const double *w, double *H);
  /* Optional, data problems: evaluate on examples idx[0..n) from now on (idx == NULL: the whole set).
   * Noisy toys (nexamples == 0) use it to draw fresh gradient noise for the next step (idx == NULL: none). */
  int (*set_batch)(void *ctx, const size_t *idx, size_t n);
  size_t nexamples; /* data problems: size of the training set; 0 for toys */
  /* Optional, toys: known stationary points, each dim doubles (minima are global minima). */
  size_t nminima, nsaddles;
  const double *minima, *saddles;
  /* Optional, toys: known local minima that are not global (wsam-kl's flat minimum), each dim doubles. */
  size_t nlocal_minima;
  const double *local_minima;
  void (*free)(void *ctx);
} samlab_problem;

double samlab_problem_value_grad(const samlab_problem *p, const double *w, double *g);
/* Loss and gradient at w + s d: the problem's value_grad_shifted, or value_grad at scratch = w + s d. */
double samlab_problem_value_grad_shifted(const samlab_problem *p, const double *w, double s, const double *d,
                                         double *g, double *scratch);
/* Loss and gradient (g not NULL), with g.g in *gg: the problem's value_grad_gg, or value_grad and samlab_dot. */
double samlab_problem_value_grad_gg(const samlab_problem *p, const double *w, double *g, double *gg);
/* Hessian-vector product: the problem's exact one, or the full Hessian times v. Returns -1 if neither. */
int samlab_problem_hvp(const samlab_problem *p, const double *w, const double *v, double *hv);
void samlab_problem_free(samlab_problem *p); /* calls p->free(ctx) and frees p */

/* ------------------------------------------------------------------ hyperparameters */
/* Every hyperparameter of every base optimizer and rule.  NAN (doubles) / -1 (ints) mean "unset":
 * samlab_rule_alloc fills unset values with the rule's defaults, then the global ones. */
typedef struct samlab_hparams {
  /* base optimizer */
  double lr, momentum, wd, beta1, beta2, adam_eps;
  /* rules */
  double rho, eta, gamma, alpha, p, delta, lambda1, lambda2, lambda, sigma, theta, floor;
  long k, n;
  long stable;     /* 1: renormalise g_s to the norm of g (StableSAM), any rule */
  long ascent_raw; /* 1: eps = rho d (unnormalised ascent), 0: eps = rho d/(||d||+EPS) */
  long total_steps; /* T, for AE-SAM's schedule c_t */
  long seed;
} samlab_hparams;

typedef enum { SAMLAB_HP_DOUBLE, SAMLAB_HP_LONG, SAMLAB_HP_FLAG, SAMLAB_HP_ASCENT } samlab_hp_kind;
typedef struct samlab_hparam_desc {
  const char *name;   /* option name without dashes, also the HDF5 attribute name */
  samlab_hp_kind kind;
  size_t offset;      /* into samlab_hparams */
  const char *help;
} samlab_hparam_desc;

extern const samlab_hparam_desc samlab_hparam_table[];
extern const size_t samlab_hparam_count;

void samlab_hparams_unset(samlab_hparams *hp);            /* everything unset */
const samlab_hparam_desc *samlab_hparam_find(const char *name);
/* Parse text into the hyperparameter; 0 ok, -1 with a one-line message in err. */
int samlab_hparam_set(samlab_hparams *hp, const samlab_hparam_desc *d, const char *text, char *err, size_t errlen);
double samlab_hparam_get(const samlab_hparams *hp, const samlab_hparam_desc *d); /* NAN if unset */
/* Range checks of the filled-in values (rho >= 0, lr > 0, gamma in [0,1), k >= 1 ...). */
int samlab_hparams_check(const samlab_hparams *hp, char *err, size_t errlen);

/* ------------------------------------------------------------------ base optimizers */
/* PyTorch conventions: SGD momentum v = mu v + g (v0 = g, no dampening, no Nesterov); Adam/AdamW with bias
 * correction and eps outside the sqrt; weight decay added to g for sgd/sgdm/adam, decoupled (old w) for adamw. */
typedef struct samlab_base_type {
  const char *name;
  size_t state_vectors; /* dim-length double vectors of state */
  /* t = number of earlier steps of this optimizer (0 on the first). */
  void (*step)(double *state, size_t dim, double *w, const double *g, const samlab_hparams *hp, long t);
  /* The same step from a float32 gradient (the same bits as step on g widened), also writing (float)w_i into
   * w32 after it, and returning g.g as samlab_dot sums it: for problems with value_grad_f32. */
  double (*step_f32)(double *state, size_t dim, double *w, const float *g32, float *w32, const samlab_hparams *hp,
                     long t);
} samlab_base_type;

extern const samlab_base_type *const samlab_base_types[]; /* NULL-terminated */
const samlab_base_type *samlab_base_find(const char *name);

/* ------------------------------------------------------------------ rules */
typedef struct samlab_step_info {
  double loss;      /* f(w) before the step */
  double grad_norm; /* ||g|| at w */
  double gs_norm;   /* ||g_s|| at w + eps before any renormalisation, NAN on steps without ascent */
  double cos_g_gs;  /* cos(g, g_s), NAN on steps without ascent */
  int sam_used;     /* 1 if this step computed a perturbed gradient */
} samlab_step_info;

typedef struct samlab_rule samlab_rule;
typedef struct samlab_rule_type {
  const char *name;
  const char *paper;   /* where the rule comes from */
  const char *formula; /* one line, for --help and the README table */
  /* Bytes of rule state for a problem of dimension dim (zeroed before init). */
  size_t (*state_size)(size_t dim);
  /* Fill the rule's own unset hyperparameters (NAN / -1) with its defaults.  May be NULL. */
  void (*defaults)(samlab_hparams *hp);
  /* Prepare state; may be NULL.  Returns 0 or -1. */
  int (*init)(samlab_rule *r);
  /* A rule whose every step is a base step with r->g, or samlab_ascent_step along r->g (ascent, then a base
   * step with g_s), needs no step function: plain = 1 says it never ascends (sgd); ascends says which one
   * this step takes, from g.g summed as samlab_dot sums it (sam, stablesam, periodic-sam, random-sam, ae-sam;
   * called once a step).  samlab_rule_step may then run the step fused (see samlab_rule.fuse_f32). */
  int plain;
  int (*ascends)(samlab_rule *r, double gg);
  /* One step, for every other rule.  On entry r->g holds the gradient at w, info->loss/grad_norm are set. */
  int (*step)(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info);
} samlab_rule_type;

struct samlab_rule {
  const samlab_rule_type *type;
  const samlab_base_type *base;
  samlab_hparams hp;  /* filled in; the caller may change hp.lr between steps (schedules) */
  size_t dim;
  long t;             /* rule steps taken */
  long base_t;        /* base-optimizer steps taken */
  void *state;        /* rule state, type->state_size(dim) bytes */
  double *base_state; /* base->state_vectors * dim */
  double *g;          /* gradient at w (set before type->step) */
  double *gs;         /* gradient at w + eps */
  double *eps;        /* the perturbation */
  double *wtmp;       /* w + eps */
  double *work;       /* scratch for rules, dim doubles */
  gsl_rng *rng;       /* seeded with hp.seed */
  /* What only callers read; both 1 after samlab_rule_alloc.  A caller that never reads them sets them to 0
   * and saves a pass over the weights in each SAM step (the trainer sets keep_eps = 0, and geometry = 0
   * unless --trace-geometry):
   * keep_eps: r->eps holds the perturbation after an ascent along a direction (samlab_ascent_dir);
   * geometry: info->gs_norm and info->cos_g_gs are computed (else NAN; StableSAM still uses ||g_s||). */
  int keep_eps, geometry;
  /* 0 after samlab_rule_alloc.  A caller that changes w only through samlab_rule_step between steps may set it
   * to 1: on a problem with value_grad_f32 (a network), a base step whose gradient nothing else reads (the
   * sgd rule's, and sam's and its kin's on g_s) then takes the float32 gradient as it is and writes the
   * float32 weights of the next evaluation in the same pass (step_f32), and sam's ascent reads g in float32.
   * The results are the same bits; in those steps r->gs, and r->g for sgd and sam, are not written. */
  int fuse_f32;
  int eps_zero;       /* the last ascent's perturbation was exactly zero */
};

extern const samlab_rule_type *const samlab_rule_types[]; /* the registry, NULL-terminated */
const samlab_rule_type *samlab_rule_find(const char *name);

/* Allocate a rule over a base optimizer; hp's unset values get defaults.  NULL with a message on error. */
samlab_rule *samlab_rule_alloc(const samlab_rule_type *type, const samlab_base_type *base,
                               const samlab_hparams *hp, size_t dim, char *err, size_t errlen);
void samlab_rule_free(samlab_rule *r);
/* One step of the rule at w (updated in place).  info may be NULL. */
int samlab_rule_step(samlab_rule *r, const samlab_problem *p, double *w, samlab_step_info *info);
/* Save / restore the complete mutable state (t, base_t, states, RNG) for checkpoints. */
size_t samlab_rule_state_bytes(const samlab_rule *r);
void samlab_rule_state_save(const samlab_rule *r, void *buf);
void samlab_rule_state_load(samlab_rule *r, const void *buf);

/* ------------------------------------------------------------------ toys */
/* Toys by name: quartic, wsam-kl, quadratic, rosenbrock ...  opts is the toy's own option string
 * (for quadratic: "diag=1,10" or "file=A.txt"), may be NULL.  NULL with a message on error. */
typedef struct samlab_toy_type {
  const char *name;
  const char *formula;
  size_t default_dim;
  samlab_problem *(*create)(const char *opts, char *err, size_t errlen);
} samlab_toy_type;
extern const samlab_toy_type *const samlab_toy_types[]; /* NULL-terminated */
const samlab_toy_type *samlab_toy_find(const char *name);
samlab_problem *samlab_toy_create(const char *name, const char *opts, char *err, size_t errlen);

/* ------------------------------------------------------------------ HDF5 output */
/* A file written under a temporary name and renamed into place by samlab_out_commit, so that a failed or
 * interrupted run leaves no half-written file at the final path. */
typedef struct samlab_out {
  hid_t file;
  char *path, *tmp;
} samlab_out;

samlab_out *samlab_out_create(const char *path, char *err, size_t errlen);
int samlab_out_commit(samlab_out *o);  /* close and rename; frees o; 0 or -1 */
void samlab_out_abort(samlab_out *o);  /* close and delete; frees o */
/* Datasets (name may contain groups that already exist); dims has rank entries. */
int samlab_out_f64(samlab_out *o, const char *name, int rank, const hsize_t *dims, const double *data);
int samlab_out_u8(samlab_out *o, const char *name, int rank, const hsize_t *dims, const uint8_t *data);
int samlab_out_i64(samlab_out *o, const char *name, int rank, const hsize_t *dims, const int64_t *data);
int samlab_out_strings(samlab_out *o, const char *name, size_t n, const char *const *strings);
int samlab_out_group(samlab_out *o, const char *name);
/* Attributes on an object (path "/" for the root). */
int samlab_attr_str(hid_t file, const char *obj, const char *name, const char *value);
int samlab_attr_f64(hid_t file, const char *obj, const char *name, double value);
int samlab_attr_i64(hid_t file, const char *obj, const char *name, int64_t value);
/* The provenance every result carries: samlab version, command line, rule, base and every hyperparameter
 * (unset ones are skipped).  rule/base may be NULL. */
int samlab_attr_provenance(hid_t file, const char *obj, int argc, char **argv, const samlab_rule_type *rule,
                           const samlab_base_type *base, const samlab_hparams *hp);
/* Reading back (for plot, resume, merge): 0 ok, -1 missing. *data malloc'ed; dims up to 4. */
int samlab_in_f64(hid_t file, const char *name, int *rank, hsize_t dims[4], double **data);
int samlab_in_attr_str(hid_t file, const char *obj, const char *name, char *buf, size_t len);
int samlab_in_attr_f64(hid_t file, const char *obj, const char *name, double *value);
/* HDF5 prints error stacks by default; samlab reports its own one-line errors instead. */
void samlab_h5_quiet(void);

/* ------------------------------------------------------------------ data, networks and training */
/* Image classification data: n examples of rows x cols pixels scaled to [0, 1], labels 0..nclasses-1. */
typedef struct samlab_dataset {
  size_t n, rows, cols, nclasses;
  float *x;   /* n * rows * cols, row-major images */
  uint8_t *y; /* n labels */
} samlab_dataset;

/* One IDX pair (images magic 2051, labels magic 2049), gzip-compressed or plain.  NULL with a one-line
 * message naming the file when it is missing, truncated or corrupt, or when the pair disagrees. */
samlab_dataset *samlab_idx_load(const char *images, const char *labels, char *err, size_t errlen);
/* A data set's train and test sets by name ("fashion-mnist", "mnist"), from dir if not NULL, else
 * $SAMLAB_DATA, else /usr/share/datasets/<name>: train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
 * t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz].  0, or -1 with a message. */
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
/* PyTorch's default initialisation (Linear/Conv2d): weights and biases uniform in +-1/sqrt(fan_in). */
void samlab_net_init(const samlab_problem *net, gsl_rng *rng, double *w);
/* Mean loss and accuracy on examples idx[0..n) of d (idx NULL: all of d), forward only; 0 or -1. */
int samlab_net_evaluate(const samlab_problem *net, const double *w, const samlab_dataset *d, const size_t *idx,
                        size_t n, double *loss, double *accuracy);
void samlab_net_set_precision(samlab_problem *net, int bits); /* 32 (default) or 64 */
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
} samlab_train_config;

typedef struct samlab_epoch_stats {
  double train_loss, train_acc, test_loss, test_acc; /* test NAN without a test set */
  double batch_loss;   /* mean loss over the epoch's batches (before each step) */
  double sam_fraction; /* fraction of steps that computed a perturbed gradient */
  double seconds;      /* wall time of the epoch's steps, evaluation excluded */
} samlab_epoch_stats;

/* The training loop over a network problem; all fields readable, w may be set before the first step. */
typedef struct samlab_trainer {
  samlab_problem *net;                /* not owned */
  const samlab_dataset *train, *test; /* not owned; test may be NULL */
  samlab_train_config cfg;
  samlab_rule *rule;
  size_t dim;
  double *w;            /* current weights */
  long steps_per_epoch; /* ceil(n / batch) */
  long epoch;           /* epochs completed */
  long step;            /* steps taken in all */
  long pos;             /* steps taken in the current epoch */
  size_t *order;        /* the current epoch's example order (a seeded shuffle) */
  gsl_rng *rng;         /* batch order */
  double acc_loss, acc_seconds; /* the current epoch so far: sum of batch losses, step seconds */
  long acc_sam;                 /* and SAM steps */
} samlab_trainer;

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
/* Everything needed to continue bit for bit (w, rule state, batch-order RNG and order, counters) under the
 * group path (created by save) of an open HDF5 file.  0, or -1 (load: with a message if it does not fit). */
int samlab_trainer_save(const samlab_trainer *t, hid_t file, const char *group);
int samlab_trainer_load(samlab_trainer *t, hid_t file, const char *group, char *err, size_t errlen);

/* ------------------------------------------------------------------ sweeps (lib/sweep*.c) */
/* Success-rate sweeps over rule x rho x lr x start.  Run index order (also the HDF5 order):
 * run = ((rule * nrho + rho) * nlr + lr) * nstarts + start. */
enum { SAMLAB_OUTCOME_SUCCESS, SAMLAB_OUTCOME_SADDLE, SAMLAB_OUTCOME_DIVERGED, SAMLAB_OUTCOME_OTHER,
       SAMLAB_OUTCOME_COUNT };
#define SAMLAB_OUTCOME_NONE 255  /* a run this process (shard) did not compute */
#define SAMLAB_SWEEP_BLOWUP 1e8  /* |w_i| beyond this counts as diverged */
extern const char *const samlab_outcome_names[SAMLAB_OUTCOME_COUNT];
/* Outcome of an end point w: diverged if the run left the finite range, else success within tol of a
 * declared minimum (Euclidean), saddle within tol of a declared saddle, else other. */
int samlab_sweep_outcome(const samlab_problem *p, const double *w, int diverged, double tol);
/* n starts uniform in the box [lo_j, hi_j) per coordinate, from gsl_rng_mt19937 seeded with seed: point i
 * depends on (seed, i) only. */
void samlab_sweep_starts(unsigned long seed, size_t n, size_t dim, const double *lo, const double *hi, double *out);
/* n learning rates from lo to hi, geometric (log = 1, numpy.geomspace) or linear. */
void samlab_sweep_lrs(double lo, double hi, size_t n, int log, double *out);

typedef struct samlab_sweep {
  const char *function, *toy_opts;     /* toy name and its option string (may be NULL) */
  size_t nrules;
  const samlab_rule_type *const *rules;
  const samlab_base_type *base;
  samlab_hparams hp;                   /* applies to every run; lr, rho, seed, total_steps are set per run */
  size_t nrho, nlr, nstarts;
  const double *rho, *lr, *starts;     /* starts: nstarts x dim */
  long steps;
  double tol;
  int generic_only;                    /* 1: never the fast SoA kernel (tests, benchmarks) */
} samlab_sweep;

size_t samlab_sweep_nruns(const samlab_sweep *s);
/* Does the fast SoA kernel (lib/sweep_fast.c) cover this rule of the sweep? */
int samlab_sweep_fast_covers(const samlab_sweep *s, size_t rule);
/* Runs [begin, end): outcome[run - begin], and endpoints[(run - begin) * dim ...] when not NULL (a diverged
 * run keeps its first out-of-range point).  OpenMP over runs; results do not depend on the thread count.
 * progress (may be NULL) is called from the calling thread with the runs done so far.  0, or -1 and err. */
int samlab_sweep_run(const samlab_sweep *s, size_t begin, size_t end, uint8_t *outcome, double *endpoints,
                     void (*progress)(void *ctx, size_t done), void *ctx, char *err, size_t errlen);

/* ------------------------------------------------------------------ bounds (analyses/bounds_*.c) */
/* Numerical checks of the papers' theorems: each check runs problems that meet a theorem's assumptions and
 * reports rows "measured vs bound".  A row holds when lower <= measured <= bound (measured NAN: fails). */
typedef struct samlab_bound_row {
  char check[32];    /* the check's name, "stablesam-stability" */
  char claim[96];    /* theorem and quantity, "Thm 8: E||w_T - v_T|| (SAM)" */
  char setting[320]; /* problem, constants and how each was obtained */
  char note[320];    /* why a row is expected to fail, corrected forms, caveats */
  double measured, bound, lower; /* lower: NAN if one-sided */
  int premises;    /* 1 if the theorem's assumptions hold on this run; 0: informational row */
  int expect_hold; /* 1: samlab states this bound holds; 0: the printed form is wrong (an erratum row) */
} samlab_bound_row;

typedef struct samlab_bound_check {
  const char *name, *paper, *summary;
  /* Appends rows (at most max) and returns how many, or -1 with a message.  quick: fewer runs (tests). */
  int (*run)(int quick, unsigned long seed, samlab_bound_row *rows, int max, char *err, size_t errlen);
} samlab_bound_check;

extern const samlab_bound_check *const samlab_bound_checks[]; /* NULL-terminated */
const samlab_bound_check *samlab_bound_find(const char *name);
int samlab_bound_holds(const samlab_bound_row *r); /* lower <= measured <= bound */
/* The row's verdict agrees with what samlab states (always 1 for rows whose premises fail). */
int samlab_bound_ok(const samlab_bound_row *r);

/* StableSAM Table 1 (Theorems 11 and 18, Hardt et al. for SGD): for i = 0 (SGD), 1 (SAM), 2 (StableSAM) the
 * largest lr, the generalisation term, the optimisation term and their sum. */
typedef struct samlab_excess_terms {
  double eta_max, gen, opt, excess;
} samlab_excess_terms;
void samlab_stablesam_table1(double mu, double L, double G, double rho, double C, double n, double gamma0,
                             double gamma1, double eta, samlab_excess_terms out[3]);

/* ------------------------------------------------------------------ analyses (analyses/) */
/* Hessian spectra at w from exact Hessian-vector products (samlab_problem_hvp) on the problem's current batch. */
typedef struct samlab_eig_stats {
  long iterations; /* power: iterations over all k pairs; Lanczos/SLQ: Lanczos steps */
  long hvps;       /* Hessian-vector products used */
  int converged;   /* 1 if the stopping rule held for every pair (else max_iter ended it) */
  double residual; /* max_i ||H v_i - lambda_i v_i|| / |lambda_i|, measured after the end */
} samlab_eig_stats;
/* Power iteration with deflation: k pairs of largest magnitude, one after another, each iteration projecting
 * out the pairs found; stops when |lambda - lambda_prev| <= tol |lambda_prev| or after max_iter per pair.
 * values[k] in the order found; vectors (k x dim, unit) if not NULL.  0, or -1 with a message (k > dim,
 * tol <= 0, no HVP). */
int samlab_hessian_power(const samlab_problem *p, const double *w, size_t k, long max_iter, double tol,
                         unsigned long seed, double *values, double *vectors, samlab_eig_stats *st, char *err,
                         size_t errlen);
/* Lanczos with full reorthogonalisation from a seeded random start: the k largest (algebraic) eigenvalues,
 * descending, as Ritz values of the tridiagonal matrix (LAPACKE_dstev).  Stops when each of the k Ritz pairs
 * has residual bound |beta_m z_mi| <= tol |theta_i|, after max_iter steps, or when the Krylov space is exhausted. */
int samlab_hessian_lanczos(const samlab_problem *p, const double *w, size_t k, long max_iter, double tol,
                           unsigned long seed, double *values, double *vectors, samlab_eig_stats *st, char *err,
                           size_t errlen);
/* Hutchinson: trace = mean of z^T H z over nprobes (>= 2) Rademacher z, stderr = sample s.d. / sqrt(nprobes);
 * the samples z^T H z into samples (nprobes) if not NULL. */
int samlab_hessian_trace(const samlab_problem *p, const double *w, long nprobes, unsigned long seed, double *trace,
                         double *stderr_, double *samples, char *err, size_t errlen);
/* Stochastic Lanczos quadrature (Ubaru et al. 2017): nvec normalised Rademacher starts, steps Lanczos steps each;
 * nodes and weights (nvec x m, m = min(steps, dim); each row's weights sum to 1; unused entries NAN / 0).  The
 * spectral density is sum over all (node, weight) of weight/nvec delta(x - node). */
int samlab_hessian_slq(const samlab_problem *p, const double *w, long nvec, long steps, unsigned long seed,
                       double *nodes, double *weights, samlab_eig_stats *st, char *err, size_t errlen);
/* That density smoothed by a Gaussian of width sigma, at grid[0..ngrid) (integrates to 1). */
void samlab_slq_density(size_t nvec, size_t m, const double *nodes, const double *weights, double sigma,
                        size_t ngrid, const double *grid, double *density);
/* The dense Hessian (dim x dim, row-major) column by column from H e_j, then symmetrised. */
int samlab_hessian_dense(const samlab_problem *p, const double *w, double *H, char *err, size_t errlen);
/* Progress of the functions above: fn(ctx, HVPs so far) after every HVP (fn NULL: none; process-wide). */
void samlab_hessian_progress(void (*fn)(void *ctx, long hvps), void *ctx);
/* All eigenvalues of the symmetric n x n A (row-major, overwritten), descending, by LAPACKE_dsyevr.  0 or -1. */
int samlab_sym_eigenvalues(size_t n, double *A, double *values);

/* Squared gradient norms (AE-SAM): normality of samples.  Anderson-Darling with estimated mean and variance
 * (A*^2 = A^2 (1 + 0.75/n + 2.25/n^2), p-value of D'Agostino & Stephens 1986) is the test samlab reports;
 * Jarque-Bera (chi^2 with 2 d.o.f., gsl_cdf_chisq_Q) and the Q-Q correlation are given beside it. */
#define SAMLAB_NORMALITY_MIN 8
typedef struct samlab_normality {
  size_t n;
  double mean, var, sd;     /* var with n - 1 */
  double skewness, kurtosis; /* moment estimates; kurtosis is the excess */
  double ad, ad_star, ad_p;
  double jb, jb_p;
  double qq_r; /* correlation of sorted samples with Phi^-1((i + 0.5)/n) */
} samlab_normality;
int samlab_normality_test(size_t n, const double *x, samlab_normality *out); /* -1 if n < SAMLAB_NORMALITY_MIN */
/* Q-Q points: theoretical[i] = Phi^-1((i + 0.5)/n), sorted = x ascending. */
void samlab_qq_points(size_t n, const double *x, double *theoretical, double *sorted);
/* nbins equal bins over [min x, max x] (edges nbins + 1), counts, and the expected counts of N(mean, sd^2). */
void samlab_histogram_gauss(size_t n, const double *x, size_t nbins, double mean, double sd, double *edges,
                            double *counts, double *fitted);
/* Fraction of SAM steps the Gaussian model predicts for AE-SAM's c_t running linearly from lambda2 to lambda1:
 * (1/(l2 - l1)) int_l1^l2 (1 - Phi(c)) dc, or 1 - Phi(l1) when l1 = l2. */
double samlab_aesam_predicted_fraction(double lambda1, double lambda2);
/* AE-SAM's test replayed on the stream s[0..n) (issue 3's conventions: mu0 = 0, var0 = e^-10, updated before the
 * test, c_t = (t/T) lambda1 + (1 - t/T) lambda2): mu, sd, threshold and decisions per step (each may be NULL);
 * returns the fraction of SAM steps. */
double samlab_aesam_replay(size_t n, const double *s, double delta, double lambda1, double lambda2, long T,
                           double *mu, double *sd, double *threshold, uint8_t *sam);

/* A random direction for loss slices: Gaussian, then for networks with filter_norm filter-normalised (Li et al.
 * 2018: each filter -- a row of a dense W, one conv kernel -- scaled to the norm of w's filter, biases 0), else
 * scaled to unit norm. */
void samlab_direction_random(const samlab_problem *p, const double *w, gsl_rng *rng, int filter_norm, double *d);

/* A network's weights from a samlab train file: the row of /weights whose /weights_epoch is epoch, or (epoch < 0)
 * the final /checkpoint/w; failing those, any group written by samlab_trainer_save with that epoch attribute. */
typedef struct samlab_checkpoint {
  char group[256], model[128]; /* where the weights were found; samlab_net_describe's text */
  long epoch;
  size_t dim;
  double *w; /* malloc'ed */
  /* samlab train's root attributes when present: data set, subset size (0: all), label noise, seed */
  char data[512];
  long train_size, seed;
  double label_noise;
} samlab_checkpoint;
int samlab_checkpoint_read(const char *path, long epoch, samlab_checkpoint *c, char *err, size_t errlen);
/* The network of a checkpoint's model over train (fcn hidden sizes and lenet from the model text); NULL with a
 * message when the model is unknown or its dimension differs from the checkpoint's. */
samlab_problem *samlab_checkpoint_net(const samlab_checkpoint *c, const samlab_dataset *train, char *err,
                                      size_t errlen);

/* What an analysis looks at: a toy (function, toy_options; at "x1,x2,..." or its first global minimum), or a
 * network at a checkpoint (epoch < 0: the last) with its training set rebuilt as samlab train built it (data set
 * from the file unless data is given; subset seed + 2; label noise seed + 3).  precision 64 computes networks in
 * double (exact HVPs to rounding).  Exactly one of function and checkpoint. */
typedef struct samlab_subject_spec {
  const char *function, *toy_options, *at;
  const char *checkpoint;
  long epoch;
  const char *data, *data_dir;
  int precision;
} samlab_subject_spec;
typedef struct samlab_subject {
  samlab_problem *p;
  double *w;                    /* the point */
  samlab_dataset *train, *test; /* networks only */
  samlab_checkpoint ck;
  char what[512]; /* one line for output and provenance */
} samlab_subject;
int samlab_subject_open(const samlab_subject_spec *s, samlab_subject *out, char *err, size_t errlen);
void samlab_subject_close(samlab_subject *s);

/* Uniform-stability twin sets (StableSAM 5.2): S = train without example `removed`; S2 = S with its example at
 * position `replaced` set to the removed one.  Both of size n - 1, seeded. */
int samlab_twin_sets(const samlab_dataset *train, unsigned long seed, samlab_dataset **s, samlab_dataset **s2,
                     size_t *removed, size_t *replaced, char *err, size_t errlen);
double samlab_twin_distance(size_t n, const double *w, const double *w2);       /* ||w-w'|| / (||w|| + ||w'||) */
double samlab_twin_distance_hardt(size_t n, const double *w, const double *w2); /* sqrt(||w-w'||^2/(||w||^2+||w'||^2)) */

/* F-SAM's decomposition (its Sec. 4) of the mini-batch gradient gb against the full gradient g: the ascent
 * direction d of SAM-batch (gb), SAM-full (P, the component along g) or SAM-noise (gb - P); P = (gb.g/||g||^2) g
 * (orthogonal projection) or, literal, cos(g, gb) g as the paper prints it. */
typedef enum { SAMLAB_DECOMP_BATCH, SAMLAB_DECOMP_FULL, SAMLAB_DECOMP_NOISE } samlab_decomp;
void samlab_decompose_direction(size_t n, const double *gb, const double *g, samlab_decomp mode, int literal,
                                double *d);
/* Rule types that ascend along d of the given mode, the full gradient taken on the network's whole training set
 * at every step (networks only).  Not in the rule registry: used by samlab decompose. */
const samlab_rule_type *samlab_decompose_rule(samlab_decomp mode, int literal);
/* For a rule of samlab_decompose_rule: the mean of cos(gb, g) over its steps so far (steps into *steps). */
double samlab_decompose_mean_cos(const samlab_rule *r, long *steps);
/* A data set for training analyses: train subset of train_size (0: all) drawn as samlab train draws it (seed + 2),
 * the first test_size test examples (0: all).  0, or -1 with a message naming the bad size. */
int samlab_data_prepare(const char *data, const char *dir, long train_size, long test_size, unsigned long seed,
                        samlab_dataset **train, samlab_dataset **test, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
