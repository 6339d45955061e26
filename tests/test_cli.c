/* The samlab program from outside: bad input to `samlab toy` exits 2 with one line on stderr naming the value
 * and leaves no file; a good run writes the HDF5 layout; a diverging run keeps its rows.
 * The binary is ./samlab (tests run from the build directory) or $SAMLAB. */
#include <dirent.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testutil.h"

static char dir[256];          /* a fresh empty directory per test */
static char errtext[4096];

static const char *samlab_bin(void)
{
  const char *s = getenv("SAMLAB");
  return s && *s ? s : "./samlab";
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/samlab-test-cli-XXXXXX");
  ck_assert(mkdtemp(dir) != NULL);
}

static void teardown(void)
{
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert(system(cmd) == 0);
}

/* args with every OUT replaced by dir */
static void expand_out(const char *args, char *expanded, size_t len)
{
  const char *a = args, *hit;
  expanded[0] = 0;
  while ((hit = strstr(a, "OUT"))) {
    strncat(expanded, a, (size_t)(hit - a) < len - strlen(expanded) - 1 ? (size_t)(hit - a) : len - strlen(expanded) - 1);
    strncat(expanded, dir, len - strlen(expanded) - 1);
    a = hit + 3;
  }
  strncat(expanded, a, len - strlen(expanded) - 1);
}

/* Runs samlab with args (a shell fragment; OUT is replaced by dir), its stderr into errtext; returns the exit
 * status.  fsize >= 0 limits the files it writes to fsize bytes (RLIMIT_FSIZE): writes past it fail with EFBIG,
 * which stands for a full disk. */
static int run_limited(long fsize, const char *args)
{
  char expanded[2048], cmd[4096];
  expand_out(args, expanded, sizeof expanded);
  snprintf(cmd, sizeof cmd, "exec %s %s >/dev/null", samlab_bin(), expanded);
  int fd[2];
  ck_assert(pipe(fd) == 0);
  pid_t pid = fork();
  ck_assert(pid >= 0);
  if (pid == 0) {
    struct rlimit rl = {(rlim_t)fsize, (rlim_t)fsize};
    if (dup2(fd[1], 2) < 0 || (fsize >= 0 && setrlimit(RLIMIT_FSIZE, &rl) != 0))
      _exit(127);
    close(fd[0]);
    close(fd[1]);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  size_t n = 0;
  ssize_t got;
  char sink[512];
  while ((got = read(fd[0], n < sizeof errtext - 1 ? errtext + n : sink,
                     n < sizeof errtext - 1 ? sizeof errtext - 1 - n : sizeof sink)) > 0)
    n += n < sizeof errtext - 1 ? (size_t)got : 0;
  errtext[n] = 0;
  close(fd[0]);
  int st;
  ck_assert(waitpid(pid, &st, 0) == pid);
  ck_assert_msg(WIFEXITED(st), "'%s' did not exit normally (status %d)", cmd, st);
  return WEXITSTATUS(st);
}

static int run(const char *args)
{
  return run_limited(-1, args);
}

static int dir_entries(void)
{
  DIR *d = opendir(dir);
  ck_assert(d != NULL);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return n;
}

/* exit 2, exactly one line on stderr that contains want, nothing left in dir; files limited to fsize bytes */
static void bad_limited(long fsize, const char *args, const char *want)
{
  int st = run_limited(fsize, args);
  ck_assert_msg(st == 2, "'%s': exit %d, expected 2 (stderr: %s)", args, st, errtext);
  size_t len = strlen(errtext);
  ck_assert_msg(len > 0 && errtext[len - 1] == '\n' && strchr(errtext, '\n') == errtext + len - 1,
                "'%s': stderr is not one line: '%s'", args, errtext);
  ck_assert_msg(strstr(errtext, want) != NULL, "'%s': stderr '%s' does not name '%s'", args, errtext, want);
  ck_assert_msg(dir_entries() == 0, "'%s' left a file behind", args);
}

static void bad(const char *args, const char *want)
{
  bad_limited(-1, args, want);
}

#define TOY "toy --function quartic --steps 5 --out OUT/run.h5 "

START_TEST(test_bad_names)
{
  bad(TOY "--rule nonesuch", "nonesuch");
  bad(TOY "--function nonesuch", "nonesuch");
  bad(TOY "--base nonesuch", "nonesuch");
  bad(TOY "--bogus 3", "--bogus");
  bad(TOY "--diag 1,2", "diag=1,2");
  bad("toy --function quadratic --matrix OUT/missing.txt --out OUT/run.h5", "missing.txt");
  bad("toy --function asym-valley --noise 0.5 --out OUT/run.h5", "'0.5'");
  bad("toy --function quadratic --toy-options stiff=2 --out OUT/run.h5", "stiff");
}
END_TEST

START_TEST(test_bad_numbers)
{
  bad(TOY "--lr abc", "abc");
  bad("toy --steps 1x --out OUT/run.h5", "1x");
  bad("toy --steps 0 --out OUT/run.h5", "--steps: must be >= 1");
  bad(TOY "--rho -1", "-1");
  bad(TOY "--rho nan", "nan");
  bad(TOY "--lr 0", "lr");
  bad(TOY "--lr -0.5", "-0.5");
  bad(TOY "--gamma 1", "gamma");
  bad(TOY "--gamma -0.1", "-0.1");
  bad(TOY "--k 0", "k");
  bad(TOY "--init 1,2,3", "1,2,3");
  bad(TOY "--init 1", "'1'");
  bad(TOY "--init 1,x", "1,x");
  bad(TOY "--lr", "--lr");
  /* issue 16: decimal only, underflow named, no option twice */
  bad(TOY "--lr 0x10", "'0x10' for --lr: not a decimal number");
  bad(TOY "--lr inf", "'inf' for --lr: not a decimal number");
  bad(TOY "--rho NAN", "'NAN' for --rho: not a decimal number");
  bad(TOY "--lr ' 0.1'", "' 0.1' for --lr: not a decimal number");
  bad(TOY "--lr 1e-400", "'1e-400' for --lr: underflows");
  bad(TOY "--lr 1e400", "'1e400' for --lr: overflows");
  bad(TOY "--seed 0x10", "'0x10' for --seed: not a decimal integer");
  bad(TOY "--k 1e3", "'1e3' for --k: not a decimal integer");
  bad(TOY "--seed 99999999999999999999", "out of range");
  bad(TOY "--init 0x1,2", "'0x1,2' for --init: '0x1': not a decimal number");
  bad(TOY "--init 1e-400,2", "underflows");
  bad(TOY "--lr 0.1 --lr 0.2", "option --lr given twice ('0.1', then '0.2')");
  bad(TOY "--stable --stable", "option --stable given twice");
  bad(TOY "-o OUT/other.h5", "option --out given twice");
  bad("toy --function quadratic --toy-options 'diag=1,0x2' --out OUT/run.h5", "0x2");
  bad("sweep --shard 0x1/2 --out OUT/s.h5", "--shard");
  bad("hessian --function quartic --at 1,inf --out OUT/h.h5", "--at");
  const char *fine[] = {"--lr .5", "--lr 5.", "--lr +.5e-1", "--lr 2E-3", "--seed -0"};
  for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
    char args[256];
    snprintf(args, sizeof args, TOY "%s", fine[i]);
    ck_assert_msg(run(args) == 0, "'%s' refused: %s", args, errtext);
  }
}
END_TEST

