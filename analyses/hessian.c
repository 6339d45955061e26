/* Hessian spectra from exact Hessian-vector products: power iteration with deflation, Lanczos with full
 * reorthogonalisation (Ritz values by LAPACKE_dstev), and the dense Hessian built column by column. */
#include <stdio.h>
#include <gsl/gsl_randist.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/rule.h"
#include "samlab/toy.h"
#include "samlab/train.h"
#include "samlab/analyses.h"
#include "samlab/bounds.h"

/* The caller's progress report, called after every HVP with the count so far (process-wide, not thread-safe). */
static void (*progress_fn)(void *ctx, long hvps);
static void *progress_ctx;
static long progress_count;

void samlab_hessian_progress(void (*fn)(void *ctx, long hvps), void *ctx)
{
  progress_fn = fn;
  progress_ctx = ctx;
  progress_count = 0;
}

static int hvp(const samlab_problem *p, const double *w, const double *v, double *hv, samlab_eig_stats *st,
               char *err, size_t errlen)
{
  if (progress_fn)
    progress_fn(progress_ctx, ++progress_count);
  if (samlab_problem_hvp(p, w, v, hv) != 0) {
    snprintf(err, errlen, "problem %s has no Hessian-vector product", p->name);
    return -1;
  }
  if (st)
    st->hvps++;
  return 0;
}

/* v -= sum_j (q_j . v) q_j over the m unit rows of Q, twice (classical Gram-Schmidt, repeated for accuracy). */
static void orthogonalise(size_t n, const double *Q, size_t m, double *v)
{
  for (int pass = 0; pass < 2; pass++)
    for (size_t j = 0; j < m; j++)
      samlab_axpy(n, -samlab_dot(n, Q + j * n, v), Q + j * n, v);
}

static void random_unit(size_t n, gsl_rng *rng, double *v)
{
  for (size_t i = 0; i < n; i++)
    v[i] = gsl_ran_gaussian(rng, 1.0);
  samlab_scale(n, 1.0 / samlab_norm(n, v), v);
}

/* max_i ||H v_i - lambda_i v_i|| / max(|lambda_i|, 1e-30) */
static int residual(const samlab_problem *p, const double *w, size_t k, const double *values, const double *vectors,
                    double *work, samlab_eig_stats *st, char *err, size_t errlen)
{
  size_t n = p->dim;
  st->residual = 0;
  for (size_t i = 0; i < k; i++) {
    if (hvp(p, w, vectors + i * n, work, NULL, err, errlen) != 0)
      return -1;
    samlab_axpy(n, -values[i], vectors + i * n, work);
    st->residual = fmax(st->residual, samlab_norm(n, work) / fmax(fabs(values[i]), 1e-30));
  }
  return 0;
}

static int check_args(const samlab_problem *p, size_t k, long max_iter, double tol, char *err, size_t errlen)
{
  if (k < 1 || k > p->dim) {
    snprintf(err, errlen, "k = %zu eigenvalues asked of a problem of dimension %zu", k, p->dim);
    return -1;
  }
  if (!(tol > 0)) {
    snprintf(err, errlen, "tolerance %g must be > 0", tol);
    return -1;
  }
  if (max_iter < 1) {
    snprintf(err, errlen, "at most %ld iterations: must be >= 1", max_iter);
    return -1;
  }
  return 0;
}

/* The caller's statistics, or local ones when it passes none; zeroed. */
static samlab_eig_stats *stats_reset(samlab_eig_stats *st, samlab_eig_stats *local)
{
  if (!st)
    st = local;
  memset(st, 0, sizeof *st);
  return st;
}

/* The start of power and Lanczos: the statistics reset (stats_reset), then the arguments checked; NULL with a
 * message when they are bad. */
static samlab_eig_stats *eig_begin(const samlab_problem *p, size_t k, long max_iter, double tol, samlab_eig_stats *st,
                                   samlab_eig_stats *local, char *err, size_t errlen)
{
  st = stats_reset(st, local);
  return check_args(p, k, max_iter, tol, err, errlen) == 0 ? st : NULL;
}

/* A gsl_rng_mt19937 seeded with seed, or NULL. */
static gsl_rng *seeded_rng(unsigned long seed)
{
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (rng)
    gsl_rng_set(rng, seed);
  return rng;
}

/* A Rademacher vector: each entry +1 or -1 with probability 1/2. */
static void rademacher(size_t n, gsl_rng *rng, double *z)
{
  for (size_t i = 0; i < n; i++)
    z[i] = gsl_rng_uniform_int(rng, 2) ? 1.0 : -1.0;
}

