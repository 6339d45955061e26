/* IDX reading (gzip and plain, every kind of bad file), named data sets, seeded subsets and label noise.
 * The files are written here, byte by byte, into a temporary directory. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>
#include "testutil.h"

static char dir[256];

static void put32(unsigned char *b, uint32_t v)
{
  b[0] = (unsigned char)(v >> 24);
  b[1] = (unsigned char)(v >> 16);
  b[2] = (unsigned char)(v >> 8);
  b[3] = (unsigned char)v;
}

/* Writes bytes to dir/name, gzip-compressed when gz. */
static const char *write_file(const char *name, const void *data, size_t len, int gz)
{
  static char path[8][512];
  static int slot;
  char *p = path[slot++ % 8];
  snprintf(p, 512, "%s/%s", dir, name);
  if (gz) {
    gzFile f = gzopen(p, "wb");
    gzwrite(f, data, (unsigned)len);
    gzclose(f);
  } else {
    FILE *f = fopen(p, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
  }
  return p;
}

/* n images of r x c whose pixel j of image i is (7 i + j) mod 256; labels i mod 10. */
static size_t image_bytes(unsigned char *b, uint32_t magic, uint32_t n, uint32_t r, uint32_t c, uint32_t payload)
{
  put32(b, magic);
  put32(b + 4, n);
  put32(b + 8, r);
  put32(b + 12, c);
  for (uint32_t i = 0; i < payload; i++)
    b[16 + i] = (unsigned char)((7 * (i / (r * c)) + i % (r * c)) % 256);
  return 16 + payload;
}

static size_t label_bytes(unsigned char *b, uint32_t magic, uint32_t n, uint32_t payload)
{
  put32(b, magic);
  put32(b + 4, n);
  for (uint32_t i = 0; i < payload; i++)
    b[8 + i] = (unsigned char)(i % 10);
  return 8 + payload;
}

static unsigned char buf[1 << 16], lbuf[4096];

START_TEST(reads_gzip_pair)
{
  const char *im = write_file("a-images.gz", buf, image_bytes(buf, 2051, 3, 2, 3, 18), 1);
  const char *lb = write_file("a-labels.gz", lbuf, label_bytes(lbuf, 2049, 3, 3), 1);
  char err[512];
  samlab_dataset *d = samlab_idx_load(im, lb, err, sizeof err);
  ck_assert_msg(d != NULL, "%s", err);
  ck_assert_uint_eq(d->n, 3);
  ck_assert_uint_eq(d->rows, 2);
  ck_assert_uint_eq(d->cols, 3);
  ck_assert_uint_eq(d->nclasses, 10);
  /* image 2, pixel 4: (14 + 4) / 255 */
  ck_assert_close(d->x[2 * 6 + 4], 18.0 / 255.0, 1e-7);
  ck_assert_close(d->x[0], 0.0, 0);
  ck_assert_uint_eq(d->y[2], 2);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(reads_plain_pair)
{
  const char *im = write_file("b-images", buf, image_bytes(buf, 2051, 2, 1, 1, 2), 0);
  const char *lb = write_file("b-labels", lbuf, label_bytes(lbuf, 2049, 2, 2), 0);
  char err[512];
  samlab_dataset *d = samlab_idx_load(im, lb, err, sizeof err);
  ck_assert_msg(d != NULL, "%s", err);
  ck_assert_close(d->x[1], 7.0 / 255.0, 1e-7);
  ck_assert_uint_eq(d->y[1], 1);
  samlab_dataset_free(d);
}
END_TEST

/* Loading must fail with a message containing want. */
static void expect_fail(const char *im, const char *lb, const char *want)
{
  char err[512] = "";
  samlab_dataset *d = samlab_idx_load(im, lb, err, sizeof err);
  ck_assert_msg(d == NULL, "loaded a bad pair, expected '%s'", want);
  ck_assert_msg(strstr(err, want) != NULL, "message '%s' lacks '%s'", err, want);
}

START_TEST(rejects_bad_files)
{
  const char *good_lb = write_file("c-labels.gz", lbuf, label_bytes(lbuf, 2049, 3, 3), 1);
  const char *good_im = write_file("c-images.gz", buf, image_bytes(buf, 2051, 3, 2, 3, 18), 1);
  /* missing */
  char missing[512];
  snprintf(missing, sizeof missing, "%s/nothing-here.gz", dir);
  expect_fail(missing, good_lb, "cannot read");
  /* wrong magic: a label file given as images */
  expect_fail(good_lb, good_lb, "not an IDX image file");
  /* truncated: header says 3 images of 6 pixels, 17 bytes follow */
  expect_fail(write_file("t.gz", buf, image_bytes(buf, 2051, 3, 2, 3, 17), 1), good_lb, "truncated");
  /* truncated header */
  expect_fail(write_file("h.gz", buf, 10, 1), good_lb, "truncated");
  /* extra bytes beyond the header's size */
  expect_fail(write_file("x.gz", buf, image_bytes(buf, 2051, 3, 2, 3, 19), 1), good_lb, "corrupt");
  /* disagreeing counts */
  expect_fail(good_im, write_file("l2.gz", lbuf, label_bytes(lbuf, 2049, 2, 2), 1), "has 2 labels");
  /* a label outside 0..9 */
  size_t n = label_bytes(lbuf, 2049, 3, 3);
  lbuf[9] = 42;
  expect_fail(good_im, write_file("l42.gz", lbuf, n, 1), "label 42");
  /* damaged gzip stream: flip bytes in the middle of the compressed data */
  unsigned char gz[4096];
  const char *im = write_file("d.gz", buf, image_bytes(buf, 2051, 200, 4, 4, 3200), 1);
  FILE *f = fopen(im, "rb");
  size_t len = fread(gz, 1, sizeof gz, f);
  fclose(f);
  for (size_t i = 20; i < len - 12; i += 3)
    gz[i] ^= 0x5a;
  const char *bad = write_file("d2.gz", gz, len, 0);
  char err[512] = "";
  ck_assert_ptr_null(samlab_idx_load(bad, good_lb, err, sizeof err));
  ck_assert_msg(strstr(err, "corrupt") || strstr(err, "truncated") || strstr(err, "not an IDX"), "%s", err);
}
END_TEST

/* A header that claims more images than the file holds is refused before anything is allocated for them:
 * plain files by their size, gzip files by reading into a buffer that grows with the data that arrive.  The
 * address space is limited to a little more than the process uses (not under AddressSanitizer, which reserves
 * terabytes), so that allocating what the header claims would fail with "out of memory" instead. */
START_TEST(refuses_header_beyond_data)
{
#ifndef __SANITIZE_ADDRESS__
  long pages = 0;
  FILE *statm = fopen("/proc/self/statm", "r");
  if (statm && fscanf(statm, "%ld", &pages) == 1) {
    struct rlimit rl;
    getrlimit(RLIMIT_AS, &rl);
    rl.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + ((rlim_t)512 << 20);
    ck_assert(setrlimit(RLIMIT_AS, &rl) == 0); /* Check runs each test in its own process */
  }
  if (statm)
    fclose(statm);
#endif
  /* 60000 images of 200 x 200 (2.4 GB of pixels, 9.6 GB as floats) with no data behind; 50 million of 4 x 4 with
   * 3200 bytes; for each, a label file of as many labels, plain or gzip */
  const uint32_t n[2] = {60000, 50000000}, side[2] = {200, 4}, payload[2] = {0, 3200};
  for (int k = 0; k < 2; k++)
    for (int gz = 0; gz < 2; gz++) {
      const char *im = write_file(gz ? "e-images.gz" : "e-images", buf,
                                  image_bytes(buf, 2051, n[k], side[k], side[k], payload[k]), gz);
      const char *lb = write_file(gz ? "e-many.gz" : "e-many", lbuf, label_bytes(lbuf, 2049, n[k], 0), gz);
      expect_fail(im, lb, gz ? "truncated" : "header promises"); /* plain: by the file's size */
    }
  /* a plain label file shorter than its header says, beside good images */
  const char *im = write_file("e-good", buf, image_bytes(buf, 2051, 3, 2, 3, 18), 0);
  expect_fail(im, write_file("e-short", lbuf, label_bytes(lbuf, 2049, 3, 2), 0), "truncated");
  char err[512] = "";
  samlab_dataset *d = samlab_idx_load(im, write_file("e-labels", lbuf, label_bytes(lbuf, 2049, 3, 3), 0), err,
                                      sizeof err);
  ck_assert_msg(d != NULL, "%s", err);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(named_sets_and_dirs)
{
  char err[512];
  samlab_dataset *tr, *te;
  ck_assert_int_eq(samlab_data_load("cifar", dir, &tr, &te, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "unknown data set 'cifar'"));
  ck_assert_int_eq(samlab_data_load("mnist", "/nonexistent/samlab", &tr, &te, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "does not exist"));
  /* The standard names, gzip for train and plain for test; the directory from $SAMLAB_DATA. */
  write_file("train-images-idx3-ubyte.gz", buf, image_bytes(buf, 2051, 5, 2, 2, 20), 1);
  write_file("train-labels-idx1-ubyte.gz", lbuf, label_bytes(lbuf, 2049, 5, 5), 1);
  write_file("t10k-images-idx3-ubyte", buf, image_bytes(buf, 2051, 2, 2, 2, 8), 0);
  write_file("t10k-labels-idx1-ubyte", lbuf, label_bytes(lbuf, 2049, 2, 2), 0);
  setenv("SAMLAB_DATA", dir, 1);
  ck_assert_msg(samlab_data_load("mnist", NULL, &tr, &te, err, sizeof err) == 0, "%s", err);
  unsetenv("SAMLAB_DATA");
  ck_assert_uint_eq(tr->n, 5);
  ck_assert_uint_eq(te->n, 2);
  ck_assert_uint_eq(tr->y[4], 4);
  samlab_dataset_free(tr);
  samlab_dataset_free(te);
}
END_TEST

static samlab_dataset *numbered(size_t n)
{
  /* Example i has the single pixel i / 1000 and label i mod 10, so copies can be traced to their origin. */
  samlab_dataset *d = calloc(1, sizeof *d);
  d->n = n;
  d->rows = d->cols = 1;
  d->nclasses = 10;
  d->x = malloc(n * sizeof *d->x);
  d->y = malloc(n);
  for (size_t i = 0; i < n; i++) {
    d->x[i] = (float)i / 1000.0f;
    d->y[i] = (uint8_t)(i % 10);
  }
  return d;
}

START_TEST(seeded_subset)
{
  samlab_dataset *d = numbered(500);
  samlab_dataset *a = samlab_dataset_sample(d, 100, 7), *b = samlab_dataset_sample(d, 100, 7);
  samlab_dataset *c = samlab_dataset_sample(d, 100, 8);
  ck_assert_uint_eq(a->n, 100);
  ck_assert_int_eq(memcmp(a->x, b->x, 100 * sizeof(float)), 0);
  ck_assert_int_ne(memcmp(a->x, c->x, 100 * sizeof(float)), 0);
  for (size_t i = 0; i < 100; i++) {
    size_t orig = (size_t)lroundf(a->x[i] * 1000.0f);
    ck_assert_uint_eq(a->y[i], orig % 10); /* label travels with its image */
    if (i > 0)
      ck_assert(a->x[i] > a->x[i - 1]); /* distinct, original order */
  }
  ck_assert_ptr_null(samlab_dataset_sample(d, 501, 1));
  samlab_dataset_free(a);
  samlab_dataset_free(b);
  samlab_dataset_free(c);
  samlab_dataset_free(d);
}
END_TEST

START_TEST(label_noise_changes_exactly_r_n)
{
  samlab_dataset *d = numbered(200), *e = numbered(200);
  ck_assert_uint_eq(samlab_dataset_label_noise(d, 0.25, 3), 50);
  ck_assert_uint_eq(samlab_dataset_label_noise(e, 0.25, 3), 50);
  size_t changed = 0;
  for (size_t i = 0; i < 200; i++) {
    changed += d->y[i] != i % 10;
    ck_assert_uint_lt(d->y[i], 10);
    ck_assert_uint_eq(d->y[i], e->y[i]); /* seeded */
  }
  ck_assert_uint_eq(changed, 50); /* every chosen label moved to another class */
  samlab_dataset_free(d);
  d = numbered(200);
  ck_assert_uint_eq(samlab_dataset_label_noise(d, 0, 3), 0);
  ck_assert_uint_eq(samlab_dataset_label_noise(d, 1, 3), 200);
  for (size_t i = 0; i < 200; i++)
    ck_assert_uint_ne(d->y[i], i % 10);
  samlab_dataset_free(d);
  samlab_dataset_free(e);
}
END_TEST

int main(void)
{
  snprintf(dir, sizeof dir, "/tmp/samlab-test-data-XXXXXX");
  if (!mkdtemp(dir))
    return 1;
  Suite *s = suite_create("data");
  TCase *tc = tcase_create("idx");
  tcase_add_test(tc, reads_gzip_pair);
  tcase_add_test(tc, reads_plain_pair);
  tcase_add_test(tc, rejects_bad_files);
  tcase_add_test(tc, refuses_header_beyond_data);
  tcase_add_test(tc, named_sets_and_dirs);
  tcase_add_test(tc, seeded_subset);
  tcase_add_test(tc, label_noise_changes_exactly_r_n);
  suite_add_tcase(s, tc);
  int rc = run_suite(s);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    return 1;
  return rc;
}
