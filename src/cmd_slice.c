/* samlab slice: the loss along directions through a point -- the top Hessian eigenvector (StableSAM Figure 2)
 * or random directions, filter-normalised for networks (Li et al. 2018), in 1-D or 2-D -- to HDF5. */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "commands.h"

#define CMD "slice"

/* Least-squares parabola y = a x^2 + b x + c (GSL) and its R^2. */
static void fit_parabola(size_t n, const double *x, const double *y, double *abc, double *r2)
{
  gsl_matrix *X = gsl_matrix_alloc(n, 3);
  gsl_vector *Y = gsl_vector_alloc(n), *c = gsl_vector_alloc(3);
  gsl_matrix *cov = gsl_matrix_alloc(3, 3);
  gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, 3);
  for (size_t i = 0; i < n; i++) {
    gsl_matrix_set(X, i, 0, x[i] * x[i]);
    gsl_matrix_set(X, i, 1, x[i]);
    gsl_matrix_set(X, i, 2, 1.0);
    gsl_vector_set(Y, i, y[i]);
  }
  double chisq, mean = 0, tss = 0;
  gsl_multifit_linear(X, Y, c, cov, &chisq, ws);
  for (size_t i = 0; i < n; i++)
    mean += y[i] / (double)n;
  for (size_t i = 0; i < n; i++)
    tss += (y[i] - mean) * (y[i] - mean);
  for (int j = 0; j < 3; j++)
    abc[j] = gsl_vector_get(c, (size_t)j);
  *r2 = tss > 0 ? 1 - chisq / tss : 1.0;
  gsl_multifit_linear_free(ws);
  gsl_matrix_free(X);
  gsl_matrix_free(cov);
  gsl_vector_free(Y);
  gsl_vector_free(c);
}

