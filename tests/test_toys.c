/* Toy landscapes: gradients and exact Hessians against finite differences, declared stationary points
 * against the gradient, values against formulas written out here, and the toys' option parsing. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "testutil.h"

static samlab_problem *toy(const char *name, const char *opts)
{
  char err[512] = "";
  samlab_problem *p = samlab_toy_create(name, opts, err, sizeof err);
  ck_assert_msg(p != NULL, "%s(%s): %s", name, opts ? opts : "", err);
  return p;
}

/* The creation fails and the message contains want. */
static void toy_fails(const char *name, const char *opts, const char *want)
{
  char err[512] = "";
  samlab_problem *p = samlab_toy_create(name, opts, err, sizeof err);
  ck_assert_msg(p == NULL, "%s(%s) should fail", name, opts);
  ck_assert_msg(strstr(err, want) != NULL, "message '%s' lacks '%s'", err, want);
  ck_assert_msg(strchr(err, '\n') == NULL, "message '%s' is not one line", err);
}

/* Central differences of f (for g) and of g (for H) at w; compared relative to the largest entry. */
static void check_derivatives(const samlab_problem *p, const double *w0, double h)
{
  size_t n = p->dim;
  double w[16], g[16], gp[16], gm[16], H[256], Hfd[256];
  ck_assert(n <= 16);
  memcpy(w, w0, n * sizeof *w);
  samlab_problem_value_grad(p, w, g);
  p->landscape->hessian(p->ctx, w, H);
  double gmax = 1e-300, hmax = 1e-300;
  for (size_t i = 0; i < n; i++) {
    w[i] = w0[i] + h;
    double fp = samlab_problem_value_grad(p, w, gp);
    w[i] = w0[i] - h;
    double fm = samlab_problem_value_grad(p, w, gm);
    w[i] = w0[i];
    double fd = (fp - fm) / (2 * h);
    ck_assert_msg(fabs(fd - g[i]) <= 1e-6 * fmax(fabs(g[i]), 1e-3 * fabs(fp)) + 1e-12,
                  "%s: g[%zu] = %.12g, finite difference %.12g", p->name, i, g[i], fd);
    gmax = fmax(gmax, fabs(g[i]));
    for (size_t j = 0; j < n; j++) {
      Hfd[j * n + i] = (gp[j] - gm[j]) / (2 * h);
      hmax = fmax(hmax, fabs(H[j * n + i]));
    }
  }
  for (size_t k = 0; k < n * n; k++)
    ck_assert_msg(fabs(Hfd[k] - H[k]) <= 1e-6 * hmax, "%s: H[%zu] = %.12g, finite difference %.12g", p->name, k,
                  H[k], Hfd[k]);
  /* the Hessian-vector product (exact one or from H) agrees with H */
  double v[16], hv[16];
  for (size_t i = 0; i < n; i++)
    v[i] = 1.0 + 0.5 * (double)i;
  ck_assert_int_eq(samlab_problem_hvp(p, w, v, hv), 0);
  for (size_t i = 0; i < n; i++)
    ck_assert_close(hv[i], samlab_dot(n, H + i * n, v), 1e-12 * hmax);
  (void)gmax;
}

/* Gradient (relative to the typical gradient scale) vanishes at every declared point; minima have a positive
 * definite Hessian, saddles an indefinite one (2-D and diagonal cases: by determinant and trace). */
static void check_stationary(const samlab_problem *p, double gscale)
{
  size_t n = p->dim;
  double g[16], H[256];
  ck_assert(n <= 16);
  const double *sets[3] = {p->landscape->minima, p->landscape->local_minima, p->landscape->saddles};
  size_t counts[3] = {p->landscape->nminima, p->landscape->nlocal_minima, p->landscape->nsaddles};
  for (int s = 0; s < 3; s++)
    for (size_t k = 0; k < counts[s]; k++) {
      const double *w = sets[s] + k * n;
      samlab_problem_value_grad(p, w, g);
      ck_assert_msg(samlab_norm(n, g) <= 1e-12 * gscale, "%s: |grad| = %g at declared point %zu", p->name,
                    samlab_norm(n, g), k);
      if (n == 2) {
        p->landscape->hessian(p->ctx, w, H);
        double det = H[0] * H[3] - H[1] * H[2];
        if (s < 2)
          ck_assert_msg(det > 0 && H[0] > 0, "%s: minimum %zu is not a minimum", p->name, k);
        else
          ck_assert_msg(det < 0, "%s: saddle %zu is not a saddle", p->name, k);
      }
    }
}

