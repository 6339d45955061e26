/* Analyses: Hessian eigenvalues against LAPACK and planted spectra, Hutchinson's trace within its error,
 * normality tests on samples of known law, AE-SAM's Gaussian model, twin sets and distances, F-SAM's
 * decomposition, filter-normalised directions, and bad input (library and command line). */
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testutil.h"
#include "../lib/net_impl.h" /* white-box: the logits of a pass (test_ggn_dense) */

/* ---------------------------------------------------------------- a dense symmetric matrix as a problem */
typedef struct {
  size_t n;
  double *A;
} dense;

static double dense_vg(void *ctx, const double *w, double *g)
{
  dense *d = ctx;
  double f = 0;
  for (size_t i = 0; i < d->n; i++) {
    double r = samlab_dot(d->n, d->A + i * d->n, w);
    f += 0.5 * w[i] * r;
    if (g)
      g[i] = r;
  }
  return f;
}

static void dense_hvp(void *ctx, const double *w, const double *v, double *hv)
{
  dense *d = ctx;
  for (size_t i = 0; i < d->n; i++) /* plain loop: independent of the library's BLAS use */
    hv[i] = samlab_dot(d->n, d->A + i * d->n, v);
}

static void dense_free(void *ctx)
{
  dense *d = ctx;
  free(d->A);
  free(d);
}

static samlab_problem *dense_problem(size_t n, double *A)
{
  dense *d = malloc(sizeof *d);
  d->n = n;
  d->A = A;
  samlab_problem *p = calloc(1, sizeof *p);
  p->name = "dense";
  p->dim = n;
  p->ctx = d;
  p->value_grad = dense_vg;
  p->hvp = dense_hvp;
  p->free = dense_free;
  return p;
}

/* A GOE-like random symmetric matrix, entries N(0, 1/n). */
static double *random_symmetric(size_t n, unsigned long seed)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  double *A = malloc(n * n * sizeof *A);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i; j < n; j++)
      A[i * n + j] = A[j * n + i] = gsl_ran_gaussian(r, 1.0 / sqrt((double)n));
  gsl_rng_free(r);
  return A;
}

/* A = Q diag(lambda) Q^T with Q = I - 2 u u^T/(u^T u) (orthogonal and symmetric): the spectrum is lambda exactly. */
static double *planted(size_t n, const double *lambda, unsigned long seed)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  double *u = malloc(n * sizeof *u), *Q = malloc(n * n * sizeof *Q), *A = calloc(n * n, sizeof *A);
  for (size_t i = 0; i < n; i++)
    u[i] = gsl_ran_gaussian(r, 1.0);
  double uu = samlab_dot(n, u, u);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      Q[i * n + j] = (i == j) - 2 * u[i] * u[j] / uu;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) {
      double s = 0;
      for (size_t k = 0; k < n; k++)
        s += Q[i * n + k] * lambda[k] * Q[j * n + k];
      A[i * n + j] = s;
    }
  gsl_rng_free(r);
  free(u);
  free(Q);
  return A;
}

/* The reference: all eigenvalues of the dense Hessian (built from HVPs) by LAPACKE dsyevr, descending. */
static double *reference_eigenvalues(const samlab_problem *p, const double *w)
{
  size_t n = p->dim;
  char err[256];
  double *H = malloc(n * n * sizeof *H), *ev = malloc(n * sizeof *ev);
  ck_assert_int_eq(samlab_hessian_dense(p, w, H, err, sizeof err), 0);
  ck_assert_int_eq(samlab_sym_eigenvalues(n, H, ev), 0);
  free(H);
  return ev;
}

START_TEST(test_lanczos_vs_lapack_random)
{
  size_t n = 300, k = 5;
  samlab_problem *p = dense_problem(n, random_symmetric(n, 7));
  double *w = calloc(n, sizeof *w), vals[5], *vecs = malloc(k * n * sizeof *vecs);
  double *ref = reference_eigenvalues(p, w);
  char err[256];
  samlab_eig_stats st;
  ck_assert_int_eq(samlab_hessian_lanczos(p, w, k, (long)n, 1e-10, 3, vals, vecs, &st, err, sizeof err), 0);
  for (size_t i = 0; i < k; i++)
    ck_assert_msg(fabs(vals[i] - ref[i]) <= 1e-6 * fabs(ref[i]), "lambda_%zu = %.12g, dsyevr %.12g", i, vals[i],
                  ref[i]);
  ck_assert(st.converged);
  ck_assert(st.residual < 1e-6);
  ck_assert(st.hvps > 0 && st.iterations <= (long)n);
  /* Ritz vectors are unit and orthogonal */
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j <= i; j++)
      ck_assert_close(samlab_dot(n, vecs + i * n, vecs + j * n), i == j ? 1.0 : 0.0, 1e-8);
  free(ref);
  free(vecs);
  free(w);
  samlab_problem_free(p);
}
END_TEST

/* The quadratic toy read from a file holding a random symmetric 250 x 250 A: its top eigenvalues by Lanczos and
 * by power iteration (after shifting the spectrum positive) against dsyevr. */
START_TEST(test_quadratic_toy_vs_lapack)
{
  size_t n = 250;
  double *A = random_symmetric(n, 21);
  for (size_t i = 0; i < 3; i++) /* three well-separated outliers so that power iteration converges fast */
    A[i * n + i] += 6.0 - (double)i;
  const char *path = "test_analyses_quadratic.txt";
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "%zu\n", n);
  for (size_t i = 0; i < n * n; i++)
    fprintf(f, "%.17g%c", A[i], (i + 1) % n ? ' ' : '\n');
  fclose(f);
  char err[512], opts[128];
  snprintf(opts, sizeof opts, "file=%s", path);
  samlab_problem *p = samlab_toy_create("quadratic", opts, err, sizeof err);
  ck_assert_msg(p != NULL, "%s", err);
  unlink(path);
  double *w = calloc(n, sizeof *w), lv[3], pv[3], *ref = reference_eigenvalues(p, w);
  for (size_t i = 0; i < n * n; i++) /* the toy's dense Hessian is A: its eigenvalues from LAPACK directly */
    ck_assert(isfinite(A[i]));
  double *ev = malloc(n * sizeof *ev);
  ck_assert_int_eq(samlab_sym_eigenvalues(n, A, ev), 0);
  for (size_t i = 0; i < n; i++)
    ck_assert_close(ref[i], ev[i], 1e-12);
  samlab_eig_stats st;
  ck_assert_int_eq(samlab_hessian_lanczos(p, w, 3, (long)n, 1e-10, 4, lv, NULL, &st, err, sizeof err), 0);
  ck_assert_int_eq(samlab_hessian_power(p, w, 3, 5000, 1e-13, 4, pv, NULL, &st, err, sizeof err), 0);
  for (size_t i = 0; i < 3; i++) {
    ck_assert_msg(fabs(lv[i] - ref[i]) <= 1e-6 * fabs(ref[i]), "lanczos %.12g vs dsyevr %.12g", lv[i], ref[i]);
    ck_assert_msg(fabs(pv[i] - ref[i]) <= 1e-6 * fabs(ref[i]), "power %.12g vs dsyevr %.12g", pv[i], ref[i]);
  }
  free(A);
  free(ev);
  free(ref);
  free(w);
  samlab_problem_free(p);
}
END_TEST

