/* samlab figures and samlab bounds as programs: recipe discovery, manifest, missing and failing recipes, exit
 * codes and bad input (run from the build directory, where make check puts ./samlab). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"

static char dir[128];

/* Runs a command whose every %s is the test directory. */
static int sh(const char *fmt)
{
  char cmd[2048];
  snprintf(cmd, sizeof cmd, fmt, dir, dir, dir, dir);
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long count_lines(const char *path, const char *needle)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char line[8192];
  long n = 0;
  while (fgets(line, sizeof line, f))
    n += !needle || strstr(line, needle) != NULL;
  fclose(f);
  return n;
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/samlab-test-figures-%ld", (long)getpid());
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s/nb", dir, dir);
  ck_assert_int_eq(system(cmd), 0);
  FILE *f;
  snprintf(cmd, sizeof cmd, "%s/nb/demo.sh", dir);
  f = fopen(cmd, "w");
  fputs("#!/bin/sh\nset -eu\nmkdir -p \"$OUT\"\n$SAMLAB toy --function quartic --rule sam --steps 10 --out "
        "\"$OUT/demo.h5\"\necho \"$SCALE\" > \"$OUT/scale.txt\"\n",
        f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s/nb/broken.sh", dir);
  f = fopen(cmd, "w");
  fputs("#!/bin/sh\nexit 3\n", f);
  fclose(f);
}

static void teardown(void)
{
  sh("rm -rf %s");
}

START_TEST(runs_recipes_and_writes_the_manifest)
{
  ck_assert_int_eq(sh("./samlab figures demo --recipes %s/nb --out-dir %s/out --scale full >/dev/null"), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/out/demo/demo.h5", dir);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  snprintf(path, sizeof path, "%s/out/demo/scale.txt", dir);
  ck_assert_int_eq(count_lines(path, "full"), 1);
  snprintf(path, sizeof path, "%s/out/manifest.jsonl", dir);
  ck_assert_int_eq(count_lines(path, NULL), 1);
  ck_assert_int_eq(count_lines(path, "\"status\": \"ok\""), 1);
  ck_assert_int_eq(count_lines(path, "toy --function quartic --rule sam --steps 10"), 1); /* the command ran */
  ck_assert_int_eq(count_lines(path, "\"samlab_version\": \"" SAMLAB_VERSION "\""), 1);
  /* issue 16: the samlab recorded is one that runs alone (libtool's wrapper, not .libs/samlab) */
  ck_assert_int_eq(count_lines(path, "/.libs/"), 0);
  ck_assert_int_eq(count_lines(path, "/samlab toy --function"), 1);
}
END_TEST

START_TEST(all_lists_missing_and_fails_on_a_broken_recipe)
{
  ck_assert_int_eq(sh("./samlab figures all --recipes %s/nb --out-dir %s/out > %s/out.txt"), 1);
  char path[512];
  snprintf(path, sizeof path, "%s/out.txt", dir);
  ck_assert(count_lines(path, "MISSING") >= 15); /* the catalogue's recipes, none of which is in nb/ */
  ck_assert_int_eq(count_lines(path, "FAILED"), 1);
  snprintf(path, sizeof path, "%s/out/manifest.jsonl", dir);
  ck_assert_int_eq(count_lines(path, "\"status\": \"failed\", \"exit\": 3"), 1);
  ck_assert(count_lines(path, "\"status\": \"missing\"") >= 15);
  ck_assert_int_eq(count_lines(path, "\"recipe\": \"demo\""), 1);
}
END_TEST

START_TEST(bad_input)
{
  ck_assert_int_eq(sh("./samlab figures --scale huge --recipes %s/nb --out-dir %s/o1 2>/dev/null"), 2);
  ck_assert_int_eq(sh("./samlab figures no-such-fig --recipes %s/nb --out-dir %s/o1 2>/dev/null"), 2);
  ck_assert_int_eq(sh("./samlab figures --recipes %s/none 2>/dev/null"), 2);
  ck_assert_int_eq(sh("./samlab bounds no-such-check --out %s/b.h5 2>/dev/null"), 2);
  char path[512];
  snprintf(path, sizeof path, "%s/b.h5", dir);
  ck_assert_int_ne(access(path, F_OK), 0); /* no file left behind */
}
END_TEST

START_TEST(bounds_writes_its_file)
{
  ck_assert_int_eq(sh("./samlab bounds --quick fsam-thm1 stablesam-convergence --out %s/b.h5 >/dev/null"), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/b.h5", dir);
  samlab_h5_quiet();
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  ck_assert(f >= 0);
  char kind[32];
  ck_assert_int_eq(samlab_in_attr_str(f, "/", "kind", kind, sizeof kind), 0);
  ck_assert_str_eq(kind, "bounds");
  int rank;
  hsize_t dims[4];
  double *m;
  ck_assert_int_eq(samlab_in_f64(f, "/measured", &rank, dims, &m), 0);
  ck_assert(dims[0] >= 5);
  free(m);
  H5Fclose(f);
}
END_TEST

/* samlab plot draws a bounds file (PNG and SVG, one panel per check); a row set against samlab's statements
 * (ok = 0) is drawn as VIOLATED; two bounds files at once are refused. */
START_TEST(bounds_plot)
{
  ck_assert_int_eq(sh("./samlab bounds --quick fsam-thm1 stablesam-convergence --out %s/b.h5 >/dev/null"), 0);
  ck_assert_int_eq(sh("./samlab plot %s/b.h5 -o %s/b.png >/dev/null"), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/b.png", dir);
  ck_assert_png(path);
  snprintf(path, sizeof path, "%s/b.svg", dir);
  ck_assert_int_eq(count_lines(path, "<svg") > 0, 1);
  ck_assert_int_gt(count_lines(path, "fsam-thm1: "), 0); /* a panel per check, titled by it */
  ck_assert_int_gt(count_lines(path, "stablesam-convergence: "), 0);
  ck_assert_int_eq(count_lines(path, "VIOLATED"), 0);
  /* mark the first row as against samlab's statements */
  snprintf(path, sizeof path, "%s/b.h5", dir);
  samlab_h5_quiet();
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  ck_assert(f >= 0);
  int rank;
  hsize_t dims[4];
  double *ok;
  ck_assert_int_eq(samlab_in_f64(f, "/ok", &rank, dims, &ok), 0);
  uint8_t *flags = malloc(dims[0]);
  for (hsize_t i = 0; i < dims[0]; i++)
    flags[i] = i == 0 ? 0 : (uint8_t)ok[i];
  hid_t ds = H5Dopen2(f, "/ok", H5P_DEFAULT);
  ck_assert(ds >= 0 && H5Dwrite(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, flags) >= 0);
  H5Dclose(ds);
  H5Fclose(f);
  free(flags);
  free(ok);
  ck_assert_int_eq(sh("./samlab plot %s/b.h5 -o %s/v.png >/dev/null"), 0);
  snprintf(path, sizeof path, "%s/v.svg", dir);
  ck_assert_int_gt(count_lines(path, "1 VIOLATED"), 0);
  ck_assert_int_gt(count_lines(path, "VIOLATED or unexpected"), 0);
  ck_assert_int_eq(sh("./samlab plot %s/b.h5 %s/b.h5 -o %s/two.png 2>/dev/null"), 2);
  snprintf(path, sizeof path, "%s/two.png", dir);
  ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("figures");
  TCase *tc = tcase_create("figures");
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, runs_recipes_and_writes_the_manifest);
  tcase_add_test(tc, all_lists_missing_and_fails_on_a_broken_recipe);
  tcase_add_test(tc, bad_input);
  tcase_add_test(tc, bounds_writes_its_file);
  tcase_add_test(tc, bounds_plot);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