START_TEST(test_quartic)
{
  samlab_problem *p = toy("quartic", NULL);
  double w[2] = {1, 1};
  ck_assert_close(samlab_problem_value_grad(p, w, NULL), -0.25, 1e-15); /* 1/4 - 1 + 1/2 */
  double pts[3][2] = {{-1.5, 0.5}, {0.3, -2}, {2, 1}};
  for (int i = 0; i < 3; i++)
    check_derivatives(p, pts[i], 1e-5);
  ck_assert_int_eq(p->landscape->nminima, 2);
  ck_assert_int_eq(p->landscape->nsaddles, 1);
  check_stationary(p, 1);
  samlab_problem_free(p);
  toy_fails("quartic", "diag=1", "takes no toy options");
}
END_TEST

/* WSAM's surface written out directly (no log-sum-exp), as the paper prints it. */
static double wsam_kl_reference(double mu, double sg)
{
  double a[2] = {0.7, 0.3}, c[2] = {1.8, 1.2}, m[2] = {20, -20}, s[2] = {30, 10}, z = 0;
  for (int i = 0; i < 2; i++) {
    double kl = log(s[i] / sg) + (sg * sg + (mu - m[i]) * (mu - m[i])) / (2 * s[i] * s[i]) - 0.5;
    z += a[i] * exp(-kl / (c[i] * c[i]));
  }
  return -log(z);
}

START_TEST(test_wsam_kl)
{
  samlab_problem *p = toy("wsam-kl", NULL);
  double pts[4][2] = {{-6, 10}, {-16, 12}, {19, 30}, {0.5, 22}};
  for (int i = 0; i < 4; i++) {
    ck_assert_close(samlab_problem_value_grad(p, pts[i], NULL), wsam_kl_reference(pts[i][0], pts[i][1]), 1e-13);
    check_derivatives(p, pts[i], 1e-3);
  }
  /* the notes' gradient at the start (-6, 10): (0.015463, -0.021133) */
  double g[2];
  samlab_problem_value_grad(p, pts[0], g);
  ck_assert(fabs(g[0] - 0.015463) < 1e-6 && fabs(g[1] + 0.021133) < 1e-6);
  ck_assert_int_eq(p->landscape->nminima, 1);
  ck_assert_int_eq(p->landscape->nlocal_minima, 1);
  ck_assert_int_eq(p->landscape->nsaddles, 1);
  check_stationary(p, 1e-2);
  /* the paper's landmarks: global (sharp) 0.28 near (-16.8, 12.8), flat 0.36 near (19.8, 29.9) */
  ck_assert(fabs(p->landscape->minima[0] + 16.8) < 0.05 && fabs(p->landscape->minima[1] - 12.8) < 0.05);
  ck_assert(fabs(p->landscape->local_minima[0] - 19.8) < 0.05 && fabs(p->landscape->local_minima[1] - 29.9) < 0.05);
  ck_assert(fabs(samlab_problem_value_grad(p, p->landscape->minima, NULL) - 0.28) < 0.005);
  ck_assert(fabs(samlab_problem_value_grad(p, p->landscape->local_minima, NULL) - 0.36) < 0.005);
  /* the global minimum is lower than the local one and than points around it */
  ck_assert(samlab_problem_value_grad(p, p->landscape->minima, NULL) <
            samlab_problem_value_grad(p, p->landscape->local_minima, NULL));
  samlab_problem_free(p);
}
END_TEST