START_TEST(test_power_vs_planted)
{
  size_t n = 200;
  double *lambda = malloc(n * sizeof *lambda);
  lambda[0] = 10;
  lambda[1] = 8;
  lambda[2] = 6;
  for (size_t i = 3; i < n; i++)
    lambda[i] = -2.0 + 5.0 * (double)(i - 3) / (double)(n - 4); /* the bulk in [-2, 3] */
  samlab_problem *p = dense_problem(n, planted(n, lambda, 11));
  double *w = calloc(n, sizeof *w), vals[3], *ref = reference_eigenvalues(p, w);
  char err[256];
  samlab_eig_stats st;
  ck_assert_int_eq(samlab_hessian_power(p, w, 3, 2000, 1e-13, 5, vals, NULL, &st, err, sizeof err), 0);
  for (size_t i = 0; i < 3; i++) {
    ck_assert_msg(fabs(vals[i] - lambda[i]) <= 1e-6 * lambda[i], "power lambda_%zu = %.12g, planted %g", i, vals[i],
                  lambda[i]);
    ck_assert_msg(fabs(ref[i] - lambda[i]) <= 1e-9 * lambda[i], "dsyevr lambda_%zu = %.12g", i, ref[i]);
  }
  ck_assert(st.converged);
  /* Lanczos agrees, and the smallest planted eigenvalue is -2: -H's top is 2 */
  double lv[3];
  ck_assert_int_eq(samlab_hessian_lanczos(p, w, 3, 200, 1e-12, 5, lv, NULL, &st, err, sizeof err), 0);
  for (size_t i = 0; i < 3; i++)
    ck_assert_close(lv[i], lambda[i], 1e-9);
  free(lambda);
  free(ref);
  free(w);
  samlab_problem_free(p);
}
END_TEST

/* A tiny in-memory data set: n images of 8 x 8 random pixels, random labels of 10 classes. */
static samlab_dataset *tiny_data(size_t n, unsigned long seed)
{
  return test_tiny_data(n, 8, seed);
}

START_TEST(test_lanczos_vs_lapack_network)
{
  samlab_dataset *d = tiny_data(64, 3);
  char err[256];
  samlab_problem *net = samlab_net_create("fcn", "24", d, err, sizeof err);
  ck_assert_msg(net != NULL, "%s", err);
  ck_assert_int_eq(net->dim, 64 * 24 + 24 + 24 * 10 + 10); /* 1810 weights */
  samlab_net_set_precision(net, 64);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 1);
  double *w = malloc(net->dim * sizeof *w);
  samlab_net_init(net, r, w);
  gsl_rng_free(r);
  double *ref = reference_eigenvalues(net, w), vals[3];
  samlab_eig_stats st;
  ck_assert_int_eq(samlab_hessian_lanczos(net, w, 3, 600, 1e-10, 2, vals, NULL, &st, err, sizeof err), 0);
  for (size_t i = 0; i < 3; i++)
    ck_assert_msg(fabs(vals[i] - ref[i]) <= 1e-6 * fabs(ref[i]), "net lambda_%zu = %.12g, dsyevr %.12g", i, vals[i],
                  ref[i]);
  free(ref);
  free(w);
  samlab_problem_free(net);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(test_hutchinson_trace)
{
  size_t n = 100;
  double *A = random_symmetric(n, 5);
  for (size_t i = 0; i < n; i++)
    A[i * n + i] += 1.0 + (double)i / 10.0;
  double tr = 0, var = 0; /* Var(z^T A z) = 2 sum_{i != j} A_ij^2 for Rademacher z */
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      if (i == j)
        tr += A[i * n + i];
      else
        var += 2 * A[i * n + j] * A[i * n + j];
  samlab_problem *p = dense_problem(n, A);
  double *w = calloc(n, sizeof *w), est, se;
  char err[256];
  long m = 400;
  ck_assert_int_eq(samlab_hessian_trace(p, w, m, 9, &est, &se, NULL, err, sizeof err), 0);
  double want_se = sqrt(var / (double)m);
  ck_assert_msg(fabs(est - tr) <= 4 * want_se, "trace %.6g, exact %.6g, s.e. %.3g", est, tr, want_se);
  ck_assert_msg(fabs(se - want_se) <= 0.25 * want_se, "stderr %.4g, expected about %.4g", se, want_se);
  /* a diagonal matrix has zero variance: the estimate is exact */
  double *D = calloc(n * n, sizeof *D);
  for (size_t i = 0; i < n; i++)
    D[i * n + i] = (double)i;
  samlab_problem *q = dense_problem(n, D);
  ck_assert_int_eq(samlab_hessian_trace(q, w, 3, 9, &est, &se, NULL, err, sizeof err), 0);
  ck_assert_close(est, 4950.0, 1e-12);
  ck_assert_close(se, 0.0, 1e-9);
  samlab_problem_free(p);
  samlab_problem_free(q);
  free(w);
}
END_TEST

