/* samlab sharpness: worst-case (L2, Linf, adaptive), average-case and m-sharpness (Andriushchenko et al. 2023) and
 * GAM's first-order flatness (Zhang et al. 2023) of a toy at a point or a network checkpoint, to HDF5. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "commands.h"

#define CMD "sharpness"

typedef struct {
  samlab_subject_spec ss;
  const char *measures, *norm, *out;
  long examples, m, iters, restarts, samples, seed, precision;
  double rho, sigma, step_mult, momentum;
  int adaptive, random_start;
} sharpness_args;

enum { M_WORST = 1, M_AVERAGE = 2, M_MSHARP = 4, M_FLAT = 8 };

/* "worst,average,m,flatness" (or "all") into M_* bits; 0 on an unknown name. */
static int parse_measures(const char *text)
{
  if (strcmp(text, "all") == 0)
    return M_WORST | M_AVERAGE | M_MSHARP | M_FLAT;
  int bits = 0;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", text);
  for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    int b = strcmp(t, "worst") == 0 ? M_WORST : strcmp(t, "average") == 0 ? M_AVERAGE
              : strcmp(t, "m") == 0 ? M_MSHARP : strcmp(t, "flatness") == 0 ? M_FLAT : 0;
    if (!b)
      return 0;
    bits |= b;
  }
  return bits;
}

static int write_result(samlab_out *o, const char *group, const samlab_sharpness_result *r, const double *delta,
                        size_t dim, const char *value_name, double value)
{
  char path[128];
  int rc = samlab_out_group(o, group);
  rc |= samlab_attr_f64(o->file, group, value_name, value);
  rc |= samlab_attr_f64(o->file, group, "at_w", r->at_w);
  rc |= samlab_attr_f64(o->file, group, "worst", r->worst);
  rc |= samlab_attr_f64(o->file, group, "delta_l2", r->delta_l2);
  rc |= samlab_attr_f64(o->file, group, "delta_ball", r->delta_ball);
  rc |= samlab_attr_i64(o->file, group, "evaluations", r->evaluations);
  rc |= samlab_attr_i64(o->file, group, "halvings", r->halvings);
  if (delta) {
    hsize_t d = dim;
    snprintf(path, sizeof path, "%s/delta", group);
    rc |= samlab_out_f64(o, path, 1, &d, delta);
  }
  return rc;
}

