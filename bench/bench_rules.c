/* Nanoseconds per step of every rule on quartic, over sgd and sgdm (a benchmark that prints figures, run by
 * hand: `make bench/bench_rules && bench/bench_rules [steps]`).  Each figure is the best of 5 runs of
 * `steps` steps (default 200000) from (-1.5, 0.5), lr 0.01, rho 0.05, through samlab_rule_step, so it
 * includes the gradient evaluations (1 or 2 per step) and the step's bookkeeping.  Dimension 2: this
 * measures the per-step overhead of a rule, not vector throughput. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "samlab.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Best-of-5 ns per step; *sam_frac gets the fraction of SAM steps. */
static double time_rule(const samlab_rule_type *rt, const samlab_base_type *bt, samlab_problem *p, long steps,
                        double *sam_frac)
{
  double best = INFINITY;
  for (int rep = 0; rep < 5; rep++) {
    samlab_hparams hp;
    samlab_hparams_unset(&hp);
    hp.lr = 0.01;
    hp.rho = 0.05;
    hp.total_steps = steps;
    char err[256];
    samlab_rule *r = samlab_rule_alloc(rt, bt, &hp, p->dim, err, sizeof err);
    if (!r) {
      fprintf(stderr, "bench_rules: %s\n", err);
      exit(1);
    }
    double w[2] = {-1.5, 0.5};
    long nsam = 0;
    samlab_step_info info;
    double t0 = now();
    for (long t = 0; t < steps; t++) {
      samlab_rule_step(r, p, w, &info);
      nsam += info.sam_used;
    }
    double dt = now() - t0;
    if (!samlab_all_finite(2, w))
      fprintf(stderr, "bench_rules: %s/%s diverged\n", rt->name, bt->name);
    best = dt < best ? dt : best;
    *sam_frac = (double)nsam / steps;
    samlab_rule_free(r);
  }
  return 1e9 * best / steps;
}

int main(int argc, char **argv)
{
  long steps = argc > 1 ? atol(argv[1]) : 200000;
  if (steps < 1) {
    fprintf(stderr, "bench_rules: bad value '%s' for steps: must be >= 1\n", argv[1]);
    return 2;
  }
  char err[256];
  samlab_problem *p = samlab_toy_create("quartic", NULL, err, sizeof err);
  if (!p) {
    fprintf(stderr, "bench_rules: %s\n", err);
    return 1;
  }
  printf("ns per step on quartic (dim 2), best of 5 x %ld steps, lr 0.01, rho 0.05, rule defaults\n", steps);
  printf("%-14s %10s %10s %10s\n", "rule", "sgd", "sgdm", "SAM steps");
  for (int i = 0; samlab_rule_types[i]; i++) {
    double frac, ns_sgd = time_rule(samlab_rule_types[i], samlab_base_find("sgd"), p, steps, &frac);
    double ns_sgdm = time_rule(samlab_rule_types[i], samlab_base_find("sgdm"), p, steps, &frac);
    printf("%-14s %10.1f %10.1f %9.0f%%\n", samlab_rule_types[i]->name, ns_sgd, ns_sgdm, 100 * frac);
  }
  samlab_problem_free(p);
  return 0;
}
