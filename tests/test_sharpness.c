/* Sharpness measures (analyses/sharpness.c) where the answer is known in closed form: worst-case L2 sharpness of a
 * quadratic (rho^2 lambda_max / 2 at its minimum, the trust-region solution away from it, worked out here by
 * bisection on the secular equation), Linf and adaptive balls on a diagonal quadratic (coordinate by coordinate),
 * average-case sharpness (sigma^2 tr A / 2), first-order flatness; the worst case never below the SAM point's
 * sharpness; m-sharpness on a tiny network; bad input. */
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include "testutil.h"

static samlab_problem *toy(const char *name, const char *opts)
{
  char err[256];
  samlab_problem *p = samlab_toy_create(name, opts, err, sizeof err);
  ck_assert_msg(p != NULL, "%s", err);
  return p;
}

static samlab_sharpness_spec spec(double rho, int norm, int adaptive, long iters)
{
  samlab_sharpness_spec s = SAMLAB_SHARPNESS_SPEC_DEFAULT(rho);
  s.norm = norm;
  s.adaptive = adaptive;
  s.iters = iters;
  return s;
}

/* max over ||d|| <= rho of g.d + d^T diag(a) d / 2 for a_i > 0: d_i = g_i / (mu - a_i) with mu > max a and
 * ||d|| = rho (the global trust-region solution when some g_i of the largest a_i is not 0).  Bisection on mu. */
static double trust_region_max(size_t n, const double *a, const double *g, double rho, double *d)
{
  double amax = a[0], gn = 0;
  for (size_t i = 0; i < n; i++) {
    amax = fmax(amax, a[i]);
    gn += g[i] * g[i];
  }
  double lo = amax, hi = amax + sqrt(gn) / rho; /* ||d(hi)|| <= rho */
  for (int it = 0; it < 300; it++) {
    double mu = 0.5 * (lo + hi), s = 0;
    for (size_t i = 0; i < n; i++)
      s += g[i] * g[i] / ((mu - a[i]) * (mu - a[i]));
    if (sqrt(s) > rho)
      lo = mu;
    else
      hi = mu;
  }
  double f = 0;
  for (size_t i = 0; i < n; i++) {
    d[i] = g[i] / (hi - a[i]);
    f += g[i] * d[i] + 0.5 * a[i] * d[i] * d[i];
  }
  return f;
}

static double worst_sharpness(const samlab_problem *p, const double *w, samlab_sharpness_spec s)
{
  char err[256];
  double *delta = malloc(p->dim * sizeof *delta);
  samlab_sharpness_result r;
  ck_assert_msg(samlab_sharpness_worst(p, w, &s, delta, &r, err, sizeof err) == 0, "%s", err);
  ck_assert_msg(r.delta_ball <= s.rho * (1 + 1e-12), "the maximiser lies outside the ball: %g > %g", r.delta_ball,
                s.rho);
  free(delta);
  return r.worst - r.at_w;
}

START_TEST(test_l2_at_minimum)
{
  samlab_problem *p = toy("quadratic", "diag=1,3,10");
  double w[3] = {0, 0, 0}, rho = 0.3;
  ck_assert_close(worst_sharpness(p, w, spec(rho, SAMLAB_BALL_L2, 0, 100)), rho * rho * 10 / 2, 1e-6);
  samlab_problem_free(p);
}
END_TEST

START_TEST(test_l2_away_from_minimum)
{
  samlab_problem *p = toy("quadratic", "diag=1,3,10");
  double a[3] = {1, 3, 10}, w[3] = {1, -0.5, 0.3}, g[3], d[3], rho = 0.2;
  for (int i = 0; i < 3; i++)
    g[i] = a[i] * w[i];
  double expected = trust_region_max(3, a, g, rho, d);
  ck_assert_close(worst_sharpness(p, w, spec(rho, SAMLAB_BALL_L2, 0, 100)), expected, 1e-6);
  samlab_problem_free(p);
}
END_TEST

/* Adaptive L2: d = |w| u with ||u|| <= rho turns the ellipsoid into the ball for g'_i = |w_i| g_i,
 * a'_i = a_i w_i^2. */
START_TEST(test_l2_adaptive)
{
  samlab_problem *p = toy("quadratic", "diag=1,3,10");
  double a[3] = {1, 3, 10}, w[3] = {1, -0.5, 0.3}, gs[3], as[3], d[3], rho = 0.2;
  for (int i = 0; i < 3; i++) {
    gs[i] = fabs(w[i]) * a[i] * w[i];
    as[i] = a[i] * w[i] * w[i];
  }
  double expected = trust_region_max(3, as, gs, rho, d);
  ck_assert_close(worst_sharpness(p, w, spec(rho, SAMLAB_BALL_L2, 1, 200)), expected, 1e-6);
  samlab_problem_free(p);
}
END_TEST

