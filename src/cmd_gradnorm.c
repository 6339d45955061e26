/* samlab gradnorm: squared mini-batch gradient norms at a fixed point (AE-SAM Figures 2, 3, 8, 9) with their
 * normality, and AE-SAM's threshold over a training run (Figure 7), to HDF5. */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "commands.h"

#define CMD "gradnorm"

typedef struct {
  samlab_subject_spec ss; /* --function ... --data-dir */
  const char *trace, *out;
  long batches, batch, bins, seed, precision;
  double lambda1, lambda2, delta;
  int over_training;
} gradnorm_args;

/* M squared norms of mini-batch gradients at w: networks draw batches of `batch` examples from seeded shuffles
 * of the training set (a new shuffle when one is used up); toys redraw their gradient noise per batch. */
static int sample_norms(samlab_subject *sub, const gradnorm_args *a, double *s, char *err, size_t errlen)
{
  samlab_problem *p = sub->p;
  size_t dim = p->dim, n = sub->train ? sub->train->n : 1, B = sub->train ? (size_t)a->batch : 1;
  double *g = malloc(dim * sizeof *g);
  size_t *order = malloc(n * sizeof *order);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!g || !order || !rng) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  gsl_rng_set(rng, (unsigned long)a->seed);
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  size_t pos = n; /* forces a shuffle first */
  progress bar;
  progress_start(&bar, CMD, (double)a->batches);
  int rc = 0;
  for (long m = 0; m < a->batches; m++) {
    if (pos + B > n) {
      gsl_ran_shuffle(rng, order, n, sizeof *order);
      pos = 0;
    }
    if (samlab_problem_set_batch(p, order + pos, B) != 0) {
      snprintf(err, errlen, "cannot select a batch of %zu examples", B);
      rc = -1;
      break;
    }
    pos += B;
    samlab_problem_value_grad(p, sub->w, g);
    s[m] = samlab_dot(dim, g, g);
    progress_update(&bar, (double)(m + 1), NULL);
  }
  progress_end(&bar);
  gsl_rng_free(rng);
  free(g);
  free(order);
  return rc;
}

/* The full gradient's squared norm (the whole training set; toys: the noise-free gradient). */
static double full_norm2(samlab_problem *p, const double *w)
{
  double *g = malloc(p->dim * sizeof *g);
  if (!g)
    return NAN;
  samlab_problem_set_batch(p, NULL, 0);
  samlab_problem_value_grad(p, w, g);
  double s = samlab_dot(p->dim, g, g);
  free(g);
  return s;
}