int samlab_hessian_power(const samlab_problem *p, const double *w, size_t k, long max_iter, double tol,
                         unsigned long seed, double *values, double *vectors, samlab_eig_stats *st, char *err,
                         size_t errlen)
{
  samlab_eig_stats local;
  if (!(st = eig_begin(p, k, max_iter, tol, st, &local, err, errlen)))
    return -1;
  size_t n = p->dim;
  double *Q = malloc(k * n * sizeof *Q), *hv = malloc(n * sizeof *hv);
  gsl_rng *rng = seeded_rng(seed);
  int rc = 0;
  if (!Q || !hv || !rng) {
    snprintf(err, errlen, "out of memory for dimension %zu", n);
    rc = -1;
    goto done;
  }
  st->converged = 1;
  for (size_t i = 0; i < k && rc == 0; i++) {
    double *v = Q + i * n, lambda = 0, prev = NAN;
    random_unit(n, rng, v);
    orthogonalise(n, Q, i, v);
    samlab_scale(n, 1.0 / samlab_norm(n, v), v);
    int conv = 0;
    for (long it = 0; it < max_iter; it++) {
      if (hvp(p, w, v, hv, st, err, errlen) != 0) {
        rc = -1;
        break;
      }
      st->iterations++;
      /* deflation: the pairs already found are projected out, so H acts on their complement */
      orthogonalise(n, Q, i, hv);
      lambda = samlab_dot(n, v, hv);
      double nh = samlab_norm(n, hv);
      if (nh == 0 || !isfinite(nh)) { /* v lies in the null space (or the HVP failed numerically) */
        conv = isfinite(nh);
        break;
      }
      samlab_copy(n, hv, v);
      samlab_scale(n, 1.0 / nh, v);
      if (it > 0 && fabs(lambda - prev) <= tol * fabs(prev)) {
        conv = 1;
        break;
      }
      prev = lambda;
    }
    /* the Rayleigh quotient of the final vector, which is what the residual measures */
    if (rc == 0 && hvp(p, w, v, hv, st, err, errlen) == 0)
      lambda = samlab_dot(n, v, hv);
    values[i] = lambda;
    st->converged &= conv;
  }
  if (rc == 0)
    rc = residual(p, w, k, values, Q, hv, st, err, errlen);
  if (rc == 0 && vectors)
    memcpy(vectors, Q, k * n * sizeof *Q);
done:
  free(Q);
  free(hv);
  if (rng)
    gsl_rng_free(rng);
  return rc;
}

/* One Lanczos run from the unit vector q0 with full reorthogonalisation: alpha[0..m), beta[0..m) (beta[j] couples
 * steps j and j+1), Q (m x n) the basis.  Stops after max_steps, on an invariant subspace (beta ~ 0), or when
 * stop(ctx, m, alpha, beta) returns nonzero.  Returns the number of steps taken, or -1. */
typedef int (*lanczos_stop)(void *ctx, size_t m, const double *alpha, const double *beta);
static long lanczos_run(const samlab_problem *p, const double *w, const double *q0, size_t max_steps, double *Q,
                        double *alpha, double *beta, lanczos_stop stop, void *ctx, samlab_eig_stats *st, char *err,
                        size_t errlen)
{
  size_t n = p->dim, m = 0;
  double scale = 1e-300; /* the largest |alpha|, beta so far: "beta ~ 0" is relative to it */
  double *r = malloc(n * sizeof *r);
  if (!r) {
    snprintf(err, errlen, "out of memory for dimension %zu", n);
    return -1;
  }
  samlab_copy(n, q0, Q);
  for (;;) {
    double *q = Q + m * n;
    if (hvp(p, w, q, r, st, err, errlen) != 0) {
      free(r);
      return -1;
    }
    alpha[m] = samlab_dot(n, q, r);
    orthogonalise(n, Q, m + 1, r); /* full reorthogonalisation against every basis vector */
    beta[m] = samlab_norm(n, r);
    scale = fmax(scale, fmax(fabs(alpha[m]), beta[m]));
    m++;
    if (st)
      st->iterations++;
    if (m >= max_steps || !(beta[m - 1] > 1e-10 * scale))
      break;
    if (stop && stop(ctx, m, alpha, beta))
      break;
    samlab_copy(n, r, Q + m * n);
    samlab_scale(n, 1.0 / beta[m - 1], Q + m * n);
  }
  free(r);
  return (long)m;
}

