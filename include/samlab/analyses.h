/* samlab/analyses.h: Hessian spectra, gradient statistics, slice directions, checkpoints and the subjects
 * of analyses, twin sets, F-SAM's decomposition (analyses/).  Functions that take GSL's gsl_rng are declared
 * when <gsl/gsl_rng.h> is included before this header (see samlab/train.h). */
#ifndef SAMLAB_ANALYSES_H
#define SAMLAB_ANALYSES_H
#include <stddef.h>
#include <stdint.h>
#include "samlab/problem.h"
#include "samlab/rule.h"
#include "samlab/train.h"

#ifdef __cplusplus
extern "C" {
#endif

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
#ifdef __GSL_RNG_H__
void samlab_direction_random(const samlab_problem *p, const double *w, gsl_rng *rng, int filter_norm, double *d);
#endif

/* A network's weights from a samlab train file: the row of /weights whose /weights_epoch is epoch, or (epoch < 0)
 * the final /checkpoint/w; failing those, any group written by samlab_trainer_save with that epoch attribute. */
typedef struct samlab_checkpoint {
  char group[256], model[128]; /* where the weights were found; samlab_net_describe's text */
  long epoch;
  size_t dim;
  double *w; /* malloc'ed */
  /* samlab train's root attributes when present: data set, subset size (0: all), label noise, seed, labels
   * ("fine" when absent) */
  char data[512], labels[16];
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
 * and labels from the file unless data is given; subset seed + 2; label noise seed + 3; the stored
 * normalisation; never augmented).  precision 64 computes networks in
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

/* Curvature operators (analyses/curvature.c): the Hessian, the generalised Gauss-Newton J^T H_L J and the empirical
 * Fisher (1/n) sum_i g_i g_i^T (the problem's curvature capability: networks with softmax cross-entropy). */
enum { SAMLAB_OP_HESSIAN, SAMLAB_OP_GGN, SAMLAB_OP_FISHER };
int samlab_operator_parse(const char *name); /* "hessian", "ggn", "fisher", or -1 */
const char *samlab_operator_name(int op);
/* out = M(w) v for operator op; -1 when the problem cannot give it. */
int samlab_operator_vp(const samlab_problem *p, int op, const double *w, const double *v, double *out);
/* A problem (freed with samlab_problem_free; p must outlive it) whose HVP is operator op of p at w, restricted to
 * block (NULL: all weights; else a samlab_net_block name like "dense1.W", or a layer "dense1" for its W and b): the
 * diagonal block M_BB, at the point *w_view (malloc'ed: w's block) with the other weights fixed at w.  NULL with a
 * message when p cannot give the operator or has no such block (the message lists the valid names). */
samlab_problem *samlab_operator_view(const samlab_problem *p, const double *w, int op, const char *block,
                                     double **w_view, char *err, size_t errlen);
/* Hutch++ (Meyer et al. 2021) with matvecs products (>= 6, a multiple of 3 is used: m = 3 (matvecs / 3)): S, G
 * Rademacher n x m/3; Q = orth(A S); trace = tr(Q^T A Q) + (3/m) tr(G^T (I - QQ^T) A (I - QQ^T) G).  stderr: the
 * residual Hutchinson part's sample s.d. / sqrt(m/3) (the Q part has no sampling error given Q). */
int samlab_hessian_trace_hutchpp(const samlab_problem *p, const double *w, long matvecs, unsigned long seed,
                                 double *trace, double *stderr_, char *err, size_t errlen);

/* Sharpness at w (analyses/sharpness.c; docs/cli.md "samlab sharpness" gives the formulas and sources).  The ball is
 * {delta : ||delta / s|| <= rho} in L2 or Linf, s_i = |w_i| when adaptive (Kwon et al. 2021's scaling, as
 * Andriushchenko et al. 2023), else 1.  The ascent follows tml-epfl/sharpness-vs-generalization: iters steps per
 * restart from a random start, first step 2 rho step_mult, momentum (the authors': 0.75), step halved at APGD's
 * checkpoints.  For average-case sharpness rho is the noise scale sigma: delta_i ~ N(0, (sigma s_i)^2) (L2) or
 * U(-sigma s_i, sigma s_i) (Linf). */
enum { SAMLAB_BALL_L2, SAMLAB_BALL_LINF };
typedef struct samlab_sharpness_spec {
  double rho;
  int norm;     /* SAMLAB_BALL_L2 or SAMLAB_BALL_LINF */
  int adaptive; /* scale the ball by |w| elementwise */
  long iters, restarts;
  double step_mult, momentum;
  unsigned long seed;
  int random_start; /* 1: every restart from the authors' random start; 0: the first from the linearisation's
                       maximiser (SAM's point), so the result is never below the SAM point's sharpness */
} samlab_sharpness_spec;
/* The authors' defaults: 20 iterations, 1 restart, step multiplier 1, momentum 0.75; seed 1, SAM-point start. */
#define SAMLAB_SHARPNESS_SPEC_DEFAULT(rho_) {(rho_), SAMLAB_BALL_L2, 0, 20, 1, 1.0, 0.75, 1, 0}
typedef struct samlab_sharpness_result {
  double at_w;        /* the objective at w: the loss (sharpness) or ||grad L|| (flatness) */
  double worst;       /* the largest objective found in the ball (>= at_w) */
  double delta_l2;    /* ||delta|| of the maximiser */
  double delta_ball;  /* its norm in the ball's own norm (<= rho up to rounding) */
  long evaluations, halvings;
} samlab_sharpness_result;
/* Worst-case sharpness = worst - at_w; the maximiser into delta (dim).  0, or -1 with a message (rho <= 0 ...). */
int samlab_sharpness_worst(const samlab_problem *p, const double *w, const samlab_sharpness_spec *s, double *delta,
                           samlab_sharpness_result *r, char *err, size_t errlen);
/* GAM's first-order flatness (Zhang et al. 2023): worst = max ||grad L(w + delta)|| over the ball, by the same
 * ascent on ||grad L|| (gradient H g / ||g||; needs an HVP); GAM's R^(1)_rho = rho worst. */
int samlab_flatness_first_order(const samlab_problem *p, const double *w, const samlab_sharpness_spec *s,
                                double *delta, samlab_sharpness_result *r, char *err, size_t errlen);
/* m-sharpness: worst-case sharpness on each group of m of the first n examples (group j: examples jm..jm+m-1,
 * seed + j), into per_group (n / m) if not NULL; total holds the averages of at_w and worst (its sharpness is
 * worst - at_w), the largest delta norms and the summed counts.  m must divide n; the batch is left at the first n
 * examples.  Data problems only. */
int samlab_sharpness_m(const samlab_problem *p, const double *w, const samlab_sharpness_spec *s, size_t m,
                       size_t n, double *per_group, samlab_sharpness_result *total, char *err, size_t errlen);
typedef struct samlab_sharpness_average_result {
  double at_w, mean, sd, ci95; /* mean of L(w + delta) - L(w), its sample s.d., the 95% t interval's half width */
} samlab_sharpness_average_result;
/* Average-case sharpness from samples (>= 2) draws (seed s->seed), each value into values if not NULL. */
int samlab_sharpness_average(const samlab_problem *p, const double *w, const samlab_sharpness_spec *s, long samples,
                             double *values, samlab_sharpness_average_result *r, char *err, size_t errlen);

/* Uniform-stability twin sets (StableSAM 5.2): S = train without example `removed`; S2 = S with its example at
 * position `replaced` set to the removed one.  Both of size n - 1, seeded. */
int samlab_twin_sets(const samlab_dataset *train, unsigned long seed, samlab_dataset **s, samlab_dataset **s2,
                     size_t *removed, size_t *replaced, char *err, size_t errlen);
double samlab_twin_distance(size_t n, const double *w, const double *w2);       /* ||w-w'|| / (||w|| + ||w'||) */
double samlab_twin_distance_hardt(size_t n, const double *w, const double *w2); /* sqrt(||w-w'||^2/(||w||^2+||w'||^2)) */

/* A data set for training analyses (samlab_data_open with o): train subset of train_size (0: all) drawn as samlab
 * train draws it (seed + 2), the first test_size test examples (0: all).  0, or -1 with a message naming the bad
 * size. */
int samlab_data_prepare(const char *data, const samlab_data_options *o, long train_size, long test_size,
                        unsigned long seed, samlab_dataset **train, samlab_dataset **test, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
