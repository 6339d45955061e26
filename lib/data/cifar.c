/* CIFAR-10 and CIFAR-100, binary versions (https://www.cs.toronto.edu/~kriz/cifar.html): records of label
 * byte(s) then 3072 pixel bytes, 3x32x32 with each channel (R, G, B) a row-major 32x32 image, which is the
 * CHW layout of samlab_dataset as it stands.  CIFAR-10: data_batch_1..5.bin (train), test_batch.bin, one label
 * byte 0..9; CIFAR-100: train.bin, test.bin, a coarse (0..19) then a fine (0..99) label byte. */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "samlab/train.h"
#include "data_impl.h"

#define CIFAR_SIDE 32
#define CIFAR_PIXELS (3 * CIFAR_SIDE * CIFAR_SIDE)

typedef struct cifar_layout {
  const char *name, *title; /* "cifar10", "CIFAR-10" */
  const char *subdir;       /* the folder the archive extracts to */
  const char *train[5];     /* NULL-terminated */
  const char *test;
  size_t label_bytes;       /* 1, or 2 (coarse, fine) */
  size_t fine, coarse;      /* classes of the fine (last) label byte and of the coarse one (0: none) */
} cifar_layout;

static const cifar_layout cifar10 = {"cifar10", "CIFAR-10", "cifar-10-batches-bin",
                                     {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                                      "data_batch_5.bin"}, "test_batch.bin", 1, 10, 0};
static const cifar_layout cifar100 = {"cifar100", "CIFAR-100", "cifar-100-binary", {"train.bin", NULL}, "test.bin",
                                      2, 100, 20};

/* The records in path (from its size): 0, or -1 with a message when it is missing or not whole records. */
static int count_records(const char *path, const cifar_layout *L, size_t *n, char *err, size_t errlen)
{
  struct stat st;
  size_t rec = L->label_bytes + CIFAR_PIXELS;
  if (stat(path, &st) != 0) {
    snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "cannot read '%s': not a regular file", path);
    return -1;
  }
  if (st.st_size == 0 || (size_t)st.st_size % rec != 0) {
    snprintf(err, errlen, "'%s' is not a %s binary file: its %lld bytes are not a whole number of %zu-byte records",
             path, L->title, (long long)st.st_size, rec);
    return -1;
  }
  *n = (size_t)st.st_size / rec;
  return 0;
}

/* Reads the n records of path into examples [first, first + n) of d, checking every label. */
static int read_records(const char *path, const cifar_layout *L, int coarse, size_t n, samlab_dataset *d,
                        size_t first, char *err, size_t errlen)
{
  enum { CHUNK = 256 };
  size_t rec = L->label_bytes + CIFAR_PIXELS;
  unsigned char *buf = malloc(CHUNK * rec);
  FILE *f = fopen(path, "rb");
  int rc = -1;
  if (!buf || !f) {
    snprintf(err, errlen, "cannot read '%s': %s", path, buf ? strerror(errno) : "out of memory");
    goto done;
  }
  for (size_t done = 0; done < n;) {
    size_t m = n - done < CHUNK ? n - done : CHUNK;
    if (fread(buf, rec, m, f) != m) {
      snprintf(err, errlen, "'%s' is truncated (it shrank while being read)", path);
      goto done;
    }
    for (size_t i = 0; i < m; i++) {
      const unsigned char *r = buf + i * rec;
      unsigned fine = r[L->label_bytes - 1], coarse_label = L->label_bytes > 1 ? r[0] : 0;
      if (fine >= L->fine || (L->coarse && coarse_label >= L->coarse)) {
        int bad_fine = fine >= L->fine;
        snprintf(err, errlen, "'%s' is corrupt (%slabel %u at record %zu, expected 0..%zu)", path,
                 !L->coarse ? "" : bad_fine ? "fine " : "coarse ", bad_fine ? fine : coarse_label, done + i,
                 (bad_fine ? L->fine : L->coarse) - 1);
        goto done;
      }
      d->y[first + done + i] = (uint8_t)(coarse ? coarse_label : fine);
      data_scale_bytes(r + L->label_bytes, CIFAR_PIXELS, d->x + (first + done + i) * CIFAR_PIXELS);
    }
    done += m;
  }
  rc = 0;
done:
  free(buf);
  if (f)
    fclose(f);
  return rc;
}

/* One set made of the files names[0..nfiles) in dir, in that order. */
static samlab_dataset *read_set(const char *dir, const cifar_layout *L, int coarse, const char *const *names,
                                size_t nfiles, char *err, size_t errlen)
{
  char path[5][1024];
  size_t count[5], total = 0;
  for (size_t i = 0; i < nfiles; i++) {
    snprintf(path[i], sizeof path[i], "%s/%s", dir, names[i]);
    if (count_records(path[i], L, &count[i], err, errlen) != 0)
      return NULL;
    total += count[i];
  }
  samlab_dataset *d = samlab_dataset_alloc(total, 3, CIFAR_SIDE, CIFAR_SIDE, coarse ? L->coarse : L->fine);
  if (!d) {
    snprintf(err, errlen, "out of memory for %zu %s images", total, L->title);
    return NULL;
  }
  d->name = L->name;
  for (size_t i = 0, first = 0; i < nfiles; first += count[i], i++)
    if (read_records(path[i], L, coarse, count[i], d, first, err, errlen) != 0) {
      samlab_dataset_free(d);
      return NULL;
    }
  return d;
}

static int cifar_load(const cifar_layout *L, const char *dir, int coarse, samlab_dataset **train,
                      samlab_dataset **test, char *err, size_t errlen)
{
  /* dir itself, or the folder the archive extracts to inside it */
  char inner[1024], probe[1100];
  struct stat st;
  snprintf(probe, sizeof probe, "%s/%s", dir, L->test);
  snprintf(inner, sizeof inner, "%s/%s", dir, L->subdir);
  if (stat(probe, &st) != 0 && stat(inner, &st) == 0 && S_ISDIR(st.st_mode))
    dir = inner;
  size_t ntrain = 0;
  while (ntrain < 5 && L->train[ntrain])
    ntrain++;
  if (!(*train = read_set(dir, L, coarse, L->train, ntrain, err, errlen)))
    return -1;
  if (!(*test = read_set(dir, L, coarse, &L->test, 1, err, errlen)))
    return -1;
  return 0;
}

static int load10(const char *dir, int coarse, samlab_dataset **train, samlab_dataset **test, char *err,
                  size_t errlen)
{
  return cifar_load(&cifar10, dir, coarse, train, test, err, errlen);
}

static int load100(const char *dir, int coarse, samlab_dataset **train, samlab_dataset **test, char *err,
                   size_t errlen)
{
  return cifar_load(&cifar100, dir, coarse, train, test, err, errlen);
}

const samlab_data_type samlab_data_cifar10 = {
    "cifar10", "CIFAR-10, binary version: 50000 + 10000 3x32x32 images, 10 classes",
    "cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, extracted there", 0, load10};
const samlab_data_type samlab_data_cifar100 = {
    "cifar100", "CIFAR-100, binary version: 50000 + 10000 3x32x32 images, 100 fine or 20 coarse classes",
    "cifar-100-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, extracted there", 1, load100};