START_TEST(test_slq_density)
{
  /* diag(1, 2, 3, 4): SLQ with full Krylov space puts weights averaging to 1/4 at each eigenvalue */
  size_t n = 4;
  double *A = calloc(16, sizeof *A);
  for (size_t i = 0; i < n; i++)
    A[i * n + i] = (double)(i + 1);
  samlab_problem *p = dense_problem(n, A);
  double w[4] = {0}, nodes[4 * 8], weights[4 * 8];
  char err[256];
  ck_assert_int_eq(samlab_hessian_slq(p, w, 8, 10, 1, nodes, weights, NULL, err, sizeof err), 0);
  double mass[4] = {0};
  for (size_t i = 0; i < 8 * 4; i++)
    if (weights[i] > 0)
      mass[(int)lround(nodes[i]) - 1] += weights[i] / 8.0;
  for (size_t i = 0; i < n; i++)
    ck_assert_close(mass[i], 0.25, 1e-9); /* Rademacher starts give each coordinate weight exactly 1/n */
  samlab_problem_free(p);
}
END_TEST

START_TEST(test_bad_eigen_input)
{
  size_t n = 10;
  samlab_problem *p = dense_problem(n, random_symmetric(n, 1));
  double w[10] = {0}, v[11];
  char err[256] = "";
  ck_assert_int_eq(samlab_hessian_lanczos(p, w, 11, 50, 1e-6, 1, v, NULL, NULL, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "dimension 10"));
  ck_assert_int_eq(samlab_hessian_power(p, w, 2, 50, 0.0, 1, v, NULL, NULL, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "tolerance"));
  ck_assert_int_eq(samlab_hessian_power(p, w, 2, 50, -1.0, 1, v, NULL, NULL, err, sizeof err), -1);
  double t, se;
  ck_assert_int_eq(samlab_hessian_trace(p, w, 1, 1, &t, &se, NULL, err, sizeof err), -1);
  samlab_problem_free(p);
}
END_TEST

/* ---------------------------------------------------------------- gradient-norm statistics */
/* A^2 written out directly from its definition, with the mean and s.d. (n - 1) of x. */
static double reference_ad(size_t n, const double *x)
{
  double *s = malloc(n * sizeof *s), m = 0, v = 0;
  memcpy(s, x, n * sizeof *s);
  for (size_t i = 0; i < n; i++) /* insertion sort */
    for (size_t j = i; j > 0 && s[j] < s[j - 1]; j--) {
      double t = s[j];
      s[j] = s[j - 1];
      s[j - 1] = t;
    }
  for (size_t i = 0; i < n; i++)
    m += s[i] / (double)n;
  for (size_t i = 0; i < n; i++)
    v += (s[i] - m) * (s[i] - m) / (double)(n - 1);
  double sd = sqrt(v), a = 0;
  for (size_t i = 1; i <= n; i++) {
    double Fi = 0.5 * erfc(-(s[i - 1] - m) / sd / sqrt(2)), Fj = 0.5 * erfc(-(s[n - i] - m) / sd / sqrt(2));
    a += (2.0 * (double)i - 1) * (log(Fi) + log(1 - Fj));
  }
  free(s);
  return -(double)n - a / (double)n;
}

START_TEST(test_normality_known_laws)
{
  size_t n = 400;
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 1);
  for (size_t i = 0; i < n; i++)
    x[i] = 5 + 2 * gsl_ran_gaussian(r, 1.0);
  for (size_t i = 0; i < n; i++)
    y[i] = gsl_ran_exponential(r, 1.0);
  gsl_rng_free(r);
  samlab_normality a, b;
  ck_assert_int_eq(samlab_normality_test(n, x, &a), 0);
  ck_assert_int_eq(samlab_normality_test(n, y, &b), 0);
  ck_assert_close(a.ad, reference_ad(n, x), 1e-9);
  ck_assert_close(b.ad, reference_ad(n, y), 1e-9);
  ck_assert_msg(a.ad_p > 0.05 && a.jb_p > 0.05, "normal rejected: AD p %.3g, JB p %.3g", a.ad_p, a.jb_p);
  ck_assert_msg(b.ad_p < 1e-3 && b.jb_p < 1e-3, "exponential accepted: AD p %.3g, JB p %.3g", b.ad_p, b.jb_p);
  ck_assert(a.qq_r > 0.99 && b.qq_r < a.qq_r);
  ck_assert(fabs(a.mean - 5) < 0.3 && fabs(a.sd - 2) < 0.2);
  ck_assert(fabs(b.skewness - 2) < 0.6); /* the exponential's skewness is 2 */
  /* the AD p-value formula at its branch points (D'Agostino & Stephens): A*^2 = 0.752 is the 5% point */
  double t[SAMLAB_NORMALITY_MIN + 2] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  ck_assert_int_eq(samlab_normality_test(SAMLAB_NORMALITY_MIN - 1, t, &a), -1);
  free(x);
  free(y);
}
END_TEST

START_TEST(test_qq_and_histogram)
{
  double x[5] = {3, 1, 2, 5, 4}, th[5], so[5];
  samlab_qq_points(5, x, th, so);
  for (int i = 0; i < 5; i++)
    ck_assert_close(so[i], i + 1.0, 0);
  ck_assert_close(th[2], 0.0, 1e-12);                /* Phi^-1(0.5) */
  ck_assert_close(th[4], 1.2815515655446004, 1e-9); /* Phi^-1(0.9) */
  ck_assert_close(th[0], -th[4], 1e-12);
  double e[3], c[2], f[2];
  samlab_histogram_gauss(5, x, 2, 3.0, 1.0, e, c, f);
  ck_assert_close(e[0], 1, 0);
  ck_assert_close(e[1], 3, 0);
  ck_assert_close(e[2], 5, 0);
  ck_assert_close(c[0], 2, 0); /* 1, 2 | 3, 4, 5 (3 is the edge: upper bin) */
  ck_assert_close(c[1], 3, 0);
  ck_assert_close(f[0], 5 * (0.5 - 0.022750131948179195), 1e-9); /* 5 (Phi(0) - Phi(-2)) */
}
END_TEST