/* Eigenvalues (ascending) and eigenvectors (column-major m x m in Z, Z[i + j m] = component i of vector j) of the
 * tridiagonal matrix (alpha, beta); 0, or nonzero with a message in err (if not NULL). */
static int tridiag_eig(size_t m, const double *alpha, const double *beta, double *theta, double *Z, double *e,
                       char *err, size_t errlen)
{
  memcpy(theta, alpha, m * sizeof *theta);
  if (m > 1)
    memcpy(e, beta, (m - 1) * sizeof *e);
  int rc = LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', (lapack_int)m, theta, e, Z, (lapack_int)m);
  if (rc != 0 && err)
    snprintf(err, errlen, "LAPACKE_dstev failed on the %zu x %zu tridiagonal matrix", m, m);
  return rc;
}

typedef struct {
  size_t k, cap;
  double tol;
  double *theta, *Z, *e;
} ritz_check;

/* Converged when each of the k largest Ritz values has residual bound |beta_m z_{m,i}| <= tol |theta_i|. */
static int ritz_converged(void *ctx, size_t m, const double *alpha, const double *beta)
{
  ritz_check *c = ctx;
  if (m < c->k || tridiag_eig(m, alpha, beta, c->theta, c->Z, c->e, NULL, 0) != 0)
    return 0;
  for (size_t i = 0; i < c->k; i++) {
    size_t j = m - 1 - i;
    if (fabs(beta[m - 1] * c->Z[(m - 1) + j * m]) > c->tol * fabs(c->theta[j]))
      return 0;
  }
  return 1;
}

/* Room for m Lanczos vectors of dimension n (Q, the start q0) and the m x m tridiagonal eigenproblem (alpha,
 * beta, theta, e: m each; Z: m x m), with a seeded RNG. */
typedef struct {
  double *Q, *q0, *ab, *Z;
  double *alpha, *beta, *theta, *e; /* slices of ab */
  gsl_rng *rng;
} lanczos_work;

static int lanczos_work_alloc(lanczos_work *lw, size_t m, size_t n, unsigned long seed, char *err, size_t errlen)
{
  lw->Q = malloc(m * n * sizeof *lw->Q), lw->q0 = malloc(n * sizeof *lw->q0), lw->ab = malloc(4 * m * sizeof *lw->ab);
  lw->Z = malloc(m * m * sizeof *lw->Z);
  lw->rng = seeded_rng(seed);
  if (!lw->Q || !lw->q0 || !lw->ab || !lw->Z || !lw->rng) {
    snprintf(err, errlen, "out of memory for %zu Lanczos vectors of dimension %zu", m, n);
    return -1;
  }
  lw->alpha = lw->ab, lw->beta = lw->ab + m, lw->theta = lw->ab + 2 * m, lw->e = lw->ab + 3 * m;
  return 0;
}

static void lanczos_work_free(lanczos_work *lw)
{
  free(lw->Q);
  free(lw->q0);
  free(lw->ab);
  free(lw->Z);
  if (lw->rng)
    gsl_rng_free(lw->rng);
}

int samlab_hessian_lanczos(const samlab_problem *p, const double *w, size_t k, long max_iter, double tol,
                           unsigned long seed, double *values, double *vectors, samlab_eig_stats *st, char *err,
                           size_t errlen)
{
  samlab_eig_stats local;
  if (!(st = eig_begin(p, k, max_iter, tol, st, &local, err, errlen)))
    return -1;
  size_t n = p->dim, cap = (size_t)max_iter < n ? (size_t)max_iter : n;
  if (cap < k)
    cap = k;
  lanczos_work lw;
  double *V = malloc(k * n * sizeof *V);
  int rc = -1;
  if (lanczos_work_alloc(&lw, cap, n, seed, err, errlen) != 0)
    goto done;
  if (!V) {
    snprintf(err, errlen, "out of memory for %zu Lanczos vectors of dimension %zu", cap, n);
    goto done;
  }
  double *Q = lw.Q, *q0 = lw.q0, *Z = lw.Z, *alpha = lw.alpha, *beta = lw.beta, *theta = lw.theta, *e = lw.e;
  random_unit(n, lw.rng, q0);
  ritz_check chk = {k, cap, tol, theta, Z, e};
  long m = lanczos_run(p, w, q0, cap, Q, alpha, beta, ritz_converged, &chk, st, err, errlen);
  if (m < 0)
    goto done;
  if ((size_t)m < k) {
    snprintf(err, errlen, "the Krylov space from the start vector has dimension %ld < k = %zu", m, k);
    goto done;
  }
  if (tridiag_eig((size_t)m, alpha, beta, theta, Z, e, err, errlen) != 0)
    goto done;
  st->converged = 1;
  for (size_t i = 0; i < k; i++) {
    size_t j = (size_t)m - 1 - i;
    values[i] = theta[j];
    double bound = fabs(beta[m - 1] * Z[(m - 1) + j * (size_t)m]);
    if (bound > tol * fabs(theta[j]))
      st->converged = 0;
    /* Ritz vector = Q^T z */
    double *v = V + i * n;
    memset(v, 0, n * sizeof *v);
    for (size_t r = 0; r < (size_t)m; r++)
      samlab_axpy(n, Z[r + j * (size_t)m], Q + r * n, v);
  }
  if (residual(p, w, k, values, V, q0, st, err, errlen) != 0)
    goto done;
  if (vectors)
    memcpy(vectors, V, k * n * sizeof *V);
  rc = 0;
done:
  lanczos_work_free(&lw);
  free(V);
  return rc;
}

