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
