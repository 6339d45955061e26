/* Data sets in memory: allocation, shape, seeded subsets and seeded label noise (whatever type they came from). */
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#include "samlab/vec.h"
#include "samlab/train.h"
#include "data_impl.h"

void data_scale_bytes(const unsigned char *bytes, size_t n, float *x)
{
  float scale[256]; /* the same values as dividing each pixel, without a division per pixel */
  for (int v = 0; v < 256; v++)
    scale[v] = (float)v / 255.0f;
  for (size_t i = 0; i < n; i++)
    x[i] = scale[bytes[i]];
}

void samlab_dataset_free(samlab_dataset *d)
{
  if (!d)
    return;
  free(d->x);
  free(d->y);
  free(d->norm_mean);
  free(d->norm_std);
  free(d);
}

size_t samlab_dataset_channels(const samlab_dataset *d)
{
  return d->channels ? d->channels : 1;
}

size_t samlab_dataset_example_size(const samlab_dataset *d)
{
  return samlab_dataset_channels(d) * d->rows * d->cols;
}

const char *samlab_dataset_shape(const samlab_dataset *d, char *buf, size_t len)
{
  snprintf(buf, len, "%zux%zux%zu", samlab_dataset_channels(d), d->rows, d->cols);
  return buf;
}

samlab_dataset *samlab_dataset_alloc(size_t n, size_t channels, size_t rows, size_t cols, size_t nclasses)
{
  samlab_dataset *d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->n = n;
  d->channels = channels;
  d->rows = rows;
  d->cols = cols;
  d->nclasses = nclasses;
  d->x = samlab_big_calloc(n * channels * rows * cols + 1, sizeof *d->x); /* examples are read in random order */
  d->y = calloc(n + 1, 1);
  if (!d->x || !d->y) {
    samlab_dataset_free(d);
    return NULL;
  }
  return d;
}

/* The normalisation d carries, copied into s (0, or -1 out of memory). */
static int copy_norm(const samlab_dataset *d, samlab_dataset *s)
{
  if (!d->norm_mean)
    return 0;
  size_t c = samlab_dataset_channels(d);
  s->norm_mean = malloc(c * sizeof *s->norm_mean);
  s->norm_std = malloc(c * sizeof *s->norm_std);
  if (!s->norm_mean || !s->norm_std)
    return -1;
  memcpy(s->norm_mean, d->norm_mean, c * sizeof *s->norm_mean);
  memcpy(s->norm_std, d->norm_std, c * sizeof *s->norm_std);
  return 0;
}

samlab_dataset *samlab_dataset_subset(const samlab_dataset *d, const size_t *idx, size_t n)
{
  samlab_dataset *s = samlab_dataset_alloc(n, samlab_dataset_channels(d), d->rows, d->cols, d->nclasses);
  if (!s || copy_norm(d, s) != 0) {
    samlab_dataset_free(s);
    return NULL;
  }
  s->name = d->name;
  size_t npix = samlab_dataset_example_size(d);
  for (size_t i = 0; i < n; i++) {
    size_t j = idx ? idx[i] : i;
    memcpy(s->x + i * npix, d->x + j * npix, npix * sizeof *d->x);
    s->y[i] = d->y[j];
  }
  return s;
}

samlab_dataset *samlab_dataset_sample(const samlab_dataset *d, size_t n, unsigned long seed)
{
  if (n > d->n)
    return NULL;
  size_t *pick = malloc((n + 1) * sizeof *pick);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  samlab_dataset *s = NULL;
  if (pick && rng) {
    gsl_rng_set(rng, seed);
    /* Selection sampling (Knuth's algorithm S): each subset equally likely, original order kept. */
    size_t chosen = 0;
    for (size_t i = 0; i < d->n && chosen < n; i++)
      if ((double)(d->n - i) * gsl_rng_uniform(rng) < (double)(n - chosen))
        pick[chosen++] = i;
    s = samlab_dataset_subset(d, pick, n);
  }
  free(pick);
  if (rng)
    gsl_rng_free(rng);
  return s;
}

size_t samlab_dataset_label_noise(samlab_dataset *d, double r, unsigned long seed)
{
  size_t m = (size_t)(r * (double)d->n + 0.5);
  if (m > d->n)
    m = d->n;
  if (m == 0 || d->nclasses < 2)
    return 0;
  size_t *perm = malloc(d->n * sizeof *perm);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!perm || !rng) {
    free(perm);
    if (rng)
      gsl_rng_free(rng);
    return 0;
  }
  gsl_rng_set(rng, seed);
  for (size_t i = 0; i < d->n; i++)
    perm[i] = i;
  /* Fisher-Yates on the first m positions: a uniform random m-subset. */
  for (size_t i = 0; i < m; i++) {
    size_t j = i + gsl_rng_uniform_int(rng, d->n - i);
    size_t tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  for (size_t i = 0; i < m; i++) {
    uint8_t *y = &d->y[perm[i]];
    unsigned shift = 1 + (unsigned)gsl_rng_uniform_int(rng, d->nclasses - 1); /* never 0: a different class */
    *y = (uint8_t)((*y + shift) % d->nclasses);
  }
  free(perm);
  gsl_rng_free(rng);
  return m;
}
