/* Augmentation of training batches: crop-flip as torchvision's RandomCrop(size, padding=4) then
 * RandomHorizontalFlip(0.5) on the raw image (the padding is what a byte 0 becomes after normalisation, so
 * normalising before or after gives the same pixels).  The draws are taken serially from one stream, so an
 * example's crop and flip depend on the stream's seed and the example's place in it, never on threads. */
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include "samlab/train.h"

int samlab_augment_parse(const char *name, samlab_augment *a)
{
  if (strcmp(name, "none") == 0)
    *a = SAMLAB_AUGMENT_NONE;
  else if (strcmp(name, "crop-flip") == 0)
    *a = SAMLAB_AUGMENT_CROP_FLIP;
  else
    return -1;
  return 0;
}

const char *samlab_augment_name(samlab_augment a)
{
  return a == SAMLAB_AUGMENT_CROP_FLIP ? "crop-flip" : "none";
}

/* One channel plane (rows x cols) cropped at (dy, dx) of its padded image, mirrored when flip. */
static void crop_plane(const float *src, size_t rows, size_t cols, long dy, long dx, int flip, float fill,
                       float *dst)
{
  const long P = SAMLAB_AUGMENT_PAD;
  for (long y = 0; y < (long)rows; y++) {
    long sy = y + dy - P; /* the source row */
    float *out = dst + (size_t)y * cols;
    for (long x = 0; x < (long)cols; x++) {
      long sx = (flip ? (long)cols - 1 - x : x) + dx - P;
      out[x] = sy < 0 || sy >= (long)rows || sx < 0 || sx >= (long)cols ? fill : src[(size_t)sy * cols + (size_t)sx];
    }
  }
}

int samlab_dataset_augment(const samlab_dataset *d, const size_t *idx, size_t m, samlab_augment a, gsl_rng *rng,
                           samlab_dataset *out)
{
  size_t C = samlab_dataset_channels(d), plane = d->rows * d->cols, size = C * plane;
  if (out->n < m || samlab_dataset_channels(out) != C || out->rows != d->rows || out->cols != d->cols)
    return -1;
  if (a == SAMLAB_AUGMENT_NONE) {
    for (size_t i = 0; i < m; i++) {
      size_t e = idx ? idx[i] : i;
      memcpy(out->x + i * size, d->x + e * size, size * sizeof *d->x);
      out->y[i] = d->y[e];
    }
    return 0;
  }
  /* The draws first, serially: (dy, dx, flip) of example i in draw[3 i ..]. */
  long draw[3 * 1024];
  for (size_t start = 0; start < m; start += 1024) {
    size_t k = m - start < 1024 ? m - start : 1024;
    for (size_t i = 0; i < k; i++) {
      draw[3 * i] = (long)gsl_rng_uniform_int(rng, 2 * SAMLAB_AUGMENT_PAD + 1);
      draw[3 * i + 1] = (long)gsl_rng_uniform_int(rng, 2 * SAMLAB_AUGMENT_PAD + 1);
      draw[3 * i + 2] = gsl_rng_uniform(rng) < 0.5;
    }
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < k; i++) {
      size_t e = idx ? idx[start + i] : start + i;
      for (size_t c = 0; c < C; c++) {
        float fill = d->norm_mean ? (float)((0.0 - d->norm_mean[c]) / d->norm_std[c]) : 0.0f;
        crop_plane(d->x + e * size + c * plane, d->rows, d->cols, draw[3 * i], draw[3 * i + 1], (int)draw[3 * i + 2],
                   fill, out->x + (start + i) * size + c * plane);
      }
      out->y[start + i] = d->y[e];
    }
  }
  return 0;
}
