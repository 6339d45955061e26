/* IDX and CIFAR reading (gzip and plain IDX, every kind of bad file), the data-set registry, seeded subsets and
 * label noise on 10, 20 and 100 classes, normalisation and augmentation.  The files are written here, byte by
 * byte, into a temporary directory. */
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <sys/resource.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "testutil.h"
#include "cifar_files.h"

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

/* ---------------------------------------------------------------- CIFAR */
/* dir/sub, made fresh. */
static const char *subdir(const char *sub)
{
  static char path[4][512];
  static int slot;
  char *p = path[slot++ % 4];
  snprintf(p, 512, "%s/%s", dir, sub);
  mkdir(p, 0755);
  return p;
}

/* Example i of d holds record r of the file bytes b (label_bytes label bytes first): every pixel is the byte / 255
 * in float, in the file's order (CHW). */
static void same_record(const samlab_dataset *d, size_t i, const unsigned char *b, size_t r, int label_bytes)
{
  const unsigned char *px = b + r * (size_t)(label_bytes + 3072) + label_bytes;
  for (size_t j = 0; j < 3072; j++)
    ck_assert_msg(d->x[i * 3072 + j] == (float)px[j] / 255.0f, "example %zu pixel %zu", i, j);
}

START_TEST(cifar10_reads_records_exactly)
{
  const char *top = subdir("c10"), *inner = subdir("c10/cifar-10-batches-bin"); /* the archive's folder */
  const size_t counts[5] = {3, 2, 4, 1, 2};
  char path[1024];
  unsigned char *bytes[6];
  for (int k = 0; k < 6; k++) {
    if (k < 5)
      snprintf(path, sizeof path, "%s/data_batch_%d.bin", inner, k + 1);
    else
      snprintf(path, sizeof path, "%s/test_batch.bin", inner);
    bytes[k] = cifar_write(path, k < 5 ? counts[k] : 3, 1, 100 + (unsigned long)k);
  }
  char err[512];
  samlab_dataset *tr, *te;
  samlab_data_options o = {top, NULL};
  ck_assert_msg(samlab_data_open("cifar10", &o, &tr, &te, err, sizeof err) == 0, "%s", err);
  ck_assert_uint_eq(tr->n, 12);
  ck_assert_uint_eq(te->n, 3);
  ck_assert_uint_eq(tr->channels, 3);
  ck_assert_uint_eq(tr->rows, 32);
  ck_assert_uint_eq(tr->cols, 32);
  ck_assert_uint_eq(tr->nclasses, 10);
  ck_assert_uint_eq(samlab_dataset_example_size(tr), 3072);
  ck_assert_str_eq(tr->name, "cifar10");
  /* the training set is the five batches in order; the test set is test_batch.bin */
  size_t i = 0;
  for (int k = 0; k < 5; k++)
    for (size_t r = 0; r < counts[k]; r++, i++) {
      ck_assert_uint_eq(tr->y[i], bytes[k][r * 3073]);
      same_record(tr, i, bytes[k], r, 1);
    }
  for (size_t r = 0; r < 3; r++) {
    ck_assert_uint_eq(te->y[r], bytes[5][r * 3073]);
    same_record(te, r, bytes[5], r, 1);
  }
  ck_assert_float_eq(tr->x[0], (float)bytes[0][1] / 255.0f); /* red plane, row 0, column 0 of the first record */
  samlab_dataset_free(tr);
  samlab_dataset_free(te);
  /* the files in the directory itself, found through $SAMLAB_DATA */
  cifar10_write_dir(subdir("c10flat"), counts, 2);
  setenv("SAMLAB_DATA", subdir("c10flat"), 1);
  ck_assert_msg(samlab_data_load("cifar10", NULL, &tr, &te, err, sizeof err) == 0, "%s", err);
  unsetenv("SAMLAB_DATA");
  ck_assert_uint_eq(tr->n, 12);
  ck_assert_uint_eq(te->n, 2);
  samlab_dataset_free(tr);
  samlab_dataset_free(te);
  for (int k = 0; k < 6; k++)
    free(bytes[k]);
}
END_TEST