START_TEST(test_unwritable_out)
{
  bad("toy --function quartic --steps 5 --out OUT/no/such/dir/run.h5", "no/such/dir/run.h5");
  bad("plot OUT/nonesuch.h5 -o OUT/x.png", "nonesuch.h5");
}
END_TEST

/* The alphas (gsam's and looksam's weights, infosam's EMA factor) and sigma (fsam's projection constant) are
 * fractions in [0, 1]: any other value is refused (exit 2, one line naming it, no file) by every command that takes
 * hyperparameters; both ends are accepted. */
START_TEST(test_alpha_sigma_ranges)
{
  bad(TOY "--rule gsam --alpha 1.5", "1.5");
  bad(TOY "--rule infosam --infosam-alpha -0.05", "-0.05");
  bad(TOY "--rule looksam --looksam-alpha nan", "looksam-alpha");
  bad(TOY "--rule looksam --alpha 2", "--alpha"); /* the old spelling, checked before any notice */
  bad(TOY "--rule fsam --sigma -1", "-1");
  bad(TOY "--rule fsam --sigma 2", "sigma");
  bad(TOY "--rule sam --alpha 7", "alpha"); /* checked whatever the rule */
  bad("sweep --function quartic --rules sgd,gsam --starts 4 --lr-count 2 --steps 5 --alpha 2 --out OUT/s.h5",
      "alpha");
  if (access("/usr/share/datasets/fashion-mnist", R_OK) == 0 || getenv("SAMLAB_DATA")) {
    bad("train --train-size 100 --batch 50 --epochs 1 --rule fsam --sigma 1.01 --out OUT/t.h5", "1.01");
    bad("stability --train-size 100 --batch 50 --epochs 1 --rules sgd,looksam --looksam-alpha 3 --out OUT/st.h5",
        "looksam-alpha");
    bad("decompose --train-size 100 --batch 50 --epochs 1 --sigma -0.5 --out OUT/d.h5", "sigma");
  }
  const char *ends[] = {"--rule infosam --infosam-alpha 0", "--rule gsam --alpha 1", "--rule fsam --sigma 0",
                        "--rule fsam --sigma 1", "--rule looksam --looksam-alpha 1"};
  for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
    char args[256];
    snprintf(args, sizeof args, TOY "%s", ends[i]);
    ck_assert_msg(run(args) == 0, "'%s' refused: %s", args, errtext);
  }
}
END_TEST

static hid_t open_h5(const char *name);
static double attr_f64(hid_t f, const char *name);
static void attr_is(hid_t f, const char *name, const char *want);

/* The old spellings (--alpha for looksam, ae-looksam, infosam; --eta for fishersam) set the renamed parameter, with
 * one line on stderr; the file records the new name.  gsam's alpha and asam's eta take no notice. */