/* Linf on a diagonal quadratic: each coordinate alone, max over |d_i| <= r_i of g_i d_i + a_i d_i^2 / 2 =
 * |g_i| r_i + a_i r_i^2 / 2, with r_i = rho (plain) or rho |w_i| (adaptive). */
START_TEST(test_linf_diagonal)
{
  samlab_problem *p = toy("quadratic", "diag=1,3,10");
  double a[3] = {1, 3, 10}, w[3] = {1, -0.5, 0.3}, rho = 0.1;
  for (int adaptive = 0; adaptive <= 1; adaptive++) {
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      double r = rho * (adaptive ? fabs(w[i]) : 1);
      expected += fabs(a[i] * w[i]) * r + 0.5 * a[i] * r * r;
    }
    ck_assert_close(worst_sharpness(p, w, spec(rho, SAMLAB_BALL_LINF, adaptive, 50)), expected, 1e-9);
  }
  double zero[3] = {0, 0, 0};
  ck_assert_close(worst_sharpness(p, zero, spec(rho, SAMLAB_BALL_LINF, 0, 50)), 0.5 * rho * rho * 14, 1e-9);
  samlab_problem_free(p);
}
END_TEST

/* E[g.d + d^T A d / 2] = sigma^2 tr(A) / 2 for d ~ N(0, sigma^2 I), sigma^2 tr(A) / 6 for d ~ U(-sigma, sigma)^n:
 * the estimate's 95% interval holds the exact value (seeded), and is narrow. */
START_TEST(test_average_quadratic)
{
  samlab_problem *p = toy("quadratic", "A=4,1,0,1,3,0.5,0,0.5,2");
  double w[3] = {0.3, -1, 0.5}, trace = 9, sigma = 0.2;
  char err[256];
  for (int norm = SAMLAB_BALL_L2; norm <= SAMLAB_BALL_LINF; norm++) {
    samlab_sharpness_spec s = spec(sigma, norm, 0, 1);
    s.seed = 7;
    samlab_sharpness_average_result r;
    ck_assert_msg(samlab_sharpness_average(p, w, &s, 20000, NULL, &r, err, sizeof err) == 0, "%s", err);
    double expected = sigma * sigma * trace / (norm == SAMLAB_BALL_L2 ? 2 : 6);
    ck_assert_msg(fabs(r.mean - expected) <= r.ci95, "average %g +- %g, exact %g", r.mean, r.ci95, expected);
    ck_assert_msg(r.ci95 < 0.1 * fabs(r.mean) + 0.01, "interval %g too wide for the mean %g", r.ci95, r.mean);
  }
  samlab_problem_free(p);
}
END_TEST

/* The ascent finds at least the sharpness at SAM's point w + rho g/||g|| on every toy tried, at several points. */
START_TEST(test_never_below_sam_point)
{
  const char *toys[][2] = {{"quadratic", "diag=1,3,10"}, {"rosenbrock", ""}, {"quartic", ""}, {"asym-valley", ""},
                           {"logreg", ""}}; /* wsam-kl: sigma must stay > 0, not at these points */
  const double points[][3] = {{0.5, -0.2, 0.1}, {-1, 0.7, 0.3}, {0.05, 0.02, -0.4}};
  for (size_t t = 0; t < sizeof toys / sizeof toys[0]; t++) {
    samlab_problem *p = toy(toys[t][0], toys[t][1][0] ? toys[t][1] : NULL);
    size_t n = p->dim;
    double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g), *ws = malloc(n * sizeof *ws);
    for (size_t k = 0; k < 3; k++)
      for (double rho = 0.01; rho < 1; rho *= 7) {
        for (size_t i = 0; i < n; i++)
          x[i] = points[k][i % 3];
        double f = samlab_problem_value_grad(p, x, g), gn = samlab_norm(n, g);
        for (size_t i = 0; i < n; i++)
          ws[i] = x[i] + rho * g[i] / gn;
        double sam = samlab_problem_value_grad(p, ws, NULL) - f;
        double worst = worst_sharpness(p, x, spec(rho, SAMLAB_BALL_L2, 0, 20));
        ck_assert_msg(worst >= sam - 1e-12 * fmax(1, fabs(f)), "%s at point %zu, rho %g: worst %.10g < SAM point %.10g",
                      toys[t][0], k, rho, worst, sam);
      }
    free(x);
    free(g);
    free(ws);
    samlab_problem_free(p);
  }
}
END_TEST

/* First-order flatness: max over ||d|| <= rho of ||A (w + d)||.  At 0 it is rho lambda_max; away from 0, with
 * e = A d, it is the trust-region problem of ||g + A d||^2 / 2: d_i = a_i g_i / (mu - a_i^2). */
