/* IDX image/label files (LeCun's MNIST format), gzip-compressed or plain, read with zlib, and the data-set types
 * made of them: fashion-mnist and mnist (one channel, labels 0..9). */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "samlab/vec.h"
#include "samlab/train.h"
#include "data_impl.h"

#define IDX_IMAGES_MAGIC 0x00000803u /* unsigned byte, 3 dimensions */
#define IDX_LABELS_MAGIC 0x00000801u /* unsigned byte, 1 dimension */

/* Reads exactly len bytes; -1 on a short read (truncated file) or a zlib error (corrupt data). */
static int read_exact(gzFile f, void *buf, size_t len, const char *path, char *err, size_t errlen)
{
  char *p = buf;
  while (len > 0) {
    unsigned chunk = len > (1u << 30) ? (1u << 30) : (unsigned)len;
    int got = gzread(f, p, chunk);
    if (got <= 0) {
      int code;
      const char *msg = gzerror(f, &code);
      if (code != Z_OK && code != Z_BUF_ERROR)
        snprintf(err, errlen, "'%s' is corrupt (%s)", path, msg);
      else
        snprintf(err, errlen, "'%s' is truncated", path);
      return -1;
    }
    p += got;
    len -= (size_t)got;
  }
  return 0;
}

static uint32_t be32(const unsigned char *b)
{
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Opens path, checks the magic number and reads ndims big-endian dimensions; *plain_left: the bytes after the
 * header of a plain (uncompressed) file, -1 for gzip. */
static gzFile idx_open(const char *path, uint32_t magic, int ndims, uint32_t *dims, long long *plain_left, char *err,
                       size_t errlen)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
    return NULL;
  }
  gzFile f = gzopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
    return NULL;
  }
  unsigned char head[4 * 4];
  if (read_exact(f, head, 4, path, err, errlen) != 0) {
    gzclose(f);
    return NULL;
  }
  if (be32(head) != magic) {
    snprintf(err, errlen, "'%s' is not an IDX %s file (magic 0x%08x, expected 0x%08x)", path,
             magic == IDX_IMAGES_MAGIC ? "image" : "label", be32(head), magic);
    gzclose(f);
    return NULL;
  }
  if (read_exact(f, head + 4, 4 * (size_t)ndims, path, err, errlen) != 0) {
    gzclose(f);
    return NULL;
  }
  for (int i = 0; i < ndims; i++)
    dims[i] = be32(head + 4 * (i + 1));
  *plain_left = gzdirect(f) ? (long long)st.st_size - 4 * (ndims + 1) : -1;
  return f;
}

/* A plain file must hold the bytes its header promises: checked before anything is allocated for them. */
static int check_plain_size(long long left, size_t want, const char *path, char *err, size_t errlen)
{
  if (left >= 0 && (unsigned long long)left < want) {
    snprintf(err, errlen, "'%s' is truncated (its header promises %zu bytes of data, the file holds %lld)", path,
             want, left);
    return -1;
  }
  return 0;
}

/* The len bytes of data after a header, in a malloc'ed buffer that grows with what actually arrives, so that a
 * header cannot make us allocate more than the (decompressed) file holds; NULL with a message. */
static unsigned char *read_payload(gzFile f, size_t len, const char *path, char *err, size_t errlen)
{
  size_t cap = len < ((size_t)1 << 20) ? len : ((size_t)1 << 20), have = 0;
  unsigned char *buf = malloc(cap + 1);
  while (buf) {
    if (read_exact(f, buf + have, cap - have, path, err, errlen) != 0) {
      free(buf);
      return NULL;
    }
    have = cap;
    if (have == len)
      return buf;
    cap = cap > len / 2 ? len : 2 * cap;
    unsigned char *grown = realloc(buf, cap + 1);
    if (!grown)
      free(buf);
    buf = grown;
  }
  snprintf(err, errlen, "out of memory for the data of '%s'", path);
  return NULL;
}

/* After the payload: any further byte means the header and the data disagree. */
static int expect_end(gzFile f, const char *path, char *err, size_t errlen)
{
  unsigned char extra;
  if (gzread(f, &extra, 1) != 0) {
    snprintf(err, errlen, "'%s' is corrupt (data beyond the size its header gives)", path);
    return -1;
  }
  return 0;
}