START_TEST(test_old_spellings)
{
  const struct {
    const char *args, *notice, *attr;
    double value;
  } cases[] = {
      {"--rule looksam --alpha 0.3", "samlab: --alpha for looksam is now --looksam-alpha\n", "looksam-alpha", 0.3},
      {"--rule ae-looksam --alpha 0.3", "samlab: --alpha for ae-looksam is now --looksam-alpha\n", "looksam-alpha",
       0.3},
      {"--rule infosam --alpha 0.2", "samlab: --alpha for infosam is now --infosam-alpha\n", "infosam-alpha", 0.2},
      {"--rule fishersam --eta 2", "samlab: --eta for fishersam is now --fishersam-eta\n", "fishersam-eta", 2},
      {"--rule gsam --alpha 0.3", "", "alpha", 0.3},
      {"--rule asam --eta 0.5", "", "eta", 0.5},
      {"--rule looksam --looksam-alpha 0.4 --alpha 0.3", "", "looksam-alpha", 0.4}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char args[256];
    snprintf(args, sizeof args, TOY "%s", cases[i].args);
    ck_assert_msg(run(args) == 0, "'%s': %s", args, errtext);
    ck_assert_msg(strcmp(errtext, cases[i].notice) == 0, "'%s': stderr '%s'", args, errtext);
    hid_t f = open_h5("run.h5");
    ck_assert_close(attr_f64(f, cases[i].attr), cases[i].value, 0);
    if (cases[i].notice[0]) /* the old name is not the rule's: not recorded */
      ck_assert(H5Aexists_by_name(f, "/", strstr(cases[i].args, "--eta") ? "eta" : "alpha", H5P_DEFAULT) == 0);
    H5Fclose(f);
  }
}
END_TEST

/* The newer rules' parameters and the rho schedules: out-of-range values, an unknown schedule, rho-min above
 * rho-max (or above rho when rho-max is unset) are refused; random-sam is accepted as ss-sam with one notice. */
START_TEST(test_newrules_input)
{
  bad(TOY "--rule sam --rho-schedule nonesuch", "nonesuch");
  bad(TOY "--rule sam --rho-schedule linear --rho-min 0.2 --rho-max 0.1", "rho-min");
  bad(TOY "--rule sam --rho-schedule cosine --rho 0.05 --rho-min 0.1", "rho-min");
  bad(TOY "--rule sam --rho-max -1", "-1");
  bad(TOY "--rule bsam --bsam-beta2 1", "bsam-beta2");
  bad(TOY "--rule bsam --bsam-s-init 0", "bsam-s-init");
  bad(TOY "--rule bsam --bsam-ndata -3", "-3");
  bad(TOY "--rule eigen-sam --power-iters 0", "power-iters");
  bad(TOY "--rule eigen-sam --eigensam-k 0", "eigensam-k");
  bad(TOY "--rule gam --gam-gamma -1", "gam-gamma");
  bad(TOY "--rule r-sam --rsam-sigma -0.1", "rsam-sigma");
  bad(TOY "--rule sagm --sagm-alpha -1", "sagm-alpha");
  bad(TOY "--rule esam --esam-beta 0", "esam-beta"); /* beta and gamma in (0, 1] */
  bad(TOY "--rule esam --esam-beta 1.5", "esam-beta");
  bad(TOY "--rule esam --esam-gamma 0", "esam-gamma");
  bad(TOY "--rule esam --esam-gamma 1.01", "esam-gamma");
  bad("sweep --function quartic --rules sgd,nonesuch --starts 4 --lr-count 2 --steps 5 --out OUT/s.h5", "nonesuch");
  bad("sweep --function quartic --rules sam --rho-schedule sine --starts 4 --lr-count 2 --steps 5 --out OUT/s.h5",
      "sine");
  ck_assert_msg(run(TOY "--rule random-sam") == 0, "random-sam refused: %s", errtext);
  ck_assert_str_eq(errtext, "samlab: rule random-sam is now ss-sam\n");
  hid_t f = open_h5("run.h5");
  attr_is(f, "rule", "ss-sam");
  H5Fclose(f);
}
END_TEST

/* /rho under a schedule, worked out by hand: linear from rho 0.2 to rho-min 0.1 over 5 steps is 0.2 - 0.02 t; step
 * is 0.2 before T/2 = 2 and 0.1 from it; the attribute rho stays the configured 0.2.  No /rho without a schedule. */
