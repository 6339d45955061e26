/* samlab figures: remake the papers' figures and tables.  Each entry of the catalogue below is made by a recipe,
 * notebooks/<recipe>.sh, which takes OUT, SCALE and SAMLAB from the environment; one recipe may make several
 * entries.  samlab figures finds the recipes (SAMLAB_NOTEBOOKS, the source tree beside the program, or the
 * installed $(pkgdatadir)/notebooks), runs each once with sh -x (so the log names every command it ran), times
 * it and appends a manifest line to OUT/manifest.jsonl.  Entries without a recipe are listed as missing. */
#include <stdio.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"

typedef struct figure {
  const char *name;   /* paper-figure, as users ask for it */
  const char *recipe; /* notebooks/<recipe>.sh that makes it */
  const char *claim;  /* what the paper states, in one line */
} figure;

/* Why a recipe does not exist yet, printed when it is missing. */
static const struct {
  const char *recipe, *needs;
} pending[] = {
    {"label-noise", "a noise-level sweep of samlab train --label-noise (20-80%) per rule and seed; not written yet"},
    {"aesam-fig2", "E||g_B||^2 at checkpoints of an ERM and a SAM run (samlab gradnorm); not written yet"},
    {"aesam-lambdas", "15 (lambda1, lambda2) trainings of ae-sam; not written yet"},
    {"wsam-fig1", "the paper's Figure 1 is a schematic without data; not written yet"},
    {"wsam-fig3", "a gamma sweep of samlab train --rule wsam; not written yet"},
    {"wsam-table9", "samlab train per rule then samlab hessian (lambda_max) at the end point; not written yet"},
    {"fsam-fig3", "a rho sweep of samlab train, fsam vs sam; not written yet"},
    {"fsam-fig4", "a batch-size sweep of samlab train, fsam vs sam; not written yet"},
    {"infosam-fig4", "the perturbation eps of many steps at a fixed point; samlab toy does not record eps yet"},
};

static const char *why_missing(const char *recipe)
{
  for (size_t i = 0; i < sizeof pending / sizeof pending[0]; i++)
    if (strcmp(pending[i].recipe, recipe) == 0)
      return pending[i].needs;
  return "no recipe yet";
}

/* The minimum list (issue 5), each beside the recipe that makes it. */
static const figure catalogue[] = {
    {"stablesam-fig1", "stablesam-fig1", "||g||/||g_asc|| < 1 nearly always under SAM, smaller late in training"},
    {"stablesam-fig2", "stablesam-fig2", "loss along the top Hessian eigenvector is close to a parabola"},
    {"stablesam-fig3", "stablesam-fig1", "g_asc.g - ||g||^2 > 0 throughout training"},
    {"stablesam-fig4", "stablesam-fig4", "quartic: GD best, SAM collapses for lr > 0.1, StableSAM flat"},
    {"stablesam-fig5", "stablesam-stability", "twin runs: StableSAM's distance and gaps lowest, SGD's highest"},
    {"stablesam-table4", "label-noise", "label noise: StableSAM >= SAM at every noise level"},
    {"aesam-fig2", "aesam-fig2", "E||g_B||^2 over training: SAM's much smaller than ERM's"},
    {"aesam-fig3", "aesam-gradnorm", "||g_B||^2 at fixed weights is bell-shaped, Q-Q close to a line"},
    {"aesam-fig5", "aesam-lambdas", "AE-SAM's SAM fraction falls as lambda1 or lambda2 grows"},
    {"aesam-fig6", "aesam-lambdas", "AE-SAM's test accuracy falls as lambda grows (fewer SAM steps)"},
    {"aesam-fig7", "aesam-gradnorm", "AE-SAM's full-batch ||grad||^2 goes to 0"},
    {"aesam-fig14", "aesam-fig14", "AE-SAM's training loss converges"},
    {"aesam-fig15", "aesam-fig14", "AE-SAM and SS-SAM training losses almost overlap (equal zeta)"},
    {"aesam-table3", "label-noise", "label noise: AE-LookSAM as robust as SAM, ERM and SS-SAM overfit"},
    {"wsam-fig1", "wsam-fig1", "schematic: grad L^WSAM on the line through g and g_s, weight gamma/(1-gamma)"},
    {"wsam-fig2", "wsam-fig2", "2-D surface: SAM/gamma 0.6 end sharp, gamma 0.95 reaches the flat minimum"},
    {"wsam-fig3", "wsam-fig3", "WSAM insensitive to gamma, best gamma in 0.8-0.95"},
    {"wsam-table9", "wsam-table9", "WSAM's minima have smaller lambda_max than SGD's and SAM's"},
    {"fsam-fig1", "fsam-fig1", "SAM-full loses SAM's gain, SAM-noise keeps it"},
    {"fsam-fig2", "fsam-fig1", "as Figure 1, per-epoch accuracies"},
    {"fsam-fig3", "fsam-fig3", "F-SAM more robust to rho than SAM"},
    {"fsam-fig4", "fsam-fig4", "F-SAM's gain holds across batch sizes"},
    {"fsam-table6", "label-noise", "label noise: F-SAM above SAM at every noise level"},
    {"infosam-fig3", "infosam-fig3", "asymmetric valley: infoSAM ends nearer the flat side than SAM"},
    {"infosam-fig4", "infosam-fig4", "AMD toy: SAM's ascent degrades along the noisy direction, infoSAM's does not"},
    {"newrules-compare", "newrules-compare", "issue 15's newer rules beside SAM: quartic success rates, label noise"},
};
#define NCAT (sizeof catalogue / sizeof catalogue[0])