START_TEST(test_quadratic_default_and_diag)
{
  samlab_problem *p = toy("quadratic", NULL); /* diag 1,10, b = 0 */
  double w[2] = {2, -1};
  ck_assert_int_eq(p->dim, 2);
  ck_assert_close(samlab_problem_value_grad(p, w, NULL), 0.5 * (4 + 10), 1e-15);
  check_derivatives(p, w, 1e-4);
  ck_assert_int_eq(p->landscape->nminima, 1);
  ck_assert_close(p->landscape->minima[0], 0, 1e-15);
  ck_assert_close(p->landscape->minima[1], 0, 1e-15);
  samlab_problem_free(p);

  p = toy("quadratic", "diag=2,4,8;b=2,-4,1"); /* minimum b_i / a_i */
  ck_assert_int_eq(p->dim, 3);
  ck_assert_int_eq(p->landscape->nminima, 1);
  ck_assert_close(p->landscape->minima[0], 1, 1e-14);
  ck_assert_close(p->landscape->minima[1], -1, 1e-14);
  ck_assert_close(p->landscape->minima[2], 0.125, 1e-14);
  double w3[3] = {1, 1, 1};
  ck_assert_close(samlab_problem_value_grad(p, w3, NULL), 0.5 * 14 - (2 - 4 + 1), 1e-14);
  check_derivatives(p, w3, 1e-4);
  check_stationary(p, 1);
  samlab_problem_free(p);

  p = toy("quadratic", "diag=1,-2;b=1,1"); /* indefinite: (1, -0.5) is a saddle, no minimum */
  ck_assert_int_eq(p->landscape->nminima, 0);
  ck_assert_int_eq(p->landscape->nsaddles, 1);
  ck_assert_close(p->landscape->saddles[0], 1, 1e-14);
  ck_assert_close(p->landscape->saddles[1], -0.5, 1e-14);
  check_stationary(p, 1);
  samlab_problem_free(p);

  p = toy("quadratic", "diag=1,0"); /* singular: nothing declared */
  ck_assert_int_eq(p->landscape->nminima + p->landscape->nsaddles, 0);
  samlab_problem_free(p);
}
END_TEST

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  ck_assert(f != NULL);
  fputs(text, f);
  fclose(f);
}

START_TEST(test_quadratic_file)
{
  char path[] = "/tmp/samlab-test-quadXXXXXX", opts[64];
  int fd = mkstemp(path);
  ck_assert(fd >= 0);
  close(fd);
  snprintf(opts, sizeof opts, "file=%s", path);
  /* A = [[2,1],[1,3]], b = (1,2): A^{-1} = [[3,-1],[-1,2]]/5, minimum (0.2, 0.6), f there = -b.x/2 = -0.7 */
  write_file(path, "2\n2 1\n1 3\n1 2\n");
  samlab_problem *p = toy("quadratic", opts);
  ck_assert_int_eq(p->landscape->nminima, 1);
  ck_assert_close(p->landscape->minima[0], 0.2, 1e-14);
  ck_assert_close(p->landscape->minima[1], 0.6, 1e-14);
  ck_assert_close(samlab_problem_value_grad(p, p->landscape->minima, NULL), -0.7, 1e-14);
  double w[2] = {-1, 0.5};
  check_derivatives(p, w, 1e-4);
  samlab_problem_free(p);
  /* without b: minimum at 0 */
  write_file(path, "2  2 1 1 3");
  p = toy("quadratic", opts);
  ck_assert_close(p->landscape->minima[0], 0, 1e-15);
  samlab_problem_free(p);
  write_file(path, "2\n2 1\n0 3\n");
  toy_fails("quadratic", opts, "not symmetric");
  write_file(path, "2\n2 1\n1\n");
  toy_fails("quadratic", opts, "expected 4 numbers");
  write_file(path, "2\n2 1\n1 x\n");
  toy_fails("quadratic", opts, "non-number");
  write_file(path, "0\n");
  toy_fails("quadratic", opts, "dimension");
  unlink(path);
  toy_fails("quadratic", opts, "cannot read");
  toy_fails("quadratic", "diag=1,abc", "'1,abc'");
  toy_fails("quadratic", "diag=1,2;b=1", "needs 2 numbers");
  toy_fails("quadratic", "stiff=3", "unknown toy option 'stiff'");
  toy_fails("quadratic", "A=1,2,3", "not a square matrix");
  toy_fails("quadratic", "A=1,2,3,4", "not symmetric");
  toy_fails("quadratic", "A=1,0,0,1;diag=1,1", "one of");
  p = toy("quadratic", "A=2,1,1,3;b=1,2"); /* as the file above */
  ck_assert_close(p->landscape->minima[0], 0.2, 1e-14);
  ck_assert_close(p->landscape->minima[1], 0.6, 1e-14);
  samlab_problem_free(p);
  toy_fails("quadratic", "diag", "expected key=value");
}
END_TEST

START_TEST(test_rosenbrock)
{
  samlab_problem *p = toy("rosenbrock", NULL);
  double w[2] = {0, 0}, g[2];
  ck_assert_close(samlab_problem_value_grad(p, w, g), 1, 1e-15);
  ck_assert_close(g[0], -2, 1e-15);
  ck_assert_close(g[1], 0, 1e-15);
  double w2[2] = {-1, 2}; /* 4 + 100 (2 - 1)^2 */
  ck_assert_close(samlab_problem_value_grad(p, w2, NULL), 104, 1e-14);
  double pts[3][2] = {{-1.2, 1}, {0.5, 0.2}, {1.5, 2.5}};
  for (int i = 0; i < 3; i++)
    check_derivatives(p, pts[i], 1e-6);
  ck_assert_int_eq(p->landscape->nminima, 1);
  ck_assert_close(samlab_problem_value_grad(p, p->landscape->minima, NULL), 0, 1e-15);
  check_stationary(p, 1);
  samlab_problem_free(p);
}
END_TEST