START_TEST(test_rho_schedule_trace)
{
  const char *args[] = {TOY "--rule sam --rho 0.2 --rho-min 0.1 --rho-schedule linear",
                        "toy --function quartic --steps 4 --out OUT/run.h5 --rule msam --rho 0.2 --rho-min 0.1 "
                        "--rho-schedule step"};
  const double want[2][5] = {{0.2, 0.18, 0.16, 0.14, 0.12}, {0.2, 0.2, 0.1, 0.1}};
  for (int c = 0; c < 2; c++) {
    ck_assert_msg(run(args[c]) == 0, "'%s': %s", args[c], errtext);
    hid_t f = open_h5("run.h5");
    double rho[5];
    ck_assert(H5LTread_dataset_double(f, "/rho", rho) >= 0);
    for (int t = 0; t < 5 - c; t++)
      ck_assert_msg(fabs(rho[t] - want[c][t]) < 1e-15, "case %d: rho[%d] = %.17g", c, t, rho[t]);
    ck_assert_double_eq(attr_f64(f, "rho"), 0.2);
    attr_is(f, "rho-schedule", c ? "step" : "linear");
    H5Fclose(f);
  }
  ck_assert(run(TOY "--rule sam") == 0);
  hid_t f = open_h5("run.h5");
  ck_assert(H5Lexists(f, "/rho", H5P_DEFAULT) == 0);
  H5Fclose(f);
}
END_TEST

