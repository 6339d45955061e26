/* The IDX reader (lib/idx.c) on outside bytes.  The first two bytes (big endian) split the rest into an image
 * file and a label file; idx_plain writes them as they are (plain, or whatever gzip stream the bytes hold),
 * idx_gzip compresses them first, so that the fuzzer reaches the IDX content behind a valid gzip stream. */
#include <zlib.h>
#include "samlab.h"
#include "fuzz.h"

static const char *gz_file(const char *name, const uint8_t *data, size_t size)
{
  const char *p = fuzz_path(name);
  gzFile f = gzopen(p, "wb1");
  if (f) {
    if (size)
      gzwrite(f, data, (unsigned)size);
    gzclose(f);
  }
  return p;
}

static int load_pair(const uint8_t *data, size_t size, int gz)
{
  if (size < 2)
    return 0;
  size_t cut = (size_t)data[0] << 8 | data[1];
  if (cut > size - 2)
    cut = size - 2;
  const uint8_t *images = data + 2, *labels = data + 2 + cut;
  size_t nlabels = size - 2 - cut;
  const char *pi = gz ? gz_file("images.gz", images, cut) : fuzz_file("images", images, cut);
  const char *pl = gz ? gz_file("labels.gz", labels, nlabels) : fuzz_file("labels", labels, nlabels);
  char err[1024];
  samlab_dataset *d = samlab_idx_load(pi, pl, err, sizeof err);
  if (d && (d->n == 0 || !d->x || !d->y)) /* a loaded set is whole */
    __builtin_trap();
  samlab_dataset_free(d);
  return 0;
}

int fuzz_idx_plain(const uint8_t *data, size_t size)
{
  return load_pair(data, size, 0);
}

int fuzz_idx_gzip(const uint8_t *data, size_t size)
{
  return load_pair(data, size, 1);
}
