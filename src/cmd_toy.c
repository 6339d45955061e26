/* samlab toy: one rule on one toy landscape; the trajectory, losses and SAM-step flags go to HDF5. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli_toy.h"
#include "commands.h"

/* A quadratic read from a file is stored inline ("A=...;b=...", exact to the last bit with %.17g) so the
 * HDF5 file alone rebuilds it; NULL when not applicable (other toys, or too big for an attribute). */
static char *inline_quadratic(const char *function, const char *toyopts, const samlab_problem *p)
{
  size_t n = p->dim;
  if (strcmp(function, "quadratic") != 0 || !strstr(toyopts, "file=") || n > 64 ||
      !samlab_problem_landscape(p)->hessian)
    return NULL;
  size_t cap = (n * n + n) * 26 + 16, len = 0;
  char *text = malloc(cap);
  double *H = malloc((n * n + 2 * n) * sizeof *H);
  if (!text || !H) {
    free(text);
    free(H);
    return NULL;
  }
  double *zero = H + n * n, *g = zero + n;
  memset(zero, 0, n * sizeof *zero);
  samlab_problem_landscape(p)->hessian(p->ctx, zero, H);
  samlab_problem_value_grad(p, zero, g); /* grad at 0 is -b */
  len += (size_t)snprintf(text + len, cap - len, "A=");
  for (size_t i = 0; i < n * n; i++)
    len += (size_t)snprintf(text + len, cap - len, "%s%.17g", i ? "," : "", H[i]);
  len += (size_t)snprintf(text + len, cap - len, ";b=");
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(text + len, cap - len, "%s%.17g", i ? "," : "", g[i] == 0 ? 0.0 : -g[i]);
  free(H);
  return text;
}