START_TEST(cifar100_fine_and_coarse)
{
  const char *top = subdir("c100"), *inner = subdir("c100/cifar-100-binary");
  char path[1024];
  snprintf(path, sizeof path, "%s/train.bin", inner);
  unsigned char *b = cifar_write(path, 7, 2, 5);
  snprintf(path, sizeof path, "%s/test.bin", inner);
  free(cifar_write(path, 2, 2, 6));
  char err[512];
  samlab_dataset *tr, *te;
  for (int coarse = 0; coarse < 2; coarse++) {
    samlab_data_options o = {top, coarse ? "coarse" : "fine"};
    ck_assert_msg(samlab_data_open("cifar100", &o, &tr, &te, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(tr->n, 7);
    ck_assert_uint_eq(te->n, 2);
    ck_assert_uint_eq(tr->nclasses, coarse ? 20 : 100);
    ck_assert_uint_eq(te->nclasses, coarse ? 20 : 100);
    for (size_t r = 0; r < 7; r++) {
      ck_assert_uint_eq(tr->y[r], b[r * 3074 + (coarse ? 0 : 1)]);
      same_record(tr, r, b, r, 2);
    }
    samlab_dataset_free(tr);
    samlab_dataset_free(te);
  }
  free(b);
}
END_TEST

/* The set named fails to open from dir with a message containing want. */
static void open_fails(const char *name, const char *d, const char *labels, const char *want)
{
  char err[512] = "";
  samlab_dataset *tr = (samlab_dataset *)1, *te = (samlab_dataset *)1;
  samlab_data_options o = {d, labels};
  ck_assert_int_eq(samlab_data_open(name, &o, &tr, &te, err, sizeof err), -1);
  ck_assert_ptr_null(tr);
  ck_assert_ptr_null(te);
  ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks '%s'", err, want);
  ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(cifar_bad_files)
{
  const size_t counts[5] = {2, 2, 2, 2, 2};
  char path[1024], want[1400];
  /* a file that is not a whole number of records */
  const char *d = subdir("bad-size");
  cifar10_write_dir(d, counts, 2);
  snprintf(path, sizeof path, "%s/data_batch_4.bin", d);
  FILE *f = fopen(path, "ab");
  fputc(7, f);
  fclose(f);
  snprintf(want, sizeof want, "'%s' is not a CIFAR-10 binary file: its 6147 bytes are not a whole number of "
           "3073-byte records", path);
  open_fails("cifar10", d, NULL, want);
  /* an empty file */
  f = fopen(path, "wb");
  fclose(f);
  open_fails("cifar10", d, NULL, "its 0 bytes");
  /* a missing batch file */
  d = subdir("missing");
  cifar10_write_dir(d, counts, 2);
  snprintf(path, sizeof path, "%s/data_batch_3.bin", d);
  unlink(path);
  snprintf(want, sizeof want, "cannot read '%s'", path);
  open_fails("cifar10", d, NULL, want);
  /* a label out of range: 10 in CIFAR-10's second test record */
  d = subdir("label10");
  cifar10_write_dir(d, counts, 2);
  snprintf(path, sizeof path, "%s/test_batch.bin", d);
  f = fopen(path, "r+b");
  fseek(f, 3073, SEEK_SET);
  fputc(10, f);
  fclose(f);
  snprintf(want, sizeof want, "'%s' is corrupt (label 10 at record 1, expected 0..9)", path);
  open_fails("cifar10", d, NULL, want);
  /* CIFAR-100: a fine label 100, a coarse label 20 (whichever labels are asked for) */
  d = subdir("c100bad");
  snprintf(path, sizeof path, "%s/test.bin", d);
  free(cifar_write(path, 2, 2, 6));
  snprintf(path, sizeof path, "%s/train.bin", d);
  free(cifar_write(path, 3, 2, 5));
  f = fopen(path, "r+b");
  fseek(f, 3074 + 1, SEEK_SET);
  fputc(100, f);
  fclose(f);
  snprintf(want, sizeof want, "'%s' is corrupt (fine label 100 at record 1, expected 0..99)", path);
  open_fails("cifar100", d, "coarse", want);
  f = fopen(path, "r+b");
  fseek(f, 3074 + 1, SEEK_SET);
  fputc(99, f);
  fseek(f, 2 * 3074, SEEK_SET);
  fputc(20, f);
  fclose(f);
  snprintf(want, sizeof want, "'%s' is corrupt (coarse label 20 at record 2, expected 0..19)", path);
  open_fails("cifar100", d, "fine", want);
  /* options that do not fit the set */
  open_fails("cifar10", subdir("label10"), "coarse", "bad value 'coarse' for --labels: cifar10 has one set");
  open_fails("cifar100", d, "medium", "bad value 'medium' for --labels");
  open_fails("cifar100", "/nonexistent/samlab", NULL, "data directory '/nonexistent/samlab' does not exist");
  open_fails("imagenet", d, NULL, "unknown data set 'imagenet' (fashion-mnist, mnist, cifar10, cifar100)");
}
END_TEST

/* n examples of 3 channels x 2 x 2, example i's pixels all i / 1000, labels i mod nclasses. */
static samlab_dataset *numbered_rgb(size_t n, size_t nclasses)
{
  samlab_dataset *d = samlab_dataset_alloc(n, 3, 2, 2, nclasses);
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < 12; j++)
      d->x[i * 12 + j] = (float)i / 1000.0f;
    d->y[i] = (uint8_t)(i % nclasses);
  }
  return d;
}

START_TEST(subsets_and_label_noise_on_10_20_100_classes)
{
  const size_t classes[3] = {10, 20, 100};
  for (int k = 0; k < 3; k++) {
    size_t C = classes[k];
    samlab_dataset *d = numbered_rgb(1000, C);
    d->name = "rgb";
    samlab_dataset *s = samlab_dataset_sample(d, 300, 4);
    ck_assert_uint_eq(s->n, 300);
    ck_assert_uint_eq(s->channels, 3);
    ck_assert_uint_eq(s->nclasses, C);
    ck_assert_str_eq(s->name, "rgb");
    for (size_t i = 0; i < 300; i++) { /* whole examples copied: all 12 values and the label of one origin */
      size_t orig = (size_t)lroundf(s->x[i * 12] * 1000.0f);
      for (size_t j = 0; j < 12; j++)
        ck_assert(s->x[i * 12 + j] == d->x[orig * 12]);
      ck_assert_uint_eq(s->y[i], orig % C);
    }
    ck_assert_uint_eq(samlab_dataset_label_noise(s, 0.4, 9), 120);
    size_t changed = 0;
    for (size_t i = 0; i < 300; i++) {
      size_t orig = (size_t)lroundf(s->x[i * 12] * 1000.0f);
      changed += s->y[i] != orig % C;
      ck_assert_uint_lt(s->y[i], C);
    }
    ck_assert_uint_eq(changed, 120);
    samlab_dataset_free(s);
    samlab_dataset_free(d);
  }
}
END_TEST

START_TEST(normalization_by_hand)
{
  /* two examples of 2 channels x 1 x 2: channel 0 holds 0, 1 | 2, 3 and channel 1 holds 1, 1 | 1, 5 */
  samlab_dataset *d = samlab_dataset_alloc(2, 2, 1, 2, 10);
  const float x[8] = {0, 1, 1, 1, 2, 3, 1, 5};
  memcpy(d->x, x, sizeof x);
  double mean[2], std[2];
  ck_assert_int_eq(samlab_dataset_channel_stats(d, mean, std), 0);
  ck_assert_close(mean[0], 1.5, 1e-15);           /* (0 + 1 + 2 + 3) / 4 */
  ck_assert_close(std[0], sqrt(1.25), 1e-15);     /* (2.25 + 0.25 + 0.25 + 2.25) / 4 */
  ck_assert_close(mean[1], 2.0, 1e-15);           /* (1 + 1 + 1 + 5) / 4 */
  ck_assert_close(std[1], sqrt(3.0), 1e-15);      /* (1 + 1 + 1 + 9) / 4 */
  ck_assert_int_eq(samlab_dataset_normalize(d, mean, std), 0);
  ck_assert_float_eq(d->x[0], (float)(-1.5 / sqrt(1.25)));
  ck_assert_float_eq(d->x[5], (float)(1.5 / sqrt(1.25)));
  ck_assert_float_eq(d->x[2], (float)(-1.0 / sqrt(3.0)));
  ck_assert_float_eq(d->x[7], (float)(3.0 / sqrt(3.0)));
  ck_assert(d->norm_mean && d->norm_mean[1] == 2.0 && d->norm_std[0] == sqrt(1.25));
  /* a subset keeps the normalisation it was made from */
  samlab_dataset *s = samlab_dataset_subset(d, NULL, 1);
  ck_assert(s->norm_mean && s->norm_mean[0] == 1.5 && s->norm_std[1] == sqrt(3.0));
  samlab_dataset_free(s);
  /* no second normalisation; no zero or non-finite deviation */
  ck_assert_int_eq(samlab_dataset_normalize(d, mean, std), -1);
  samlab_dataset *e = samlab_dataset_alloc(2, 2, 1, 2, 10);
  const double zero[2] = {0, 1}, inf[2] = {1, INFINITY};
  ck_assert_int_eq(samlab_dataset_normalize(e, mean, zero), -1);
  ck_assert_int_eq(samlab_dataset_normalize(e, mean, inf), -1);
  ck_assert_ptr_null(e->norm_mean);
  samlab_dataset_free(e);
  samlab_dataset_free(d);
}
END_TEST

/* Reference crop-flip of one plane, written out step by step: the padded image, the window, the mirror. */
static void reference_crop_flip(const float *img, size_t H, size_t W, size_t dy, size_t dx, int flip, float fill,
                                float *out)
{
  size_t PH = H + 8, PW = W + 8;
  float *padded = malloc(PH * PW * sizeof *padded), *window = malloc(H * W * sizeof *window);
  for (size_t i = 0; i < PH * PW; i++)
    padded[i] = fill;
  for (size_t y = 0; y < H; y++)
    for (size_t x = 0; x < W; x++)
      padded[(y + 4) * PW + x + 4] = img[y * W + x];
  for (size_t y = 0; y < H; y++)
    for (size_t x = 0; x < W; x++)
      window[y * W + x] = padded[(y + dy) * PW + x + dx];
  for (size_t y = 0; y < H; y++)
    for (size_t x = 0; x < W; x++)
      out[y * W + x] = flip ? window[y * W + (W - 1 - x)] : window[y * W + x];
  free(padded);
  free(window);
}

START_TEST(augmentation_against_a_reference)
{
  /* 20 examples of 3 x 6 x 5 (any H x W is cropped back to itself), each pixel distinct */
  size_t n = 20, C = 3, H = 6, W = 5, P = H * W;
  samlab_dataset *d = samlab_dataset_alloc(n, C, H, W, 10);
  for (size_t i = 0; i < n * C * P; i++)
    d->x[i] = (float)(i + 1);
  for (size_t i = 0; i < n; i++)
    d->y[i] = (uint8_t)(i % 10);
  size_t idx[6] = {19, 3, 3, 0, 7, 12};
  samlab_dataset *out = samlab_dataset_alloc(6, C, H, W, 10);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937), *mine = gsl_rng_alloc(gsl_rng_mt19937);
  float *want = malloc(P * sizeof *want);
  int flips = 0, shifted = 0;
  for (int normalized = 0; normalized < 2; normalized++) {
    if (normalized) { /* the padding is what a byte 0 becomes */
      const double mean[3] = {100, 200, 300}, std[3] = {2, 4, 8};
      ck_assert_int_eq(samlab_dataset_normalize(d, mean, std), 0);
    }
    gsl_rng_set(rng, 42);
    gsl_rng_set(mine, 42);
    ck_assert_int_eq(samlab_dataset_augment(d, idx, 6, SAMLAB_AUGMENT_CROP_FLIP, rng, out), 0);
    for (size_t i = 0; i < 6; i++) {
      /* the documented draws: dy, dx uniform in 0..8, then the flip */
      size_t dy = gsl_rng_uniform_int(mine, 9), dx = gsl_rng_uniform_int(mine, 9);
      int flip = gsl_rng_uniform(mine) < 0.5;
      flips += flip;
      shifted += dy != 4 || dx != 4;
      for (size_t c = 0; c < C; c++) {
        float fill = normalized ? (float)((0.0 - d->norm_mean[c]) / d->norm_std[c]) : 0.0f;
        reference_crop_flip(d->x + (idx[i] * C + c) * P, H, W, dy, dx, flip, fill, want);
        ck_assert_msg(memcmp(out->x + (i * C + c) * P, want, P * sizeof *want) == 0, "example %zu channel %zu", i, c);
      }
      ck_assert_uint_eq(out->y[i], d->y[idx[i]]);
    }
    ck_assert_int_eq(gsl_rng_get(rng), gsl_rng_get(mine)); /* no other draws */
  }
  ck_assert(flips > 0 && flips < 12 && shifted > 0);
  /* none: plain copies, no draws */
  gsl_rng_set(rng, 42);
  gsl_rng_set(mine, 42);
  ck_assert_int_eq(samlab_dataset_augment(d, idx, 6, SAMLAB_AUGMENT_NONE, rng, out), 0);
  ck_assert_int_eq(memcmp(out->x + C * P, d->x + 3 * C * P, C * P * sizeof(float)), 0);
  ck_assert_int_eq(gsl_rng_get(rng), gsl_rng_get(mine));
  /* a batch larger than out, or of another shape, is refused */
  ck_assert_int_eq(samlab_dataset_augment(d, idx, 7, SAMLAB_AUGMENT_CROP_FLIP, rng, out), -1);
  samlab_augment a;
  ck_assert_int_eq(samlab_augment_parse("crop-flip", &a), 0);
  ck_assert_int_eq(a, SAMLAB_AUGMENT_CROP_FLIP);
  ck_assert_int_eq(samlab_augment_parse("cutout", &a), -1);
  free(want);
  gsl_rng_free(rng);
  gsl_rng_free(mine);
  samlab_dataset_free(out);
  samlab_dataset_free(d);
}
END_TEST

