/* samlab bounds: the convex toys against finite differences, StableSAM's Table 1 against the notes' worked
 * numbers, the AE-SAM erratum coefficient against a one-line reference, and every check at --quick scale. */
#include <string.h>
#include "testutil.h"

START_TEST(table1_matches_the_worked_example)
{
  /* /work/shared/notes/stablesam.md 3.6: mu 0.1, L 1, G 1, rho 0.05, C 2, n 1000, gamma 0.5/0.7, eta 0.1 */
  samlab_excess_terms t[3];
  samlab_stablesam_table1(0.1, 1, 1, 0.05, 2, 1000, 0.5, 0.7, 0.1, t);
  const double want[3][4] = {{1.818182, 0.022000, 0.250000, 0.272000},
                             {1.510143, 0.021891, 0.248756, 0.270647},
                             {2.157347, 0.015323, 0.243781, 0.259104}};
  for (int i = 0; i < 3; i++) {
    ck_assert(fabs(t[i].eta_max - want[i][0]) < 1e-6);
    ck_assert(fabs(t[i].gen - want[i][1]) < 1e-6);
    ck_assert(fabs(t[i].opt - want[i][2]) < 1e-6);
    ck_assert(fabs(t[i].excess - want[i][3]) < 1e-6);
  }
}
END_TEST

/* Central differences of value_grad against its gradient, on the current batch. */
static void check_gradient(const samlab_problem *p, const double *w)
{
  size_t d = p->dim;
  double *g = malloc(d * sizeof *g), *x = malloc(d * sizeof *x);
  p->value_grad(p->ctx, w, g);
  for (size_t i = 0; i < d; i++) {
    memcpy(x, w, d * sizeof *x);
    x[i] += 1e-6;
    double fp = p->value_grad(p->ctx, x, NULL);
    x[i] -= 2e-6;
    double fm = p->value_grad(p->ctx, x, NULL);
    ck_assert_msg(fabs((fp - fm) / 2e-6 - g[i]) < 1e-6 * fmax(1, fabs(g[i])), "coordinate %zu", i);
  }
  free(g);
  free(x);
}

