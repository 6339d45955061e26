/* Base optimizers against steps worked out by hand with PyTorch's formulas. */
#include "testutil.h"

static samlab_hparams hp_with(double lr, double mom, double wd)
{
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  hp.lr = lr;
  hp.momentum = mom;
  hp.wd = wd;
  hp.beta1 = 0.9;
  hp.beta2 = 0.999;
  hp.adam_eps = 1e-8;
  return hp;
}

START_TEST(sgd_with_weight_decay)
{
  samlab_hparams hp = hp_with(0.1, 0, 0.5);
  double w[2] = {1, -2}, g[2] = {0.3, 0.4};
  samlab_base_find("sgd")->step(NULL, 2, w, g, &hp, 0);
  /* w - lr (g + wd w) = 1 - 0.1 (0.3 + 0.5) = 0.92 ; -2 - 0.1 (0.4 - 1) = -1.94 */
  ck_assert_close(w[0], 0.92, 1e-15);
  ck_assert_close(w[1], -1.94, 1e-15);
}
END_TEST

START_TEST(sgdm_buffer_starts_at_g)
{
  samlab_hparams hp = hp_with(0.1, 0.9, 0);
  double v[1] = {123}, w[1] = {1}, g[1] = {2};
  const samlab_base_type *b = samlab_base_find("sgdm");
  b->step(v, 1, w, g, &hp, 0); /* v = 2, w = 1 - 0.2 = 0.8 */
  ck_assert_close(v[0], 2, 1e-15);
  ck_assert_close(w[0], 0.8, 1e-15);
  g[0] = 1;
  b->step(v, 1, w, g, &hp, 1); /* v = 1.8 + 1 = 2.8, w = 0.8 - 0.28 = 0.52 */
  ck_assert_close(v[0], 2.8, 1e-15);
  ck_assert_close(w[0], 0.52, 1e-15);
}
END_TEST

START_TEST(adam_first_two_steps)
{
  samlab_hparams hp = hp_with(0.01, 0, 0.1);
  double s[2] = {0, 0}, w[1] = {1}, g[1] = {0.5};
  const samlab_base_type *b = samlab_base_find("adam");
  b->step(s, 1, w, g, &hp, 0);
  /* g' = 0.5 + 0.1 = 0.6; m = 0.06, v = 0.00036; mhat = 0.6, vhat = 0.36; w = 1 - 0.01 * 0.6/(0.6 + 1e-8) */
  ck_assert_close(w[0], 1 - 0.01 * 0.6 / (0.6 + 1e-8), 1e-14);
  double w1 = w[0];
  b->step(s, 1, w, g, &hp, 1);
  double gp = 0.5 + 0.1 * w1, m = 0.9 * 0.06 + 0.1 * gp, v = 0.999 * 0.00036 + 0.001 * gp * gp;
  double mhat = m / (1 - 0.81), vhat = v / (1 - 0.999 * 0.999);
  ck_assert_close(w[0], w1 - 0.01 * mhat / (sqrt(vhat) + 1e-8), 1e-14);
}
END_TEST

START_TEST(adamw_decays_the_old_weight)
{
  samlab_hparams hp = hp_with(0.01, 0, 0.1);
  double s[2] = {0, 0}, w[1] = {2}, g[1] = {-1};
  samlab_base_find("adamw")->step(s, 1, w, g, &hp, 0);
  /* w = 2 - 0.01*0.1*2 - 0.01 * (-1)/(1 + 1e-8) */
  ck_assert_close(w[0], 2 - 0.002 + 0.01 / (1 + 1e-8), 1e-14);
}
END_TEST

/* step_f32 is step on the widened gradient, bit for bit, for every base optimizer, on the first step and a
 * later one, over a length that leaves a partial group of eight: the same weights and state, (float)w in w32,
 * and g.g as samlab_dot sums it. */
START_TEST(float32_gradient_steps_match)
{
  enum { N = 37 };
  samlab_hparams hp = hp_with(0.03, 0.9, 0.01);
  for (size_t b = 0; samlab_base_types[b]; b++) {
    const samlab_base_type *base = samlab_base_types[b];
    double w1[N], w2[N], g[N], s1[2 * N] = {0}, s2[2 * N] = {0};
    float g32[N], w32[N];
    for (int i = 0; i < N; i++)
      w1[i] = w2[i] = 0.37 * (i - 17) + 1e-3 / (i + 1.0);
    for (long t = 0; t < 3; t++) {
      for (int i = 0; i < N; i++) {
        g32[i] = (float)(0.11 * (double)((i * 7 + (int)t * 5) % 13) - 0.6 + 1e-9 * i);
        g[i] = g32[i];
      }
      base->step(s1, N, w1, g, &hp, t);
      double gg = base->step_f32(s2, N, w2, g32, w32, &hp, t);
      ck_assert_msg(gg == samlab_dot(N, g, g), "%s t %ld: g.g %.17g vs %.17g", base->name, t, gg,
                    samlab_dot(N, g, g));
      for (int i = 0; i < N; i++) {
        ck_assert_msg(w1[i] == w2[i], "%s t %ld w[%d]: %.17g vs %.17g", base->name, t, i, w2[i], w1[i]);
        ck_assert(w32[i] == (float)w1[i]);
      }
      for (size_t i = 0; i < base->state_vectors * N; i++)
        ck_assert(s1[i] == s2[i]);
    }
    ck_assert(w1[3] != 0.37 * (3 - 17) + 1e-3 / 4.0); /* the steps moved the weights */
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("base");
  TCase *tc = tcase_create("steps");
  tcase_add_test(tc, sgd_with_weight_decay);
  tcase_add_test(tc, sgdm_buffer_starts_at_g);
  tcase_add_test(tc, adam_first_two_steps);
  tcase_add_test(tc, adamw_decays_the_old_weight);
  tcase_add_test(tc, float32_gradient_steps_match);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