static hid_t open_h5(const char *name)
{
  char path[400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert_msg(f >= 0, "cannot open %s", path);
  return f;
}

static void dims_of(hid_t f, const char *name, int rank, hsize_t d0, hsize_t d1, H5T_class_t cls, size_t size)
{
  int r;
  hsize_t d[4];
  H5T_class_t c;
  size_t s;
  ck_assert_msg(H5LTget_dataset_ndims(f, name, &r) >= 0 && r == rank, "%s: rank", name);
  ck_assert(H5LTget_dataset_info(f, name, d, &c, &s) >= 0);
  ck_assert_msg(d[0] == d0 && (rank == 1 || d[1] == d1), "%s: dims %llu", name, (unsigned long long)d[0]);
  ck_assert_msg(c == cls && s == size, "%s: type class %d size %zu", name, (int)c, s);
}

static double attr_f64(hid_t f, const char *name)
{
  double v = NAN;
  ck_assert_msg(samlab_in_attr_f64(f, "/", name, &v) == 0, "attribute %s missing", name);
  return v;
}

static void attr_is(hid_t f, const char *name, const char *want)
{
  char buf[1024];
  ck_assert_msg(samlab_in_attr_str(f, "/", name, buf, sizeof buf) == 0, "attribute %s missing", name);
  ck_assert_msg(strstr(buf, want) != NULL, "attribute %s = '%s', expected '%s'", name, buf, want);
}

START_TEST(test_good_run_layout)
{
  ck_assert_int_eq(run("toy --function quartic --rule sam --base sgd --lr 0.05 --rho 0.05 --steps 20 "
                       "--init -1.5,0.5 --seed 3 --out OUT/run.h5"),
                   0);
  hid_t f = open_h5("run.h5");
  dims_of(f, "/trajectory", 2, 21, 2, H5T_FLOAT, 8);
  dims_of(f, "/loss", 1, 21, 0, H5T_FLOAT, 8);
  dims_of(f, "/sam_used", 1, 20, 0, H5T_INTEGER, 1);
  dims_of(f, "/grad_norm", 1, 20, 0, H5T_FLOAT, 8);
  attr_is(f, "rule", "sam");
  attr_is(f, "base", "sgd");
  attr_is(f, "kind", "toy");
  attr_is(f, "function", "quartic");
  attr_is(f, "samlab_version", SAMLAB_VERSION);
  attr_is(f, "command_line", "--init -1.5,0.5 --seed 3");
  ck_assert_close(attr_f64(f, "rho"), 0.05, 0);
  ck_assert_close(attr_f64(f, "lr"), 0.05, 0);
  ck_assert_close(attr_f64(f, "diverged"), 0, 0);
  /* the rule's parameters, the shared ones and the base optimizer's, filled in; no other rule's */
  attr_is(f, "ascent", "normalized");
  ck_assert_close(attr_f64(f, "stable"), 0, 0);
  ck_assert_close(attr_f64(f, "wd"), 0, 0);
  ck_assert(H5Aexists_by_name(f, "/", "momentum", H5P_DEFAULT) == 0);
  ck_assert(H5Aexists_by_name(f, "/", "gamma", H5P_DEFAULT) == 0);

  /* the first SAM step by hand: g = (x^3 - y, y - x); eps = rho g/|g|; w1 = w0 - lr grad(w0 + eps) */
  double *traj;
  int rank;
  hsize_t d[4];
  ck_assert_int_eq(samlab_in_f64(f, "/trajectory", &rank, d, &traj), 0);
  double x = -1.5, y = 0.5, gx = x * x * x - y, gy = y - x, n = sqrt(gx * gx + gy * gy) + 1e-12;
  double ex = x + 0.05 * gx / n, ey = y + 0.05 * gy / n;
  ck_assert_close(traj[2], x - 0.05 * (ex * ex * ex - ey), 1e-14);
  ck_assert_close(traj[3], y - 0.05 * (ey - ex), 1e-14);
  double *loss;
  ck_assert_int_eq(samlab_in_f64(f, "/loss", &rank, d, &loss), 0);
  ck_assert_close(loss[0], pow(x, 4) / 4 - x * y + y * y / 2, 1e-14);
  uint8_t used[20];
  ck_assert(H5LTread_dataset(f, "/sam_used", H5T_NATIVE_UINT8, used) >= 0);
  for (int i = 0; i < 20; i++)
    ck_assert_int_eq(used[i], 1);
  free(traj);
  free(loss);
  H5Fclose(f);
  ck_assert_int_eq(dir_entries(), 1); /* no temporary left beside it */
}
END_TEST

START_TEST(test_diverging_run)
{
  /* SGD at lr 0.01 on rosenbrock from (-1.2, 1) overflows within a few steps */
  ck_assert_int_eq(run("toy --function rosenbrock --rule sgd --lr 0.01 --steps 100 --init -1.2,1 --out OUT/d.h5"), 0);
  hid_t f = open_h5("d.h5");
  ck_assert_close(attr_f64(f, "diverged"), 1, 0);
  double *traj;
  int rank;
  hsize_t d[4], dl[4];
  ck_assert_int_eq(samlab_in_f64(f, "/trajectory", &rank, d, &traj), 0);
  ck_assert(d[0] > 2 && d[0] < 101);
  double *loss;
  ck_assert_int_eq(samlab_in_f64(f, "/loss", &rank, dl, &loss), 0);
  ck_assert(dl[0] == d[0] && isfinite(traj[2]) && isfinite(loss[1]));
  /* it stopped at the first non-finite iterate or loss */
  ck_assert(!samlab_all_finite(2, traj + 2 * (d[0] - 1)) || !isfinite(loss[d[0] - 1]));
  for (hsize_t t = 0; t + 2 < d[0]; t++) /* the step that met a non-finite loss is kept */
    ck_assert(samlab_all_finite(2, traj + 2 * t) && isfinite(loss[t]));
  free(loss);
  int r;
  H5T_class_t c;
  size_t s;
  ck_assert(H5LTget_dataset_info(f, "/sam_used", dl, &c, &s) >= 0 && dl[0] == d[0] - 1);
  ck_assert(H5LTget_dataset_ndims(f, "/grad_norm", &r) >= 0);
  free(traj);
  H5Fclose(f);
}
END_TEST

/* Same --seed, same file contents; another seed, another noisy trajectory. */
START_TEST(test_deterministic_seed)
{
  const char *fmt = "toy --function asym-valley --noise 0.1,2 --rule sam --rho 0.5 --lr 0.1 --steps 30 "
                    "--init -3,0 --seed %d --out OUT/%s.h5";
  char args[512];
  double *t[3];
  const char *names[3] = {"a", "b", "c"};
  int seeds[3] = {5, 5, 6};
  hsize_t d[4];
  int rank;
  for (int i = 0; i < 3; i++) {
    snprintf(args, sizeof args, fmt, seeds[i], names[i]);
    ck_assert_int_eq(run(args), 0);
    char file[8];
    snprintf(file, sizeof file, "%s.h5", names[i]);
    hid_t f = open_h5(file);
    ck_assert_int_eq(samlab_in_f64(f, "/trajectory", &rank, d, &t[i]), 0);
    attr_is(f, "toy_options", "noise=0.1,2;seed=");
    H5Fclose(f);
  }
  ck_assert(memcmp(t[0], t[1], 31 * 2 * sizeof(double)) == 0);
  ck_assert(memcmp(t[0], t[2], 31 * 2 * sizeof(double)) != 0);
  for (int i = 0; i < 3; i++)
    free(t[i]);
}
END_TEST

/* infoSAM's AMD statistics: SAM's perturbations at the fixed point 0 under the paper's noise (SNR 0.1).  The
 * notes' Monte Carlo gives mean eps_x 0.362 for SAM, 0.576 for infoSAM with its EMA (1e5 samples). */
START_TEST(test_fixed_point_eps)
{
  const char *rules[2] = {"sam", "infosam"};
  double lo[2] = {0.31, 0.50}, hi[2] = {0.42, 0.65};
  for (int k = 0; k < 2; k++) {
    char args[512];
    snprintf(args, sizeof args,
             "toy --function infosam-amd --noise 0.1265625 --init 0,0,0 --fixed --record-eps --rule %s --rho 1 "
             "--steps 4000 --out OUT/%s.h5",
             rules[k], rules[k]);
    ck_assert_int_eq(run(args), 0);
    char name[32];
    snprintf(name, sizeof name, "%s.h5", rules[k]);
    hid_t f = open_h5(name);
    double *traj, *eps;
    int rank;
    hsize_t d[4], de[4];
    ck_assert_int_eq(samlab_in_f64(f, "/trajectory", &rank, d, &traj), 0);
    ck_assert_int_eq(samlab_in_f64(f, "/eps", &rank, de, &eps), 0);
    ck_assert(rank == 2 && de[0] == 4000 && de[1] == 3 && d[0] == 4001);
    ck_assert_close(attr_f64(f, "fixed"), 1, 0);
    double mean = 0;
    for (size_t t = 0; t < 4000; t++) {
      ck_assert(traj[3 * t] == 0 && traj[3 * t + 1] == 0 && traj[3 * t + 2] == 0); /* never moved */
      double *e = eps + 3 * t;
      ck_assert_close(sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]), 1.0, 1e-9); /* |eps| = rho */
      mean += e[0] / 4000;
    }
    ck_assert_msg(mean > lo[k] && mean < hi[k], "%s: mean eps_x %g", rules[k], mean);
    free(traj);
    free(eps);
    H5Fclose(f);
  }
  ck_assert_int_eq(run("plot OUT/sam.h5 OUT/infosam.h5 -o OUT/eps.png"), 0); /* the scatter of eps */
}
END_TEST

