/* Speed of samlab sweep's runs on quartic (StableSAM Figure 4): 2-D steps per second per core for each rule,
 * on the fast SoA kernel with one thread and with all threads, and on the library's generic step, over the
 * figure's own grid (100 log-spaced lr in [0.001, 0.3], rho 0.05, 0.2, 0.5, 1000 steps) with fewer starts.
 * Run by hand: bench/bench_sweep [starts]  (default 1000; the figure uses 10000).  Compare with
 * python3 bench/sweep_numpy.py.  Figures are only meaningful on an otherwise idle machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "samlab.h"

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Seconds for all runs of one rule; *steps gets the 2-D steps that represents (sgd counted once per lr). */
static double time_rule(samlab_sweep *s, double *steps)
{
  size_t n = samlab_sweep_nruns(s);
  uint8_t *out = malloc(n);
  char err[256];
  double t0 = now();
  if (samlab_sweep_run(s, 0, n, out, NULL, NULL, NULL, err, sizeof err) != 0) {
    fprintf(stderr, "bench_sweep: %s\n", err);
    exit(1);
  }
  double t = now() - t0;
  int sgd = strcmp(s->rules[0]->name, "sgd") == 0 && !s->generic_only; /* sgd ignores rho: computed once */
  *steps = (double)(sgd ? n / s->nrho : n) * (double)s->steps;
  free(out);
  return t;
}

int main(int argc, char **argv)
{
  size_t nstarts = argc > 1 ? (size_t)atol(argv[1]) : 1000, nlr = 100;
  int threads = 1;
#ifdef _OPENMP
  threads = omp_get_max_threads();
#endif
  double lo[2] = {-2, -2}, hi[2] = {2, 2}, rho[3] = {0.05, 0.2, 0.5};
  double *starts = malloc(nstarts * 2 * sizeof *starts), lr[100];
  samlab_sweep_starts(1, nstarts, 2, lo, hi, starts);
  samlab_sweep_lrs(0.001, 0.3, nlr, 1, lr);
  double lr_slice[10];
  for (int i = 0; i < 10; i++)
    lr_slice[i] = lr[5 + 10 * i];
  const char *names[] = {"sgd", "sam", "stablesam"};
  printf("quartic, %zu lr x 3 rho x %zu starts x 1000 steps per rule; %d threads available\n", nlr, nstarts,
         threads);
  printf("%-10s %18s %18s %18s %12s\n", "rule", "fast 1 thread", "fast all threads", "generic 1 thread",
         "fast/generic");
  double total_fast_all = 0, total_steps = 0;
  for (int k = 0; k < 3; k++) {
    const samlab_rule_type *rule = samlab_rule_find(names[k]);
    samlab_hparams hp;
    samlab_hparams_unset(&hp);
    samlab_toy_spec quartic = {"quartic", NULL};
    samlab_sweep s = {samlab_toy_make, &quartic, 1, &rule, samlab_base_find("sgd"), hp, 3, nlr, nstarts, rho, lr,
                      starts, 1000, 0.1, 0};
    double st, t1, tall, tg, stg;
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
    t1 = time_rule(&s, &st);
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    tall = time_rule(&s, &st);
    total_fast_all += tall;
    total_steps += st;
    /* The generic step on a slice (rho 0.2, every 10th lr, 100 starts): it is far slower. */
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
    samlab_sweep g = s;
    g.generic_only = 1;
    g.nrho = 1;
    g.rho = rho + 1;
    g.nlr = 10;
    g.lr = lr_slice;
    g.nstarts = nstarts < 100 ? nstarts : 100;
    tg = time_rule(&g, &stg);
    samlab_sweep f = g;
    f.generic_only = 0;
    double stf, tf = time_rule(&f, &stf);
    printf("%-10s %14.3g /s %14.3g /s %14.3g /s %11.1fx\n", names[k], st / t1, st / tall / threads, stg / tg,
           (stf / tf) / (stg / tg));
  }
  double full = 7e9 / (total_steps / total_fast_all);
  printf("all three rules, all threads: %.3g 2-D steps/s; the full Figure 4 sweep (7e9 steps) would take %.1f s\n",
         total_steps / total_fast_all, full);
  free(starts);
  return 0;
}
