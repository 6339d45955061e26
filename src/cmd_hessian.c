/* samlab hessian: top-k eigenvalues (Lanczos and/or power iteration), Hutchinson's trace and the spectral density
 * (stochastic Lanczos quadrature) of a toy's or a network checkpoint's Hessian, from exact HVPs, to HDF5. */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "commands.h"

#define CMD "hessian"
#define EXACT_MAX_DIM 6000 /* the dense Hessian: dim HVPs and dim^2 doubles */

typedef struct {
  samlab_subject_spec ss; /* --function ... --data-dir */
  const char *method, *out, *op, *trace_method, *block;
  long examples, k, max_iter, probes, slq_vectors, slq_steps, slq_grid, seed, precision;
  double tol, slq_sigma;
  int density, exact, vectors, fd_check;
} hessian_args;

/* The exact HVP against central differences of the gradient along a random unit v (a check only):
 * ||Hv - (g(w + h v) - g(w - h v))/(2h)|| / ||Hv||. */
static double fd_check(const samlab_problem *p, const double *w, double h, unsigned long seed)
{
  size_t n = p->dim;
  double *v = malloc(n * sizeof *v), *hv = malloc(n * sizeof *hv), *gp = malloc(n * sizeof *gp);
  double *gm = malloc(n * sizeof *gm), *wt = malloc(n * sizeof *wt), rel = NAN;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (v && hv && gp && gm && wt && r) {
    gsl_rng_set(r, seed);
    samlab_direction_random(p, w, r, 0, v);
    samlab_problem_hvp(p, w, v, hv);
    for (size_t i = 0; i < n; i++)
      wt[i] = w[i] + h * v[i];
    samlab_problem_value_grad(p, wt, gp);
    for (size_t i = 0; i < n; i++)
      wt[i] = w[i] - h * v[i];
    samlab_problem_value_grad(p, wt, gm);
    double d = 0;
    for (size_t i = 0; i < n; i++) {
      double fd = (gp[i] - gm[i]) / (2 * h);
      d += (fd - hv[i]) * (fd - hv[i]);
    }
    rel = sqrt(d) / (samlab_norm(n, hv) + 1e-300);
  }
  if (r)
    gsl_rng_free(r);
  free(v);
  free(hv);
  free(gp);
  free(gm);
  free(wt);
  return rel;
}

static int write_eig(samlab_out *o, const char *group, size_t k, size_t dim, const double *values,
                     const double *vectors, int save_vectors, const samlab_eig_stats *st, const hessian_args *a,
                     const char *rule)
{
  char path[128];
  hsize_t dk = k, dv[2] = {k, dim};
  int rc = samlab_out_group(o, group);
  snprintf(path, sizeof path, "%s/eigenvalues", group);
  rc |= samlab_out_f64(o, path, 1, &dk, values);
  snprintf(path, sizeof path, "%s/top_vector", group);
  hsize_t d1 = dim;
  rc |= samlab_out_f64(o, path, 1, &d1, vectors);
  if (save_vectors) {
    snprintf(path, sizeof path, "%s/eigenvectors", group);
    rc |= samlab_out_f64(o, path, 2, dv, vectors);
  }
  rc |= samlab_attr_i64(o->file, group, "iterations", st->iterations);
  rc |= samlab_attr_i64(o->file, group, "hvps", st->hvps);
  rc |= samlab_attr_i64(o->file, group, "converged", st->converged);
  rc |= samlab_attr_f64(o->file, group, "residual", st->residual);
  rc |= samlab_attr_f64(o->file, group, "tol", a->tol);
  rc |= samlab_attr_i64(o->file, group, "max_iter", a->max_iter);
  rc |= samlab_attr_str(o->file, group, "stopping_rule", rule);
  return rc;
}

static void on_hvp(void *ctx, long hvps)
{
  char extra[48];
  snprintf(extra, sizeof extra, "%ld HVPs", hvps);
  progress_update(ctx, (double)hvps, extra);
}

