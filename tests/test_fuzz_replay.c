/* The fuzz harnesses (fuzz/) in make check, without clang: every seed (fuzz/corpus/NAME) and every regression input
 * (tests/fuzz-regress/NAME, the inputs that once crashed or hung a reader) run once through its harness, which
 * must return.  Built with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION like the fuzzers. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "testutil.h"
#include "../fuzz/fuzz.h"

/* Runs every file of dir through fn, the program's output silenced; the number of files. */
static int replay_dir(const char *dir, int (*fn)(const uint8_t *, size_t))
{
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    char path[2048];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    uint8_t *data = malloc((size_t)st.st_size + 1);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(data && f && fread(data, 1, (size_t)st.st_size, f) == (size_t)st.st_size, "cannot read %s", path);
    fclose(f);
    fflush(stdout);
    fflush(stderr);
    int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY);
    dup2(null, 1), dup2(null, 2);
    fn(data, (size_t)st.st_size);
    fflush(stdout);
    fflush(stderr);
    dup2(out, 1), dup2(err, 2);
    close(out), close(err), close(null);
    free(data);
    n++;
  }
  closedir(d);
  return n;
}

/* The harnesses leave a command by longjmp from cli_die, abandoning what it allocated (fuzz/fuzz.mk runs plot, merge
 * and cli without leak detection for the same reason): no LeakSanitizer in sanitizer builds of this replay. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
  return "detect_leaks=0";
}

static void replay(const char *name, int (*fn)(const uint8_t *, size_t))
{
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/fuzz/corpus/%s", FUZZ_SRCDIR, name);
  int seeds = replay_dir(dir, fn);
  snprintf(dir, sizeof dir, "%s/tests/fuzz-regress/%s", FUZZ_SRCDIR, name);
  replay_dir(dir, fn);
  ck_assert_msg(seeds > 0, "no seeds for fuzz_%s in fuzz/corpus/%s", name, name);
}

#define REPLAY_TEST(name)                                                                                          \
  START_TEST(replay_##name) { replay(#name, fuzz_##name); }                                                        \
  END_TEST
FUZZ_HARNESSES(REPLAY_TEST)

int main(void)
{
  samlab_h5_quiet();
  Suite *s = suite_create("fuzz_replay");
  TCase *tc = tcase_create("replay");
  tcase_set_timeout(tc, 600);
#define ADD_TEST(name) tcase_add_test(tc, replay_##name);
  FUZZ_HARNESSES(ADD_TEST)
  suite_add_tcase(s, tc);
  return run_suite(s);
}
