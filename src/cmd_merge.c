/* samlab merge: the shards of one sweep (samlab sweep --shard i/n, e.g. a Slurm array) into the file one process
 * would have written: counts summed, success rates recomputed, per-run outcomes and end points put in place. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5_hl.h>
#include "cli.h"
#include "commands.h"
#include "sweep_io.h"

#define MAX_SHARDS 4096

/* Settings that must agree between shards (everything but the shard's own range and command line). */
static const char *const same_str[] = {"kind", "function", "toy_options", "rules", "base", "lr_scale", "box",
                                       "init", "samlab_version", NULL};
static const char *const same_num[] = {"steps", "starts", "tol", "lr_min", "lr_max", "lr_count", "blowup",
                                       "keep_endpoints", "shard_count", NULL};
/* Written fresh on the merged file rather than copied from the first shard. */
static const char *const fresh[] = {"shard_index", "shard_count", "runs_begin", "runs_end", NULL};

static int in_list(const char *const *list, const char *name)
{
  for (size_t i = 0; list[i]; i++)
    if (strcmp(list[i], name) == 0)
      return 1;
  return 0;
}

static herr_t copy_attr(hid_t loc, const char *name, const H5A_info_t *info, void *dst)
{
  if (in_list(fresh, name))
    return 0;
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT), type = H5Aget_type(a), space = H5Aget_space(a);
  size_t bytes = H5Tget_size(type) * (size_t)H5Sget_simple_extent_npoints(space);
  void *buf = malloc(bytes + 1);
  hid_t b = -1;
  int read = buf && H5Aread(a, type, buf) >= 0;
  int rc = !read || (b = H5Acreate2(*(hid_t *)dst, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
           H5Awrite(b, type, buf) < 0;
  if (b >= 0)
    H5Aclose(b);
  if (read && H5Tis_variable_str(type) > 0) /* h5py's str: the strings were allocated by the read */
    H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
  free(buf);
  H5Sclose(space);
  H5Tclose(type);
  H5Aclose(a);
  return rc ? -1 : 0;
}

static double attr_num(hid_t f, const char *file, const char *name)
{
  double v;
  if (samlab_in_attr_f64(f, "/", name, &v) != 0)
    cli_die("merge", "'%s' has no attribute '%s': not a samlab sweep file", file, name);
  return v;
}

/* An integer attribute read as one (HDF5 converts, clipping what does not fit), not a double cast to long. */
static long long attr_int(hid_t f, const char *file, const char *name)
{
  long long v;
  if (samlab_in_attr_i64(f, "/", name, &v) != 0)
    cli_die("merge", "'%s' has no attribute '%s': not a samlab sweep file", file, name);
  return v;
}

static void *read_all(hid_t f, const char *file, const char *name, hid_t type, size_t count, size_t size)
{
  void *buf = malloc(count * size + 1);
  if (!buf)
    cli_die("merge", "out of memory reading '%s'", file);
  hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
  hid_t space = ds >= 0 ? H5Dget_space(ds) : -1;
  int ok = ds >= 0 && (size_t)H5Sget_simple_extent_npoints(space) == count &&
           H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
  if (space >= 0)
    H5Sclose(space);
  if (ds >= 0)
    H5Dclose(ds);
  if (!ok)
    cli_die("merge", "'%s': dataset %s missing or of the wrong size", file, name);
  return buf;
}

int cmd_merge(int argc, char **argv)
{
  const char *out = NULL;
  char *files[MAX_SHARDS];
  const cli_opt opts[] = {{"out", 'o', CLI_STR, &out, "FILE", "merged HDF5 output"},
                          {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {"merge", "samlab merge SHARD.h5 [SHARD.h5 ...] -o OUT.h5",
                         "Joins the shards of one sweep (samlab sweep --shard I/N, every I from 0 to N-1, in any\n"
                         "order) into one sweep file with the datasets one process would have written: /outcomes\n"
                         "summed, /success_rate recomputed, /run_outcome and /endpoints (--keep-endpoints) taken\n"
                         "from the shard that computed each run.  Root attributes are the first shard's, with\n"
                         "shard_index 0, shard_count 1, the whole run range, and merged_from naming the shards.",
                         opts, NULL, MAX_SHARDS};
  int n = cli_parse(&spec, argc, argv, files);
  if (n < 1)
    cli_die("merge", "no shard files (see --help)");
  if (!out)
    cli_die("merge", "no output file: give -o OUT.h5");
  hid_t *h = calloc((size_t)n, sizeof *h);
  char *seen = calloc((size_t)n, 1);
  for (int i = 0; i < n; i++) {
    char err[512];
    if ((h[i] = samlab_in_open(files[i], err, sizeof err)) < 0)
      cli_die("merge", "%s", err);
    char kind[64] = "";
    if (samlab_in_attr_str(h[i], "/", "kind", kind, sizeof kind) != 0 || strcmp(kind, "sweep") != 0)
      cli_die("merge", "'%s' is not a sweep file (kind '%s')", files[i], kind);
  }
  /* The shards must be of one sweep, each once. */
  long long nshards = attr_int(h[0], files[0], "shard_count");
  if (nshards != n)
    cli_die("merge", "'%s' is one of %lld shards, but %d files were given", files[0], nshards, n);
  for (int i = 0; i < n; i++) {
    for (size_t k = 0; same_str[k]; k++) {
      char a[4096] = "", b[4096] = "";
      samlab_in_attr_str(h[0], "/", same_str[k], a, sizeof a);
      samlab_in_attr_str(h[i], "/", same_str[k], b, sizeof b);
      if (strcmp(a, b) != 0)
        cli_die("merge", "'%s' and '%s' differ in %s ('%s' vs '%s'): not shards of one sweep", files[0], files[i],
                same_str[k], a, b);
    }
    for (size_t k = 0; same_num[k]; k++)
      if (attr_num(h[0], files[0], same_num[k]) != attr_num(h[i], files[i], same_num[k]))
        cli_die("merge", "'%s' and '%s' differ in %s: not shards of one sweep", files[0], files[i], same_num[k]);
    long long idx = attr_int(h[i], files[i], "shard_index");
    if (idx < 0 || idx >= n || seen[idx])
      cli_die("merge", "'%s': shard %lld/%d given twice or out of range", files[i], idx, n);
    seen[idx] = 1;
  }

  /* Shapes from the first shard; the other shards' grids must match it exactly. */
  int rank;
  hsize_t dims[4];
  double *lr, *rho, *starts, *x;
  hsize_t nlr, nrho;
  if (samlab_in_vec(h[0], "/lr", &lr, &nlr) != 0)
    cli_die("merge", "'%s' has no /lr", files[0]);
  if (samlab_in_vec(h[0], "/rho", &rho, &nrho) != 0)
    cli_die("merge", "'%s' has no /rho", files[0]);
  if (samlab_in_f64(h[0], "/starts", &rank, dims, &starts) != 0 || rank != 2)
    cli_die("merge", "'%s' has no /starts", files[0]);
  size_t nstarts = dims[0], dim = dims[1];
  for (int i = 1; i < n; i++) {
    const char *names[] = {"/lr", "/rho", "/starts"};
    const double *mine[] = {lr, rho, starts};
    size_t counts[] = {nlr, nrho, nstarts * dim};
    for (int k = 0; k < 3; k++) {
      if (samlab_in_f64(h[i], names[k], &rank, dims, &x) != 0 || dims[0] * (rank == 2 ? dims[1] : 1) != counts[k] ||
          memcmp(x, mine[k], counts[k] * sizeof *x) != 0)
        cli_die("merge", "'%s' and '%s' differ in %s: not shards of one sweep", files[0], files[i], names[k]);
      free(x);
    }
  }
  char rules_attr[4096] = "";
  samlab_in_attr_str(h[0], "/", "rules", rules_attr, sizeof rules_attr);
  char *rule_names[256];
  size_t nrules = 0;
  for (char *save = NULL, *t = strtok_r(rules_attr, ",", &save); t && nrules < 256; t = strtok_r(NULL, ",", &save))
    rule_names[nrules++] = t;
  size_t ngroups = nrules * nrho * nlr, nruns = ngroups * nstarts;
  int keep = attr_int(h[0], files[0], "keep_endpoints") != 0;

  int64_t *counts = calloc(ngroups * SAMLAB_OUTCOME_COUNT, sizeof *counts);
  double *rate = malloc(ngroups * sizeof *rate);
  uint8_t *run_outcome = keep ? malloc(nruns) : NULL;
  double *ends = keep ? malloc(nruns * dim * sizeof *ends) : NULL;
  if (!counts || !rate || (keep && (!run_outcome || !ends)))
    cli_die("merge", "out of memory for %zu runs", nruns);
  size_t covered = 0;
  for (int i = 0; i < n; i++) {
    int64_t *c = read_all(h[i], files[i], "/outcomes", H5T_NATIVE_INT64, ngroups * SAMLAB_OUTCOME_COUNT,
                          sizeof *c);
    for (size_t k = 0; k < ngroups * SAMLAB_OUTCOME_COUNT; k++)
      counts[k] += c[k];
    free(c);
    long long rb = attr_int(h[i], files[i], "runs_begin"), re = attr_int(h[i], files[i], "runs_end");
    if (rb < 0 || rb > re || (unsigned long long)re > nruns)
      cli_die("merge", "'%s': run range [%lld, %lld) outside the sweep's %zu runs", files[i], rb, re, nruns);
    size_t b = (size_t)rb, e = (size_t)re;
    covered += e - b;
    if (keep) {
      uint8_t *o = read_all(h[i], files[i], "/run_outcome", H5T_NATIVE_UINT8, nruns, 1);
      double *w = read_all(h[i], files[i], "/endpoints", H5T_NATIVE_DOUBLE, nruns * dim, sizeof *w);
      memcpy(run_outcome + b, o + b, e - b);
      memcpy(ends + b * dim, w + b * dim, (e - b) * dim * sizeof *w);
      free(o);
      free(w);
    }
  }
  if (covered != nruns)
    cli_die("merge", "the shards cover %zu of the sweep's %zu runs", covered, nruns);
  sweep_success_rate(ngroups, counts, rate);

  char err[512];
  samlab_out *o = samlab_out_create(out, err, sizeof err);
  if (!o)
    cli_die("merge", "%s", err);
  sweep_data d = {nrules, nrho, nlr, nstarts, dim, (const char *const *)rule_names, rho, lr, starts,
                  counts, rate, run_outcome, ends};
  int rc = sweep_write_data(o->file, &d);
  hid_t src = H5Gopen2(h[0], "/", H5P_DEFAULT), dst = H5Gopen2(o->file, "/", H5P_DEFAULT);
  hsize_t idx = 0;
  rc |= H5Aiterate2(src, H5_INDEX_NAME, H5_ITER_INC, &idx, copy_attr, &dst) < 0;
  H5Gclose(src);
  H5Gclose(dst);
  rc |= samlab_attr_i64(o->file, "/", "shard_index", 0);
  rc |= samlab_attr_i64(o->file, "/", "shard_count", 1);
  rc |= samlab_attr_i64(o->file, "/", "runs_begin", 0);
  rc |= samlab_attr_i64(o->file, "/", "runs_end", (int64_t)nruns);
  size_t len = 1;
  for (int i = 0; i < n; i++)
    len += strlen(files[i]) + 1;
  char *from = calloc(len, 1);
  for (int i = 0; i < n && from; i++) {
    strcat(from, files[i]);
    if (i + 1 < n)
      strcat(from, " ");
  }
  rc |= !from || samlab_attr_str(o->file, "/", "merged_from", from);
  free(from);
  if (samlab_out_finish(o, rc) != 0)
    cli_die("merge", "writing '%s' failed", out);
  for (int i = 0; i < n; i++)
    H5Fclose(h[i]);
  printf("%s: %d shards, %zu runs\n", out, n, nruns);
  free(h), free(seen), free(lr), free(rho), free(starts), free(counts), free(rate), free(run_outcome), free(ends);
  return 0;
}
