/* Per-channel normalisation: the mean and standard deviation of a (training) set, applied to any set. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "samlab/train.h"

int samlab_dataset_channel_stats(const samlab_dataset *d, double *mean, double *std)
{
  size_t C = samlab_dataset_channels(d), plane = d->rows * d->cols, count = d->n * plane;
  if (count == 0)
    return -1;
  for (size_t c = 0; c < C; c++) {
    /* two passes (mean, then squared deviations): no cancellation */
    double sum = 0;
    for (size_t i = 0; i < d->n; i++) {
      const float *x = d->x + (i * C + c) * plane;
      for (size_t j = 0; j < plane; j++)
        sum += x[j];
    }
    mean[c] = sum / (double)count;
    double sq = 0;
    for (size_t i = 0; i < d->n; i++) {
      const float *x = d->x + (i * C + c) * plane;
      for (size_t j = 0; j < plane; j++)
        sq += ((double)x[j] - mean[c]) * ((double)x[j] - mean[c]);
    }
    std[c] = sqrt(sq / (double)count);
  }
  return 0;
}

int samlab_dataset_normalize(samlab_dataset *d, const double *mean, const double *std)
{
  size_t C = samlab_dataset_channels(d), plane = d->rows * d->cols;
  if (d->norm_mean)
    return -1;
  for (size_t c = 0; c < C; c++)
    if (!(std[c] > 0 && isfinite(std[c]) && isfinite(mean[c])))
      return -1;
  d->norm_mean = malloc(C * sizeof *d->norm_mean);
  d->norm_std = malloc(C * sizeof *d->norm_std);
  if (!d->norm_mean || !d->norm_std) {
    free(d->norm_mean);
    free(d->norm_std);
    d->norm_mean = d->norm_std = NULL;
    return -1;
  }
  memcpy(d->norm_mean, mean, C * sizeof *mean);
  memcpy(d->norm_std, std, C * sizeof *std);
  for (size_t i = 0; i < d->n; i++)
    for (size_t c = 0; c < C; c++) {
      float *x = d->x + (i * C + c) * plane;
      for (size_t j = 0; j < plane; j++)
        x[j] = (float)(((double)x[j] - mean[c]) / std[c]);
    }
  return 0;
}