START_TEST(test_aesam_model)
{
  /* the notes' table of (1/(l2-l1)) int (1 - Phi) */
  ck_assert_close(samlab_aesam_predicted_fraction(-1, 1), 0.5, 1e-12);
  ck_assert_close(samlab_aesam_predicted_fraction(0, 2), 0.1952, 1e-4);
  ck_assert_close(samlab_aesam_predicted_fraction(-2, 0), 0.8048, 1e-4);
  ck_assert_close(samlab_aesam_predicted_fraction(1, 2), 0.0748, 1e-4);
  ck_assert_close(samlab_aesam_predicted_fraction(1, 1), 0.15865525393145707, 1e-12);
  /* the exact EMA rule on an i.i.d. N(1, 0.2^2) stream (the notes' simulation: 49.9-50.1 % and 19.6-19.8 %) */
  size_t n = 100000;
  double *s = malloc(n * sizeof *s);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 4);
  for (size_t i = 0; i < n; i++)
    s[i] = 1 + gsl_ran_gaussian(r, 0.2);
  gsl_rng_free(r);
  double f1 = samlab_aesam_replay(n, s, 0.9, -1, 1, (long)n, NULL, NULL, NULL, NULL);
  double f2 = samlab_aesam_replay(n, s, 0.9, 0, 2, (long)n, NULL, NULL, NULL, NULL);
  ck_assert_msg(fabs(f1 - 0.50) < 0.01, "(-1,1): %.4f", f1);
  ck_assert_msg(fabs(f2 - 0.197) < 0.01, "(0,2): %.4f", f2);
  /* first step by hand: mu0 = 0.1 s0, var0 = 0.9 e^-10 + 0.1 (0.9 s0)^2; threshold with c = lambda2 */
  double one = 2.0, mu, sd, th;
  uint8_t used;
  samlab_aesam_replay(1, &one, 0.9, -1, 1, 10, &mu, &sd, &th, &used);
  ck_assert_close(mu, 0.2, 1e-15);
  ck_assert_close(sd, sqrt(0.9 * exp(-10) + 0.1 * 1.8 * 1.8), 1e-15);
  ck_assert_close(th, 0.2 + sd, 1e-15);
  ck_assert_int_eq(used, 1);
  free(s);
}
END_TEST

