/* What an analysis looks at: a toy at a point, or a network at a checkpoint of samlab train with its training
 * set rebuilt the way samlab train built it (subset seed + 2, label noise seed + 3, the stored normalisation). */
#include <stdio.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/rule.h"
#include "samlab/toy.h"
#include "samlab/train.h"
#include "samlab/io.h"
#include "samlab/analyses.h"
#include "samlab/bounds.h"
#include "samlab/parse.h"

static int parse_point(const char *text, size_t dim, double *w, char *err, size_t errlen)
{
  const char *s = text;
  for (size_t i = 0; i < dim; i++) {
    const char *end;
    char why[128];
    if (samlab_parse_double_prefix(s, &w[i], &end, why, sizeof why) != 0 || (*end && *end != ',') || (!*end && i + 1 < dim) ||
        (*end == ',' && i + 1 == dim)) {
      snprintf(err, errlen, "bad value '%s' for --at: expected %zu comma-separated numbers", text, dim);
      return -1;
    }
    s = end + 1;
  }
  return 0;
}

static int open_toy(const samlab_subject_spec *s, samlab_subject *out, char *err, size_t errlen)
{
  out->p = samlab_toy_create(s->function, s->toy_options && *s->toy_options ? s->toy_options : NULL, err, errlen);
  if (!out->p)
    return -1;
  size_t dim = out->p->dim;
  out->w = malloc(dim * sizeof *out->w);
  if (!out->w) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (s->at) {
    if (parse_point(s->at, dim, out->w, err, errlen) != 0)
      return -1;
  } else if (samlab_problem_landscape(out->p)->nminima) {
    memcpy(out->w, samlab_problem_landscape(out->p)->minima, dim * sizeof *out->w); /* the first global minimum */
  } else {
    for (size_t i = 0; i < dim; i++)
      out->w[i] = 1.0;
  }
  int n = snprintf(out->what, sizeof out->what, "toy %s at (", s->function);
  for (size_t i = 0; i < dim && i < 8 && n < (int)sizeof out->what - 32; i++)
    n += snprintf(out->what + n, sizeof out->what - (size_t)n, "%s%.6g", i ? ", " : "", out->w[i]);
  snprintf(out->what + n, sizeof out->what - (size_t)n, "%s)", dim > 8 ? ", ..." : "");
  return 0;
}

/* The normalisation the run stored in path, applied to both sets (nothing when it stored none). */
static int normalize_as_stored(const char *path, samlab_subject *out, char *err, size_t errlen)
{
  hid_t f = samlab_in_open(path, err, errlen);
  if (f < 0)
    return -1;
  size_t C = samlab_dataset_channels(out->train);
  double *mean = malloc(C * sizeof *mean), *std = malloc(C * sizeof *std);
  int got = mean && std ? samlab_in_normalization(f, C, mean, std) : -1;
  H5Fclose(f);
  int rc = got < 0 || (got == 1 && (samlab_dataset_normalize(out->train, mean, std) != 0 ||
                                    samlab_dataset_normalize(out->test, mean, std) != 0));
  if (rc)
    snprintf(err, errlen, "'%s': its normalisation (/normalize_mean, /normalize_std) is damaged or does not fit "
             "the data's %zu channels", path, C);
  free(mean);
  free(std);
  return rc ? -1 : 0;
}

static int open_net(const samlab_subject_spec *s, samlab_subject *out, char *err, size_t errlen)
{
  samlab_checkpoint *c = &out->ck;
  if (samlab_checkpoint_read(s->checkpoint, s->epoch, c, err, errlen) != 0)
    return -1;
  const char *data = s->data ? s->data : c->data[0] ? c->data : "fashion-mnist";
  samlab_data_options o = {s->data_dir, c->labels};
  if (samlab_data_open(data, &o, &out->train, &out->test, err, errlen) != 0)
    return -1;
  if (c->train_size > 0 && (size_t)c->train_size < out->train->n) {
    samlab_dataset *sub = samlab_dataset_sample(out->train, (size_t)c->train_size, (unsigned long)c->seed + 2);
    if (!sub) {
      snprintf(err, errlen, "out of memory for the training subset");
      return -1;
    }
    samlab_dataset_free(out->train);
    out->train = sub;
  }
  if (c->label_noise > 0)
    samlab_dataset_label_noise(out->train, c->label_noise, (unsigned long)c->seed + 3);
  if (normalize_as_stored(s->checkpoint, out, err, errlen) != 0)
    return -1;
  out->p = samlab_checkpoint_net(c, out->train, err, errlen);
  if (!out->p)
    return -1;
  if (s->precision == 64)
    samlab_net_set_precision(out->p, 64);
  out->w = c->w;
  c->w = NULL;
  snprintf(out->what, sizeof out->what, "%.100s, epoch %ld of %.200s (%.100s)", c->model, c->epoch, s->checkpoint, data);
  return 0;
}

int samlab_subject_open(const samlab_subject_spec *s, samlab_subject *out, char *err, size_t errlen)
{
  memset(out, 0, sizeof *out);
  if ((s->function != NULL) == (s->checkpoint != NULL)) {
    snprintf(err, errlen, "give exactly one of --function (a toy) and --checkpoint (a samlab train file)");
    return -1;
  }
  int rc = s->function ? open_toy(s, out, err, errlen) : open_net(s, out, err, errlen);
  if (rc != 0)
    samlab_subject_close(out);
  return rc;
}

void samlab_subject_close(samlab_subject *s)
{
  samlab_problem_free(s->p);
  free(s->w);
  free(s->ck.w);
  samlab_dataset_free(s->train);
  samlab_dataset_free(s->test);
  memset(s, 0, sizeof *s);
}

int samlab_data_prepare(const char *data, const samlab_data_options *o, long train_size, long test_size,
                        unsigned long seed, samlab_dataset **train, samlab_dataset **test, char *err, size_t errlen)
{
  if (samlab_data_open(data, o, train, test, err, errlen) != 0)
    return -1;
  if (train_size > 0 && (size_t)train_size > (*train)->n) {
    snprintf(err, errlen, "bad value %ld for --train-size: the training set has %zu examples", train_size,
             (*train)->n);
    goto fail;
  }
  if (test_size > 0 && (size_t)test_size > (*test)->n) {
    snprintf(err, errlen, "bad value %ld for --test-size: the test set has %zu examples", test_size, (*test)->n);
    goto fail;
  }
  if (train_size > 0 && (size_t)train_size < (*train)->n) {
    samlab_dataset *s = samlab_dataset_sample(*train, (size_t)train_size, seed + 2);
    samlab_dataset_free(*train);
    *train = s;
  }
  if (test_size > 0 && (size_t)test_size < (*test)->n) {
    samlab_dataset *s = samlab_dataset_subset(*test, NULL, (size_t)test_size);
    samlab_dataset_free(*test);
    *test = s;
  }
  if (*train && *test)
    return 0;
  snprintf(err, errlen, "out of memory for the data subsets");
fail:
  samlab_dataset_free(*train);
  samlab_dataset_free(*test);
  *train = *test = NULL;
  return -1;
}
