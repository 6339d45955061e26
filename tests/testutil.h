/* Shared by the Check suites: tolerance asserts and a one-suite main. */
#ifndef SAMLAB_TESTUTIL_H
#define SAMLAB_TESTUTIL_H
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "samlab.h"

/* |a - b| <= tol * max(1, |b|) */
#define ck_assert_close(a, b, tol)                                                                                 \
  do {                                                                                                             \
    double a_ = (a), b_ = (b);                                                                                     \
    ck_assert_msg(fabs(a_ - b_) <= (tol) * fmax(1.0, fabs(b_)), "%s = %.17g, expected %.17g", #a, a_, b_);        \
  } while (0)

/* The file at path exists and starts with the PNG signature. */
#define ck_assert_png(path)                                                                                        \
  do {                                                                                                             \
    FILE *png_ = fopen((path), "rb");                                                                              \
    ck_assert_msg(png_ != NULL, "%s missing", (path));                                                             \
    unsigned char magic_[8];                                                                                       \
    int ok_ = fread(magic_, 1, 8, png_) == 8 && memcmp(magic_, "\x89PNG\r\n\x1a\n", 8) == 0;                     \
    fclose(png_);                                                                                                  \
    ck_assert_msg(ok_, "%s is not a PNG", (path));                                                                 \
  } while (0)

/* A tiny in-memory data set (needs <gsl/gsl_rng.h> first): n images of side x side pixels uniform in [0, 1),
 * labels uniform over 10 classes, seeded. */
#ifdef __GSL_RNG_H__
static inline samlab_dataset *test_tiny_data(size_t n, size_t side, unsigned long seed)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  samlab_dataset *d = calloc(1, sizeof *d);
  d->n = n;
  d->rows = d->cols = side;
  d->nclasses = 10;
  d->x = malloc(n * side * side * sizeof *d->x);
  d->y = malloc(n);
  for (size_t i = 0; i < n * side * side; i++)
    d->x[i] = (float)gsl_rng_uniform(r);
  for (size_t i = 0; i < n; i++)
    d->y[i] = (uint8_t)gsl_rng_uniform_int(r, 10);
  gsl_rng_free(r);
  return d;
}
#endif

/* Runs one suite; the exit status is the number of failures (0: all passed). */
static inline int run_suite(Suite *s)
{
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
#endif