START_TEST(test_help_and_plot)
{
  ck_assert_int_eq(run("toy --help"), 0);
  ck_assert_int_eq(run("toy --function wsam-kl --rule sam --base sgdm --lr 5 --rho 2 --steps 30 --init -6,10 "
                       "--out OUT/w.h5"),
                   0);
  ck_assert_int_eq(run("plot OUT/w.h5 -o OUT/w.png"), 0);
  char path[400];
  snprintf(path, sizeof path, "%s/w.png", dir);
  ck_assert_png(path);
  snprintf(path, sizeof path, "%s/w.svg", dir);
  ck_assert(access(path, R_OK) == 0);
  /* noisy runs with other seeds share one landscape; another function does not */
  ck_assert_int_eq(run("toy --function asym-valley --noise 0.1,2 --seed 1 --steps 10 --out OUT/n1.h5"), 0);
  ck_assert_int_eq(run("toy --function asym-valley --noise 0.1,2 --seed 2 --steps 10 --out OUT/n2.h5"), 0);
  ck_assert_int_eq(run("plot OUT/n1.h5 OUT/n2.h5 -o OUT/n.png"), 0);
  ck_assert_int_eq(run("plot OUT/w.h5 OUT/n1.h5 -o OUT/mixed.png"), 2);
  ck_assert(strstr(errtext, "one function at a time") != NULL);
  /* a quadratic from a file is stored inline: the plot works once the file is gone */
  char mpath[400];
  snprintf(mpath, sizeof mpath, "%s/A.txt", dir);
  FILE *m = fopen(mpath, "w");
  ck_assert(m != NULL);
  fputs("2\n2 1\n1 3\n1 2\n", m);
  fclose(m);
  ck_assert_int_eq(run("toy --function quadratic --matrix OUT/A.txt --steps 10 --out OUT/q.h5"), 0);
  unlink(mpath);
  hid_t f = open_h5("q.h5");
  attr_is(f, "toy_options", "A=2,1,1,3;b=1,2");
  H5Fclose(f);
  ck_assert_int_eq(run("plot OUT/q.h5 -o OUT/q.png"), 0);
  snprintf(path, sizeof path, "%s/mixed.png", dir);
  ck_assert(access(path, F_OK) != 0);
}
END_TEST

/* ---- issue 16: an output is written whole or not at all, and never replaces what is not a regular file */

static void path_in_dir(char *buf, size_t len, const char *name)
{
  snprintf(buf, len, "%s/%s", dir, name);
}

static int mode_of(const char *path)
{
  struct stat st;
  ck_assert_msg(stat(path, &st) == 0, "%s is gone", path);
  return (int)(st.st_mode & S_IFMT);
}

/* A device (like /dev/null; made here when mknod is allowed, so that a regression cannot replace the real one), a
 * FIFO and a directory as the output of a command or of a plot: exit 2, one line, all left as they were. */
START_TEST(test_non_regular_target_refused)
{
  char fifo[400], sub[400], dev[400];
  path_in_dir(fifo, sizeof fifo, "fifo");
  path_in_dir(sub, sizeof sub, "sub");
  path_in_dir(dev, sizeof dev, "null");
  ck_assert(mkfifo(fifo, 0644) == 0 && mkdir(sub, 0755) == 0);
  int have_dev = mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0;
  const char *cmds[] = {"toy --steps 5 --out OUT/fifo", "toy --steps 5 --out OUT/sub", "toy --steps 5 --out OUT/null",
                        "sweep --starts 4 --lr-count 2 --steps 5 --out OUT/fifo", "hessian -f quartic -o OUT/fifo",
                        "plot OUT/run.h5 -o OUT/fifo", "plot OUT/run.h5 -o OUT/null"};
  ck_assert_int_eq(run("toy --steps 5 --out OUT/run.h5"), 0);
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    if (!have_dev && strstr(cmds[i], "OUT/null"))
      continue;
    ck_assert_msg(run(cmds[i]) == 2, "'%s' accepted", cmds[i]);
    ck_assert_msg(strstr(errtext, "not a regular file") != NULL, "'%s': %s", cmds[i], errtext);
    ck_assert_int_eq(mode_of(fifo), S_IFIFO);
    ck_assert_int_eq(mode_of(sub), S_IFDIR);
    if (have_dev)
      ck_assert_int_eq(mode_of(dev), S_IFCHR);
    ck_assert_int_eq(dir_entries(), 3 + have_dev);
  }
}
END_TEST

/* A full disk, as a file size limit: "writing ... failed", exit 2, no file left, no crash in HDF5's exit-time
 * cleanup after its failed close; with a limit of 0 H5Fcreate itself fails after creating the file. */