START_TEST(test_infosam_amd)
{
  samlab_problem *p = toy("infosam-amd", NULL);
  double zero[3] = {0, 0, 0}, g[3];
  ck_assert_int_eq(p->dim, 3);
  samlab_problem_value_grad(p, zero, g); /* the paper's grad f(0) */
  ck_assert_close(g[0], 0.2, 1e-15);
  ck_assert_close(g[1], -0.02, 1e-15);
  ck_assert_close(g[2], 0.01, 1e-15);
  ck_assert(p->batching == NULL);
  double w[3] = {0.3, -1, 2};
  check_derivatives(p, w, 1e-4);
  check_stationary(p, 1);
  samlab_problem_free(p);

  /* noise: Cov = alpha diag(0.2, 2, 1); shared by both evaluations of one batch */
  const double alpha = 0.1265625, var[3] = {0.2, 2, 1};
  p = toy("infosam-amd", "noise=0.1265625;seed=7");
  ck_assert(p->batching != NULL);
  enum { N = 20000 };
  double sum[3] = {0}, sq[3] = {0}, g2[3], w1[3] = {1, 1, 1};
  for (size_t b = 0; b < N; b++) {
    samlab_problem_set_batch(p, &b, 1);
    samlab_problem_value_grad(p, zero, g);
    samlab_problem_value_grad(p, w1, g2);
    for (int i = 0; i < 3; i++) {
      ck_assert_close(g2[i] - g[i], 1.0, 1e-12); /* same noise: the difference is H (w1 - 0) */
      double xi = g[i] - (i == 0 ? 0.2 : i == 1 ? -0.02 : 0.01);
      sum[i] += xi;
      sq[i] += xi * xi;
    }
  }
  for (int i = 0; i < 3; i++) {
    double sd = sqrt(alpha * var[i]);
    ck_assert_msg(fabs(sum[i] / N) < 5 * sd / sqrt(N), "noise mean %g", sum[i] / N);
    ck_assert_msg(fabs(sq[i] / N / (alpha * var[i]) - 1) < 0.05, "noise variance %g", sq[i] / N);
  }
  samlab_problem_set_batch(p, NULL, 0); /* the whole set: exact gradient */
  samlab_problem_value_grad(p, zero, g);
  ck_assert_close(g[0], 0.2, 1e-15);
  samlab_problem_free(p);
  toy_fails("infosam-amd", "noise=-1", "'-1'");
  toy_fails("infosam-amd", "sigma=1", "unknown toy option 'sigma'");
}
END_TEST

START_TEST(test_asym_valley)
{
  samlab_problem *p = toy("asym-valley", "dim=1");
  double x = -2, g;
  ck_assert_int_eq(p->dim, 1);
  ck_assert_close(samlab_problem_value_grad(p, &x, &g), 2, 1e-15); /* a x^2/2, a = 1 */
  ck_assert_close(g, -2, 1e-15);
  x = 2;
  ck_assert_close(samlab_problem_value_grad(p, &x, &g), 0.08, 1e-15); /* b x^2/2, b = 0.04 */
  ck_assert_close(g, 0.08, 1e-15);
  x = -0.7;
  check_derivatives(p, &x, 1e-5);
  x = 0.7;
  check_derivatives(p, &x, 1e-5);
  check_stationary(p, 1);
  samlab_problem_free(p);

  p = toy("asym-valley", NULL);
  ck_assert_int_eq(p->dim, 2);
  double w[2] = {-1, 3};
  ck_assert_close(samlab_problem_value_grad(p, w, NULL), 0.5 + 0.02 * 9, 1e-15);
  check_derivatives(p, w, 1e-5);
  samlab_problem_free(p);

  p = toy("asym-valley", "noise=0.1,2;seed=3");
  size_t b = 0;
  double g1[2], g2[2];
  samlab_problem_set_batch(p, &b, 1);
  samlab_problem_value_grad(p, w, g1);
  samlab_problem_value_grad(p, w, g2);
  ck_assert(g1[0] == g2[0] && g1[1] == g2[1]); /* one draw per batch */
  b = 1;
  samlab_problem_set_batch(p, &b, 1);
  samlab_problem_value_grad(p, w, g2);
  ck_assert(g1[1] != g2[1]);
  samlab_problem_free(p);
  toy_fails("asym-valley", "dim=3", "'3'");
  toy_fails("asym-valley", "noise=0.5", "needs 2");
}
END_TEST

