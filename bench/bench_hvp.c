/* The cost of one exact Hessian-vector product (R-operator) in units of one gradient, on Fashion-MNIST networks,
 * for float32 and float64 and a few batch sizes.  Run by hand: bench/bench_hvp [threads] [repeats].
 * Prints one line per case: seconds per gradient, per HVP, and their ratio (issue 4 aims at <= 2.5). */
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "samlab.h"

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
  int threads = argc > 1 ? atoi(argv[1]) : 1, repeats = argc > 2 ? atoi(argv[2]) : 5;
  samlab_set_threads(threads);
  char err[512];
  samlab_dataset *train, *test;
  if (samlab_data_load("fashion-mnist", NULL, &train, &test, err, sizeof err) != 0) {
    fprintf(stderr, "bench_hvp: %s\n", err);
    return 1;
  }
  const char *models[][2] = {{"fcn", "500,500"}, {"fcn", "100"}, {"lenet", NULL}};
  const size_t batches[] = {128, 1024};
  printf("%-22s %5s %6s %12s %12s %8s\n", "model", "bits", "batch", "s/gradient", "s/HVP", "HVP/grad");
  for (size_t m = 0; m < 3; m++)
    for (int bits = 32; bits <= 64; bits += 32)
      for (size_t b = 0; b < 2; b++) {
        samlab_problem *net = samlab_net_create(models[m][0], models[m][1], train, err, sizeof err);
        if (!net) {
          fprintf(stderr, "bench_hvp: %s\n", err);
          return 1;
        }
        samlab_net_set_precision(net, bits);
        size_t n = net->dim, *idx = malloc(batches[b] * sizeof *idx);
        for (size_t i = 0; i < batches[b]; i++)
          idx[i] = i;
        samlab_problem_set_batch(net, idx, batches[b]);
        double *w = malloc(n * sizeof *w), *g = malloc(n * sizeof *g), *v = malloc(n * sizeof *v);
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        samlab_net_init(net, r, w);
        for (size_t i = 0; i < n; i++)
          v[i] = gsl_rng_uniform(r) - 0.5;
        samlab_problem_value_grad(net, w, g); /* warm-up: buffers */
        samlab_problem_hvp(net, w, v, g);
        double t0 = now();
        for (int k = 0; k < repeats; k++)
          samlab_problem_value_grad(net, w, g);
        double tg = (now() - t0) / repeats;
        t0 = now();
        for (int k = 0; k < repeats; k++)
          samlab_problem_hvp(net, w, v, g);
        double th = (now() - t0) / repeats;
        printf("%-22s %5d %6zu %12.5f %12.5f %8.2f\n", samlab_net_describe(net), bits, batches[b], tg, th, th / tg);
        gsl_rng_free(r);
        free(w);
        free(g);
        free(v);
        free(idx);
        samlab_problem_free(net);
      }
  samlab_dataset_free(train);
  samlab_dataset_free(test);
  return 0;
}