START_TEST(test_disk_full)
{
  bad_limited(32768, "toy --steps 20000 --out OUT/big.h5", "big.h5' failed");
  bad_limited(0, "toy --steps 5 --out OUT/small.h5", "small.h5' failed");
  bad_limited(32768, "sweep --starts 20000 --steps 2 --lr-count 2 --keep-endpoints --out OUT/s.h5", "s.h5' failed");
}
END_TEST

/* Starts samlab with args in the background, waits until its partial file NAME.partial-PID appears in dir, sends
 * sig; the wait status. */
static int signal_when_partial(const char *args, const char *name, int sig)
{
  char expanded[2048], cmd[4096], partial[600];
  expand_out(args, expanded, sizeof expanded);
  snprintf(cmd, sizeof cmd, "exec %s %s >/dev/null 2>/dev/null", samlab_bin(), expanded);
  pid_t pid = fork();
  ck_assert(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  snprintf(partial, sizeof partial, "%s/%s.partial-%d", dir, name, (int)pid);
  for (int i = 0; i < 3000 && access(partial, F_OK) != 0; i++)
    usleep(10000);
  ck_assert_msg(access(partial, F_OK) == 0, "'%s' never wrote %s", args, partial);
  kill(pid, sig);
  int st;
  ck_assert(waitpid(pid, &st, 0) == pid);
  return st;
}

START_TEST(test_signals_remove_partial_files)
{
  const char *cmds[] = {"hessian -f quartic --trace-probes 1000000000 -o OUT/h.h5", "h.h5",
                        "sweep --rules sam --rho 0.05 --lr 0.01 --starts 100000 --steps 1000000 -o OUT/s.h5", "s.h5"};
  const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t c = 0; c < 2; c++)
    for (size_t k = 0; k < 3; k++) {
      int st = signal_when_partial(cmds[2 * c], cmds[2 * c + 1], sigs[k]);
      ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == sigs[k], "'%s': status %d after signal %d", cmds[2 * c], st,
                    sigs[k]);
      ck_assert_msg(dir_entries() == 0, "'%s' left its partial file after signal %d", cmds[2 * c], sigs[k]);
    }
}
END_TEST

/* A partial file whose process is gone (SIGKILL) is removed by the next run that writes its name, one of a live
 * process is not, and no reader takes one for a result. */
START_TEST(test_stale_partial_files)
{
  pid_t gone = fork();
  if (gone == 0)
    _exit(0);
  ck_assert(waitpid(gone, NULL, 0) == gone);
  char stale[400], live[400], other[400], name[64];
  snprintf(name, sizeof name, "run.h5.partial-%d", (int)gone);
  path_in_dir(stale, sizeof stale, name);
  snprintf(name, sizeof name, "run.h5.partial-%d", (int)getpid());
  path_in_dir(live, sizeof live, name);
  snprintf(name, sizeof name, "other.h5.partial-%d", (int)gone);
  path_in_dir(other, sizeof other, name);
  ck_assert_int_eq(run("toy --steps 5 --out OUT/src.h5"), 0);
  char cmd[2400];
  snprintf(cmd, sizeof cmd, "cp '%s/src.h5' '%s' && cp '%s/src.h5' '%s' && cp '%s/src.h5' '%s'", dir, stale, dir, live,
           dir, other);
  ck_assert(system(cmd) == 0);
  ck_assert_int_eq(run("toy --steps 5 --out OUT/run.h5"), 0);
  ck_assert_msg(access(stale, F_OK) != 0, "the stale partial file of a dead process is still there");
  ck_assert(access(live, F_OK) == 0 && access(other, F_OK) == 0);
  const char *readers[] = {"plot %s -o OUT/p.png", "merge %s -o OUT/m.h5", "train --resume %s",
                           "hessian --checkpoint %s -o OUT/h.h5"};
  for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
    char args[1200];
    snprintf(args, sizeof args, readers[i], live);
    ck_assert_msg(run(args) == 2 && strstr(errtext, "unfinished") != NULL, "'%s' read a partial file: %s", args,
                  errtext);
  }
  ck_assert_int_eq(dir_entries(), 4);
}
END_TEST

/* Sets the root attribute name of dir/file to a string: variable-length (as h5py writes str) when vlen, else of
 * exactly strlen(value) bytes without a terminating NUL (as h5py writes numpy.bytes_). */