START_TEST(convex_toys_gradients_and_minima)
{
  char err[256];
  double w[6] = {0.3, -0.2, 0.5, 1.0, -1.5, 0.1}, g[6];
  const char *names[2] = {"lsq", "logreg"};
  for (int k = 0; k < 2; k++) {
    samlab_problem *p = samlab_toy_create(names[k], "n=30;d=6;lambda=0.2;r=1.5;seed=3", err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_uint_eq(p->dim, 6);
    ck_assert_uint_eq(samlab_problem_examples(p), 30);
    check_gradient(p, w);
    size_t idx[3] = {4, 7, 29};
    ck_assert_int_eq(samlab_problem_set_batch(p, idx, 3), 0);
    check_gradient(p, w);
    ck_assert_int_ne(samlab_problem_set_batch(p, (size_t[]){30}, 1), 0); /* out of range */
    samlab_problem_set_batch(p, NULL, 0);
    if (k == 0) { /* the declared minimum w*_S has a zero full gradient */
      p->value_grad(p->ctx, samlab_problem_landscape(p)->minima, g);
      ck_assert(samlab_norm(6, g) < 1e-10);
    }
    samlab_problem_free(p);
  }
  /* the population risk's minimum (r^2/d)/(r^2/d + lambda) w_nat has zero gradient */
  samlab_problem *pop = samlab_toy_create("lsq", "n=30;d=6;lambda=0.2;r=1.5;seed=3;population=1", err, sizeof err);
  ck_assert(pop != NULL);
  check_gradient(pop, w);
  pop->value_grad(pop->ctx, samlab_problem_landscape(pop)->minima, g);
  ck_assert(samlab_norm(6, g) < 1e-12);
  samlab_problem_free(pop);
}
END_TEST

START_TEST(replace_changes_one_example_only)
{
  char err[256];
  samlab_problem *s = samlab_toy_create("lsq", "n=20;d=4;seed=5", err, sizeof err);
  samlab_problem *t = samlab_toy_create("lsq", "n=20;d=4;seed=5;replace=7", err, sizeof err);
  ck_assert(s && t);
  double w[4] = {0.5, -1, 2, 0.25};
  for (size_t i = 0; i < 20; i++) {
    samlab_problem_set_batch(s, &i, 1);
    samlab_problem_set_batch(t, &i, 1);
    double a = s->value_grad(s->ctx, w, NULL), b = t->value_grad(t->ctx, w, NULL);
    if (i == 7)
      ck_assert(a != b);
    else
      ck_assert(a == b);
  }
  samlab_problem_free(s);
  samlab_problem_free(t);
  ck_assert(samlab_toy_create("lsq", "n=20;replace=20", err, sizeof err) == NULL);
  ck_assert(strstr(err, "replace") != NULL);
  ck_assert(samlab_toy_create("logreg", "flip=2", err, sizeof err) == NULL);
  ck_assert(samlab_toy_create("lsq", "bogus=1", err, sizeof err) == NULL);
}
END_TEST

START_TEST(verdicts)
{
  samlab_bound_row r;
  memset(&r, 0, sizeof r);
  r.measured = 1, r.bound = 2, r.lower = NAN, r.premises = 1, r.expect_hold = 1;
  ck_assert(samlab_bound_holds(&r) && samlab_bound_ok(&r));
  r.measured = 3;
  ck_assert(!samlab_bound_holds(&r) && !samlab_bound_ok(&r));
  r.expect_hold = 0; /* an erratum row: the printed form is expected to fail */
  ck_assert(samlab_bound_ok(&r));
  r.premises = 0, r.expect_hold = 1; /* informational */
  ck_assert(samlab_bound_ok(&r));
  r.premises = 1, r.measured = 1.5, r.lower = 1.6;
  ck_assert(!samlab_bound_holds(&r));
  r.measured = NAN;
  ck_assert(!samlab_bound_holds(&r));
}
END_TEST

START_TEST(aesam_erratum_coefficient)
{
  /* one raw SAM step on L = w^2/2 + 3 cos w from w = 0.1, eta 0.0025, rho 0.1, worked out here */
  double w = 0.1, eta = 0.0025, rho = 0.1, g = w - 3 * sin(w), wa = w + rho * g, gs = wa - 3 * sin(wa);
  double w1 = w - eta * gs, coef = ((w * w / 2 + 3 * cos(w)) - (w1 * w1 / 2 + 3 * cos(w1))) / (eta * g * g);
  ck_assert(fabs(coef - 0.8028) < 1e-4); /* the notes' value */
  samlab_bound_row rows[64];
  char err[256];
  const samlab_bound_check *c = samlab_bound_find("aesam-thm3.3");
  ck_assert(c != NULL);
  int n = c->run(1, 1, rows, 64, err, sizeof err);
  ck_assert_msg(n > 3, "%s", err);
  ck_assert_close(rows[0].measured, coef, 1e-9);
  ck_assert_close(rows[0].lower, 0.89, 1e-12); /* printed (17): 1 - (1 + 0.01 - 0.8)/2 - 0.005 */
  ck_assert(!samlab_bound_holds(&rows[0]) && !rows[0].expect_hold && samlab_bound_ok(&rows[0]));
  ck_assert_close(rows[1].lower, 0.1024, 1e-12); /* corrected: 1 - 0.005 - 0.895 + 0.0024 */
  ck_assert(samlab_bound_holds(&rows[1]));
}
END_TEST

START_TEST(every_check_quick)
{
  samlab_bound_row *rows = calloc(256, sizeof *rows);
  char err[256];
  for (size_t i = 0; samlab_bound_checks[i]; i++) {
    int n = samlab_bound_checks[i]->run(1, 1, rows, 256, err, sizeof err);
    ck_assert_msg(n > 0, "%s: %s", samlab_bound_checks[i]->name, err);
    for (int k = 0; k < n; k++)
      ck_assert_msg(samlab_bound_ok(&rows[k]), "%s: %s: measured %g bound %g", rows[k].check, rows[k].claim,
                    rows[k].measured, rows[k].bound);
  }
  free(rows);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("bounds");
  TCase *tc = tcase_create("bounds");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, table1_matches_the_worked_example);
  tcase_add_test(tc, convex_toys_gradients_and_minima);
  tcase_add_test(tc, replace_changes_one_example_only);
  tcase_add_test(tc, verdicts);
  tcase_add_test(tc, aesam_erratum_coefficient);
  tcase_add_test(tc, every_check_quick);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
