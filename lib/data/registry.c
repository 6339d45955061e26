/* The data-set registry: the one place that lists the data-set types, and where their files are looked for.
 * Adding a data set is one file (its loader and samlab_data_type) plus one line here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "samlab/train.h"

#define DATA_SETS(X) X(fashion_mnist) X(mnist) X(cifar10) X(cifar100)
#define DECLARE(name) extern const samlab_data_type samlab_data_##name;
DATA_SETS(DECLARE)
#define ENTRY(name) &samlab_data_##name,
const samlab_data_type *const samlab_data_types[] = {DATA_SETS(ENTRY) NULL};

const samlab_data_type *samlab_data_find(const char *name)
{
  for (size_t i = 0; samlab_data_types[i]; i++)
    if (strcmp(samlab_data_types[i]->name, name) == 0)
      return samlab_data_types[i];
  return NULL;
}

const char *samlab_data_names(const char *sep, char *buf, size_t len)
{
  size_t used = 0;
  buf[0] = 0;
  for (size_t i = 0; samlab_data_types[i] && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? sep : "", samlab_data_types[i]->name);
  return buf;
}

/* The two sets agree on example shape and classes. */
static int same_shape(const samlab_dataset *train, const samlab_dataset *test, const char *name, char *err,
                      size_t errlen)
{
  char a[64], b[64];
  if (samlab_dataset_channels(train) == samlab_dataset_channels(test) && train->rows == test->rows &&
      train->cols == test->cols && train->nclasses == test->nclasses)
    return 0;
  snprintf(err, errlen, "%s: the test set has %s images of %zu classes but the training set %s of %zu", name,
           samlab_dataset_shape(test, a, sizeof a), test->nclasses, samlab_dataset_shape(train, b, sizeof b),
           train->nclasses);
  return -1;
}

int samlab_data_open(const char *name, const samlab_data_options *o, samlab_dataset **train, samlab_dataset **test,
                     char *err, size_t errlen)
{
  *train = *test = NULL;
  const samlab_data_type *type = samlab_data_find(name);
  if (!type) {
    char names[256];
    snprintf(err, errlen, "unknown data set '%s' (%s)", name, samlab_data_names(", ", names, sizeof names));
    return -1;
  }
  const char *labels = o && o->labels ? o->labels : "fine";
  int coarse = strcmp(labels, "coarse") == 0;
  if (!coarse && strcmp(labels, "fine") != 0) {
    snprintf(err, errlen, "bad value '%s' for --labels: fine or coarse", labels);
    return -1;
  }
  if (coarse && !type->coarse) {
    snprintf(err, errlen, "bad value 'coarse' for --labels: %s has one set of labels (cifar100 has coarse ones)",
             name);
    return -1;
  }
  const char *dir = o ? o->dir : NULL;
  char def[512];
  if (!dir || !*dir)
    dir = getenv("SAMLAB_DATA");
  if (!dir || !*dir) {
    snprintf(def, sizeof def, "/usr/share/datasets/%s", name);
    dir = def;
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "data directory '%s' does not exist (%s: %s)", dir, name, type->hint);
    return -1;
  }
  if (type->load(dir, coarse, train, test, err, errlen) != 0 || same_shape(*train, *test, name, err, errlen) != 0) {
    samlab_dataset_free(*train);
    samlab_dataset_free(*test);
    *train = *test = NULL;
    return -1;
  }
  (*train)->name = (*test)->name = type->name;
  return 0;
}

int samlab_data_load(const char *name, const char *dir, samlab_dataset **train, samlab_dataset **test, char *err,
                     size_t errlen)
{
  samlab_data_options o = {dir, NULL};
  return samlab_data_open(name, &o, train, test, err, errlen);
}