START_TEST(test_flatness_quadratic)
{
  samlab_problem *p = toy("quadratic", "diag=1,3,10");
  double a[3] = {1, 3, 10}, zero[3] = {0, 0, 0}, w[3] = {1, -0.5, 0.3}, d[3], rho = 0.2;
  char err[256];
  samlab_sharpness_result r;
  samlab_sharpness_spec s = spec(rho, SAMLAB_BALL_L2, 0, 100);
  ck_assert_msg(samlab_flatness_first_order(p, zero, &s, d, &r, err, sizeof err) == 0, "%s", err);
  ck_assert_close(r.worst, rho * 10, 1e-6);
  ck_assert_close(r.at_w, 0, 1e-15);
  double ag[3], a2[3], dd[3];
  for (int i = 0; i < 3; i++) {
    ag[i] = a[i] * a[i] * w[i];
    a2[i] = a[i] * a[i];
  }
  trust_region_max(3, a2, ag, rho, dd);
  double expected = 0;
  for (int i = 0; i < 3; i++)
    expected += (a[i] * w[i] + a[i] * dd[i]) * (a[i] * w[i] + a[i] * dd[i]);
  ck_assert_msg(samlab_flatness_first_order(p, w, &s, d, &r, err, sizeof err) == 0, "%s", err);
  ck_assert_close(r.worst, sqrt(expected), 1e-6);
  samlab_problem_free(p);
}
END_TEST

/* A tiny in-memory data set: n images of 4 x 4 random pixels, random labels of 10 classes. */
static samlab_dataset *tiny_data(size_t n, unsigned long seed)
{
  return test_tiny_data(n, 4, seed);
}

/* m-sharpness: group j is the worst case on examples jm..jm+m-1 alone (seed + j), the total their mean; m not
 * dividing the examples is refused; the worst case on a network is not below its SAM point either. */
START_TEST(test_m_sharpness_network)
{
  samlab_dataset *data = tiny_data(24, 3);
  char err[256];
  samlab_problem *net = samlab_net_create("fcn", "6", data, err, sizeof err);
  ck_assert_msg(net != NULL, "%s", err);
  samlab_net_set_precision(net, 64);
  size_t n = net->dim;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 1);
  double *w = malloc(n * sizeof *w), *delta = malloc(n * sizeof *delta), per[3];
  samlab_net_init(net, rng, w);
  gsl_rng_free(rng);
  samlab_sharpness_spec s = spec(0.05, SAMLAB_BALL_LINF, 1, 10);
  samlab_sharpness_result total, r;
  ck_assert_int_eq(samlab_sharpness_m(net, w, &s, 5, 24, per, &total, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "divide") != NULL, "%s", err);
  ck_assert_msg(samlab_sharpness_m(net, w, &s, 8, 24, per, &total, err, sizeof err) == 0, "%s", err);
  ck_assert_close(total.worst - total.at_w, (per[0] + per[1] + per[2]) / 3, 1e-12);
  size_t idx[8];
  for (size_t i = 0; i < 8; i++)
    idx[i] = 8 + i;
  ck_assert_int_eq(samlab_problem_set_batch(net, idx, 8), 0);
  samlab_sharpness_spec s1 = s;
  s1.seed = s.seed + 1;
  ck_assert_int_eq(samlab_sharpness_worst(net, w, &s1, delta, &r, err, sizeof err), 0);
  ck_assert_double_eq(r.worst - r.at_w, per[1]);
  ck_assert_msg(per[1] > 0, "group 1's sharpness %g", per[1]);
  samlab_problem_free(net);
  samlab_dataset_free(data);
  free(w);
  free(delta);
}
END_TEST

START_TEST(test_bad_input)
{
  samlab_problem *p = toy("quadratic", "diag=1,3,10");
  double w[3] = {0, 0, 0}, d[3];
  char err[256];
  samlab_sharpness_result r;
  samlab_sharpness_average_result ra;
  for (double rho = 0; rho >= -1; rho -= 1) {
    samlab_sharpness_spec s = spec(rho, SAMLAB_BALL_L2, 0, 10);
    ck_assert_int_eq(samlab_sharpness_worst(p, w, &s, d, &r, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "rho") != NULL, "%s", err);
    ck_assert_int_eq(samlab_flatness_first_order(p, w, &s, d, &r, err, sizeof err), -1);
    ck_assert_int_eq(samlab_sharpness_average(p, w, &s, 10, NULL, &ra, err, sizeof err), -1);
  }
  samlab_sharpness_spec s = spec(0.1, SAMLAB_BALL_L2, 0, 10);
  ck_assert_int_eq(samlab_sharpness_m(p, w, &s, 1, 1, NULL, &r, err, sizeof err), -1); /* a toy has no examples */
  samlab_problem_free(p);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("sharpness");
  TCase *tc = tcase_create("closed forms");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_l2_at_minimum);
  tcase_add_test(tc, test_l2_away_from_minimum);
  tcase_add_test(tc, test_l2_adaptive);
  tcase_add_test(tc, test_linf_diagonal);
  tcase_add_test(tc, test_average_quadratic);
  tcase_add_test(tc, test_never_below_sam_point);
  tcase_add_test(tc, test_flatness_quadratic);
  tcase_add_test(tc, test_m_sharpness_network);
  tcase_add_test(tc, test_bad_input);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return run_suite(suite());
}
