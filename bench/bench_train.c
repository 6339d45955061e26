/* Benchmark of the trainer (run by hand, prints figures; never a test):
 *   bench/bench_train [threads] [epochs-fraction] [fcn|lenet]
 * 1. the machine's sgemm rate on large square matrices (the "peak" an SGD step is compared with);
 * 2. seconds per epoch of SGD (sgdm) and SAM on fcn 784-500-500-10 and LeNet-5, Fashion-MNIST, batch 128,
 *    float32, the same threads; the ratio SAM/SGD; AE-SAM's epoch beside the cost its fraction of SAM steps
 *    predicts (sgd + fraction x (sam - sgd)); the GEMM rate an SGD step reaches (FLOPs counted from
 *    the layer shapes: forward 2mnk per GEMM, backward twice that, minus the input layer's dX).
 * With a fraction f < 1 only the first f of each epoch is timed and scaled up (for a quick look).  Each
 * figure is given twice: the mean step and the median step, times the steps of an epoch (the median is robust
 * to other programs on a shared machine; bench/torch_train.py prints the same two). */
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

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
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

/* Seconds per epoch of rule over sgdm on model: the mean step (wall) times the steps of an epoch, and in
 * *median_s the median step times them (robust to other programs on a shared machine); the rate of the
 * GEMMs in GFLOP/s (mean) through *gflops. */
static double last_sam_fraction; /* of the last epoch_seconds run */

static double epoch_seconds(const char *model, const char *rule, samlab_dataset *tr, double frac, double *gflops,
                            double *median_s)
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
  long steps = (long)(frac * (double)samlab_trainer_steps_per_epoch(t));
  if (steps < 5)
    steps = 5;
  double *dt = malloc((size_t)steps * sizeof *dt);
  samlab_trainer_step(t, NULL, NULL); /* warm up (first-touch of buffers) */
  double total = 0;
  long sam = 0;
  for (long s = 0; s < steps; s++) {
    samlab_step_info info;
    double t0 = now();
    samlab_trainer_step(t, &info, NULL);
    dt[s] = now() - t0;
    total += dt[s];
    sam += info.sam_used;
  }
  qsort(dt, (size_t)steps, sizeof *dt, cmp_double);
  double per_step = total / (double)steps;
  last_sam_fraction = (double)sam / (double)steps;
  *median_s = dt[steps / 2] * (double)samlab_trainer_steps_per_epoch(t);
  *gflops = step_flops(model, 128) * (1.0 + (double)sam / (double)steps) / per_step / 1e9;
  double epoch = per_step * (double)samlab_trainer_steps_per_epoch(t);
  free(dt);
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
  printf("threads %d; OpenBLAS core %s; sgemm 2048^3: %.1f GFLOP/s (the peak used below)\n", threads,
         samlab_blas_core(), peak);
  const char *models[] = {"fcn", "lenet"};
  for (int m = 0; m < 2; m++) {
    if (argc > 3 && strcmp(argv[3], models[m]) != 0)
      continue;
    double g_sgd, g_sam, m_sgd, m_sam;
    double sgd = epoch_seconds(models[m], "sgd", tr, frac, &g_sgd, &m_sgd);
    double sam = epoch_seconds(models[m], "sam", tr, frac, &g_sam, &m_sam);
    printf("%-5s epoch: sgd %.2f s, sam %.2f s, sam/sgd %.2f (median steps: sgd %.2f, sam %.2f, ratio %.2f); "
           "sgd step GEMM rate %.1f GFLOP/s = %.0f%% of peak\n",
           models[m], sgd, sam, sam / sgd, m_sgd, m_sam, m_sam / m_sgd, g_sgd, 100 * g_sgd / peak);
    double g_ae, m_ae;
    double ae = epoch_seconds(models[m], "ae-sam", tr, frac, &g_ae, &m_ae);
    double f = last_sam_fraction;
    printf("%-5s ae-sam: %.2f s at a SAM fraction of %.2f; sgd + fraction x (sam - sgd) = %.2f s (ratio %.2f)\n",
           models[m], ae, f, sgd + f * (sam - sgd), ae / (sgd + f * (sam - sgd)));
  }
  samlab_dataset_free(tr);
  samlab_dataset_free(te);
  return 0;
}