int cmd_toy(int argc, char **argv)
{
  const char *function = "quartic", *rule_name = "sam", *base_name = "sgd", *init = NULL, *out = "toy.h5";
  cli_toy toy = {0};
  long steps = 200, seed = 1;
  int record_eps = 0, fixed = 0;
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  const cli_opt opts[] = {
      {"function", 'f', CLI_STR, &function, "NAME", "toy landscape (default quartic; see samlab rules)"},
      {"rule", 0, CLI_STR, &rule_name, "NAME", "SAM variant (default sam)"},
      {"base", 0, CLI_STR, &base_name, "NAME", "base optimizer: sgd, sgdm, adam, adamw (default sgd)"},
      {"steps", 0, CLI_LONG, &steps, "N", "number of steps (default 200)"},
      {"init", 0, CLI_STR, &init, "X,Y,...", "starting point (default -1.5,0.5,-1.5,...; 1,1,... if no minimum is known)"},
      {"seed", 0, CLI_LONG, &seed, "N", "random seed: ss-sam, r-sam, bsam, gradient noise (default 1)"},
      {"record-eps", 0, CLI_FLAG, &record_eps, NULL, "also store each step's perturbation eps as /eps (steps, dim)"},
      {"fixed", 0, CLI_FLAG, &fixed, NULL, "stay at --init: step the rule (its state evolves) but undo each move"},
      CLI_TOY_OPTS(toy, "infosam-amd (covariance scale), asym-valley (s.d.s): gradient noise, seeded by --seed",
                   "the toy's own options (see docs/cli.md), e.g. 'dim=1;noise=0.5'"),
      {"out", 'o', CLI_STR, &out, "FILE", "HDF5 output (default toy.h5)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {"toy", "samlab toy --function NAME --rule NAME [options] --out FILE",
                         "Runs one rule over a base optimizer on a toy landscape from --init and writes\n"
                         "/trajectory (steps+1, dim), /loss (steps+1), /sam_used (steps) and /grad_norm (steps)\n"
                         "(and /rho (steps) under a --rho-schedule other than constant),\n"
                         "with the rule, base and the rule's hyperparameters as root attributes.  A run whose iterate\n"
                         "becomes non-finite stops there, keeps the rows so far and sets attribute diverged = 1.\n"
                         "Toys (samlab rules lists them): quartic, wsam-kl, quadratic (--diag A1,A2,... or --matrix\n"
                         "FILE: dim, A row-major, optional b; --toy-options 'diag=1,10;b=1,1'), rosenbrock,\n"
                         "infosam-amd (--noise ALPHA: Cov(xi) = ALPHA diag(0.2,2,1)), asym-valley (--toy-options dim=1,\n"
                         "--noise S1[,S2]: standard deviations).  Noise is drawn afresh each step and shared by the\n"
                         "step's two gradients; /loss is the noise-free f.  The toy options are stored as attribute\n"
                         "toy_options, so samlab plot can redraw the function.",
                         opts, &hp, 0};
  cli_parse(&spec, argc, argv, NULL);

  const samlab_rule_type *rt = cli_rule("toy", rule_name, &hp);
  const samlab_base_type *bt = cli_base("toy", base_name);
  if (steps < 1)
    cli_die("toy", "bad value %ld for --steps: must be >= 1", steps);
  char err[512];
  /* One option string for the toy, also stored as attribute toy_options so a plot can rebuild the function. */
  samlab_problem *p = cli_toy_create("toy", function, &toy, seed);
  size_t dim = p->dim;
  hp.seed = seed;
  hp.total_steps = steps;
  samlab_rule *r = samlab_rule_alloc(rt, bt, &hp, dim, err, sizeof err);
  if (!r)
    cli_die("toy", "%s", err);

  double *traj = calloc((size_t)(steps + 1) * dim, sizeof *traj);
  double *loss = calloc((size_t)steps + 1, sizeof *loss), *gnorm = calloc((size_t)steps, sizeof *gnorm);
  uint8_t *used = calloc((size_t)steps, 1);
  double *eps = record_eps ? calloc((size_t)steps * dim, sizeof *eps) : NULL;
  if (record_eps && !eps)
    cli_die("toy", "out of memory for %ld steps", steps);
  /* rho per step, only under a rho schedule (a constant rho is the attribute) */
  int scheduled = !rt->plain && samlab_rule_hparams(r)->rho_schedule > SAMLAB_RHO_CONSTANT;
  double *rho = scheduled ? calloc((size_t)steps, sizeof *rho) : NULL;
  if (!traj || !loss || !gnorm || !used || (scheduled && !rho))
    cli_die("toy", "out of memory for %ld steps", steps);
  if (init) {
    int n = cli_doubles("toy", "init", init, traj, (int)dim + 1);
    if ((size_t)n != dim) {
      free(traj), free(loss), free(gnorm), free(used), free(eps), free(rho);
      samlab_rule_free(r);
      samlab_problem_free(p);
      cli_die("toy", "bad value '%s' for --init: %s needs %zu numbers, got %d", init, function, dim, n);
    }
  } else {
    for (size_t i = 0; i < dim; i++)
      traj[i] = samlab_problem_landscape(p)->nminima ? -1.5 + 2.0 * (i % 2) : 1.0; /* off any minimum */
  }

  samlab_out *o = samlab_out_create(out, err, sizeof err);
  if (!o)
    cli_die("toy", "%s", err);

  long done = 0;
  int diverged = 0;
  progress bar;
  progress_start(&bar, "toy", (double)steps);
  for (long t = 0; t < steps; t++) {
    double *w = traj + (size_t)(t + 1) * dim;
    samlab_copy(dim, traj + (size_t)t * dim, w);
    samlab_step_info info;
    if (p->batching && samlab_problem_examples(p) == 0) { /* noisy toys: fresh gradient noise per step, shared by both
                                                 gradients; data problems (lsq, logreg) run full-batch */
      size_t batch = (size_t)t;
      samlab_problem_set_batch(p, &batch, 1);
    }
    samlab_rule_step(r, p, w, &info);
    if (eps) /* the perturbation of this step; NaN on steps without ascent */
      for (size_t i = 0; i < dim; i++)
        eps[(size_t)t * dim + i] = info.sam_used ? samlab_rule_perturbation(r)[i] : NAN;
    if (fixed) /* AMD statistics: the rule's perturbations over a stream of noisy gradients at one point */
      samlab_copy(dim, traj + (size_t)t * dim, w);
    loss[t] = info.loss;
    gnorm[t] = info.grad_norm;
    used[t] = (uint8_t)info.sam_used;
    if (rho)
      rho[t] = samlab_rule_step_rho(r);
    done = t + 1;
    if (!samlab_all_finite(dim, w) || !isfinite(info.loss)) {
      diverged = 1;
      break;
    }
    progress_update(&bar, (double)done, NULL);
  }
  progress_end(&bar);
  loss[done] = samlab_problem_value_grad(p, traj + (size_t)done * dim, NULL);

  hsize_t d2[2] = {(hsize_t)done + 1, dim}, d1 = (hsize_t)done + 1, ds = (hsize_t)done;
  int rc = samlab_out_f64(o, "/trajectory", 2, d2, traj);
  rc |= samlab_out_f64(o, "/loss", 1, &d1, loss);
  rc |= samlab_out_u8(o, "/sam_used", 1, &ds, used);
  rc |= samlab_out_f64(o, "/grad_norm", 1, &ds, gnorm);
  if (eps) {
    hsize_t de[2] = {(hsize_t)done, dim};
    rc |= samlab_out_f64(o, "/eps", 2, de, eps);
  }
  if (rho)
    rc |= samlab_out_f64(o, "/rho", 1, &ds, rho);
  rc |= samlab_attr_i64(o->file, "/", "fixed", fixed);
  rc |= samlab_attr_provenance(o->file, "/", argc, argv, rt, bt, samlab_rule_hparams(r));
  rc |= samlab_attr_str(o->file, "/", "kind", "toy");
  rc |= samlab_attr_str(o->file, "/", "function", function);
  char *inlined = inline_quadratic(function, toy.opts, p);
  rc |= samlab_attr_str(o->file, "/", "toy_options", inlined ? inlined : toy.opts);
  free(inlined);
  rc |= samlab_attr_i64(o->file, "/", "steps", steps);
  rc |= samlab_attr_i64(o->file, "/", "diverged", diverged);
  if (samlab_out_finish(o, rc) != 0)
    cli_die("toy", "writing '%s' failed", out);
  printf("%s: %s/%s on %s, %ld steps%s, final loss %.10g\n", out, rt->name, bt->name, function, done,
         diverged ? " (diverged)" : "", loss[done]);
  samlab_rule_free(r);
  samlab_problem_free(p);
  free(traj);
  free(loss);
  free(gnorm);
  free(used);
  free(eps);
  free(rho);
  return 0;
}
