/* Benchmark of the trainer (run by hand, prints figures; never a test):
 *   bench/bench_train [threads] [epochs-fraction]
 * 1. the machine's sgemm rate on large square matrices (the "peak" an SGD step is compared with);
 * 2. seconds per epoch of SGD (sgdm) and SAM on fcn 784-500-500-10 and LeNet-5, Fashion-MNIST, batch 128,
 *    float32, the same threads; the ratio SAM/SGD; the GEMM rate an SGD step reaches (FLOPs counted from
 *    the layer shapes: forward 2mnk per GEMM, backward twice that, minus the input layer's dX).
 * With a fraction f < 1 only the first f of each epoch is timed and scaled up (for a quick look). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "samlab.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of the process: with one thread, robust to other programs sharing the cores. */
static double cpu(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double sgemm_rate(int n)
{
  float *a = malloc((size_t)n * n * 4), *b = malloc((size_t)n * n * 4), *c = malloc((size_t)n * n * 4);
  for (size_t i = 0; i < (size_t)n * n; i++)
    a[i] = b[i] = 1e-3f * (float)(i % 1000);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n); /* warm up */
  double best = 0;
  for (int r = 0; r < 5; r++) {
    double t0 = now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
    double rate = 2.0 * n * n * (double)n / (now() - t0) / 1e9;
    if (rate > best)
      best = rate;
  }
  free(a), free(b), free(c);
  return best;
}

/* GEMM FLOPs of one forward+backward pass of m examples. */
static double step_flops(const char *model, double m)
{
  if (strcmp(model, "fcn") == 0) {
    double fwd = 2 * m * (784.0 * 500 + 500.0 * 500 + 500.0 * 10);
    return 3 * fwd - 2 * m * 784.0 * 500; /* no gradient wrt the input */
  }
  double c1 = 2 * m * 784 * 25 * 6, c2 = 2 * m * 100 * 150 * 16, fc = 2 * m * (400.0 * 120 + 120 * 84 + 84 * 10);
  return 3 * (c1 + c2 + fc) - c1;
}

/* Seconds per epoch of rule over sgdm on model (wall; CPU seconds in *cpu_s); the rate of the GEMMs in GFLOP/s
 * (by wall time) through *gflops. */
static double epoch_seconds(const char *model, const char *rule, samlab_dataset *tr, double frac, double *gflops,
                            double *cpu_s)
{
  char err[256];
  samlab_problem *p = samlab_net_create(model, NULL, tr, err, sizeof err);
  samlab_train_config c = {.rule = samlab_rule_find(rule), .base = samlab_base_find("sgdm"), .batch = 128,
                           .epochs = 1, .schedule = SAMLAB_SCHEDULE_CONSTANT, .seed = 1, .eval_train = 0};
  samlab_hparams_unset(&c.hp);
  c.hp.lr = 0.05;
  samlab_trainer *t = samlab_trainer_alloc(p, tr, NULL, &c, err, sizeof err);
  if (!p || !t) {
    fprintf(stderr, "%s\n", err);
    exit(1);
  }
  long steps = (long)(frac * (double)t->steps_per_epoch);
  if (steps < 5)
    steps = 5;
  samlab_trainer_step(t, NULL, NULL); /* warm up (first-touch of buffers) */
  double t0 = now(), c0 = cpu();
  long sam = 0;
  for (long s = 1; s <= steps; s++) {
    samlab_step_info info;
    samlab_trainer_step(t, &info, NULL);
    sam += info.sam_used;
  }
  double per_step = (now() - t0) / (double)steps;
  *cpu_s = (cpu() - c0) / (double)steps * (double)t->steps_per_epoch;
  *gflops = step_flops(model, 128) * (1.0 + (double)sam / (double)steps) / per_step / 1e9;
  double epoch = per_step * (double)t->steps_per_epoch;
  samlab_trainer_free(t);
  samlab_problem_free(p);
  return epoch;
}

int main(int argc, char **argv)
{
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double frac = argc > 2 ? atof(argv[2]) : 1.0;
  samlab_set_threads(threads);
  samlab_dataset *tr, *te;
  char err[256];
  if (samlab_data_load("fashion-mnist", NULL, &tr, &te, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  double peak = sgemm_rate(2048);
  printf("threads %d; sgemm 2048^3: %.1f GFLOP/s (the peak used below)\n", threads, peak);
  const char *models[] = {"fcn", "lenet"};
  for (int m = 0; m < 2; m++) {
    double g_sgd, g_sam, c_sgd, c_sam;
    double sgd = epoch_seconds(models[m], "sgd", tr, frac, &g_sgd, &c_sgd);
    double sam = epoch_seconds(models[m], "sam", tr, frac, &g_sam, &c_sam);
    printf("%-5s epoch: sgd %.2f s, sam %.2f s, sam/sgd %.2f (CPU s: sgd %.2f, sam %.2f, ratio %.2f); "
           "sgd step GEMM rate %.1f GFLOP/s = %.0f%% of peak\n",
           models[m], sgd, sam, sam / sgd, c_sgd, c_sam, c_sam / c_sgd, g_sgd, 100 * g_sgd / peak);
  }
  samlab_dataset_free(tr);
  samlab_dataset_free(te);
  return 0;
}
