/* Small files in the exact CIFAR binary layout, for the suites that read them (no registry carries CIFAR):
 * records of label byte(s) then 3072 pixel bytes (3 planes of 32 x 32, row-major), all seeded. */
#ifndef SAMLAB_TEST_CIFAR_FILES_H
#define SAMLAB_TEST_CIFAR_FILES_H
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>

#define CIFAR_TEST_PIXELS 3072

/* Writes n records to path: label_bytes 1 (CIFAR-10: label uniform in 0..9) or 2 (CIFAR-100: coarse = fine / 5,
 * fine uniform in 0..99), pixels uniform bytes; everything from mt19937 seeded with seed.  Returns the file's
 * bytes (malloc'ed) so that a test can compare what it reads. */
static inline unsigned char *cifar_write(const char *path, size_t n, int label_bytes, unsigned long seed)
{
  size_t rec = (size_t)label_bytes + CIFAR_TEST_PIXELS;
  unsigned char *b = malloc(n * rec + 1);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  for (size_t i = 0; i < n; i++) {
    unsigned char *p = b + i * rec;
    unsigned fine = (unsigned)gsl_rng_uniform_int(r, label_bytes == 1 ? 10 : 100);
    if (label_bytes == 2)
      *p++ = (unsigned char)(fine / 5);
    *p++ = (unsigned char)fine;
    for (size_t j = 0; j < CIFAR_TEST_PIXELS; j++)
      p[j] = (unsigned char)gsl_rng_uniform_int(r, 256);
  }
  gsl_rng_free(r);
  FILE *f = fopen(path, "wb");
  fwrite(b, rec, n, f);
  fclose(f);
  return b;
}

/* A CIFAR-10 directory dir: data_batch_k.bin with counts[k-1] records (seed 100 + k), test_batch.bin with ntest
 * (seed 200). */
static inline void cifar10_write_dir(const char *dir, const size_t counts[5], size_t ntest)
{
  char path[1024];
  for (int k = 1; k <= 5; k++) {
    snprintf(path, sizeof path, "%s/data_batch_%d.bin", dir, k);
    free(cifar_write(path, counts[k - 1], 1, 100 + (unsigned long)k));
  }
  snprintf(path, sizeof path, "%s/test_batch.bin", dir);
  free(cifar_write(path, ntest, 1, 200));
}
#endif