static int is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory holding this program (from /proc/self/exe). */
/* This program and its directory.  In a build tree the binary is libtool's .libs/samlab (or lt-samlab), which
 * cannot run alone: the wrapper script beside .libs is what recipes run and the manifest records. */
static void self_paths(char *exe, size_t exelen, char *dir, size_t dirlen)
{
  ssize_t n = readlink("/proc/self/exe", exe, exelen - 1);
  exe[n > 0 ? n : 0] = 0;
  snprintf(dir, dirlen, "%s", exe);
  char *slash = strrchr(dir, '/');
  if (slash)
    *slash = 0;
  size_t len = strlen(dir);
  if (len >= 6 && strcmp(dir + len - 6, "/.libs") == 0) {
    char wrapper[PATH_MAX];
    snprintf(wrapper, sizeof wrapper, "%.*s/samlab", (int)(len - 6), dir);
    if (access(wrapper, X_OK) == 0) {
      snprintf(exe, exelen, "%s", wrapper);
      dir[len - 6] = 0;
    }
  }
}

static int find_notebooks(const char *override, const char *exedir, char *out, size_t len)
{
  if (override) {
    snprintf(out, len, "%.2000s", override);
    return is_dir(out) ? 0 : -1;
  }
  const char *env = getenv("SAMLAB_NOTEBOOKS");
  if (env && *env) {
    snprintf(out, len, "%.2000s", env);
    return is_dir(out) ? 0 : -1;
  }
  const char *rel[] = {"/notebooks", "/../notebooks", "/../share/samlab/notebooks", "/../../notebooks"};
  for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%.3000s%s", exedir, rel[i]);
    if (is_dir(buf) && realpath(buf, out))
      return 0;
  }
#ifdef SAMLAB_PKGDATADIR
  snprintf(out, len, "%s/notebooks", SAMLAB_PKGDATADIR);
  if (is_dir(out))
    return 0;
#endif
  return -1;
}

/* JSON string body with the needed escapes. */
static void json_str(FILE *f, const char *s)
{
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c == '\n')
      fputs("\\n", f);
    else if (c == '\t')
      fputs("\\t", f);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

/* The samlab commands a recipe ran: the sh -x trace lines ("+ ...") that call the program. */
static void json_commands(FILE *f, const char *log, const char *samlab)
{
  FILE *in = fopen(log, "r");
  fputc('[', f);
  if (in) {
    char line[8192];
    int first = 1;
    while (fgets(line, sizeof line, in)) {
      line[strcspn(line, "\n")] = 0;
      const char *s = line;
      while (*s == '+')
        s++;
      if (*s == ' ')
        s++;
      if (s == line || strncmp(s, samlab, strlen(samlab)) != 0)
        continue;
      if (!first)
        fputs(", ", f);
      json_str(f, s);
      first = 0;
    }
    fclose(in);
  }
  fputc(']', f);
}