static void set_string_attr(const char *file, const char *name, const char *value, int vlen)
{
  char path[400];
  path_in_dir(path, sizeof path, file);
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  ck_assert(f >= 0);
  if (H5Aexists(f, name) > 0)
    ck_assert(H5Adelete(f, name) >= 0);
  hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
  H5Tset_size(type, vlen ? H5T_VARIABLE : strlen(value));
  if (vlen)
    H5Tset_cset(type, H5T_CSET_UTF8);
  else
    H5Tset_strpad(type, H5T_STR_NULLPAD);
  hid_t a = H5Acreate2(f, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  ck_assert(a >= 0 && H5Awrite(a, type, vlen ? (const void *)&value : (const void *)value) >= 0);
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(f);
}

/* issue 16: string attributes (kind first) are read in both of HDF5's forms. */
START_TEST(test_string_attribute_forms)
{
  ck_assert_int_eq(run("toy --steps 5 --out OUT/run.h5"), 0);
  for (int vlen = 0; vlen < 2; vlen++) {
    set_string_attr("run.h5", "kind", "toy", vlen);
    set_string_attr("run.h5", "function", "quartic", vlen);
    ck_assert_msg(run("plot OUT/run.h5 -o OUT/run.png") == 0, "vlen %d: %s", vlen, errtext);
    hid_t f = open_h5("run.h5");
    char buf[8];
    ck_assert(samlab_in_attr_str(f, "/", "function", buf, sizeof buf) == 0 && strcmp(buf, "quartic") == 0);
    ck_assert_int_eq(samlab_in_attr_str(f, "/", "function", buf, 7), -1); /* no room for the NUL */
    H5Fclose(f);
    set_string_attr("run.h5", "kind", "nonesuch-kind", vlen);
    ck_assert_int_eq(run("plot OUT/run.h5 -o OUT/run.png"), 2);
    ck_assert_msg(strstr(errtext, "'nonesuch-kind'") != NULL, "vlen %d: %s", vlen, errtext);
    ck_assert_int_eq(run("merge OUT/run.h5 -o OUT/m.h5"), 2);
    ck_assert_msg(strstr(errtext, "(kind 'nonesuch-kind')") != NULL, "vlen %d: %s", vlen, errtext);
  }
}
END_TEST

/* issue 16: without a terminal, samlab hessian prints a progress line every few seconds (it may run for minutes on a
 * checkpoint); the run is stopped once one appeared. */
START_TEST(test_hessian_progress_lines_in_logs)
{
  char expanded[2048], cmd[4096], log[400];
  path_in_dir(log, sizeof log, "log.txt");
  expand_out("hessian -f quartic --trace-probes 1000000000 -o OUT/h.h5", expanded, sizeof expanded);
  snprintf(cmd, sizeof cmd, "exec %s %s >/dev/null 2>'%s'", samlab_bin(), expanded, log);
  pid_t pid = fork();
  ck_assert(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  char text[4096] = "";
  for (int i = 0; i < 300 && !strstr(text, "% after"); i++) {
    usleep(100000);
    FILE *f = fopen(log, "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = 0;
    if (f)
      fclose(f);
  }
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  ck_assert_msg(strstr(text, "hessian: ") && strstr(text, "% after") && strstr(text, "s left"), "no progress line: '%s'",
                text);
}
END_TEST

/* issue 16 (found by reading what the fuzzers reach): text from a file never ends a gnuplot string, so a hostile
 * attribute cannot run commands through gnuplot's system. */
START_TEST(test_plot_text_from_files_is_quoted)
{
  ck_assert_int_eq(run("hessian -f quartic --trace-probes 2 -o OUT/h1.h5"), 0);
  ck_assert_int_eq(run("hessian -f rosenbrock --trace-probes 2 -o OUT/h2.h5"), 0);
  char hostile[600], pwned[400];
  path_in_dir(pwned, sizeof pwned, "pwned");
  snprintf(hostile, sizeof hostile, "x'\nsystem \"touch %s\"\nprint '", pwned);
  set_string_attr("h1.h5", "subject", hostile, 1);
  ck_assert_msg(run("plot OUT/h1.h5 OUT/h2.h5 -o OUT/h.png") == 0, "%s", errtext);
  ck_assert_msg(access(pwned, F_OK) != 0, "a file's attribute ran a command through gnuplot");
  snprintf(hostile, sizeof hostile, "x'; system \"touch %s\"; print '", pwned);
  set_string_attr("h1.h5", "subject", hostile, 0);
  ck_assert_msg(run("plot OUT/h1.h5 OUT/h2.h5 -o OUT/h.png") == 0, "%s", errtext);
  ck_assert_msg(access(pwned, F_OK) != 0, "a file's attribute ran a command through gnuplot");
}
END_TEST

int main(void)
{
  samlab_h5_quiet();
  Suite *s = suite_create("cli");
  TCase *tc = tcase_create("cli");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_bad_names);
  tcase_add_test(tc, test_bad_numbers);
  tcase_add_test(tc, test_unwritable_out);
  tcase_add_test(tc, test_alpha_sigma_ranges);
  tcase_add_test(tc, test_old_spellings);
  tcase_add_test(tc, test_newrules_input);
  tcase_add_test(tc, test_rho_schedule_trace);
  tcase_add_test(tc, test_good_run_layout);
  tcase_add_test(tc, test_diverging_run);
  tcase_add_test(tc, test_deterministic_seed);
  tcase_add_test(tc, test_fixed_point_eps);
  tcase_add_test(tc, test_help_and_plot);
  tcase_add_test(tc, test_non_regular_target_refused);
  tcase_add_test(tc, test_disk_full);
  tcase_add_test(tc, test_signals_remove_partial_files);
  tcase_add_test(tc, test_stale_partial_files);
  tcase_add_test(tc, test_string_attribute_forms);
  tcase_add_test(tc, test_hessian_progress_lines_in_logs);
  tcase_add_test(tc, test_plot_text_from_files_is_quoted);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