int cmd_hessian(int argc, char **argv)
{
  hessian_args a = {.ss = {.epoch = -1}, .method = "lanczos", .out = "hessian.h5", .op = "hessian", .trace_method = "hutchinson", .examples = 2048, .k = -1,
                    .max_iter = 200, .probes = 50, .slq_vectors = 4, .slq_steps = 40, .slq_grid = 400, .seed = 1,
                    .precision = 64, .tol = 1e-6, .slq_sigma = 0};
  const cli_opt opts[] = {
      CLI_SUBJECT_OPTS(a.ss, "a toy landscape (see samlab rules)", "the toy's own options, e.g. 'diag=1,10'"),
      {"examples", 0, CLI_LONG, &a.examples, "N", "networks: the Hessian of the loss on the first N training examples "
                                                  "(default 2048; 0: the whole training set)"},
      {"method", 0, CLI_STR, &a.method, "M", "lanczos, power or both (default lanczos)"},
      {"operator", 0, CLI_STR, &a.op, "OP", "hessian (default), ggn (generalised Gauss-Newton J^T H_L J) or fisher "
                                             "(empirical Fisher (1/n) sum g_i g_i^T); ggn and fisher: networks only"},
      {"block", 0, CLI_STR, &a.block, "NAME", "networks: the operator's diagonal block of one layer's weights "
                                              "(dense1.W, dense1.b, conv2.W ...; dense1: its W and b)"},
      {"trace-method", 0, CLI_STR, &a.trace_method, "M", "hutchinson (default) or hutch++ (Meyer et al. 2021: "
                                                         "--trace-probes products in all)"},
      {"k", 'k', CLI_LONG, &a.k, "K", "number of top eigenvalues (default min(5, dim))"},
      {"tol", 0, CLI_DOUBLE, &a.tol, "T", "relative tolerance of the stopping rules (default 1e-6)"},
      {"max-iter", 0, CLI_LONG, &a.max_iter, "N", "power: iterations per eigenpair; lanczos: steps (default 200)"},
      {"vectors", 0, CLI_FLAG, &a.vectors, NULL, "also store all k eigenvectors (the top one is always stored)"},
      {"trace-probes", 0, CLI_LONG, &a.probes, "N", "Hutchinson probes, 0 to skip (default 50)"},
      {"density", 0, CLI_FLAG, &a.density, NULL, "spectral density by stochastic Lanczos quadrature"},
      {"slq-vectors", 0, CLI_LONG, &a.slq_vectors, "N", "SLQ start vectors (default 4)"},
      {"slq-steps", 0, CLI_LONG, &a.slq_steps, "N", "SLQ Lanczos steps per vector (default 40)"},
      {"slq-grid", 0, CLI_LONG, &a.slq_grid, "N", "points of the smoothed density (default 400)"},
      {"slq-sigma", 0, CLI_DOUBLE, &a.slq_sigma, "S", "Gaussian smoothing width (default: range/100)"},
      {"exact", 0, CLI_FLAG, &a.exact, NULL, "also the dense Hessian's eigenvalues by LAPACKE dsyevr (dim <= 6000)"},
      {"precision", 0, CLI_LONG, &a.precision, "BITS", "networks: 64 (default) or 32"},
      {"fd-check", 0, CLI_FLAG, &a.fd_check, NULL, "check the exact HVP against central differences of gradients"},
      {"seed", 0, CLI_LONG, &a.seed, "N", "seed of the random start vectors and probes (default 1)"},
      {"out", 'o', CLI_STR, &a.out, "FILE", "HDF5 output (default hessian.h5)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {
      CMD, "samlab hessian (--function NAME [--at X,Y] | --checkpoint run.h5 [--epoch E]) [options] --out FILE",
      "Hessian spectrum at a point from exact Hessian-vector products (toys: analytic; networks: the R-operator\n"
      "on the first --examples training examples).  Lanczos with full reorthogonalisation gives the k largest\n"
      "eigenvalues (Ritz values of the tridiagonal matrix by LAPACKE_dstev; stops when every Ritz residual bound\n"
      "|beta_m z_mi| <= tol |theta_i|); power iteration with deflation gives the k of largest magnitude (stops when\n"
      "|lambda - lambda_prev| <= tol |lambda_prev|).  Hutchinson's trace uses Rademacher probes; --density adds\n"
      "stochastic Lanczos quadrature.  Iteration counts, HVP counts, residuals and the stopping rule are stored\n"
      "with the result.  Layout: docs/hdf5-analyses.md.",
      opts, NULL, 0};
  cli_parse(&spec, argc, argv, NULL);

  int do_lanczos = strcmp(a.method, "lanczos") == 0 || strcmp(a.method, "both") == 0;
  int do_power = strcmp(a.method, "power") == 0 || strcmp(a.method, "both") == 0;
  if (!do_lanczos && !do_power)
    cli_die(CMD, "bad value '%s' for --method: lanczos, power or both", a.method);
  if (!(a.tol > 0))
    cli_die(CMD, "bad value %g for --tol: must be > 0", a.tol);
  if (a.max_iter < 1)
    cli_die(CMD, "bad value %ld for --max-iter: must be >= 1", a.max_iter);
  if (a.probes != 0 && a.probes < 2)
    cli_die(CMD, "bad value %ld for --trace-probes: 0 (skip) or >= 2 (for the error)", a.probes);
  if (a.examples < 0)
    cli_die(CMD, "bad value %ld for --examples: must be >= 0", a.examples);
  if (a.density && (a.slq_vectors < 1 || a.slq_steps < 1 || a.slq_grid < 2 || a.slq_sigma < 0))
    cli_die(CMD, "bad SLQ settings: --slq-vectors and --slq-steps >= 1, --slq-grid >= 2, --slq-sigma >= 0");
  int op = samlab_operator_parse(a.op);
  if (op < 0)
    cli_die(CMD, "bad value '%s' for --operator: hessian, ggn or fisher", a.op);
  int hutchpp = strcmp(a.trace_method, "hutch++") == 0;
  if (!hutchpp && strcmp(a.trace_method, "hutchinson") != 0)
    cli_die(CMD, "bad value '%s' for --trace-method: hutchinson or hutch++", a.trace_method);
  if (a.fd_check && op != SAMLAB_OP_HESSIAN)
    cli_die(CMD, "--fd-check checks Hessian-vector products: not with --operator %s", a.op);
  if (hutchpp && a.probes != 0 && a.probes < 6)
    cli_die(CMD, "bad value %ld for --trace-probes with hutch++: 0 (skip) or >= 6 products", a.probes);
  if (a.precision != 32 && a.precision != 64)
    cli_die(CMD, "bad value %ld for --precision: 32 or 64", a.precision);
  if (a.seed < 0)
    cli_die(CMD, "bad value %ld for --seed: must be >= 0", a.seed);

  char err[1024];
  samlab_subject sub;
  cli_subject_open(CMD, &a.ss, a.precision, &sub);
  samlab_problem *p = sub.p, *view = NULL;
  double *w = sub.w, *w_view = NULL;
  if (!p->hvp && !samlab_problem_landscape(p)->hessian)
    cli_die(CMD, "problem %s has no Hessian-vector product", p->name);
  if (op != SAMLAB_OP_HESSIAN || a.block) {
    /* the operator (or block) as a problem whose HVP it is: every method below runs on it unchanged */
    if (!(view = samlab_operator_view(p, sub.w, op, a.block, &w_view, err, sizeof err)))
      cli_die(CMD, "%s", err);
    p = view;
    w = w_view;
  }
  size_t dim = p->dim;
  if (a.k < 0)
    a.k = dim < 5 ? (long)dim : 5;
  if (a.k < 1 || (size_t)a.k > dim)
    cli_die(CMD, "bad value %ld for --k: must be in [1, %zu] (the dimension)", a.k, dim);
  if (a.exact && dim > EXACT_MAX_DIM)
    cli_die(CMD, "--exact needs dim <= %d (this problem has %zu)", EXACT_MAX_DIM, dim);
  size_t nex = cli_subject_examples(CMD, &sub, a.examples);

  samlab_out *o = samlab_out_create(a.out, err, sizeof err);
  if (!o)
    cli_die(CMD, "%s", err);
  size_t k = (size_t)a.k;
  double *vals = malloc(k * sizeof *vals), *vecs = malloc(k * dim * sizeof *vecs);
  if (!vals || !vecs) {
    samlab_out_abort(o);
    cli_die(CMD, "out of memory for %zu eigenvectors of dimension %zu", k, dim);
  }
  int rc = 0;
  /* the bar counts HVPs against the most the settings allow */
  double most = (do_lanczos ? (double)a.max_iter : 0) + (do_power ? (double)(k * (size_t)(a.max_iter + 1)) : 0) +
                (double)a.probes + (a.density ? (double)(a.slq_vectors * a.slq_steps) : 0) +
                (a.exact ? (double)dim : 0) + 2.0 * (double)k + 1;
  progress bar;
  progress_start(&bar, CMD, most);
  bar.every = 5; /* on a checkpoint it runs for minutes: say so in logs too */
  samlab_hessian_progress(on_hvp, &bar);
  samlab_eig_stats st;
  double loss = samlab_problem_value_grad(p, w, NULL);
  if (do_lanczos) {
    if (samlab_hessian_lanczos(p, w, k, a.max_iter, a.tol, (unsigned long)a.seed, vals, vecs, &st, err,
                               sizeof err) != 0)
      goto fail;
    rc |= write_eig(o, "/lanczos", k, dim, vals, vecs, a.vectors, &st, &a,
                    "|beta_m z_mi| <= tol |theta_i| for the k largest Ritz values, or max_iter steps, or an "
                    "invariant Krylov space");
    printf("lanczos: %s\n", st.converged ? "converged" : "NOT converged (max-iter reached)");
    for (size_t i = 0; i < k; i++)
      printf("  lambda_%zu = %.10g\n", i + 1, vals[i]);
    printf("  %ld steps, %ld HVPs, residual %.3g\n", st.iterations, st.hvps, st.residual);
  }
  if (do_power) {
    if (samlab_hessian_power(p, w, k, a.max_iter, a.tol, (unsigned long)a.seed, vals, vecs, &st, err,
                             sizeof err) != 0)
      goto fail;
    rc |= write_eig(o, "/power", k, dim, vals, vecs, a.vectors, &st, &a,
                    "|lambda - lambda_prev| <= tol |lambda_prev| per eigenpair, or max_iter iterations");
    printf("power: %s\n", st.converged ? "converged" : "NOT converged (max-iter reached)");
    for (size_t i = 0; i < k; i++)
      printf("  lambda_%zu = %.10g\n", i + 1, vals[i]);
    printf("  %ld iterations, %ld HVPs, residual %.3g\n", st.iterations, st.hvps, st.residual);
  }
  if (a.probes > 0) {
    double tr, se, *samples = malloc((size_t)a.probes * sizeof *samples);
    int trc = !samples ? -1
              : hutchpp ? samlab_hessian_trace_hutchpp(p, w, a.probes, (unsigned long)a.seed + 1, &tr, &se, err,
                                                       sizeof err)
                        : samlab_hessian_trace(p, w, a.probes, (unsigned long)a.seed + 1, &tr, &se, samples, err,
                                               sizeof err);
    if (trc != 0) {
      free(samples);
      goto fail;
    }
    hsize_t np = (hsize_t)a.probes;
    rc |= samlab_out_group(o, "/trace");
    if (!hutchpp)
      rc |= samlab_out_f64(o, "/trace/samples", 1, &np, samples);
    rc |= samlab_attr_f64(o->file, "/trace", "estimate", tr);
    rc |= samlab_attr_f64(o->file, "/trace", "stderr", se);
    rc |= samlab_attr_i64(o->file, "/trace", "probes", a.probes);
    rc |= samlab_attr_str(o->file, "/trace", "method",
                          hutchpp ? "Hutch++ (Meyer et al. 2021), Rademacher sketch and probes (mt19937 seeded seed + 1)"
                                  : "Hutchinson, Rademacher probes (mt19937 seeded seed + 1)");
    printf("trace: %.10g +- %.3g (%ld %s)\n", tr, se, a.probes, hutchpp ? "products, hutch++" : "probes");
    free(samples);
  }
  if (a.density) {
    size_t nv = (size_t)a.slq_vectors, m = (size_t)a.slq_steps < dim ? (size_t)a.slq_steps : dim;
    size_t ng = (size_t)a.slq_grid;
    double *nodes = malloc(nv * m * sizeof *nodes), *wts = malloc(nv * m * sizeof *wts);
    double *grid = malloc(ng * sizeof *grid), *dens = malloc(ng * sizeof *dens);
    if (!nodes || !wts || !grid || !dens ||
        samlab_hessian_slq(p, w, a.slq_vectors, a.slq_steps, (unsigned long)a.seed + 2, nodes, wts, &st, err,
                           sizeof err) != 0) {
      free(nodes);
      free(wts);
      free(grid);
      free(dens);
      goto fail;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nv * m; i++)
      if (wts[i] > 0 && isfinite(nodes[i])) {
        lo = fmin(lo, nodes[i]);
        hi = fmax(hi, nodes[i]);
      }
    double range = hi > lo ? hi - lo : fmax(fabs(hi), 1.0);
    double sigma = a.slq_sigma > 0 ? a.slq_sigma : range / 100;
    for (size_t g = 0; g < ng; g++)
      grid[g] = lo - 3 * sigma + (range + 6 * sigma) * (double)g / (double)(ng - 1);
    samlab_slq_density(nv, m, nodes, wts, sigma, ng, grid, dens);
    hsize_t d2[2] = {nv, m}, dg = ng;
    rc |= samlab_out_group(o, "/density");
    rc |= samlab_out_f64(o, "/density/nodes", 2, d2, nodes);
    rc |= samlab_out_f64(o, "/density/weights", 2, d2, wts);
    rc |= samlab_out_f64(o, "/density/grid", 1, &dg, grid);
    rc |= samlab_out_f64(o, "/density/values", 1, &dg, dens);
    rc |= samlab_attr_f64(o->file, "/density", "sigma", sigma);
    rc |= samlab_attr_i64(o->file, "/density", "vectors", a.slq_vectors);
    rc |= samlab_attr_i64(o->file, "/density", "steps", (int64_t)m);
    rc |= samlab_attr_i64(o->file, "/density", "hvps", st.hvps);
    printf("density: %zu vectors x %zu Lanczos steps, nodes in [%.6g, %.6g]\n", nv, m, lo, hi);
    free(nodes);
    free(wts);
    free(grid);
    free(dens);
  }
  if (a.exact) {
    double *H = malloc(dim * dim * sizeof *H), *ev = malloc(dim * sizeof *ev);
    if (!H || !ev || samlab_hessian_dense(p, w, H, err, sizeof err) != 0 || samlab_sym_eigenvalues(dim, H, ev)) {
      free(H);
      free(ev);
      if (!err[0])
        snprintf(err, sizeof err, "the dense Hessian's eigenvalues failed (LAPACKE_dsyevr)");
      goto fail;
    }
    hsize_t dd = dim;
    rc |= samlab_out_group(o, "/exact");
    rc |= samlab_out_f64(o, "/exact/eigenvalues", 1, &dd, ev);
    rc |= samlab_attr_str(o->file, "/exact", "method", "dense Hessian from dim HVPs, LAPACKE_dsyevr");
    printf("exact (dsyevr): lambda_1 = %.10g, lambda_min = %.10g, trace = ", ev[0], ev[dim - 1]);
    double tr = 0;
    for (size_t i = 0; i < dim; i++)
      tr += ev[i];
    printf("%.10g\n", tr);
    free(H);
    free(ev);
  }
  progress_end(&bar);
  samlab_hessian_progress(NULL, NULL);
  if (a.fd_check) {
    double h = sub.train && a.precision == 32 ? 1e-2 : 1e-5;
    double rel = fd_check(p, w, h, (unsigned long)a.seed + 3);
    rc |= samlab_attr_f64(o->file, "/", "fd_check_rel_error", rel);
    rc |= samlab_attr_f64(o->file, "/", "fd_check_h", h);
    printf("finite-difference check: ||Hv - FD|| / ||Hv|| = %.3g (h = %g)\n", rel, h);
  }

  rc |= samlab_attr_provenance(o->file, "/", argc, argv, NULL, NULL, NULL);
  rc |= samlab_attr_str(o->file, "/", "kind", "hessian");
  rc |= samlab_attr_str(o->file, "/", "subject", sub.what);
  rc |= samlab_attr_str(o->file, "/", "problem", p->name);
  if (view) {
    /* only when not the whole Hessian: files of the plain Hessian stay as they were */
    rc |= samlab_attr_str(o->file, "/", "operator", samlab_operator_name(op));
    rc |= samlab_attr_str(o->file, "/", "block", a.block ? a.block : "all");
  }
  rc |= samlab_attr_i64(o->file, "/", "dim", (int64_t)dim);
  rc |= samlab_attr_i64(o->file, "/", "k", a.k);
  rc |= samlab_attr_f64(o->file, "/", "loss", loss);
  rc |= samlab_attr_i64(o->file, "/", "examples", (int64_t)nex);
  rc |= samlab_attr_i64(o->file, "/", "seed", a.seed);
  rc |= samlab_attr_i64(o->file, "/", "precision", sub.train ? a.precision : 64);
  if (sub.train)
    rc |= samlab_attr_i64(o->file, "/", "epoch", sub.ck.epoch);
  hsize_t dw = dim;
  rc |= samlab_out_f64(o, "/w", 1, &dw, w);
  if (samlab_out_finish(o, rc) != 0)
    cli_die(CMD, "writing '%s' failed", a.out);
  printf("%s: %s%s%s of %s\n", a.out, samlab_operator_name(op), a.block ? " block " : "", a.block ? a.block : "",
         sub.what);
  free(vals);
  free(vecs);
  if (view)
    samlab_problem_free(view);
  free(w_view);
  samlab_subject_close(&sub);
  return 0;
fail:
  progress_end(&bar);
  samlab_out_abort(o);
  cli_die(CMD, "%s", err);
}
