/* samlab sweep: success rates over rule x rho x lr x start on a toy landscape (StableSAM Figure 4), over
 * OpenMP threads, MPI ranks (built --with-mpi, run under mpirun) or batch shards (--shard i/n + samlab merge).
 * Rank 0 writes the file; the result is the same bytes whatever the threads, ranks or shards. */
#include <stdio.h>
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef SAMLAB_WITH_MPI
#include <mpi.h>
#endif
#include <hdf5_hl.h>
#include "cli_toy.h"
#include "commands.h"
#include "sweep_io.h"

#define MAX_LIST 256

static void on_progress(void *ctx, size_t done)
{
  progress_update(ctx, (double)done, NULL);
}

/* Comma-separated rule names into rules[]; dies naming an unknown one. */
static size_t parse_rules(const char *text, const samlab_hparams *hp, const samlab_rule_type **rules,
                          const char **names)
{
  static char buf[4096];
  snprintf(buf, sizeof buf, "%s", text);
  size_t n = 0;
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (n >= MAX_LIST)
      cli_die("sweep", "bad value '%s' for --rules: more than %d rules", text, MAX_LIST);
    rules[n] = cli_rule("sweep", tok, hp);
    names[n] = rules[n]->name;
    n++;
  }
  if (n == 0)
    cli_die("sweep", "bad value '%s' for --rules: no rule named", text);
  return n;
}