static void manifest_line(const char *outdir, const char *recipe, const char *path, const char *names,
                          const char *scale, const char *status, int exit_code, double seconds, const char *log,
                          const char *samlab)
{
  char mpath[PATH_MAX];
  snprintf(mpath, sizeof mpath, "%s/manifest.jsonl", outdir);
  FILE *f = fopen(mpath, "a");
  if (!f)
    cli_die("figures", "cannot append to '%s': %s", mpath, strerror(errno));
  char when[32];
  time_t now = time(NULL);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  fputs("{\"recipe\": ", f);
  json_str(f, recipe);
  fputs(", \"figures\": ", f);
  json_str(f, names);
  fputs(", \"script\": ", f);
  json_str(f, path ? path : "");
  fputs(", \"scale\": ", f);
  json_str(f, scale);
  fputs(", \"status\": ", f);
  json_str(f, status);
  fprintf(f, ", \"exit\": %d, \"seconds\": %.3f, \"samlab_version\": \"%s\", \"finished\": \"%s\", \"commands\": ",
          exit_code, seconds, SAMLAB_VERSION, when);
  if (log)
    json_commands(f, log, samlab);
  else
    fputs("[]", f);
  fputs("}\n", f);
  fclose(f);
}

/* Runs sh -x script with OUT, SCALE and SAMLAB set, output into log; the exit status (or 127). */
static int run_recipe(const char *script, const char *out, const char *scale, const char *samlab, const char *log)
{
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0)
    return 127;
  if (pid == 0) {
    FILE *l = freopen(log, "w", stdout);
    if (!l || dup2(fileno(stdout), 2) < 0)
      _exit(127);
    setenv("OUT", out, 1);
    setenv("SCALE", scale, 1);
    setenv("SAMLAB", samlab, 1);
    execlp("sh", "sh", "-x", script, (char *)NULL);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return 127;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int cmd_figures(int argc, char **argv)
{
  const char *scale = "quick", *outdir = "out", *recipes = NULL;
  int list = 0;
  const cli_opt opts[] = {
      {"scale", 0, CLI_STR, &scale, "quick|full", "quick: the whole set in minutes; full: hours (default quick)"},
      {"out-dir", 'o', CLI_STR, &outdir, "DIR", "where each recipe writes, DIR/<recipe>/ (default out)"},
      {"recipes", 0, CLI_STR, &recipes, "DIR", "the recipe directory (default: found, see below)"},
      {"list", 0, CLI_FLAG, &list, NULL, "list the figures, their recipes and whether each is available"},
      {NULL, 0, 0, NULL, NULL, NULL}};
  const cli_spec spec = {
      "figures", "samlab figures [NAME ...|all] [--scale quick|full] [--out-dir DIR]",
      "Remakes the papers' figures and tables (names like stablesam-fig4, wsam-fig2, aesam-table3; see --list).\n"
      "Each is made by a recipe notebooks/<recipe>.sh run with OUT=DIR/<recipe>, SCALE and SAMLAB (this\n"
      "program) in its environment; a recipe that makes several figures runs once.  Recipes are looked for in\n"
      "$SAMLAB_NOTEBOOKS, then notebooks/ beside or above this program (the source tree), then the installed\n"
      "share/samlab/notebooks.  Every run appends a line to DIR/manifest.jsonl: recipe, figures, scale, status,\n"
      "exit code, seconds, samlab version, and the samlab commands it ran (from sh -x, log in DIR/<recipe>/\n"
      "recipe.log).  Figures whose recipe does not exist yet are listed as missing, never skipped silently.\n"
      "Recipes in the directory that the catalogue does not name run too (under all).  Exit status 0 when every\n"
      "recipe run succeeded, 1 otherwise, 2 on bad input.",
      opts, NULL, 64};
  char *pos[64];
  int npos = cli_parse(&spec, argc, argv, pos);
  if (strcmp(scale, "quick") != 0 && strcmp(scale, "full") != 0)
    cli_die("figures", "bad value '%s' for --scale: expected quick or full", scale);
  char exe[PATH_MAX], exedir[PATH_MAX], nbdir[2048];
  self_paths(exe, sizeof exe, exedir, sizeof exedir);
  if (find_notebooks(recipes, exedir, nbdir, sizeof nbdir) != 0)
    cli_die("figures", "no recipe directory found%s%s (set SAMLAB_NOTEBOOKS or --recipes)", recipes ? ": " : "",
            recipes ? recipes : "");

  /* what to make: recipes (each once) and the catalogue names each covers */
  const char *want[256];
  int nwant = 0, all = npos == 0;
  for (int i = 0; i < npos; i++)
    if (strcmp(pos[i], "all") == 0)
      all = 1;
  char script[PATH_MAX];
  if (all) {
    for (size_t c = 0; c < NCAT; c++)
      want[nwant++] = catalogue[c].recipe;
    /* recipes nobody catalogued */
    FILE *ls = NULL;
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "ls '%s'", nbdir);
    ls = popen(cmd, "r");
    char name[200];
    static char extra[64][256];
    int nextra = 0;
    while (ls && fgets(name, sizeof name, ls) && nextra < 64) {
      name[strcspn(name, "\n")] = 0;
      size_t l = strlen(name);
      if (l < 4 || strcmp(name + l - 3, ".sh") != 0)
        continue;
      name[l - 3] = 0;
      snprintf(extra[nextra], sizeof extra[nextra], "%s", name);
      want[nwant++] = extra[nextra++];
    }
    if (ls)
      pclose(ls);
  } else {
    for (int i = 0; i < npos; i++) {
      const char *r = NULL;
      for (size_t c = 0; c < NCAT; c++)
        if (strcmp(pos[i], catalogue[c].name) == 0 || strcmp(pos[i], catalogue[c].recipe) == 0)
          r = catalogue[c].recipe;
      snprintf(script, sizeof script, "%s/%s.sh", nbdir, pos[i]);
      if (!r && is_file(script))
        r = pos[i];
      if (!r)
        cli_die("figures", "unknown figure '%s' (samlab figures --list names them)", pos[i]);
      want[nwant++] = r;
    }
  }
  /* deduplicate, keeping order */
  int nrec = 0;
  const char *rec[256];
  for (int i = 0; i < nwant; i++) {
    int seen = 0;
    for (int j = 0; j < nrec; j++)
      seen |= strcmp(rec[j], want[i]) == 0;
    if (!seen)
      rec[nrec++] = want[i];
  }

  if (list) {
    printf("recipes from %s\n%-18s %-20s %-10s %s\n", nbdir, "figure", "recipe", "available", "paper states");
    for (size_t c = 0; c < NCAT; c++) {
      snprintf(script, sizeof script, "%s/%s.sh", nbdir, catalogue[c].recipe);
      printf("%-18s %-20s %-10s %s\n", catalogue[c].name, catalogue[c].recipe, is_file(script) ? "yes" : "MISSING",
             catalogue[c].claim);
    }
    return 0;
  }

  if (mkdir(outdir, 0777) != 0 && errno != EEXIST)
    cli_die("figures", "cannot create --out-dir '%s': %s", outdir, strerror(errno));
  int failed = 0, missing = 0, ran = 0;
  double total = 0;
  progress bar;
  progress_start(&bar, "figures", nrec);
  for (int i = 0; i < nrec; i++) {
    char names[1024] = "";
    for (size_t c = 0; c < NCAT; c++)
      if (strcmp(catalogue[c].recipe, rec[i]) == 0) {
        if (names[0])
          strncat(names, " ", sizeof names - strlen(names) - 1);
        strncat(names, catalogue[c].name, sizeof names - strlen(names) - 1);
      }
    if (!names[0])
      snprintf(names, sizeof names, "%s", rec[i]);
    snprintf(script, sizeof script, "%s/%s.sh", nbdir, rec[i]);
    if (!is_file(script)) {
      printf("%-22s MISSING  %s: %s\n", rec[i], names, why_missing(rec[i]));
      manifest_line(outdir, rec[i], NULL, names, scale, "missing", -1, 0, NULL, exe);
      missing++;
      progress_update(&bar, i + 1, rec[i]);
      continue;
    }
    char out[PATH_MAX], log[PATH_MAX + 16];
    snprintf(out, sizeof out, "%s/%s", outdir, rec[i]);
    if (mkdir(out, 0777) != 0 && errno != EEXIST)
      cli_die("figures", "cannot create '%s': %s", out, strerror(errno));
    snprintf(log, sizeof log, "%s/recipe.log", out);
    progress_update(&bar, i, rec[i]);
    double t0 = progress_now();
    int code = run_recipe(script, out, scale, exe, log);
    double secs = progress_now() - t0;
    total += secs;
    ran++;
    if (code)
      failed++;
    printf("%-22s %-8s %8.1f s  %s%s%s%s\n", rec[i], code ? "FAILED" : "ok", secs, names, code ? "  (see " : "",
           code ? log : "", code ? ")" : "");
    fflush(stdout);
    manifest_line(outdir, rec[i], script, names, scale, code ? "failed" : "ok", code, secs, log, exe);
  }
  progress_end(&bar);
  printf("%d recipes run in %.1f s (%d failed), %d missing; manifest %s/manifest.jsonl\n", ran, total, failed,
         missing, outdir);
  return failed ? 1 : 0;
}
