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