/* A CIFAR-shaped batch of 64, augmented on `threads` threads from seed. */
static samlab_dataset *augmented_batch(const samlab_dataset *d, int threads, unsigned long seed)
{
  samlab_set_threads(threads);
  size_t idx[64];
  for (size_t i = 0; i < 64; i++)
    idx[i] = (i * 7) % d->n;
  samlab_dataset *out = samlab_dataset_alloc(64, 3, 32, 32, 10);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, seed);
  ck_assert_int_eq(samlab_dataset_augment(d, idx, 64, SAMLAB_AUGMENT_CROP_FLIP, rng, out), 0);
  gsl_rng_free(rng);
  return out;
}

START_TEST(augmentation_same_on_any_thread_count)
{
  const size_t counts[5] = {20, 20, 20, 20, 20};
  const char *d = subdir("c10threads");
  cifar10_write_dir(d, counts, 2);
  char err[512];
  samlab_dataset *tr, *te;
  ck_assert_msg(samlab_data_load("cifar10", d, &tr, &te, err, sizeof err) == 0, "%s", err);
  samlab_dataset *one = augmented_batch(tr, 1, 7), *two = augmented_batch(tr, 2, 7), *other = augmented_batch(tr, 2, 8);
#ifdef _OPENMP
  ck_assert_int_eq(omp_get_max_threads(), 2); /* the second batch did run on two threads */
#endif
  samlab_set_threads(1);
  size_t bytes = 64 * 3072 * sizeof(float);
  ck_assert_int_eq(memcmp(one->x, two->x, bytes), 0);
  ck_assert_int_ne(memcmp(one->x, other->x, bytes), 0);
  samlab_dataset_free(one);
  samlab_dataset_free(two);
  samlab_dataset_free(other);
  samlab_dataset_free(tr);
  samlab_dataset_free(te);
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
  TCase *cifar = tcase_create("cifar");
  tcase_add_test(cifar, cifar10_reads_records_exactly);
  tcase_add_test(cifar, cifar100_fine_and_coarse);
  tcase_add_test(cifar, cifar_bad_files);
  tcase_add_test(cifar, subsets_and_label_noise_on_10_20_100_classes);
  tcase_add_test(cifar, normalization_by_hand);
  tcase_add_test(cifar, augmentation_against_a_reference);
  tcase_add_test(cifar, augmentation_same_on_any_thread_count);
  suite_add_tcase(s, cifar);
  int rc = run_suite(s);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    return 1;
  return rc;
}