/* MPI when started by mpirun (a singleton MPI_Init costs time and may print warnings, so plain runs skip it). */
static int launched_by_mpirun(void)
{
  return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

int cmd_sweep(int argc, char **argv)
{
  const char *function = "quartic", *rules_text = "sgd,sam,stablesam", *rule_one = NULL, *base_name = "sgd";
  const char *rho_text = "0.05,0.2,0.5", *lr_scale = "log", *box_text = "-2,2", *out = "sweep.h5";
  const char *shard_text = NULL, *init = NULL;
  cli_toy toy = {0};
  double lr_min = 0.001, lr_max = 0.3, tol = 0.1, lr_one = NAN;
  long lr_count = 100, nstarts = 10000, steps = 1000, seed = 1, threads = 0;
  int keep = 0, generic = 0;
  samlab_hparams hp;
  samlab_hparams_unset(&hp);
  const cli_opt opts[] = {
      {"function", 'f', CLI_STR, &function, "NAME", "toy landscape (default quartic); it must declare its minima"},
      {"rules", 0, CLI_STR, &rules_text, "A,B,...", "rules to compare (default sgd,sam,stablesam)"},
      {"rule", 0, CLI_STR, &rule_one, "NAME", "one rule (same as --rules NAME)"},
      {"base", 0, CLI_STR, &base_name, "NAME", "base optimizer: sgd, sgdm, adam, adamw (default sgd)"},
      {"rho", 0, CLI_STR, &rho_text, "R1,R2,...", "perturbation radii, one figure panel each (default 0.05,0.2,0.5)"},
      {"lr-min", 0, CLI_DOUBLE, &lr_min, "X", "smallest learning rate (default 0.001)"},
      {"lr-max", 0, CLI_DOUBLE, &lr_max, "X", "largest learning rate (default 0.3)"},
      {"lr-count", 0, CLI_LONG, &lr_count, "N", "number of learning rates (default 100)"},
      {"lr-scale", 0, CLI_STR, &lr_scale, "log|linear", "spacing of the learning rates (default log, as geomspace)"},
      {"lr", 0, CLI_DOUBLE, &lr_one, "X", "a single learning rate instead of the grid"},
      {"starts", 0, CLI_LONG, &nstarts, "N", "starting points, common to every rule, rho and lr (default 10000)"},
      {"box", 0, CLI_STR, &box_text, "LO,HI", "starts uniform in [LO,HI] per coordinate, or LO1,HI1,LO2,HI2,... (default -2,2)"},
      {"init", 0, CLI_STR, &init, "X,Y,...", "a single starting point instead of --starts/--box"},
      {"steps", 0, CLI_LONG, &steps, "N", "steps per run (default 1000)"},
      {"tol", 0, CLI_DOUBLE, &tol, "X", "success: end point within X of a global minimum (default 0.1)"},
      {"seed", 0, CLI_LONG, &seed, "N", "seed of the starts (and of random rules) (default 1)"},
      {"keep-endpoints", 0, CLI_FLAG, &keep, "", "also store every run's end point and outcome"},
      {"shard", 0, CLI_STR, &shard_text, "I/N", "compute only part I of N (0 <= I < N) for samlab merge"},
      {"threads", 0, CLI_LONG, &threads, "N", "OpenMP threads (default: OMP_NUM_THREADS or all cores)"},
      {"generic", 0, CLI_FLAG, &generic, "", "always use the library's generic step, never the fast kernel"},
      CLI_TOY_OPTS(toy, "gradient noise of toys that have it, seeded by --seed", "the toy's own options"),
      {"out", 'o', CLI_STR, &out, "FILE", "HDF5 output (default sweep.h5)"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {
      "sweep", "samlab sweep --function NAME --rules A,B --rho R1,R2 --lr-min X --lr-max Y [options] --out FILE",
      "Runs every rule at every rho and learning rate from the same --starts points drawn uniformly in --box\n"
      "and classifies each run's end point: success (within --tol of a global minimum of the toy), saddle\n"
      "(within --tol of a saddle), diverged (a non-finite iterate or |w_i| > 1e8), or other.  Writes /lr, /rho,\n"
      "/rules, /success_rate (rule, rho, lr), /outcomes (rule, rho, lr, 4) counts and /starts (docs/hdf5-sweep.md).\n"
      "Every samlab toy option applies to every run.  quartic with sgd, sam or stablesam over sgd or sgdm runs on\n"
      "a vectorised kernel, every other case on the library's generic step.  Results do not depend on the\n"
      "number of threads, of MPI ranks (mpirun -n N samlab sweep ..., built --with-mpi) or of shards.",
      opts, &hp, 0};
  cli_parse(&spec, argc, argv, NULL);

  /* ---- settings, all checked before anything is computed or created */
  static const samlab_rule_type *rules[MAX_LIST];
  static const char *rule_names[MAX_LIST];
  size_t nrules = parse_rules(rule_one ? rule_one : rules_text, &hp, rules, rule_names);
  const samlab_base_type *base = cli_base("sweep", base_name);
  static double rho[MAX_LIST];
  size_t nrho = (size_t)cli_doubles("sweep", "rho", rho_text, rho, MAX_LIST);
  for (size_t k = 0; k < nrho; k++)
    if (rho[k] < 0)
      cli_die("sweep", "bad value '%s' for --rho: %g is negative", rho_text, rho[k]);
  if (!isnan(hp.lr))
    lr_one = hp.lr;
  int log_scale = strcmp(lr_scale, "log") == 0;
  if (!log_scale && strcmp(lr_scale, "linear") != 0)
    cli_die("sweep", "bad value '%s' for --lr-scale: log or linear", lr_scale);
  if (!isnan(lr_one)) {
    if (!(lr_one > 0))
      cli_die("sweep", "bad value %g for --lr: must be > 0", lr_one);
    lr_min = lr_max = lr_one;
    lr_count = 1;
  } else {
    if (lr_count < 1)
      cli_die("sweep", "bad value %ld for --lr-count: must be >= 1", lr_count);
    if (!(lr_min > 0))
      cli_die("sweep", "bad value %g for --lr-min: must be > 0", lr_min);
    if (!(lr_min < lr_max) && !(lr_count == 1 && lr_min == lr_max))
      cli_die("sweep", "bad values --lr-min %g, --lr-max %g: lr-min must be < lr-max", lr_min, lr_max);
  }
  if (nstarts < 1)
    cli_die("sweep", "bad value %ld for --starts: must be >= 1", nstarts);
  if (steps < 1)
    cli_die("sweep", "bad value %ld for --steps: must be >= 1", steps);
  if (!(tol > 0))
    cli_die("sweep", "bad value %g for --tol: must be > 0", tol);
  if (threads < 0)
    cli_die("sweep", "bad value %ld for --threads: must be >= 0", threads);
  long shard = 0, nshards = 1;
  if (shard_text) {
    const char *end;
    char why[128];
    if (samlab_parse_long_prefix(shard_text, &shard, &end, why, sizeof why) != 0 || *end != '/' ||
        samlab_parse_long(end + 1, &nshards, why, sizeof why) != 0)
      cli_die("sweep", "bad value '%s' for --shard: expected I/N", shard_text);
    if (nshards < 1 || shard < 0 || shard >= nshards)
      cli_die("sweep", "bad value '%s' for --shard: need 0 <= I < N", shard_text);
  }

  char err[512];
  samlab_problem *p = cli_toy_create("sweep", function, &toy, seed);
  size_t dim = p->dim;
  if (samlab_problem_landscape(p)->nminima == 0)
    cli_die("sweep", "bad value '%s' for --function: it declares no global minimum to measure success against",
            function);
  samlab_problem_free(p);

  double *lr = malloc((size_t)lr_count * sizeof *lr), *starts = NULL, box[2 * 64];
  if (init) {
    nstarts = 1;
    starts = malloc(dim * sizeof *starts);
    if (!starts || (size_t)cli_doubles("sweep", "init", init, starts, (int)dim + 1) != dim)
      cli_die("sweep", "bad value '%s' for --init: %s needs %zu numbers", init, function, dim);
  } else {
    int nb = cli_doubles("sweep", "box", box_text, box, 2 * 64);
    if (nb != 2 && (size_t)nb != 2 * dim)
      cli_die("sweep", "bad value '%s' for --box: LO,HI or %zu numbers for %s", box_text, 2 * dim, function);
    double lo[64], hi[64];
    if (dim > 64)
      cli_die("sweep", "--box: %s has %zu dimensions, at most 64 supported", function, dim);
    for (size_t j = 0; j < dim; j++) {
      lo[j] = nb == 2 ? box[0] : box[2 * j];
      hi[j] = nb == 2 ? box[1] : box[2 * j + 1];
      if (!(lo[j] < hi[j]))
        cli_die("sweep", "bad value '%s' for --box: empty (LO must be < HI)", box_text);
    }
    starts = malloc((size_t)nstarts * dim * sizeof *starts);
    if (!starts)
      cli_die("sweep", "out of memory for %ld starts", nstarts);
    samlab_sweep_starts((unsigned long)seed, (size_t)nstarts, dim, lo, hi, starts);
  }
  if (!lr)
    cli_die("sweep", "out of memory");
  samlab_sweep_lrs(lr_min, lr_max, (size_t)lr_count, log_scale, lr);
  hp.lr = NAN;
  hp.seed = seed;
  samlab_toy_spec landscape = {function, toy.opts[0] ? toy.opts : NULL};
  samlab_sweep sw = {samlab_toy_make, &landscape, nrules, rules,  base,  hp,  nrho,   (size_t)lr_count,
                     (size_t)nstarts, rho,        lr,     starts, steps, tol, generic};
  /* Every (rule, rho, lr) must be a valid rule setting: check with the first and last lr. */
  for (size_t r = 0; r < nrules; r++)
    for (size_t k = 0; k < nrho; k++) {
      samlab_hparams h = hp;
      h.rho = rho[k];
      h.lr = lr[0];
      samlab_rule *rr = samlab_rule_alloc(rules[r], base, &h, dim, err, sizeof err);
      if (!rr)
        cli_die("sweep", "%s", err);
      samlab_rule_free(rr);
    }
#ifdef _OPENMP
  if (threads > 0)
    omp_set_num_threads((int)threads);
#endif

  /* ---- this process's runs: the shard's range, split over MPI ranks */
  size_t nruns = samlab_sweep_nruns(&sw);
  size_t sbegin = nruns * (size_t)shard / (size_t)nshards, send = nruns * (size_t)(shard + 1) / (size_t)nshards;
  int rank = 0, nranks = 1;
#ifdef SAMLAB_WITH_MPI
  int mpi = launched_by_mpirun();
  if (mpi) {
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
  }
#else
  (void)launched_by_mpirun;
#endif
  size_t myb = sbegin + (send - sbegin) * (size_t)rank / (size_t)nranks;
  size_t mye = sbegin + (send - sbegin) * (size_t)(rank + 1) / (size_t)nranks;
  size_t nmine = send - sbegin;
  /* Rank 0 holds the whole shard's range; others only their own part. */
  uint8_t *outcome = malloc((rank == 0 ? nmine : mye - myb) + 1);
  double *ends = keep ? malloc(((rank == 0 ? nmine : mye - myb) + 1) * dim * sizeof *ends) : NULL;
  if (!outcome || (keep && !ends))
    cli_die("sweep", "out of memory for %zu runs", nmine);

  samlab_out *o = NULL;
  if (rank == 0 && !(o = samlab_out_create(out, err, sizeof err)))
    cli_die("sweep", "%s", err);
  progress bar;
  double t0 = progress_now();
  if (rank == 0)
    progress_start(&bar, "sweep", (double)(mye - myb));
  int rc = samlab_sweep_run(&sw, myb, mye, outcome, ends, rank == 0 ? on_progress : NULL, &bar, err, sizeof err);
  if (rank == 0)
    progress_end(&bar);
#ifdef SAMLAB_WITH_MPI
  if (mpi) {
    int ok = rc == 0, all_ok;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
      if (rank == 0) {
        samlab_out_abort(o);
        fprintf(stderr, "samlab sweep: %s\n", rc ? err : "a rank failed");
      }
      MPI_Finalize();
      return 1;
    }
    int *cnt = malloc(nranks * sizeof *cnt), *disp = malloc(nranks * sizeof *disp);
    for (int q = 0; q < nranks; q++) {
      size_t b = (send - sbegin) * (size_t)q / (size_t)nranks, e = (send - sbegin) * (size_t)(q + 1) / (size_t)nranks;
      cnt[q] = (int)(e - b);
      disp[q] = (int)b;
    }
    MPI_Gatherv(rank == 0 ? MPI_IN_PLACE : outcome, cnt[rank], MPI_UINT8_T, outcome, cnt, disp, MPI_UINT8_T, 0,
                MPI_COMM_WORLD);
    if (keep) {
      for (int q = 0; q < nranks; q++)
        cnt[q] *= (int)dim, disp[q] *= (int)dim;
      MPI_Gatherv(rank == 0 ? MPI_IN_PLACE : ends, cnt[rank], MPI_DOUBLE, ends, cnt, disp, MPI_DOUBLE, 0,
                  MPI_COMM_WORLD);
    }
    free(cnt);
    free(disp);
    MPI_Finalize();
    if (rank != 0)
      return 0;
  }
#endif
  if (rc != 0) {
    samlab_out_abort(o);
    cli_die("sweep", "%s", err);
  }
  double seconds = progress_now() - t0; /* all ranks' runs are in by now */

  /* ---- counts per (rule, rho, lr) and the file */
  size_t ngroups = nrules * nrho * (size_t)lr_count;
  int64_t *counts = calloc(ngroups * SAMLAB_OUTCOME_COUNT, sizeof *counts);
  double *rate = malloc(ngroups * sizeof *rate);
  uint8_t *run_outcome = keep ? malloc(nruns) : NULL;
  double *all_ends = keep ? malloc(nruns * dim * sizeof *all_ends) : NULL;
  if (!counts || !rate || (keep && (!run_outcome || !all_ends)))
    cli_die("sweep", "out of memory for %zu runs", nruns);
  for (size_t i = 0; i < nmine; i++)
    counts[(sbegin + i) / (size_t)nstarts * SAMLAB_OUTCOME_COUNT + outcome[i]]++;
  sweep_success_rate(ngroups, counts, rate);
  if (keep) {
    memset(run_outcome, SAMLAB_OUTCOME_NONE, nruns);
    for (size_t i = 0; i < nruns * dim; i++)
      all_ends[i] = NAN;
    memcpy(run_outcome + sbegin, outcome, nmine);
    memcpy(all_ends + sbegin * dim, ends, nmine * dim * sizeof *ends);
  }
  sweep_data d = {nrules, nrho, (size_t)lr_count, (size_t)nstarts, dim, rule_names, rho, lr, starts,
                  counts, rate, run_outcome, all_ends};
  char fast_rules[1024] = "";
  for (size_t r = 0; r < nrules; r++)
    if (samlab_sweep_fast_covers(&sw, r)) {
      size_t len = strlen(fast_rules);
      snprintf(fast_rules + len, sizeof fast_rules - len, "%s%s", len ? "," : "", rule_names[r]);
    }
  char rules_joined[4096] = "";
  for (size_t r = 0; r < nrules; r++) {
    size_t len = strlen(rules_joined);
    snprintf(rules_joined + len, sizeof rules_joined - len, "%s%s", r ? "," : "", rule_names[r]);
  }
  hid_t f = o->file;
  rc = sweep_write_data(f, &d);
  rc |= samlab_attr_provenance(f, "/", argc, argv, NULL, base, &hp);
  rc |= samlab_attr_str(f, "/", "kind", "sweep");
  rc |= samlab_attr_str(f, "/", "function", function);
  rc |= samlab_attr_str(f, "/", "toy_options", toy.opts);
  rc |= samlab_attr_str(f, "/", "rules", rules_joined);
  rc |= samlab_attr_i64(f, "/", "steps", steps);
  rc |= samlab_attr_i64(f, "/", "starts", nstarts);
  rc |= samlab_attr_f64(f, "/", "tol", tol);
  rc |= samlab_attr_f64(f, "/", "lr_min", lr_min);
  rc |= samlab_attr_f64(f, "/", "lr_max", lr_max);
  rc |= samlab_attr_i64(f, "/", "lr_count", lr_count);
  rc |= samlab_attr_str(f, "/", "lr_scale", log_scale ? "log" : "linear");
  rc |= samlab_attr_str(f, "/", "box", init ? "" : box_text);
  rc |= samlab_attr_str(f, "/", "init", init ? init : "");
  rc |= samlab_attr_f64(f, "/", "blowup", SAMLAB_SWEEP_BLOWUP);
  rc |= samlab_attr_i64(f, "/", "shard_index", shard);
  rc |= samlab_attr_i64(f, "/", "shard_count", nshards);
  rc |= samlab_attr_i64(f, "/", "runs_begin", (int64_t)sbegin);
  rc |= samlab_attr_i64(f, "/", "runs_end", (int64_t)send);
  rc |= samlab_attr_i64(f, "/", "keep_endpoints", keep);
  rc |= samlab_attr_str(f, "/", "fast_rules", fast_rules);
  rc |= samlab_attr_str(f, "/", "success_definition",
                        "all iterates finite with |w_i| <= 1e8 and ||w_T - w*|| <= tol for a global minimum w*");
  if (samlab_out_finish(o, rc) != 0)
    cli_die("sweep", "writing '%s' failed", out);
  double steps_done = (double)nmine * (double)steps;
  printf("%s: %zu runs (%zu rules x %zu rho x %ld lr x %ld starts, %ld steps)%s in %.2f s, %.3g steps/s; fast "
         "kernel (%s): %s\n",
         out, nmine, nrules, nrho, lr_count, nstarts, steps, nshards > 1 ? " of this shard" : "", seconds,
         steps_done / seconds, samlab_sweep_fast_isa(), fast_rules[0] ? fast_rules : "none");
  for (size_t r = 0; r < nrules; r++)
    for (size_t k = 0; k < nrho; k++) {
      double mean = 0;
      for (long l = 0; l < lr_count; l++)
        mean += rate[(r * nrho + k) * (size_t)lr_count + (size_t)l];
      printf("  %-12s rho %-6g mean success rate over lr %.4f\n", rule_names[r], rho[k], mean / (double)lr_count);
    }
  free(counts), free(rate), free(run_outcome), free(all_ends), free(outcome), free(ends), free(lr), free(starts);
  return 0;
}