/* AE-SAM's threshold replayed over a train file's per-step ||g||^2, beside its recorded SAM steps. */
static int write_trace(samlab_out *o, const gradnorm_args *a, double *measured, double *replayed, char *err,
                       size_t errlen)
{
  hid_t f = samlab_in_open(a->trace, err, errlen);
  if (f < 0)
    return -1;
  double *s = NULL, *used = NULL;
  hsize_t n = 0, nu = 0;
  if (samlab_in_vec(f, "/step/grad_norm2", &s, &n) != 0 || n == 0) {
    H5Fclose(f);
    free(s);
    snprintf(err, errlen, "'%s' has no /step/grad_norm2: not a samlab train file", a->trace);
    return -1;
  }
  /* the run's own AE-SAM settings when it recorded them, else the command's */
  double l1 = a->lambda1, l2 = a->lambda2, delta = a->delta, T = (double)n, v;
  if (samlab_in_attr_f64(f, "/", "lambda1", &v) == 0)
    l1 = v;
  if (samlab_in_attr_f64(f, "/", "lambda2", &v) == 0)
    l2 = v;
  if (samlab_in_attr_f64(f, "/", "delta", &v) == 0)
    delta = v;
  if (samlab_in_attr_f64(f, "/", "total_steps", &v) == 0 && v > 0)
    T = v;
  char rule[64] = "?";
  samlab_in_attr_str(f, "/", "rule", rule, sizeof rule);
  if (H5Lexists(f, "/step/sam_used", H5P_DEFAULT) > 0) {
    uint8_t *u = malloc(n);
    if (u && H5LTread_dataset(f, "/step/sam_used", H5T_NATIVE_UINT8, u) >= 0) {
      used = malloc(n * sizeof *used);
      for (hsize_t i = 0; used && i < n; i++)
        used[i] = u[i];
      nu = n;
    }
    free(u);
  }
  H5Fclose(f);
  double *mu = malloc(n * sizeof *mu), *sd = malloc(n * sizeof *sd), *th = malloc(n * sizeof *th);
  uint8_t *sam = malloc(n);
  if (!mu || !sd || !th || !sam) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  *replayed = samlab_aesam_replay(n, s, delta, l1, l2, (long)T, mu, sd, th, sam);
  *measured = NAN;
  if (nu) {
    double c = 0;
    for (hsize_t i = 0; i < n; i++)
      c += used[i];
    *measured = c / (double)n;
  }
  int rc = samlab_out_group(o, "/trace");
  rc |= samlab_out_f64(o, "/trace/grad_norm2", 1, &n, s);
  rc |= samlab_out_f64(o, "/trace/mu", 1, &n, mu);
  rc |= samlab_out_f64(o, "/trace/sd", 1, &n, sd);
  rc |= samlab_out_f64(o, "/trace/threshold", 1, &n, th);
  rc |= samlab_out_u8(o, "/trace/sam_replayed", 1, &n, sam);
  if (nu) {
    for (hsize_t i = 0; i < n; i++)
      sam[i] = (uint8_t)used[i];
    rc |= samlab_out_u8(o, "/trace/sam_used", 1, &n, sam);
  }
  rc |= samlab_attr_str(o->file, "/trace", "file", a->trace);
  rc |= samlab_attr_str(o->file, "/trace", "rule", rule);
  rc |= samlab_attr_f64(o->file, "/trace", "lambda1", l1);
  rc |= samlab_attr_f64(o->file, "/trace", "lambda2", l2);
  rc |= samlab_attr_f64(o->file, "/trace", "delta", delta);
  rc |= samlab_attr_f64(o->file, "/trace", "total_steps", T);
  rc |= samlab_attr_f64(o->file, "/trace", "sam_fraction_measured", *measured);
  rc |= samlab_attr_f64(o->file, "/trace", "sam_fraction_replayed", *replayed);
  rc |= samlab_attr_f64(o->file, "/trace", "sam_fraction_predicted", samlab_aesam_predicted_fraction(l1, l2));
  printf("trace %s (%s, %llu steps): SAM fraction measured %.4f, replayed %.4f, Gaussian model %.4f\n", a->trace,
         rule, (unsigned long long)n, *measured, *replayed, samlab_aesam_predicted_fraction(l1, l2));
  free(s);
  free(used);
  free(mu);
  free(sd);
  free(th);
  free(sam);
  return rc;
}

/* At every epoch stored in the checkpoint file: mean ||g_B||^2 over the batches, the full ||g||^2 and the gradient
 * variance mean - full (AE-SAM Figures 1 and 2). */
static int over_training(samlab_out *o, samlab_subject *sub, const gradnorm_args *a, char *err, size_t errlen)
{
  samlab_h5_quiet();
  hid_t f = H5Fopen(a->ss.checkpoint, H5F_ACC_RDONLY, H5P_DEFAULT);
  double *ep = NULL;
  hsize_t ne = 0;
  char rule[64] = "?";
  if (f >= 0) {
    samlab_in_vec(f, "/weights_epoch", &ep, &ne);
    samlab_in_attr_str(f, "/", "rule", rule, sizeof rule);
    H5Fclose(f);
  }
  if (!ep || ne == 0) {
    free(ep);
    snprintf(err, errlen, "'%s' has no per-epoch weights (/weights_epoch) for --over-training", a->ss.checkpoint);
    return -1;
  }
  size_t M = (size_t)a->batches;
  double *s = malloc(M * sizeof *s), *mean = malloc(ne * sizeof *mean), *full = malloc(ne * sizeof *full);
  double *var = malloc(ne * sizeof *var), *w0 = sub->w;
  if (!s || !mean || !full || !var) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int rc = 0;
  for (hsize_t e = 0; e < ne && rc == 0; e++) {
    samlab_checkpoint c;
    if (samlab_checkpoint_read(a->ss.checkpoint, (long)ep[e], &c, err, errlen) != 0 || c.dim != sub->p->dim) {
      free(c.w);
      rc = -1;
      break;
    }
    sub->w = c.w;
    if (sample_norms(sub, a, s, err, errlen) != 0)
      rc = -1;
    double m = 0;
    for (size_t i = 0; i < M; i++)
      m += s[i] / (double)M;
    mean[e] = m;
    full[e] = full_norm2(sub->p, c.w);
    var[e] = m - full[e];
    printf("epoch %g: mean ||g_B||^2 %.6g, full ||g||^2 %.6g, variance %.6g\n", ep[e], mean[e], full[e], var[e]);
    free(c.w);
  }
  sub->w = w0;
  if (rc == 0) {
    rc |= samlab_out_group(o, "/over_training");
    rc |= samlab_out_f64(o, "/over_training/epoch", 1, &ne, ep);
    rc |= samlab_out_f64(o, "/over_training/mean_norm2", 1, &ne, mean);
    rc |= samlab_out_f64(o, "/over_training/full_norm2", 1, &ne, full);
    rc |= samlab_out_f64(o, "/over_training/variance", 1, &ne, var);
    rc |= samlab_attr_str(o->file, "/over_training", "rule", rule);
  }
  free(ep);
  free(s);
  free(mean);
  free(full);
  free(var);
  return rc;
}