/* WSAM Figure 2 (settings of the paper): where each form of WSAM ends after 150 steps.  The published curves
 * are coupled-wsam's: gamma 0.95 reaches the flat minimum; decoupled wsam at 0.95 stays in the sharp basin
 * (final points checked by basin within 0.5, since rho-sized orbits never settle). */
static void fig2_run(const char *rule, double gamma, double end[2])
{
  char err[256];
  samlab_problem *p = toy("wsam-kl", NULL);
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  hp.lr = 5;
  hp.momentum = 0.9;
  hp.rho = 2;
  hp.gamma = gamma;
  const samlab_rule_type *rt = samlab_rule_find(rule);
  ck_assert_msg(rt != NULL, "rule %s missing", rule);
  samlab_rule *r = samlab_rule_alloc(rt, samlab_base_find("sgdm"), &hp, 2, err, sizeof err);
  ck_assert_msg(r != NULL, "%s", err);
  end[0] = -6;
  end[1] = 10;
  for (int t = 0; t < 150; t++)
    samlab_rule_step(r, p, end, NULL);
  samlab_rule_free(r);
  samlab_problem_free(p);
}

START_TEST(test_wsam_fig2_forms)
{
  samlab_problem *p = toy("wsam-kl", NULL);
  double sharp[2] = {p->landscape->minima[0], p->landscape->minima[1]},
         flat[2] = {p->landscape->local_minima[0], p->landscape->local_minima[1]}, e[2];
  samlab_problem_free(p);
  fig2_run("coupled-wsam", 0.95, e);
  ck_assert_msg(hypot(e[0] - flat[0], e[1] - flat[1]) < 0.5, "coupled 0.95 ends at (%g, %g)", e[0], e[1]);
  fig2_run("wsam", 0.95, e);
  ck_assert_msg(hypot(e[0] - sharp[0], e[1] - sharp[1]) < 1.0, "decoupled 0.95 ends at (%g, %g)", e[0], e[1]);
  fig2_run("coupled-wsam", 0.6, e);
  ck_assert_msg(hypot(e[0] - sharp[0], e[1] - sharp[1]) < 0.5, "coupled 0.6 ends at (%g, %g)", e[0], e[1]);
  fig2_run("sam", 0, e);
  ck_assert_msg(hypot(e[0] - sharp[0], e[1] - sharp[1]) < 0.5, "sam ends at (%g, %g)", e[0], e[1]);
}
END_TEST

START_TEST(test_registry)
{
  char err[256];
  ck_assert(samlab_toy_create("nonesuch", NULL, err, sizeof err) == NULL);
  ck_assert(strstr(err, "unknown function 'nonesuch'") && strstr(err, "rosenbrock"));
  /* Every registered toy, with its default options: its dimension, its exact Hessian against finite
   * differences at two points near its first minimum (or the origin), and its declared stationary points. */
  for (size_t i = 0; samlab_toy_types[i]; i++) {
    const samlab_toy_type *t = samlab_toy_types[i];
    ck_assert_ptr_eq(samlab_toy_find(t->name), t);
    samlab_problem *p = toy(t->name, NULL);
    ck_assert_int_eq(p->dim, t->default_dim);
    ck_assert_msg(p->landscape && p->landscape->hessian, "toy %s declares no Hessian", t->name);
    double w[16];
    for (int k = 0; k < 2; k++) {
      for (size_t j = 0; j < p->dim && j < 16; j++)
        w[j] = (p->landscape->nminima ? p->landscape->minima[j] : 0) + (k ? -0.3 : 0.4) + 0.1 * (double)j;
      check_derivatives(p, w, 1e-5);
    }
    double g[16];
    samlab_problem_value_grad(p, w, g);
    check_stationary(p, 1 + samlab_norm(p->dim, g));
    samlab_problem_free(p);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("toys");
  TCase *tc = tcase_create("toys");
  tcase_add_test(tc, test_quartic);
  tcase_add_test(tc, test_wsam_kl);
  tcase_add_test(tc, test_quadratic_default_and_diag);
  tcase_add_test(tc, test_quadratic_file);
  tcase_add_test(tc, test_rosenbrock);
  tcase_add_test(tc, test_infosam_amd);
  tcase_add_test(tc, test_asym_valley);
  tcase_add_test(tc, test_wsam_fig2_forms);
  tcase_add_test(tc, test_registry);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