int cmd_sharpness(int argc, char **argv)
{
  sharpness_args a = {.ss = {.epoch = -1}, .measures = "worst,average", .norm = "l2", .out = "sharpness.h5",
                      .examples = 1024, .m = 0, .iters = 20, .restarts = 1, .samples = 100, .seed = 1,
                      .precision = 32, .rho = 0.05, .sigma = -1, .step_mult = 1, .momentum = 0.75};
  const cli_opt opts[] = {
      CLI_SUBJECT_OPTS(a.ss, "a toy landscape (see samlab rules)", "the toy's own options, e.g. 'diag=1,10'"),
      {"examples", 0, CLI_LONG, &a.examples, "N", "networks: the loss on the first N training examples (default "
                                                  "1024; 0: the whole training set)"},
      {"measures", 0, CLI_STR, &a.measures, "LIST", "worst, average, m, flatness, comma-separated, or all "
                                                    "(default worst,average)"},
      {"rho", 0, CLI_DOUBLE, &a.rho, "R", "radius of the ball (default 0.05); > 0"},
      {"norm", 0, CLI_STR, &a.norm, "N", "l2 (default) or linf: the ball, and the noise of --measures average "
                                         "(Gaussian or uniform)"},
      {"adaptive", 0, CLI_FLAG, &a.adaptive, NULL, "scale the ball (and the noise) elementwise by |w|"},
      {"sigma", 0, CLI_DOUBLE, &a.sigma, "S", "average: the noise scale (default: rho); > 0"},
      {"samples", 0, CLI_LONG, &a.samples, "N", "average: noise draws (default 100); >= 2"},
      {"m", 'm', CLI_LONG, &a.m, "M", "m-sharpness: examples per group; must divide --examples (networks; default "
                                      "128 or the examples when fewer)"},
      {"iters", 0, CLI_LONG, &a.iters, "N", "ascent steps per restart (default 20, as the authors)"},
      {"restarts", 0, CLI_LONG, &a.restarts, "N", "ascent restarts, the best kept (default 1)"},
      {"step-mult", 0, CLI_DOUBLE, &a.step_mult, "X", "first step 2 rho X (default 1)"},
      {"momentum", 0, CLI_DOUBLE, &a.momentum, "X", "ascent momentum in (0, 1] (default 0.75, the authors')"},
      {"random-start", 0, CLI_FLAG, &a.random_start, NULL, "every restart from the authors' random start (default: "
                                                          "the first from SAM's point w + rho g/||g||)"},
      {"precision", 0, CLI_LONG, &a.precision, "BITS", "networks: 32 (default) or 64"},
      {"seed", 0, CLI_LONG, &a.seed, "N", "seed of the random starts and noise (default 1)"},
      {"out", 'o', CLI_STR, &a.out, "FILE", "HDF5 output (default sharpness.h5)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {
      CMD, "samlab sharpness (--function NAME [--at X,Y] | --checkpoint run.h5 [--epoch E]) [options] --out FILE",
      "Sharpness at a point (Andriushchenko et al. 2023; tml-epfl/sharpness-vs-generalization's conventions).\n"
      "worst: max over ||delta / s|| <= rho of L(w + delta) - L(w), s = |w| with --adaptive (else 1), in L2 or Linf,\n"
      "by projected gradient ascent with momentum, step halving at APGD's checkpoints and restarts.\n"
      "average: E L(w + delta) - L(w), delta_i ~ N(0, (sigma s_i)^2) (l2) or U(-sigma s_i, sigma s_i) (linf), seeded,\n"
      "with a 95% t interval.  m: the worst case averaged over groups of m examples (networks).\n"
      "flatness: GAM's first-order flatness (Zhang et al. 2023), max ||grad L(w + delta)|| over the ball (and\n"
      "R1 = rho times it), by the same ascent.  Formulas and layout: docs/cli.md, docs/hdf5-analyses.md.",
      opts, NULL, 0};
  cli_parse(&spec, argc, argv, NULL);

  int measures = parse_measures(a.measures);
  if (!measures)
    cli_die(CMD, "bad value '%s' for --measures: worst, average, m, flatness (comma-separated) or all", a.measures);
  int linf = strcmp(a.norm, "linf") == 0;
  if (!linf && strcmp(a.norm, "l2") != 0)
    cli_die(CMD, "bad value '%s' for --norm: l2 or linf", a.norm);
  if (!(a.rho > 0) || !isfinite(a.rho))
    cli_die(CMD, "bad value %g for --rho: must be > 0", a.rho);
  if (a.sigma < 0)
    a.sigma = a.rho;
  if (!(a.sigma > 0) || !isfinite(a.sigma))
    cli_die(CMD, "bad value %g for --sigma: must be > 0", a.sigma);
  if (a.samples < 2)
    cli_die(CMD, "bad value %ld for --samples: must be >= 2", a.samples);
  if (a.iters < 1 || a.restarts < 1)
    cli_die(CMD, "bad value %ld for --%s: must be >= 1", a.iters < 1 ? a.iters : a.restarts,
            a.iters < 1 ? "iters" : "restarts");
  if (!(a.step_mult > 0))
    cli_die(CMD, "bad value %g for --step-mult: must be > 0", a.step_mult);
  if (!(a.momentum > 0 && a.momentum <= 1))
    cli_die(CMD, "bad value %g for --momentum: must be in (0, 1]", a.momentum);
  if (a.examples < 0)
    cli_die(CMD, "bad value %ld for --examples: must be >= 0", a.examples);
  if (a.m < 0)
    cli_die(CMD, "bad value %ld for --m: must be >= 1", a.m);
  if (a.precision != 32 && a.precision != 64)
    cli_die(CMD, "bad value %ld for --precision: 32 or 64", a.precision);
  if (a.seed < 0)
    cli_die(CMD, "bad value %ld for --seed: must be >= 0", a.seed);

  char err[1024];
  samlab_subject sub;
  cli_subject_open(CMD, &a.ss, a.precision, &sub);
  samlab_problem *p = sub.p;
  size_t dim = p->dim, nex = 0, m = 0;
  if ((measures & M_MSHARP) && !sub.train)
    cli_die(CMD, "--measures m needs a network (--checkpoint): a toy has no examples to group");
  if ((measures & M_FLAT) && !p->hvp && !samlab_problem_landscape(p)->hessian)
    cli_die(CMD, "--measures flatness needs Hessian-vector products, which problem %s has not", p->name);
  nex = cli_subject_examples(CMD, &sub, a.examples);
  m = a.m > 0 ? (size_t)a.m : nex < 128 ? nex : 128;
  if ((measures & M_MSHARP) && (m > nex || nex % m != 0))
    cli_die(CMD, "bad value %zu for --m: must divide the %zu examples", m, nex);
  samlab_sharpness_spec s = {a.rho, linf ? SAMLAB_BALL_LINF : SAMLAB_BALL_L2, a.adaptive, a.iters, a.restarts,
                             a.step_mult, a.momentum, (unsigned long)a.seed, a.random_start};

  samlab_out *o = samlab_out_create(a.out, err, sizeof err);
  if (!o)
    cli_die(CMD, "%s", err);
  double *delta = malloc(dim * sizeof *delta);
  if (!delta) {
    samlab_out_abort(o);
    cli_die(CMD, "out of memory for dimension %zu", dim);
  }
  int rc = 0;
  samlab_sharpness_result r;
  if (measures & M_WORST) {
    if (samlab_sharpness_worst(p, sub.w, &s, delta, &r, err, sizeof err) != 0)
      goto fail;
    rc |= write_result(o, "/worst", &r, delta, dim, "sharpness", r.worst - r.at_w);
    printf("worst-case sharpness (%s%s, rho %g): %.10g  (L %.10g -> %.10g, %ld evaluations, %ld halvings)\n",
           a.norm, a.adaptive ? ", adaptive" : "", a.rho, r.worst - r.at_w, r.at_w, r.worst, r.evaluations,
           r.halvings);
  }
  if (measures & M_AVERAGE) {
    samlab_sharpness_spec sa = s;
    sa.rho = a.sigma;
    samlab_sharpness_average_result ra;
    double *values = malloc((size_t)a.samples * sizeof *values);
    if (!values || samlab_sharpness_average(p, sub.w, &sa, a.samples, values, &ra, err, sizeof err) != 0) {
      free(values);
      goto fail;
    }
    hsize_t ns = (hsize_t)a.samples;
    rc |= samlab_out_group(o, "/average");
    rc |= samlab_out_f64(o, "/average/values", 1, &ns, values);
    rc |= samlab_attr_f64(o->file, "/average", "sharpness", ra.mean);
    rc |= samlab_attr_f64(o->file, "/average", "ci95", ra.ci95);
    rc |= samlab_attr_f64(o->file, "/average", "sd", ra.sd);
    rc |= samlab_attr_f64(o->file, "/average", "at_w", ra.at_w);
    rc |= samlab_attr_f64(o->file, "/average", "sigma", a.sigma);
    rc |= samlab_attr_i64(o->file, "/average", "samples", a.samples);
    rc |= samlab_attr_str(o->file, "/average", "noise", linf ? "uniform" : "gaussian");
    printf("average-case sharpness (%s noise, sigma %g%s): %.10g +- %.3g (95%%, %ld samples)\n",
           linf ? "uniform" : "Gaussian", a.sigma, a.adaptive ? " |w|" : "", ra.mean, ra.ci95, a.samples);
    free(values);
  }
  if (measures & M_MSHARP) {
    size_t groups = nex / m;
    double *per = malloc(groups * sizeof *per);
    if (!per || samlab_sharpness_m(p, sub.w, &s, m, nex, per, &r, err, sizeof err) != 0) {
      free(per);
      goto fail;
    }
    hsize_t dg = groups;
    rc |= write_result(o, "/m", &r, NULL, dim, "sharpness", r.worst - r.at_w);
    rc |= samlab_out_f64(o, "/m/per_group", 1, &dg, per);
    rc |= samlab_attr_i64(o->file, "/m", "m", (int64_t)m);
    printf("m-sharpness (m = %zu, %zu groups): %.10g\n", m, groups, r.worst - r.at_w);
    free(per);
  }
  if (measures & M_FLAT) {
    if (samlab_flatness_first_order(p, sub.w, &s, delta, &r, err, sizeof err) != 0)
      goto fail;
    rc |= write_result(o, "/flatness", &r, delta, dim, "max_grad_norm", r.worst);
    rc |= samlab_attr_f64(o->file, "/flatness", "R1", a.rho * r.worst);
    printf("first-order flatness: max ||grad L|| = %.10g (at w %.10g), R1 = rho max = %.10g\n", r.worst, r.at_w,
           a.rho * r.worst);
  }
  rc |= samlab_attr_provenance(o->file, "/", argc, argv, NULL, NULL, NULL);
  rc |= samlab_attr_str(o->file, "/", "kind", "sharpness");
  rc |= samlab_attr_str(o->file, "/", "subject", sub.what);
  rc |= samlab_attr_str(o->file, "/", "problem", p->name);
  rc |= samlab_attr_i64(o->file, "/", "dim", (int64_t)dim);
  rc |= samlab_attr_f64(o->file, "/", "rho", a.rho);
  rc |= samlab_attr_str(o->file, "/", "norm", a.norm);
  rc |= samlab_attr_i64(o->file, "/", "adaptive", a.adaptive);
  rc |= samlab_attr_i64(o->file, "/", "iters", a.iters);
  rc |= samlab_attr_i64(o->file, "/", "restarts", a.restarts);
  rc |= samlab_attr_f64(o->file, "/", "step_mult", a.step_mult);
  rc |= samlab_attr_f64(o->file, "/", "momentum", a.momentum);
  rc |= samlab_attr_str(o->file, "/", "start", a.random_start ? "random (the authors')"
                                                              : "SAM's point first, then random (the authors')");
  rc |= samlab_attr_str(o->file, "/", "ascent",
                        "tml-epfl/sharpness-vs-generalization's APGD ascent; adaptive L2 steps along u = delta/|w|'s "
                        "own gradient (theirs: |w| g/||g||, projected on the ellipsoid), see docs/cli.md");
  rc |= samlab_attr_i64(o->file, "/", "examples", (int64_t)nex);
  rc |= samlab_attr_i64(o->file, "/", "seed", a.seed);
  rc |= samlab_attr_i64(o->file, "/", "precision", sub.train ? a.precision : 64);
  if (sub.train)
    rc |= samlab_attr_i64(o->file, "/", "epoch", sub.ck.epoch);
  hsize_t dw = dim;
  rc |= samlab_out_f64(o, "/w", 1, &dw, sub.w);
  if (rc) {
    samlab_out_abort(o);
    cli_die(CMD, "writing '%s' failed", a.out);
  }
  if (samlab_out_commit(o) != 0)
    cli_die(CMD, "cannot write '%s'", a.out);
  printf("%s: sharpness of %s\n", a.out, sub.what);
  free(delta);
  samlab_subject_close(&sub);
  return 0;
fail:
  samlab_out_abort(o);
  cli_die(CMD, "%s", err);
}