int samlab_hessian_slq(const samlab_problem *p, const double *w, long nvec, long steps, unsigned long seed,
                       double *nodes, double *weights, samlab_eig_stats *st, char *err, size_t errlen)
{
  samlab_eig_stats local;
  st = stats_reset(st, &local);
  size_t n = p->dim;
  if (nvec < 1 || steps < 1) {
    snprintf(err, errlen, "SLQ needs at least one start vector and one step (got %ld and %ld)", nvec, steps);
    return -1;
  }
  size_t m = (size_t)steps < n ? (size_t)steps : n;
  lanczos_work lw;
  int rc = -1;
  if (lanczos_work_alloc(&lw, m, n, seed, err, errlen) != 0)
    goto done;
  double *Q = lw.Q, *q0 = lw.q0, *Z = lw.Z, *alpha = lw.alpha, *beta = lw.beta, *theta = lw.theta, *e = lw.e;
  gsl_rng *rng = lw.rng;
  st->converged = 1;
  for (long l = 0; l < nvec; l++) {
    rademacher(n, rng, q0); /* normalised */
    samlab_scale(n, 1.0 / sqrt((double)n), q0);
    long got = lanczos_run(p, w, q0, m, Q, alpha, beta, NULL, NULL, st, err, errlen);
    if (got < 0)
      goto done;
    if (tridiag_eig((size_t)got, alpha, beta, theta, Z, e, err, errlen) != 0)
      goto done;
    /* Gauss quadrature: nodes theta_i, weights (first component of the i-th eigenvector)^2 */
    for (size_t i = 0; i < m; i++) {
      nodes[(size_t)l * m + i] = i < (size_t)got ? theta[i] : NAN;
      weights[(size_t)l * m + i] = i < (size_t)got ? Z[i * (size_t)got] * Z[i * (size_t)got] : 0.0;
    }
  }
  rc = 0;
done:
  lanczos_work_free(&lw);
  return rc;
}

void samlab_slq_density(size_t nvec, size_t m, const double *nodes, const double *weights, double sigma,
                        size_t ngrid, const double *grid, double *density)
{
  double c = 1.0 / (sqrt(2 * M_PI) * sigma * (double)nvec);
  for (size_t g = 0; g < ngrid; g++) {
    double s = 0;
    for (size_t i = 0; i < nvec * m; i++)
      if (weights[i] > 0 && isfinite(nodes[i])) {
        double z = (grid[g] - nodes[i]) / sigma;
        s += weights[i] * exp(-0.5 * z * z);
      }
    density[g] = c * s;
  }
}

int samlab_hessian_trace(const samlab_problem *p, const double *w, long nprobes, unsigned long seed, double *trace,
                         double *stderr_, double *samples, char *err, size_t errlen)
{
  size_t n = p->dim;
  if (nprobes < 2) {
    snprintf(err, errlen, "Hutchinson's estimate needs at least 2 probes for its error (got %ld)", nprobes);
    return -1;
  }
  double *z = malloc(n * sizeof *z), *hz = malloc(n * sizeof *hz);
  gsl_rng *rng = seeded_rng(seed);
  int rc = -1;
  if (!z || !hz || !rng) {
    snprintf(err, errlen, "out of memory for dimension %zu", n);
    goto done;
  }
  double mean = 0, m2 = 0; /* Welford */
  for (long j = 0; j < nprobes; j++) {
    rademacher(n, rng, z);
    if (hvp(p, w, z, hz, NULL, err, errlen) != 0)
      goto done;
    double s = samlab_dot(n, z, hz), d = s - mean;
    if (samples)
      samples[j] = s;
    mean += d / (double)(j + 1);
    m2 += d * (s - mean);
  }
  *trace = mean;
  *stderr_ = sqrt(m2 / (double)(nprobes - 1) / (double)nprobes);
  rc = 0;
done:
  free(z);
  free(hz);
  if (rng)
    gsl_rng_free(rng);
  return rc;
}

