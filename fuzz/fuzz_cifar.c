/* The CIFAR readers (lib/data/cifar.c) through the data-set registry, on outside bytes.  A CIFAR record is
 * 3073 (CIFAR-10) or 3074 (CIFAR-100) bytes, which a fuzzer would rarely hit, so the input describes the
 * files: byte 0 picks the set, the label kind and whether the files sit in the archive's folder; bytes 1-2
 * the records of each train file and of the test file; byte 3 a size change of the test file (-128..127
 * bytes); the rest fills the records cyclically (labels and pixels alike). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "samlab.h"
#include "fuzz.h"

static void write_records(const char *path, size_t bytes, const uint8_t *fill, size_t nfill)
{
  FILE *f = fopen(path, "wb");
  if (!f)
    abort();
  for (size_t i = 0; i < bytes; i++)
    fputc(nfill ? fill[i % nfill] : 0, f);
  if (fclose(f) != 0)
    abort();
}

int fuzz_cifar(const uint8_t *data, size_t size)
{
  static const char *const train10[] = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                        "data_batch_4.bin", "data_batch_5.bin"};
  static const char *const train100[] = {"train.bin"};
  if (size < 4)
    return 0;
  int hundred = data[0] & 1, coarse = (data[0] >> 1) & 1, inner = (data[0] >> 2) & 1;
  size_t ntrain = data[1] % 4, ntest = data[2] % 4, rec = hundred ? 3074 : 3073;
  long change = (long)data[3] - 128;
  const uint8_t *fill = data + 4;
  size_t nfill = size - 4;

  const char *top = fuzz_path(hundred ? "c100" : "c10");
  char dir[512], path[640];
  mkdir(top, 0700);
  snprintf(dir, sizeof dir, "%s%s", top, inner ? (hundred ? "/cifar-100-binary" : "/cifar-10-batches-bin") : "");
  mkdir(dir, 0700);
  const char *const *names = hundred ? train100 : train10;
  for (size_t i = 0; i < (hundred ? 1u : 5u); i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    write_records(path, ntrain * rec, fill, nfill);
  }
  long test_bytes = (long)(ntest * rec) + change;
  snprintf(path, sizeof path, "%s/%s", dir, hundred ? "test.bin" : "test_batch.bin");
  write_records(path, test_bytes > 0 ? (size_t)test_bytes : 0, fill, nfill);

  samlab_dataset *train = NULL, *test = NULL;
  char err[1024];
  samlab_data_options o = {.dir = top, .labels = coarse ? "coarse" : "fine"};
  if (samlab_data_open(hundred ? "cifar100" : "cifar10", &o, &train, &test, err, sizeof err) == 0) {
    /* a loaded set is whole and its labels are in range */
    if (!train || !test || !train->n || !test->n)
      __builtin_trap();
    for (size_t i = 0; i < train->n; i++)
      if (train->y[i] >= train->nclasses)
        __builtin_trap();
    for (size_t i = 0; i < test->n; i++)
      if (test->y[i] >= test->nclasses)
        __builtin_trap();
  }
  samlab_dataset_free(train);
  samlab_dataset_free(test);
  return 0;
}
