/* Reading a network checkpoint written by samlab_trainer_save (a group with attributes epoch, model, dim and a
 * dataset w) from any train file, wherever the group sits, and rebuilding its network. */
#include <stdio.h>
#include <hdf5_hl.h>
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

typedef struct {
  long want, best_epoch;
  char best[256];
} ckpt_search;

static herr_t visit(hid_t obj, const char *name, const H5O_info_t *info, void *data)
{
  ckpt_search *s = data;
  if (info->type != H5O_TYPE_GROUP || H5Aexists_by_name(obj, name, "epoch", H5P_DEFAULT) <= 0 ||
      H5Aexists_by_name(obj, name, "model", H5P_DEFAULT) <= 0)
    return 0;
  char path[300];
  snprintf(path, sizeof path, "%s/w", name);
  if (H5Lexists(obj, path, H5P_DEFAULT) <= 0)
    return 0;
  long long e;
  if (samlab_in_attr_i64(obj, name, "epoch", &e) != 0)
    return 0;
  if ((s->want < 0 && e > s->best_epoch) || (s->want >= 0 && e == s->want)) {
    s->best_epoch = e;
    snprintf(s->best, sizeof s->best, "/%s", name);
  }
  return 0;
}

/* Row `row` of the 2-D dataset /weights (epochs x dim) of a train file. */
static int read_weights_row(hid_t f, size_t row, samlab_checkpoint *c)
{
  int rank;
  hsize_t dims[4];
  double *all = NULL;
  if (samlab_in_f64(f, "/weights", &rank, dims, &all) != 0 || rank != 2 || row >= dims[0]) {
    free(all);
    return -1;
  }
  c->dim = dims[1];
  c->w = malloc(c->dim * sizeof *c->w);
  if (c->w)
    memcpy(c->w, all + row * c->dim, c->dim * sizeof *c->w);
  free(all);
  return c->w ? 0 : -1;
}

/* The epochs of the rows of /weights: -1 if absent. */
static long weights_row_of(hid_t f, long epoch, long *found_epoch)
{
  hsize_t n;
  double *ep = NULL;
  long row = -1;
  /* a list of epochs, nothing else (fuzzing found a scalar read as one) */
  if (H5Lexists(f, "/weights_epoch", H5P_DEFAULT) <= 0 || samlab_in_vec(f, "/weights_epoch", &ep, &n) != 0)
    return -1;
  for (hsize_t i = 0; i < n; i++) /* epochs are whole numbers from 0; any other value is no epoch */
    if (ep[i] >= 0 && ep[i] < 1e15 && ep[i] == floor(ep[i]) &&
        ((epoch < 0 && (row < 0 || ep[i] > ep[row])) || (epoch >= 0 && (long)ep[i] == epoch)))
      row = (long)i;
  if (row >= 0)
    *found_epoch = (long)ep[row];
  free(ep);
  return row;
}

static int read_group_w(hid_t f, samlab_checkpoint *c)
{
  char wpath[300];
  snprintf(wpath, sizeof wpath, "%s/w", c->group);
  int rank;
  hsize_t dims[4];
  if (samlab_in_f64(f, wpath, &rank, dims, &c->w) != 0 || rank != 1) {
    free(c->w);
    c->w = NULL;
    return -1;
  }
  c->dim = dims[0];
  return 0;
}

int samlab_checkpoint_read(const char *path, long epoch, samlab_checkpoint *c, char *err, size_t errlen)
{
  memset(c, 0, sizeof *c);
  c->seed = 1;
  strcpy(c->labels, "fine");
  hid_t f = samlab_in_open(path, err, errlen);
  if (f < 0)
    return -1;
  if (samlab_in_verify(f, err, errlen) != 0) { /* any flipped byte in its weights or checkpoint */
    H5Fclose(f);
    return -1;
  }
  /* where the training set came from (samlab train's root attributes), to rebuild it exactly */
  double v;
  long long n;
  samlab_in_attr_str(f, "/", "model", c->model, sizeof c->model);
  samlab_in_attr_str(f, "/", "data", c->data, sizeof c->data);
  samlab_in_attr_str(f, "/", "labels", c->labels, sizeof c->labels);
  if (samlab_in_attr_i64(f, "/", "train_size", &n) == 0)
    c->train_size = (long)n;
  if (samlab_in_attr_f64(f, "/", "label_noise", &v) == 0)
    c->label_noise = v;
  if (samlab_in_attr_i64(f, "/", "seed", &n) == 0)
    c->seed = (long)n;
  /* samlab train's per-epoch weights first, then any trainer checkpoint group */
  long found = -1, row = weights_row_of(f, epoch, &found);
  int rc = -1;
  if (row >= 0 && !(epoch < 0 && H5Lexists(f, "/checkpoint", H5P_DEFAULT) > 0)) {
    rc = read_weights_row(f, (size_t)row, c);
    snprintf(c->group, sizeof c->group, "/weights[%ld]", row);
    c->epoch = found;
  } else {
    ckpt_search s = {epoch, -1, ""};
    H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit, &s, H5O_INFO_BASIC);
    if (s.best[0]) {
      snprintf(c->group, sizeof c->group, "%s", s.best);
      c->epoch = s.best_epoch;
      samlab_in_attr_str(f, c->group, "model", c->model, sizeof c->model);
      rc = read_group_w(f, c);
    }
  }
  H5Fclose(f);
  if (rc != 0) {
    if (epoch >= 0)
      snprintf(err, errlen, "'%s' has no checkpoint of epoch %ld", path, epoch);
    else
      snprintf(err, errlen, "'%s' holds no network checkpoint (/weights or a group with epoch, model and w)", path);
    return -1;
  }
  if (!c->model[0]) {
    free(c->w);
    c->w = NULL;
    snprintf(err, errlen, "'%s' does not say which model its weights belong to (no model attribute)", path);
    return -1;
  }
  return 0;
}

samlab_problem *samlab_checkpoint_net(const samlab_checkpoint *c, const samlab_dataset *train, char *err,
                                      size_t errlen)
{
  char hidden[128] = "";
  const char *model;
  if (strncmp(c->model, "fcn ", 4) == 0) {
    /* "fcn 784-500-500-10": the sizes between the first and the last are the hidden layers */
    const char *first = strchr(c->model + 4, '-'), *last = strrchr(c->model, '-');
    if (!first || first == last) {
      snprintf(err, errlen, "checkpoint model '%s' has no hidden layers samlab can rebuild", c->model);
      return NULL;
    }
    size_t len = (size_t)(last - first - 1);
    if (len >= sizeof hidden)
      len = sizeof hidden - 1;
    memcpy(hidden, first + 1, len);
    hidden[len] = 0;
    for (char *h = hidden; *h; h++)
      if (*h == '-')
        *h = ',';
    model = "fcn";
  } else if (strncmp(c->model, "lenet", 5) == 0) {
    model = "lenet";
  } else {
    snprintf(err, errlen, "checkpoint model '%s' is not a network samlab knows (fcn, lenet)", c->model);
    return NULL;
  }
  samlab_problem *net = samlab_net_create(model, hidden[0] ? hidden : NULL, train, err, errlen);
  if (!net)
    return NULL;
  if (net->dim != c->dim || strcmp(samlab_net_describe(net), c->model) != 0) {
    snprintf(err, errlen, "checkpoint of model '%s' (%zu weights) does not fit the data's network '%s' (%zu weights)",
             c->model, c->dim, samlab_net_describe(net), net->dim);
    samlab_problem_free(net);
    return NULL;
  }
  return net;
}
