/* Rules: first steps against values worked out independently, and the invariants between rules. */
#include "testutil.h"

START_TEST(sam_first_step_on_quartic)
{
  char err[256];
  samlab_problem *p = samlab_toy_create("quartic", NULL, err, sizeof err);
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  hp.lr = 0.1;
  hp.rho = 0.5;
  samlab_rule *r = samlab_rule_alloc(samlab_rule_find("sam"), samlab_base_find("sgd"), &hp, 2, err, sizeof err);
  ck_assert_ptr_nonnull(r);
  double w[2] = {2, 0};
  samlab_rule_step(r, p, w, NULL);
  /* g = (8, -2), ||g|| = sqrt(68); w + eps = (2 + 4/sqrt(68), -1/sqrt(68)) */
  double n = sqrt(68.0), x = 2 + 0.5 * 8 / (n + 1e-12), y = -0.5 * 2 / (n + 1e-12);
  ck_assert_close(w[0], 2 - 0.1 * (x * x * x - y), 1e-14);
  ck_assert_close(w[1], 0 - 0.1 * (y - x), 1e-14);
  samlab_rule_free(r);
  samlab_problem_free(p);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("rules");
  TCase *tc = tcase_create("first steps");
  tcase_add_test(tc, sam_first_step_on_quartic);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