int samlab_hessian_dense(const samlab_problem *p, const double *w, double *H, char *err, size_t errlen)
{
  size_t n = p->dim;
  double *e = calloc(n, sizeof *e), *col = malloc(n * sizeof *col);
  if (!e || !col) {
    free(e);
    free(col);
    snprintf(err, errlen, "out of memory for dimension %zu", n);
    return -1;
  }
  for (size_t j = 0; j < n; j++) {
    e[j] = 1.0;
    if (hvp(p, w, e, col, NULL, err, errlen) != 0) {
      free(e);
      free(col);
      return -1;
    }
    e[j] = 0.0;
    for (size_t i = 0; i < n; i++)
      H[i * n + j] = col[i];
  }
  /* exact in exact arithmetic; symmetrising removes rounding asymmetry of the HVPs */
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
  free(e);
  free(col);
  return 0;
}

int samlab_sym_eigenvalues(size_t n, double *A, double *values)
{
  lapack_int found;
  lapack_int *isuppz = malloc(2 * n * sizeof *isuppz);
  double *asc = malloc(n * sizeof *asc);
  if (!isuppz || !asc) {
    free(isuppz);
    free(asc);
    return -1;
  }
  int rc = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'N', 'A', 'U', (lapack_int)n, A, (lapack_int)n, 0, 0, 0, 0, 0.0, &found,
                          asc, NULL, 1, isuppz);
  for (size_t i = 0; rc == 0 && i < n; i++)
    values[i] = asc[n - 1 - i];
  free(isuppz);
  free(asc);
  return rc == 0 && (size_t)found == n ? 0 : -1;
}

int samlab_hessian_trace_hutchpp(const samlab_problem *p, const double *w, long matvecs, unsigned long seed,
                                 double *trace, double *stderr_, char *err, size_t errlen)
{
  size_t n = p->dim;
  if (matvecs < 6) {
    snprintf(err, errlen, "Hutch++ needs at least 6 products (a third each for the sketch, the low-rank part and the "
             "residual's at least 2 probes; got %ld)", matvecs);
    return -1;
  }
  size_t k = (size_t)matvecs / 3, q = 0;
  double *Q = malloc(k * n * sizeof *Q), *z = malloc(n * sizeof *z), *az = malloc(n * sizeof *az);
  gsl_rng *rng = seeded_rng(seed);
  int rc = -1;
  if (!Q || !z || !az || !rng) {
    snprintf(err, errlen, "out of memory for %zu vectors of dimension %zu", k, n);
    goto done;
  }
  /* Q: an orthonormal basis of A S, column by column (Gram-Schmidt twice; columns that vanish are dropped) */
  for (size_t j = 0; j < k; j++) {
    rademacher(n, rng, z);
    if (hvp(p, w, z, Q + q * n, NULL, err, errlen) != 0)
      goto done;
    double before = samlab_norm(n, Q + q * n);
    orthogonalise(n, Q, q, Q + q * n);
    double after = samlab_norm(n, Q + q * n);
    if (after > 1e-12 * before && after > 0) {
      samlab_scale(n, 1.0 / after, Q + q * n);
      q++;
    }
  }
  double low_rank = 0;
  for (size_t j = 0; j < q; j++) {
    if (hvp(p, w, Q + j * n, az, NULL, err, errlen) != 0)
      goto done;
    low_rank += samlab_dot(n, Q + j * n, az);
  }
  /* the residual: Hutchinson on (I - QQ^T) A (I - QQ^T) with k Rademacher probes */
  double mean = 0, m2 = 0;
  for (size_t j = 0; j < k; j++) {
    rademacher(n, rng, z);
    orthogonalise(n, Q, q, z);
    if (hvp(p, w, z, az, NULL, err, errlen) != 0)
      goto done;
    double s = samlab_dot(n, z, az), d = s - mean;
    mean += d / (double)(j + 1);
    m2 += d * (s - mean);
  }
  *trace = low_rank + mean;
  *stderr_ = sqrt(m2 / (double)(k - 1) / (double)k);
  rc = 0;
done:
  free(Q);
  free(z);
  free(az);
  if (rng)
    gsl_rng_free(rng);
  return rc;
}
