/* What the harnesses share: files in a private temporary directory, and running a command in-process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "samlab.h"
#include "../src/cli.h"
#include "fuzz.h"

static char tmpdir[64];

static void remove_tmpdir(void)
{
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    fprintf(stderr, "fuzz: cannot remove %s\n", tmpdir);
}

const char *fuzz_path(const char *name)
{
  static char path[8][256];
  static int slot;
  if (!tmpdir[0]) {
    snprintf(tmpdir, sizeof tmpdir, "%s/samlab-fuzz-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(tmpdir)) {
      perror("fuzz: mkdtemp");
      abort();
    }
    atexit(remove_tmpdir);
  }
  char *p = path[slot++ % 8];
  snprintf(p, 256, "%s/%s", tmpdir, name);
  return p;
}

const char *fuzz_file(const char *name, const void *data, size_t size)
{
  const char *p = fuzz_path(name);
  FILE *f = fopen(p, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
    perror("fuzz: writing a temporary file");
    abort();
  }
  return p;
}

/* Every HDF5 object still open: a command that died by cli_die did not close its files. */
static void close_all_h5(void)
{
  ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (n <= 0)
    return;
  hid_t *ids = malloc((size_t)n * sizeof *ids);
  if (!ids)
    return;
  n = H5Fget_obj_ids(H5F_OBJ_ALL, H5F_OBJ_ALL, (size_t)n, ids);
  for (int pass = 0; pass < 2; pass++) /* objects first, then their files */
    for (ssize_t i = 0; i < n; i++) {
      H5I_type_t t = H5Iget_type(ids[i]);
      if (pass == 0 && t == H5I_DATASET)
        H5Dclose(ids[i]);
      else if (pass == 0 && t == H5I_GROUP)
        H5Gclose(ids[i]);
      else if (pass == 0 && t == H5I_DATATYPE)
        H5Tclose(ids[i]);
      else if (pass == 0 && t == H5I_ATTR)
        H5Aclose(ids[i]);
      else if (pass == 1 && t == H5I_FILE)
        H5Fclose(ids[i]);
    }
  free(ids);
}

/* LeakSanitizer's switches, when it is linked in: a command left by longjmp cannot free what it holds. */
void __lsan_disable(void) __attribute__((weak));
void __lsan_enable(void) __attribute__((weak));

int fuzz_command(int (*cmd)(int, char **), int argc, char **argv)
{
  jmp_buf here;
  volatile int status = 0;
  int jumped;
  if (__lsan_disable)
    __lsan_disable();
  cli_exit_jump = &here;
  if ((jumped = setjmp(here)) == 0)
    status = cmd(argc, argv);
  else
    status = jumped - 1;
  cli_exit_jump = NULL;
  close_all_h5();
  if (__lsan_enable)
    __lsan_enable();
  return status;
}