/* AE-SAM's default of a parameter, from ae-sam's table. */
static double ae_default(const char *name)
{
  return samlab_hparam_find(samlab_rule_find("ae-sam"), NULL, name)->def;
}

int cmd_gradnorm(int argc, char **argv)
{
  gradnorm_args a = {.ss = {.epoch = -1}, .out = "gradnorm.h5", .batches = 400, .batch = 128, .bins = 30, .seed = 1,
                     .precision = 32, .lambda1 = ae_default("lambda1"), .lambda2 = ae_default("lambda2"),
                     .delta = ae_default("delta")};
  char l1_help[96], l2_help[96], delta_help[96];
  snprintf(l1_help, sizeof l1_help, "AE-SAM's c_t end value for the predicted SAM fraction (default %g)", a.lambda1);
  snprintf(l2_help, sizeof l2_help, "AE-SAM's c_t start value (default %g)", a.lambda2);
  snprintf(delta_help, sizeof delta_help, "AE-SAM's EMA factor for the replay (default %g)", a.delta);
  const cli_opt opts[] = {
      CLI_SUBJECT_OPTS(a.ss, "a toy with gradient noise (toy option noise=...)",
                       "the toy's own options, e.g. 'noise=0.5'"),
      {"batches", 'm', CLI_LONG, &a.batches, "M", "mini-batches sampled at the point (default 400; >= 8)"},
      {"batch", 'b', CLI_LONG, &a.batch, "B", "networks: examples per batch (default 128)"},
      {"bins", 0, CLI_LONG, &a.bins, "N", "histogram bins (default 30)"},
      {"lambda1", 0, CLI_DOUBLE, &a.lambda1, "L1", l1_help},
      {"lambda2", 0, CLI_DOUBLE, &a.lambda2, "L2", l2_help},
      {"delta", 0, CLI_DOUBLE, &a.delta, "D", delta_help},
      {"trace", 't', CLI_STR, &a.trace, "FILE", "a samlab train file: per-step ||g||^2 with AE-SAM's threshold"},
      {"over-training", 0, CLI_FLAG, &a.over_training, NULL,
       "checkpoints: also mean ||g_B||^2, full ||g||^2 and the variance at every stored epoch (AE-SAM Figs. 1, 2)"},
      {"precision", 0, CLI_LONG, &a.precision, "BITS", "networks: 32 (default, as trained) or 64"},
      {"seed", 0, CLI_LONG, &a.seed, "N", "seed of the batch draws (default 1)"},
      {"out", 'o', CLI_STR, &a.out, "FILE", "HDF5 output (default gradnorm.h5)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {
      CMD, "samlab gradnorm (--function NAME | --checkpoint run.h5 [--epoch E]) [--trace run.h5] [options] --out FILE",
      "At a fixed point, the squared norms s = ||g_B||^2 of M mini-batch gradients: mean, variance, skewness,\n"
      "excess kurtosis, a histogram with the fitted Gaussian (expected counts), Q-Q points against the normal,\n"
      "and the normality test: Anderson-Darling with estimated mean and variance (A*^2 and its p-value by\n"
      "D'Agostino & Stephens 1986), with Jarque-Bera (chi^2, 2 d.o.f.) and the Q-Q correlation beside it.  Also\n"
      "the full gradient's ||g||^2 and the gradient variance mean(s) - ||g||^2, and the fraction of SAM steps\n"
      "AE-SAM would take: predicted by the Gaussian model for (lambda1, lambda2), and measured by replaying\n"
      "its test on the sampled stream.  --trace adds a training run's per-step ||g||^2 with AE-SAM's threshold\n"
      "mu_t + c_t sigma_t (AE-SAM Figure 7) and its measured SAM fraction; --trace alone is allowed.\n"
      "Layout: docs/hdf5-analyses.md.",
      opts, NULL, 0};
  cli_parse(&spec, argc, argv, NULL);
  if (a.batches < SAMLAB_NORMALITY_MIN)
    cli_die(CMD, "bad value %ld for --batches: the statistics need at least %d batches", a.batches,
            SAMLAB_NORMALITY_MIN);
  if (a.batch < 1)
    cli_die(CMD, "bad value %ld for --batch: must be >= 1", a.batch);
  if (a.bins < 1)
    cli_die(CMD, "bad value %ld for --bins: must be >= 1", a.bins);
  if (!(a.delta > 0 && a.delta < 1))
    cli_die(CMD, "bad value %g for --delta: must be in (0, 1)", a.delta);
  if (!(a.lambda1 <= a.lambda2))
    cli_die(CMD, "bad values --lambda1 %g > --lambda2 %g: AE-SAM needs lambda1 <= lambda2", a.lambda1, a.lambda2);
  if (a.precision != 32 && a.precision != 64)
    cli_die(CMD, "bad value %ld for --precision: 32 or 64", a.precision);
  if (a.seed < 0)
    cli_die(CMD, "bad value %ld for --seed: must be >= 0", a.seed);
  int point = a.ss.function || a.ss.checkpoint;
  if (a.over_training && !a.ss.checkpoint)
    cli_die(CMD, "--over-training needs --checkpoint (a samlab train file with per-epoch weights)");
  if (!point && !a.trace)
    cli_die(CMD, "give --function or --checkpoint (a point), --trace (a training run), or both");

  char err[1024] = "";
  samlab_subject sub;
  memset(&sub, 0, sizeof sub);
  if (point) {
    cli_subject_open(CMD, &a.ss, a.precision, &sub);
    if (!sub.p->batching)
      cli_die(CMD, "function %s has no mini-batches: give it gradient noise (e.g. --toy-options 'noise=0.5,0.5' on "
                   "asym-valley)", sub.p->name);
    if (sub.train && (size_t)a.batch > sub.train->n)
      cli_die(CMD, "bad value %ld for --batch: the training set has %zu examples", a.batch, sub.train->n);
  }
  samlab_out *o = samlab_out_create(a.out, err, sizeof err);
  if (!o)
    cli_die(CMD, "%s", err);
  int rc = 0;
  if (point) {
    size_t M = (size_t)a.batches, nb = (size_t)a.bins;
    double *s = malloc(M * sizeof *s), *th = malloc(M * sizeof *th), *so = malloc(M * sizeof *so);
    double *edges = malloc((nb + 1) * sizeof *edges), *counts = malloc(nb * sizeof *counts);
    double *fitted = malloc(nb * sizeof *fitted);
    if (!s || !th || !so || !edges || !counts || !fitted) {
      samlab_out_abort(o);
      cli_die(CMD, "out of memory for %zu batches", M);
    }
    if (sample_norms(&sub, &a, s, err, sizeof err) != 0) {
      samlab_out_abort(o);
      cli_die(CMD, "%s", err);
    }
    samlab_normality t;
    samlab_normality_test(M, s, &t);
    samlab_qq_points(M, s, th, so);
    samlab_histogram_gauss(M, s, nb, t.mean, t.sd, edges, counts, fitted);
    double full = full_norm2(sub.p, sub.w);
    double predicted = samlab_aesam_predicted_fraction(a.lambda1, a.lambda2);
    double replayed = samlab_aesam_replay(M, s, a.delta, a.lambda1, a.lambda2, (long)M, NULL, NULL, NULL, NULL);
    hsize_t dm = M, de = nb + 1, db = nb, dw = sub.p->dim;
    rc |= samlab_out_f64(o, "/samples", 1, &dm, s);
    rc |= samlab_out_group(o, "/qq");
    rc |= samlab_out_f64(o, "/qq/theoretical", 1, &dm, th);
    rc |= samlab_out_f64(o, "/qq/sorted", 1, &dm, so);
    rc |= samlab_out_group(o, "/histogram");
    rc |= samlab_out_f64(o, "/histogram/edges", 1, &de, edges);
    rc |= samlab_out_f64(o, "/histogram/counts", 1, &db, counts);
    rc |= samlab_out_f64(o, "/histogram/fitted", 1, &db, fitted);
    rc |= samlab_out_f64(o, "/w", 1, &dw, sub.w);
    const char *names[] = {"mean", "var", "sd", "skewness", "kurtosis", "ad", "ad_star", "ad_p", "jb", "jb_p", "qq_r"};
    double vals[] = {t.mean, t.var, t.sd, t.skewness, t.kurtosis, t.ad, t.ad_star, t.ad_p, t.jb, t.jb_p, t.qq_r};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++)
      rc |= samlab_attr_f64(o->file, "/", names[i], vals[i]);
    rc |= samlab_attr_str(o->file, "/", "normality_test",
                          "Anderson-Darling, mean and variance estimated; A*^2 = A^2 (1 + 0.75/n + 2.25/n^2); p-value "
                          "of D'Agostino & Stephens (1986) Table 4.9");
    rc |= samlab_attr_f64(o->file, "/", "full_grad_norm2", full);
    rc |= samlab_attr_f64(o->file, "/", "grad_variance", t.mean - full);
    rc |= samlab_attr_f64(o->file, "/", "sam_fraction_predicted", predicted);
    rc |= samlab_attr_f64(o->file, "/", "sam_fraction_replayed", replayed);
    rc |= samlab_attr_str(o->file, "/", "subject", sub.what);
    rc |= samlab_attr_i64(o->file, "/", "batches", a.batches);
    rc |= samlab_attr_i64(o->file, "/", "batch", sub.train ? a.batch : 1);
    if (sub.train)
      rc |= samlab_attr_i64(o->file, "/", "epoch", sub.ck.epoch);
    printf("%s: %ld batches\n", sub.what, a.batches);
    printf("  ||g_B||^2: mean %.6g, s.d. %.6g, skewness %.3f, excess kurtosis %.3f\n", t.mean, t.sd, t.skewness,
           t.kurtosis);
    printf("  normality: Anderson-Darling A*^2 = %.4g (p = %.3g), Jarque-Bera %.4g (p = %.3g), Q-Q r = %.4f\n",
           t.ad_star, t.ad_p, t.jb, t.jb_p, t.qq_r);
    printf("  full gradient ||g||^2 = %.6g, variance E||g_B - g||^2 = %.6g\n", full, t.mean - full);
    printf("  AE-SAM (%g, %g): SAM fraction predicted %.4f, replayed on these batches %.4f\n", a.lambda1,
           a.lambda2, predicted, replayed);
    free(s);
    free(th);
    free(so);
    free(edges);
    free(counts);
    free(fitted);
  }
  if (a.over_training) {
    int otc = over_training(o, &sub, &a, err, sizeof err);
    if (otc < 0) {
      samlab_out_abort(o);
      cli_die(CMD, "%s", err);
    }
    rc |= otc;
  }
  if (a.trace) {
    double measured, replayed;
    int trc = write_trace(o, &a, &measured, &replayed, err, sizeof err);
    if (trc < 0) {
      samlab_out_abort(o);
      cli_die(CMD, "%s", err);
    }
    rc |= trc;
  }
  rc |= samlab_attr_provenance(o->file, "/", argc, argv, NULL, NULL, NULL);
  rc |= samlab_attr_str(o->file, "/", "kind", "gradnorm");
  rc |= samlab_attr_f64(o->file, "/", "lambda1", a.lambda1);
  rc |= samlab_attr_f64(o->file, "/", "lambda2", a.lambda2);
  rc |= samlab_attr_f64(o->file, "/", "delta", a.delta);
  rc |= samlab_attr_i64(o->file, "/", "seed", a.seed);
  if (samlab_out_finish(o, rc) != 0)
    cli_die(CMD, "writing '%s' failed", a.out);
  printf("%s written\n", a.out);
  if (point)
    samlab_subject_close(&sub);
  return 0;
}