int cmd_slice(int argc, char **argv)
{
  samlab_subject_spec ss = {.epoch = -1};
  const char *mode = "eigen", *range = "-0.5,0.5", *out = "slice.h5";
  long examples = 2048, points = 41, seed = 1, precision = 32, max_iter = 100;
  double tol = 1e-4;
  int no_filter = 0;
  const cli_opt opts[] = {
      CLI_SUBJECT_OPTS(ss, "a toy landscape", "the toy's own options"),
      {"examples", 0, CLI_LONG, &examples, "N", "networks: the loss (and Hessian) on the first N training examples "
                                                "(default 2048; 0: all)"},
      {"mode", 0, CLI_STR, &mode, "M", "eigen (top Hessian eigenvector), random (1-D) or random2d (default eigen)"},
      {"range", 0, CLI_STR, &range, "LO,HI", "step sizes along each direction (default -0.5,0.5)"},
      {"points", 'n', CLI_LONG, &points, "N", "points per direction (default 41)"},
      {"no-filter-norm", 0, CLI_FLAG, &no_filter, NULL, "networks: unit-norm random directions, not filter-normalised"},
      {"tol", 0, CLI_DOUBLE, &tol, "T", "eigen: Lanczos tolerance for the eigenvector (default 1e-4)"},
      {"max-iter", 0, CLI_LONG, &max_iter, "N", "eigen: Lanczos steps at most (default 100)"},
      {"precision", 0, CLI_LONG, &precision, "BITS", "networks: 32 (default, as trained) or 64"},
      {"seed", 0, CLI_LONG, &seed, "N", "seed of the directions and the Lanczos start (default 1)"},
      {"out", 'o', CLI_STR, &out, "FILE", "HDF5 output (default slice.h5)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {
      CMD, "samlab slice (--function NAME | --checkpoint run.h5 [--epoch E]) [--mode eigen|random|random2d] --out FILE",
      "The loss f(w + a d) for a in --range along d = the unit top Hessian eigenvector (Lanczos on exact HVPs;\n"
      "StableSAM Figure 2, with a least-squares parabola a2 a^2 + a1 a + a0, its R^2 and 2 a2 beside lambda_max),\n"
      "or along a random Gaussian direction -- filter-normalised for networks (each filter, a row of a dense\n"
      "layer's W or one conv kernel, scaled to the norm of w's filter, biases 0: Li et al. 2018's convention),\n"
      "unit-norm for toys -- or f(w + a d1 + b d2) on a grid for two such directions (random2d).\n"
      "Layout: docs/hdf5-analyses.md.",
      opts, NULL, 0};
  cli_parse(&spec, argc, argv, NULL);
  int m_eigen = strcmp(mode, "eigen") == 0, m_2d = strcmp(mode, "random2d") == 0;
  if (!m_eigen && !m_2d && strcmp(mode, "random") != 0)
    cli_die(CMD, "bad value '%s' for --mode: eigen, random or random2d", mode);
  double lohi[3];
  if (cli_doubles(CMD, "range", range, lohi, 3) != 2 || !(lohi[0] < lohi[1]))
    cli_die(CMD, "bad value '%s' for --range: two numbers LO,HI with LO < HI", range);
  if (points < 2 || points > 100000 || (m_2d && points > 1001))
    cli_die(CMD, "bad value %ld for --points: must be in [2, %d]", points, m_2d ? 1001 : 100000);
  if (!(tol > 0))
    cli_die(CMD, "bad value %g for --tol: must be > 0", tol);
  if (max_iter < 1)
    cli_die(CMD, "bad value %ld for --max-iter: must be >= 1", max_iter);
  if (examples < 0)
    cli_die(CMD, "bad value %ld for --examples: must be >= 0", examples);
  if (precision != 32 && precision != 64)
    cli_die(CMD, "bad value %ld for --precision: 32 or 64", precision);
  if (seed < 0)
    cli_die(CMD, "bad value %ld for --seed: must be >= 0", seed);

  char err[1024] = "";
  samlab_subject sub;
  cli_subject_open(CMD, &ss, precision, &sub);
  samlab_problem *p = sub.p;
  size_t dim = p->dim, n = (size_t)points, nex = 0;
  if (m_eigen && !p->hvp && !samlab_problem_landscape(p)->hessian)
    cli_die(CMD, "problem %s has no Hessian-vector product for --mode eigen", p->name);
  size_t *idx = NULL;
  if (sub.train) {
    nex = examples == 0 || (size_t)examples > sub.train->n ? sub.train->n : (size_t)examples;
    idx = malloc(nex * sizeof *idx);
    for (size_t i = 0; idx && i < nex; i++)
      idx[i] = i;
    if (!idx || samlab_problem_set_batch(p, examples == 0 ? NULL : idx, nex) != 0)
      cli_die(CMD, "cannot select %zu examples", nex);
  } else if (p->batching) {
    samlab_problem_set_batch(p, NULL, 0); /* toys with noise: the noise-free loss */
  }
  samlab_out *o = samlab_out_create(out, err, sizeof err);
  if (!o)
    cli_die(CMD, "%s", err);
  double *d1 = malloc(dim * sizeof *d1), *d2 = malloc(dim * sizeof *d2), *wt = malloc(dim * sizeof *wt);
  double *alpha = malloc(n * sizeof *alpha), *loss = malloc((m_2d ? n * n : n) * sizeof *loss);
  if (!d1 || !d2 || !wt || !alpha || !loss) {
    samlab_out_abort(o);
    cli_die(CMD, "out of memory");
  }
  for (size_t i = 0; i < n; i++)
    alpha[i] = lohi[0] + (lohi[1] - lohi[0]) * (double)i / (double)(n - 1);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, (unsigned long)seed);
  double lambda = NAN;
  samlab_eig_stats st = {0};
  int filter = sub.train && !no_filter, rc = 0;
  if (m_eigen) {
    if (samlab_hessian_lanczos(p, sub.w, 1, max_iter, tol, (unsigned long)seed, &lambda, d1, &st, err, sizeof err)) {
      samlab_out_abort(o);
      cli_die(CMD, "%s", err);
    }
    filter = 0;
  } else {
    samlab_direction_random(p, sub.w, rng, filter, d1);
    samlab_direction_random(p, sub.w, rng, filter, d2);
  }
  double loss0 = samlab_problem_value_grad(p, sub.w, NULL);
  size_t total = m_2d ? n * n : n, done = 0;
  progress bar;
  progress_start(&bar, CMD, (double)total);
  for (size_t i = 0; i < (m_2d ? n : 1); i++)
    for (size_t j = 0; j < n; j++) {
      for (size_t k = 0; k < dim; k++)
        wt[k] = sub.w[k] + alpha[j] * d1[k] + (m_2d ? alpha[i] * d2[k] : 0.0);
      loss[i * n + j] = samlab_problem_value_grad(p, wt, NULL);
      progress_update(&bar, (double)++done, NULL);
    }
  progress_end(&bar);

  hsize_t dn = n, d2d[2] = {n, n};
  rc |= samlab_out_f64(o, "/alpha", 1, &dn, alpha);
  if (m_2d) {
    rc |= samlab_out_f64(o, "/beta", 1, &dn, alpha);
    rc |= samlab_out_f64(o, "/loss", 2, d2d, loss); /* loss[i][j] = f(w + alpha[j] d1 + beta[i] d2) */
  } else {
    rc |= samlab_out_f64(o, "/loss", 1, &dn, loss);
  }
  if (dim <= 100000) {
    hsize_t dd = dim;
    rc |= samlab_out_f64(o, "/direction", 1, &dd, d1);
    if (m_2d)
      rc |= samlab_out_f64(o, "/direction2", 1, &dd, d2);
  }
  if (m_eigen) {
    double abc[3], r2;
    fit_parabola(n, alpha, loss, abc, &r2);
    rc |= samlab_attr_f64(o->file, "/", "lambda_max", lambda);
    rc |= samlab_attr_i64(o->file, "/", "lanczos_steps", st.iterations);
    rc |= samlab_attr_i64(o->file, "/", "lanczos_converged", st.converged);
    rc |= samlab_attr_f64(o->file, "/", "fit_a2", abc[0]);
    rc |= samlab_attr_f64(o->file, "/", "fit_a1", abc[1]);
    rc |= samlab_attr_f64(o->file, "/", "fit_a0", abc[2]);
    rc |= samlab_attr_f64(o->file, "/", "fit_r2", r2);
    printf("top eigenvalue %.6g (%ld Lanczos steps%s); parabola fit 2 a2 = %.6g, R^2 = %.5f\n", lambda,
           st.iterations, st.converged ? "" : ", not converged", 2 * abc[0], r2);
  }
  rc |= samlab_attr_provenance(o->file, "/", argc, argv, NULL, NULL, NULL);
  rc |= samlab_attr_str(o->file, "/", "kind", "slice");
  rc |= samlab_attr_str(o->file, "/", "mode", mode);
  rc |= samlab_attr_str(o->file, "/", "subject", sub.what);
  rc |= samlab_attr_str(o->file, "/", "direction_norm",
                        m_eigen ? "unit eigenvector" : filter ? "filter-normalised (Li et al. 2018), biases 0"
                                                              : "unit norm");
  rc |= samlab_attr_f64(o->file, "/", "loss0", loss0);
  rc |= samlab_attr_i64(o->file, "/", "examples", (int64_t)nex);
  rc |= samlab_attr_i64(o->file, "/", "seed", seed);
  if (sub.train)
    rc |= samlab_attr_i64(o->file, "/", "epoch", sub.ck.epoch);
  if (samlab_out_finish(o, rc) != 0)
    cli_die(CMD, "writing '%s' failed", out);
  printf("%s: %s slice of %s, %zu points, loss at the centre %.6g\n", out, mode, sub.what, total, loss0);
  gsl_rng_free(rng);
  free(d1);
  free(d2);
  free(wt);
  free(alpha);
  free(loss);
  free(idx);
  samlab_subject_close(&sub);
  return 0;
}