/* ---------------------------------------------------------------- twins, decomposition, directions */
START_TEST(test_twin_sets_and_distance)
{
  samlab_dataset *d = tiny_data(50, 8), *s, *s2;
  size_t e, j;
  char err[256];
  ck_assert_int_eq(samlab_twin_sets(d, 3, &s, &s2, &e, &j, err, sizeof err), 0);
  ck_assert_int_eq(s->n, 49);
  ck_assert_int_eq(s2->n, 49);
  size_t differ = 0;
  for (size_t i = 0; i < 49; i++)
    if (memcmp(s->x + i * 64, s2->x + i * 64, 64 * sizeof(float)) != 0)
      differ++;
  ck_assert_int_eq(differ, 1);
  ck_assert(memcmp(s2->x + j * 64, d->x + e * 64, 64 * sizeof(float)) == 0);
  ck_assert_int_eq(s2->y[j], d->y[e]);
  double w[3] = {3, 0, 4}, v[3] = {0, 0, 0};
  ck_assert_close(samlab_twin_distance(3, w, w), 0.0, 0);
  ck_assert_close(samlab_twin_distance(3, w, v), 1.0, 1e-15); /* 5 / (5 + 0) */
  double u[3] = {-3, 0, -4};
  ck_assert_close(samlab_twin_distance(3, w, u), 1.0, 1e-15);                 /* 10 / (5 + 5) */
  ck_assert_close(samlab_twin_distance_hardt(3, w, u), sqrt(100.0 / 50), 1e-15); /* sqrt(100 / (25 + 25)) */
  samlab_dataset_free(s);
  samlab_dataset_free(s2);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(test_identical_twins_stay_identical)
{
  /* two trainers on the same set from the same seed end at the same weights: distance exactly 0 */
  samlab_dataset *d = tiny_data(40, 2);
  char err[256];
  samlab_problem *n1 = samlab_net_create("fcn", "8", d, err, sizeof err), *n2 = samlab_net_create("fcn", "8", d, err, sizeof err);
  samlab_train_config cfg = {.rule = samlab_rule_find("sam"), .base = samlab_base_find("sgd"), .batch = 8,
                             .epochs = 2, .schedule = SAMLAB_SCHEDULE_CONSTANT, .seed = 5};
  samlab_hparams_unset(&cfg.hp);
  samlab_trainer *t1 = samlab_trainer_alloc(n1, d, NULL, &cfg, err, sizeof err);
  samlab_trainer *t2 = samlab_trainer_alloc(n2, d, NULL, &cfg, err, sizeof err);
  ck_assert_msg(t1 && t2, "%s", err);
  for (int e = 0; e < 2; e++) {
    ck_assert_int_eq(samlab_trainer_epoch(t1, NULL, NULL, NULL), 0);
    ck_assert_int_eq(samlab_trainer_epoch(t2, NULL, NULL, NULL), 0);
    ck_assert_close(
        samlab_twin_distance(samlab_trainer_dim(t1), samlab_trainer_weights(t1), samlab_trainer_weights(t2)), 0.0, 0);
  }
  samlab_trainer_free(t1);
  samlab_trainer_free(t2);
  samlab_problem_free(n1);
  samlab_problem_free(n2);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(test_decomposition)
{
  double gb[2] = {3, 1}, g[2] = {2, 0}, d[2];
  samlab_decompose_direction(2, gb, g, SAMLAB_DECOMP_FULL, 0, d); /* (gb.g/|g|^2) g = (6/4)(2, 0) */
  ck_assert_close(d[0], 3, 1e-12);
  ck_assert_close(d[1], 0, 1e-12);
  samlab_decompose_direction(2, gb, g, SAMLAB_DECOMP_NOISE, 0, d);
  ck_assert_close(d[0], 0, 1e-12);
  ck_assert_close(d[1], 1, 1e-12);
  samlab_decompose_direction(2, gb, g, SAMLAB_DECOMP_FULL, 1, d); /* cos = 3/sqrt(10), times g */
  ck_assert_close(d[0], 6 / sqrt(10), 1e-12);
  samlab_decompose_direction(2, gb, g, SAMLAB_DECOMP_NOISE, 1, d);
  ck_assert_close(d[0], 3 - 6 / sqrt(10), 1e-12);
  ck_assert_close(d[1], 1, 1e-12);
  samlab_decompose_direction(2, gb, g, SAMLAB_DECOMP_BATCH, 0, d);
  ck_assert_close(d[0], 3, 0);
  ck_assert_str_eq(samlab_decompose_rule(SAMLAB_DECOMP_NOISE, 0)->name, "sam-noise");
  ck_assert_str_eq(samlab_decompose_rule(SAMLAB_DECOMP_FULL, 1)->name, "sam-full-literal");
}
END_TEST

START_TEST(test_filter_normalised_direction)
{
  samlab_dataset *data = tiny_data(10, 1);
  char err[256];
  samlab_problem *net = samlab_net_create("fcn", "5", data, err, sizeof err);
  size_t n = net->dim;
  double *w = malloc(n * sizeof *w), *d = malloc(n * sizeof *d);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 1);
  samlab_net_init(net, r, w);
  samlab_direction_random(net, w, r, 1, d);
  /* layer 1: W is 5 x 64 at offset 0, b at 320; layer 2: W 10 x 5 at 325, b at 375 */
  for (size_t f = 0; f < 5; f++)
    ck_assert_close(samlab_norm(64, d + f * 64), samlab_norm(64, w + f * 64), 1e-12);
  for (size_t f = 0; f < 10; f++)
    ck_assert_close(samlab_norm(5, d + 325 + f * 5), samlab_norm(5, w + 325 + f * 5), 1e-12);
  for (size_t i = 320; i < 325; i++)
    ck_assert_close(d[i], 0, 0);
  ck_assert_int_eq(n, 385);
  samlab_direction_random(net, w, r, 0, d);
  ck_assert_close(samlab_norm(n, d), 1.0, 1e-12);
  gsl_rng_free(r);
  free(w);
  free(d);
  samlab_problem_free(net);
  samlab_dataset_free(data);
}
END_TEST

/* ---------------------------------------------------------------- the commands: bad input exits 2, no file */
static int run(const char *cmd)
{
  char buf[1024];
  snprintf(buf, sizeof buf, "./samlab %s >/dev/null 2>&1", cmd);
  int rc = system(buf);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

START_TEST(test_commands_bad_input)
{
  if (!exists("./samlab"))
    return; /* the suite runs from the build directory under make check */
  const char *out = "test_analyses_bad.h5";
  unlink(out);
  ck_assert_int_eq(run("hessian --function quartic --k 3 --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("hessian --function quartic --tol 0 --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("hessian --function quartic --tol -1 --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("hessian --function nosuch --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("hessian --function quartic --at 1 --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("gradnorm --function quartic --out test_analyses_bad.h5"), 2); /* no mini-batches */
  ck_assert_int_eq(run("gradnorm --function asym-valley --toy-options noise=0.5,0.5 --batches 3 "
                       "--out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("slice --function quartic --range 1,-1 --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("stability --rules sgd,nosuch --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("stability --epochs 0 --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("stability --train-size 2 --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("decompose --variants sam,half --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("decompose --proj sideways --out test_analyses_bad.h5"), 2);
  ck_assert_int_eq(run("decompose --train-size 100 --batch 200 --out test_analyses_bad.h5"), 2);
  ck_assert(!exists(out));
  ck_assert_int_eq(run("hessian --function quartic --k 2 --out test_analyses_bad.h5"), 0);
  ck_assert(exists(out));
  unlink(out);
}
END_TEST

/* A train-like file holding weights of `dim` numbers for `model`. */
static void fake_checkpoint(const char *path, const char *model, size_t dim)
{
  char err[256];
  samlab_out *o = samlab_out_create(path, err, sizeof err);
  ck_assert_msg(o != NULL, "%s", err);
  double *w = calloc(dim, sizeof *w);
  int64_t ep = 1;
  hsize_t d2[2] = {1, dim}, d1 = 1;
  ck_assert_int_eq(samlab_out_f64(o, "/weights", 2, d2, w), 0);
  ck_assert_int_eq(samlab_out_i64(o, "/weights_epoch", 1, &d1, &ep), 0);
  ck_assert_int_eq(samlab_attr_str(o->file, "/", "model", model), 0);
  ck_assert_int_eq(samlab_attr_str(o->file, "/", "data", "fashion-mnist"), 0);
  ck_assert_int_eq(samlab_out_commit(o), 0);
  free(w);
}

START_TEST(test_checkpoint_of_another_model)
{
  const char *ck = "test_analyses_ck.h5";
  samlab_checkpoint c;
  char err[512];
  /* fcn 784-8-10 has 784*8 + 8 + 8*10 + 10 = 6378 weights */
  fake_checkpoint(ck, "fcn 784-8-10", 6378);
  ck_assert_int_eq(samlab_checkpoint_read(ck, -1, &c, err, sizeof err), 0);
  ck_assert_int_eq(c.epoch, 1);
  ck_assert_int_eq(c.dim, 6378);
  samlab_checkpoint other;
  ck_assert_int_eq(samlab_checkpoint_read(ck, 5, &other, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "epoch 5"));
  samlab_dataset *d = tiny_data(10, 1); /* 8 x 8 images: the checkpoint's 784 inputs do not fit */
  samlab_problem *net = samlab_checkpoint_net(&c, d, err, sizeof err);
  ck_assert_ptr_null(net);
  ck_assert_ptr_nonnull(strstr(err, "does not fit"));
  free(c.w);
  fake_checkpoint(ck, "fcn 784-8-10", 6000); /* the weights of another model under this name */
  ck_assert_int_eq(samlab_checkpoint_read(ck, -1, &c, err, sizeof err), 0);
  c.model[0] = 0;
  snprintf(c.model, sizeof c.model, "resnet-18");
  ck_assert_ptr_null(samlab_checkpoint_net(&c, d, err, sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "resnet-18"));
  free(c.w);
  if (exists("./samlab") && exists("/usr/share/datasets/fashion-mnist")) {
    ck_assert_int_eq(run("hessian --checkpoint test_analyses_ck.h5 --out test_analyses_bad.h5"), 2);
    ck_assert(!exists("test_analyses_bad.h5"));
  }
  samlab_dataset_free(d);
  unlink(ck);
}
END_TEST

/* ---------------------------------------------------------------- curvature operators (issue 15) */
/* The dense matrix of operator op (dim x dim, row-major) column by column from its products. */
static double *operator_dense(const samlab_problem *p, int op, const double *w)
{
  size_t n = p->dim;
  double *M = malloc(n * n * sizeof *M), *e = calloc(n, sizeof *e), *col = malloc(n * sizeof *col);
  for (size_t j = 0; j < n; j++) {
    e[j] = 1;
    ck_assert_int_eq(samlab_operator_vp(p, op, w, e, col), 0);
    e[j] = 0;
    for (size_t i = 0; i < n; i++)
      M[i * n + j] = col[i];
  }
  free(e);
  free(col);
  return M;
}

static double max_abs_diff(size_t n, const double *a, const double *b, double *scale)
{
  double d = 0, s = 0;
  for (size_t i = 0; i < n; i++) {
    d = fmax(d, fabs(a[i] - b[i]));
    s = fmax(s, fabs(b[i]));
  }
  *scale = s;
  return d;
}

/* A tiny network in double at a seeded point, on 24 examples of 8 x 8 pixels. */
static samlab_problem *tiny_net(const char *hidden, samlab_dataset **data, double **w)
{
  char err[256];
  *data = tiny_data(24, 9);
  samlab_problem *net = samlab_net_create("fcn", hidden, *data, err, sizeof err);
  ck_assert_msg(net != NULL, "%s", err);
  samlab_net_set_precision(net, 64);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 4);
  *w = malloc(net->dim * sizeof **w);
  samlab_net_init(net, r, *w);
  gsl_rng_free(r);
  return net;
}

/* The logits of every example (the double-precision forward pass's last activations: white-box, net_impl.h). */
static void logits_at(const samlab_problem *net, const double *w, double *z)
{
  net_ctx *c = net->ctx;
  samlab_problem_value_grad(net, w, NULL);
  memcpy(z, c->b64[0].act[c->nlayers], c->data->n * c->nclasses * sizeof *z);
}

/* The GGN's products equal J^T H_L J built densely: J by central differences of the logits, H_L = (1/n)(diag p -
 * p p^T) per example; it is positive semi-definite; for a network without hidden layers (linear logits) it is the
 * Hessian. */
START_TEST(test_ggn_dense)
{
  samlab_dataset *data;
  double *w;
  samlab_problem *net = tiny_net("3", &data, &w);
  size_t n = net->dim, N = data->n, K = 10, NK = N * K;
  double *J = malloc(NK * n * sizeof *J), *zp = malloc(NK * sizeof *zp), *zm = malloc(NK * sizeof *zm);
  double *z = malloc(NK * sizeof *z), *wt = malloc(n * sizeof *wt), h = 1e-6;
  for (size_t j = 0; j < n; j++) {
    memcpy(wt, w, n * sizeof *w);
    wt[j] += h;
    logits_at(net, wt, zp);
    wt[j] -= 2 * h;
    logits_at(net, wt, zm);
    for (size_t r = 0; r < NK; r++)
      J[r * n + j] = (zp[r] - zm[r]) / (2 * h);
  }
  logits_at(net, w, z);
  double *ref = calloc(n * n, sizeof *ref), *HJ = malloc(K * n * sizeof *HJ);
  for (size_t i = 0; i < N; i++) {
    double p[10], mx = z[i * K], se = 0;
    for (size_t k = 1; k < K; k++)
      mx = fmax(mx, z[i * K + k]);
    for (size_t k = 0; k < K; k++)
      se += p[k] = exp(z[i * K + k] - mx);
    for (size_t k = 0; k < K; k++)
      p[k] /= se;
    const double *Ji = J + i * K * n;
    for (size_t a = 0; a < K; a++) /* HJ = H_L J_i */
      for (size_t j = 0; j < n; j++) {
        double s = p[a] * Ji[a * n + j];
        for (size_t b = 0; b < K; b++)
          s -= p[a] * p[b] * Ji[b * n + j];
        HJ[a * n + j] = s / (double)N;
      }
    for (size_t r = 0; r < n; r++)
      for (size_t a = 0; a < K; a++)
        for (size_t j = 0; j < n; j++)
          ref[r * n + j] += Ji[a * n + r] * HJ[a * n + j];
  }
  double *G = operator_dense(net, SAMLAB_OP_GGN, w), scale;
  double d = max_abs_diff(n * n, G, ref, &scale);
  ck_assert_msg(d <= 1e-6 * scale, "GGN vs J^T H_L J: max |diff| %g of %g", d, scale);
  double *ev = malloc(n * sizeof *ev);
  ck_assert_int_eq(samlab_sym_eigenvalues(n, G, ev), 0);
  ck_assert_msg(ev[n - 1] >= -1e-12 * ev[0], "GGN not PSD: lambda_min %g, lambda_max %g", ev[n - 1], ev[0]);
  free(G);
  free(ev);
  free(J), free(zp), free(zm), free(z), free(wt), free(ref), free(HJ), free(w);
  samlab_problem_free(net);
  samlab_dataset_free(data);

  net = tiny_net("", &data, &w); /* logits linear in w: the GGN is the Hessian */
  G = operator_dense(net, SAMLAB_OP_GGN, w);
  double *H = operator_dense(net, SAMLAB_OP_HESSIAN, w);
  d = max_abs_diff(net->dim * net->dim, G, H, &scale);
  ck_assert_msg(d <= 1e-12 * scale, "linear model: GGN vs Hessian max |diff| %g of %g", d, scale);
  free(G), free(H), free(w);
  samlab_problem_free(net);
  samlab_dataset_free(data);
}
END_TEST

/* The empirical Fisher's products equal (1/n) sum_i g_i g_i^T built from per-example gradients (one-example
 * batches); a block view is that matrix's diagonal block; operators a problem cannot give are refused. */
START_TEST(test_fisher_dense_and_blocks)
{
  samlab_dataset *data;
  double *w;
  samlab_problem *net = tiny_net("3", &data, &w);
  size_t n = net->dim, N = data->n;
  double *ref = calloc(n * n, sizeof *ref), *g = malloc(n * sizeof *g);
  for (size_t i = 0; i < N; i++) {
    ck_assert_int_eq(samlab_problem_set_batch(net, &i, 1), 0);
    samlab_problem_value_grad(net, w, g);
    for (size_t r = 0; r < n; r++)
      for (size_t j = 0; j < n; j++)
        ref[r * n + j] += g[r] * g[j] / (double)N;
  }
  ck_assert_int_eq(samlab_problem_set_batch(net, NULL, N), 0);
  double *F = operator_dense(net, SAMLAB_OP_FISHER, w), scale;
  double d = max_abs_diff(n * n, F, ref, &scale);
  ck_assert_msg(d <= 1e-12 * scale, "Fisher vs (1/n) sum g_i g_i^T: max |diff| %g of %g", d, scale);
  /* dense2.W: the 10 x 3 output weights, after dense1's 64 x 3 + 3 */
  char err[512];
  double *wv;
  samlab_problem *v = samlab_operator_view(net, w, SAMLAB_OP_FISHER, "dense2.W", &wv, err, sizeof err);
  ck_assert_msg(v != NULL, "%s", err);
  ck_assert_int_eq(v->dim, 30);
  double *B = malloc(30 * 30 * sizeof *B);
  ck_assert_int_eq(samlab_hessian_dense(v, wv, B, err, sizeof err), 0);
  size_t off = 64 * 3 + 3;
  for (size_t r = 0; r < 30; r++)
    for (size_t j = 0; j < 30; j++)
      ck_assert_msg(fabs(B[r * 30 + j] - F[(off + r) * n + off + j]) <= 1e-12 * scale, "block (%zu, %zu)", r, j);
  samlab_problem_free(v);
  free(wv);
  ck_assert_ptr_null(samlab_operator_view(net, w, SAMLAB_OP_GGN, "dense7.W", &wv, err, sizeof err));
  ck_assert_msg(strstr(err, "dense1.W, dense1.b, dense2.W, dense2.b") != NULL, "%s", err);
  samlab_problem *q = samlab_toy_create("quadratic", NULL, err, sizeof err);
  ck_assert_ptr_null(samlab_operator_view(q, w, SAMLAB_OP_GGN, NULL, &wv, err, sizeof err));
  ck_assert_msg(strstr(err, "cannot give") != NULL, "%s", err);
  ck_assert_int_eq(samlab_operator_parse("ggn"), SAMLAB_OP_GGN);
  ck_assert_int_eq(samlab_operator_parse("kfac"), -1);
  samlab_problem_free(q);
  free(F), free(B), free(ref), free(g), free(w);
  samlab_problem_free(net);
  samlab_dataset_free(data);
}
END_TEST

/* Hutch++ against Hutchinson at the same number of products (30) on a planted spectrum lambda_i = 1/i^2 (n = 100):
 * both unbiased (the mean over 300 seeds within 4 standard errors of tr), Hutch++'s variance far smaller. */
START_TEST(test_hutchpp)
{
  size_t n = 100;
  double lambda[100], tr = 0;
  for (size_t i = 0; i < n; i++)
    tr += lambda[i] = 1.0 / (double)((i + 1) * (i + 1));
  samlab_problem *p = dense_problem(n, planted(n, lambda, 3));
  double w[100] = {0}, m[2] = {0}, m2[2] = {0};
  char err[256];
  int R = 300;
  for (int r = 0; r < R; r++) {
    double t[2], se;
    ck_assert_int_eq(samlab_hessian_trace(p, w, 30, (unsigned long)r + 1, &t[0], &se, NULL, err, sizeof err), 0);
    ck_assert_int_eq(samlab_hessian_trace_hutchpp(p, w, 30, (unsigned long)r + 1, &t[1], &se, err, sizeof err), 0);
    for (int k = 0; k < 2; k++) {
      double d = t[k] - m[k];
      m[k] += d / (r + 1);
      m2[k] += d * (t[k] - m[k]);
    }
  }
  double var[2] = {m2[0] / (R - 1), m2[1] / (R - 1)};
  for (int k = 0; k < 2; k++)
    ck_assert_msg(fabs(m[k] - tr) <= 4 * sqrt(var[k] / R), "%s: mean %g, trace %g, sd %g", k ? "hutch++" : "hutchinson",
                  m[k], tr, sqrt(var[k]));
  ck_assert_msg(var[1] < 0.05 * var[0], "hutch++ variance %g not far below Hutchinson's %g", var[1], var[0]);
  ck_assert_int_eq(samlab_hessian_trace_hutchpp(p, w, 5, 1, &m[0], &m[1], err, sizeof err), -1);
  samlab_problem_free(p);
}
END_TEST

/* samlab hessian --operator/--block/--trace-method and samlab sharpness on a network checkpoint (fcn 784-8-10 at
 * seeded weights, Fashion-MNIST when installed) and on toys: normal runs, and bad input refused with exit 2 and no
 * file. */
START_TEST(test_curvature_and_sharpness_commands)
{
  if (!exists("./samlab"))
    return;
  const char *out = "test_analyses_op.h5", *ck = "test_analyses_op_ck.h5";
  ck_assert_int_eq(run("hessian --function quadratic --operator ggn --out test_analyses_op.h5"), 2);
  ck_assert_int_eq(run("hessian --function quadratic --operator kfac --out test_analyses_op.h5"), 2);
  ck_assert_int_eq(run("hessian --function quadratic --block dense1.W --out test_analyses_op.h5"), 2);
  ck_assert_int_eq(run("hessian --function quadratic --trace-method exact --out test_analyses_op.h5"), 2);
  ck_assert_int_eq(run("sharpness --function quadratic --rho 0 --out test_analyses_op.h5"), 2);
  ck_assert_int_eq(run("sharpness --function quadratic --rho -0.1 --out test_analyses_op.h5"), 2);
  ck_assert_int_eq(run("sharpness --function quadratic --measures m --out test_analyses_op.h5"), 2);
  ck_assert_int_eq(run("sharpness --function quadratic --norm l1 --out test_analyses_op.h5"), 2);
  ck_assert(!exists(out));
  ck_assert_int_eq(run("hessian --function quadratic --trace-method hutch++ --trace-probes 9 "
                       "--out test_analyses_op.h5"), 0);
  ck_assert(exists(out));
  unlink(out);
  ck_assert_int_eq(run("sharpness --function quadratic --measures worst,average,flatness --out test_analyses_op.h5"),
                   0);
  ck_assert(exists(out));
  unlink(out);
  if (!exists("/usr/share/datasets/fashion-mnist"))
    return;
  char err[256];
  samlab_out *o = samlab_out_create(ck, err, sizeof err);
  ck_assert_msg(o != NULL, "%s", err);
  size_t dim = 6370; /* 784*8 + 8 + 8*10 + 10 */
  double *w = malloc(dim * sizeof *w);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 2);
  for (size_t i = 0; i < dim; i++)
    w[i] = gsl_ran_gaussian(r, 0.05);
  gsl_rng_free(r);
  int64_t ep = 1;
  hsize_t d2[2] = {1, dim}, d1 = 1;
  ck_assert_int_eq(samlab_out_f64(o, "/weights", 2, d2, w), 0);
  ck_assert_int_eq(samlab_out_i64(o, "/weights_epoch", 1, &d1, &ep), 0);
  ck_assert_int_eq(samlab_attr_str(o->file, "/", "model", "fcn 784-8-10"), 0);
  ck_assert_int_eq(samlab_attr_str(o->file, "/", "data", "fashion-mnist"), 0);
  ck_assert_int_eq(samlab_out_commit(o), 0);
  free(w);
  ck_assert_int_eq(run("hessian --checkpoint test_analyses_op_ck.h5 --operator ggn --block dense9 "
                       "--out test_analyses_op.h5"), 2);
  ck_assert_int_eq(run("sharpness --checkpoint test_analyses_op_ck.h5 --examples 64 --measures m --m 10 "
                       "--out test_analyses_op.h5"), 2);
  ck_assert(!exists(out));
  ck_assert_int_eq(run("hessian --checkpoint test_analyses_op_ck.h5 --examples 64 --operator fisher --block dense2 "
                       "--k 2 --trace-probes 6 --trace-method hutch++ --out test_analyses_op.h5"), 0);
  hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert_int_ge(f, 0);
  int rank;
  hsize_t dims[4];
  double *ev;
  ck_assert_int_eq(samlab_in_f64(f, "/w", &rank, dims, &ev), 0);
  ck_assert_int_eq(dims[0], 90); /* dense2: 8 x 10 + 10 */
  free(ev);
  ck_assert_int_eq(samlab_in_f64(f, "/lanczos/eigenvalues", &rank, dims, &ev), 0);
  ck_assert_msg(ev[0] >= ev[1] && ev[1] >= -1e-6 * ev[0], "Fisher block eigenvalues %g, %g", ev[0], ev[1]);
  free(ev);
  H5Fclose(f);
  unlink(out);
  ck_assert_int_eq(run("hessian --checkpoint test_analyses_op_ck.h5 --examples 64 --operator ggn --k 2 "
                       "--trace-probes 0 --out test_analyses_op.h5"), 0);
  unlink(out);
  ck_assert_int_eq(run("sharpness --checkpoint test_analyses_op_ck.h5 --examples 64 --measures all --m 16 "
                       "--iters 5 --samples 4 --out test_analyses_op.h5"), 0);
  ck_assert(exists(out));
  unlink(out);
  unlink(ck);
  /* samlab train --track-hessian: the last epoch's record agrees with samlab hessian at the final weights */
  ck_assert_int_eq(run("train --hidden 8 --train-size 512 --epochs 2 --track-hessian 2 --out test_analyses_op_ck.h5"),
                   0);
  ck_assert_int_eq(run("hessian --checkpoint test_analyses_op_ck.h5 --examples 512 --k 1 --precision 32 "
                       "--trace-probes 10 --out test_analyses_op.h5"), 0);
  double *top, *trace, *ref, tr_ref;
  hid_t ft = H5Fopen(ck, H5F_ACC_RDONLY, H5P_DEFAULT), fh = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert_int_eq(samlab_in_f64(ft, "/epoch/hessian_top", &rank, dims, &top), 0);
  ck_assert_int_eq(dims[0], 2);
  ck_assert_int_eq(samlab_in_f64(ft, "/epoch/hessian_trace", &rank, dims, &trace), 0);
  ck_assert_int_eq(samlab_in_f64(fh, "/lanczos/eigenvalues", &rank, dims, &ref), 0);
  ck_assert_int_eq(H5LTget_attribute_double(fh, "/trace", "estimate", &tr_ref), 0);
  ck_assert(isnan(top[0]) && isnan(trace[0])); /* epoch 1 is not a multiple of 2 */
  ck_assert_msg(fabs(top[1] - ref[0]) <= 1e-3 * ref[0], "tracked %g, samlab hessian %g", top[1], ref[0]);
  ck_assert_msg(fabs(trace[1] - tr_ref) <= 1e-6 * fabs(tr_ref), "tracked trace %g, samlab hessian %g", trace[1],
                tr_ref);
  free(top), free(trace), free(ref);
  H5Fclose(ft);
  H5Fclose(fh);
  unlink(out);
  unlink(ck);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("analyses");
  TCase *h = tcase_create("hessian");
  tcase_set_timeout(h, 60);
  tcase_add_test(h, test_lanczos_vs_lapack_random);
  tcase_add_test(h, test_quadratic_toy_vs_lapack);
  tcase_add_test(h, test_power_vs_planted);
  tcase_add_test(h, test_lanczos_vs_lapack_network);
  tcase_add_test(h, test_hutchinson_trace);
  tcase_add_test(h, test_slq_density);
  tcase_add_test(h, test_bad_eigen_input);
  tcase_add_test(h, test_ggn_dense);
  tcase_add_test(h, test_fisher_dense_and_blocks);
  tcase_add_test(h, test_hutchpp);
  suite_add_tcase(s, h);
  TCase *g = tcase_create("gradstats");
  tcase_add_test(g, test_normality_known_laws);
  tcase_add_test(g, test_qq_and_histogram);
  tcase_add_test(g, test_aesam_model);
  suite_add_tcase(s, g);
  TCase *t = tcase_create("twins");
  tcase_set_timeout(t, 30);
  tcase_add_test(t, test_twin_sets_and_distance);
  tcase_add_test(t, test_identical_twins_stay_identical);
  tcase_add_test(t, test_decomposition);
  tcase_add_test(t, test_filter_normalised_direction);
  suite_add_tcase(s, t);
  TCase *c = tcase_create("commands");
  tcase_set_timeout(c, 60);
  tcase_add_test(c, test_commands_bad_input);
  tcase_add_test(c, test_checkpoint_of_another_model);
  tcase_add_test(c, test_curvature_and_sharpness_commands);
  suite_add_tcase(s, c);
  return run_suite(s);
}