samlab_dataset *samlab_idx_load(const char *images, const char *labels, char *err, size_t errlen)
{
  uint32_t idims[3], ldims[1];
  long long ileft, lleft;
  gzFile fi = idx_open(images, IDX_IMAGES_MAGIC, 3, idims, &ileft, err, errlen);
  if (!fi)
    return NULL;
  gzFile fl = idx_open(labels, IDX_LABELS_MAGIC, 1, ldims, &lleft, err, errlen);
  if (!fl) {
    gzclose(fi);
    return NULL;
  }
  samlab_dataset *d = NULL;
  unsigned char *pix = NULL, *lab = NULL;
  if (idims[0] == 0 || idims[1] == 0 || idims[2] == 0 || idims[1] > 4096 || idims[2] > 4096) {
    snprintf(err, errlen, "'%s' is corrupt (dimensions %u x %u x %u)", images, idims[0], idims[1], idims[2]);
    goto fail;
  }
  if (ldims[0] != idims[0]) {
    snprintf(err, errlen, "'%s' has %u labels but '%s' has %u images", labels, ldims[0], images, idims[0]);
    goto fail;
  }
  size_t n = idims[0], npix = (size_t)idims[1] * idims[2];
  if (check_plain_size(ileft, n * npix, images, err, errlen) != 0 ||
      check_plain_size(lleft, n, labels, err, errlen) != 0)
    goto fail;
  /* the dataset is allocated once the data are there */
  if (!(pix = read_payload(fi, n * npix, images, err, errlen)) || expect_end(fi, images, err, errlen) != 0)
    goto fail;
  if (!(lab = read_payload(fl, n, labels, err, errlen)) || expect_end(fl, labels, err, errlen) != 0)
    goto fail;
  if (!(d = samlab_dataset_alloc(n, 1, idims[1], idims[2], 10))) {
    snprintf(err, errlen, "out of memory for %zu images", n);
    goto fail;
  }
  memcpy(d->y, lab, n);
  for (size_t i = 0; i < n; i++)
    if (d->y[i] >= d->nclasses) {
      snprintf(err, errlen, "'%s' is corrupt (label %u at example %zu, expected 0..9)", labels, d->y[i], i);
      goto fail;
    }
  d->name = "IDX files";
  data_scale_bytes(pix, n * npix, d->x);
  free(pix);
  free(lab);
  gzclose(fi);
  gzclose(fl);
  return d;
fail:
  free(pix);
  free(lab);
  samlab_dataset_free(d);
  gzclose(fi);
  gzclose(fl);
  return NULL;
}

/* dir/base.gz if it exists, else dir/base. */
static void data_path(const char *dir, const char *base, char *buf, size_t len)
{
  struct stat st;
  snprintf(buf, len, "%s/%s.gz", dir, base);
  if (stat(buf, &st) != 0)
    snprintf(buf, len, "%s/%s", dir, base);
}

/* The four files of an IDX data set in dir. */
static int idx_load_set(const char *dir, int coarse, samlab_dataset **train, samlab_dataset **test, char *err,
                        size_t errlen)
{
  (void)coarse;
  char ti[1024], tl[1024], si[1024], sl[1024];
  data_path(dir, "train-images-idx3-ubyte", ti, sizeof ti);
  data_path(dir, "train-labels-idx1-ubyte", tl, sizeof tl);
  data_path(dir, "t10k-images-idx3-ubyte", si, sizeof si);
  data_path(dir, "t10k-labels-idx1-ubyte", sl, sizeof sl);
  if (!(*train = samlab_idx_load(ti, tl, err, errlen)))
    return -1;
  if (!(*test = samlab_idx_load(si, sl, err, errlen)))
    return -1;
  return 0;
}

const samlab_data_type samlab_data_fashion_mnist = {
    "fashion-mnist", "Zalando's Fashion-MNIST: 60000 + 10000 1x28x28 images, 10 classes (IDX files)",
    "apt-get install dataset-fashion-mnist", 0, idx_load_set};
const samlab_data_type samlab_data_mnist = {
    "mnist", "LeCun's MNIST digits: 60000 + 10000 1x28x28 images, 10 classes (IDX files)",
    "the four IDX files from http://yann.lecun.com/exdb/mnist/", 0, idx_load_set};
