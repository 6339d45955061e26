/* Trainer checkpoints in HDF5: the weights, the rule's complete state, the batch-order RNG and permutation
 * and the counters, so that a resumed run repeats an uninterrupted one bit for bit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5_hl.h>
#include <gsl/gsl_rng.h>
#include "samlab/vec.h"
#include "samlab/io.h"
#include "train_impl.h"

/* Every dataset of a checkpoint carries a checksum (samlab_out_checked). */
static int make_1d(hid_t file, const char *path, hid_t type, size_t n, const void *data)
{
  hsize_t d = n;
  return samlab_out_checked(file, path, type, 1, &d, data) < 0 ? 1 : 0;
}

/* ---- augmentation (issue 13): the crop-flip stream's state, only when the run augments ---- */
static int augment_save(const samlab_trainer *t, hid_t file, const char *group)
{
  char path[512];
  if (!t->aug_rng)
    return 0;
  snprintf(path, sizeof path, "%s/augment_rng", group);
  return samlab_attr_str(file, group, "augment", samlab_augment_name(t->cfg.augment)) |
         make_1d(file, path, H5T_NATIVE_UINT8, gsl_rng_size(t->aug_rng), gsl_rng_state(t->aug_rng));
}

static int read_exact(hid_t file, const char *path, hid_t type, size_t n, void *out);

/* The stream's state into t (checked: the checkpoint augments as t does; no attribute: none). */
static int augment_load(samlab_trainer *t, hid_t file, const char *group, char *err, size_t errlen)
{
  char path[512], s[64] = "none";
  if (H5Aexists_by_name(file, group, "augment", H5P_DEFAULT) > 0)
    samlab_in_attr_str(file, group, "augment", s, sizeof s);
  if (strcmp(s, samlab_augment_name(t->cfg.augment)) != 0) {
    snprintf(err, errlen, "its checkpoint augments with %s, not %s", s, samlab_augment_name(t->cfg.augment));
    return -1;
  }
  if (!t->aug_rng)
    return 0;
  snprintf(path, sizeof path, "%s/augment_rng", group);
  if (read_exact(file, path, H5T_NATIVE_UINT8, gsl_rng_size(t->aug_rng), gsl_rng_state(t->aug_rng)) != 0) {
    snprintf(err, errlen, "its checkpoint is damaged (augmentation state missing or of the wrong size)");
    return -1;
  }
  return 0;
}

int samlab_trainer_save(const samlab_trainer *t, hid_t file, const char *group)
{
  char path[512];
  hid_t g = H5Gcreate2(file, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0)
    return -1;
  H5Gclose(g);
  int rc = 0;
  size_t n = t->train->n;
  snprintf(path, sizeof path, "%s/w", group);
  rc |= make_1d(file, path, H5T_NATIVE_DOUBLE, t->dim, t->w);
  size_t bytes = samlab_rule_state_bytes(t->rule);
  unsigned char *buf = malloc(bytes);
  if (!buf)
    return -1;
  samlab_rule_state_save(t->rule, buf);
  snprintf(path, sizeof path, "%s/rule_state", group);
  rc |= make_1d(file, path, H5T_NATIVE_UINT8, bytes, buf);
  free(buf);
  snprintf(path, sizeof path, "%s/order_rng", group);
  rc |= make_1d(file, path, H5T_NATIVE_UINT8, gsl_rng_size(t->rng), gsl_rng_state(t->rng));
  int64_t *order = malloc(n * sizeof *order);
  if (!order)
    return -1;
  for (size_t i = 0; i < n; i++)
    order[i] = (int64_t)t->order[i];
  snprintf(path, sizeof path, "%s/order", group);
  rc |= make_1d(file, path, H5T_NATIVE_INT64, n, order);
  free(order);
  rc |= samlab_attr_i64(file, group, "epoch", t->epoch);
  rc |= samlab_attr_i64(file, group, "step", t->step);
  rc |= samlab_attr_i64(file, group, "pos", t->pos);
  rc |= samlab_attr_i64(file, group, "acc_sam", t->acc_sam);
  rc |= samlab_attr_f64(file, group, "acc_loss", t->acc_loss);
  rc |= samlab_attr_f64(file, group, "acc_seconds", t->acc_seconds);
  rc |= samlab_attr_i64(file, group, "dim", (int64_t)t->dim);
  rc |= samlab_attr_i64(file, group, "ntrain", (int64_t)t->train->n);
  rc |= samlab_attr_i64(file, group, "batch", (int64_t)t->cfg.batch);
  rc |= samlab_attr_str(file, group, "rule", t->cfg.rule->name);
  rc |= samlab_attr_str(file, group, "base", t->cfg.base->name);
  rc |= samlab_attr_str(file, group, "model", samlab_net_describe(t->net));
  rc |= augment_save(t, file, group);
  return rc ? -1 : 0;
}

/* Reads a 1-D dataset of exactly n elements of the given memory type: 0, -1, or -2 (checksum). */
static int read_exact(hid_t file, const char *path, hid_t type, size_t n, void *out)
{
  int rank;
  hsize_t dims[4];
  if (H5Lexists(file, path, H5P_DEFAULT) <= 0 || H5LTget_dataset_ndims(file, path, &rank) < 0 || rank != 1 ||
      H5LTget_dataset_info(file, path, dims, NULL, NULL) < 0 || dims[0] != n)
    return -1;
  return n == 0 ? 0 : samlab_in_read(file, path, type, out);
}

int samlab_trainer_load(samlab_trainer *t, hid_t file, const char *group, char *err, size_t errlen)
{
  char path[512], s[256];
  long long epoch, step, pos, acc_sam, dim, ntrain, batch;
  double acc_loss, acc_seconds;
  if (H5Lexists(file, group, H5P_DEFAULT) <= 0 || samlab_in_attr_i64(file, group, "epoch", &epoch) ||
      samlab_in_attr_i64(file, group, "step", &step) || samlab_in_attr_i64(file, group, "pos", &pos) ||
      samlab_in_attr_i64(file, group, "acc_sam", &acc_sam) || samlab_in_attr_i64(file, group, "dim", &dim) ||
      samlab_in_attr_i64(file, group, "ntrain", &ntrain) || samlab_in_attr_i64(file, group, "batch", &batch) ||
      samlab_in_attr_f64(file, group, "acc_loss", &acc_loss) ||
      samlab_in_attr_f64(file, group, "acc_seconds", &acc_seconds)) {
    snprintf(err, errlen, "no trainer checkpoint in the file");
    return -1;
  }
  if (samlab_in_attr_str(file, group, "model", s, sizeof s) != 0 || strcmp(s, samlab_net_describe(t->net)) != 0 ||
      (size_t)dim != t->dim) {
    snprintf(err, errlen, "its checkpoint is of another model (%s, %lld weights), not %s", s, dim,
             samlab_net_describe(t->net));
    return -1;
  }
  if (samlab_in_attr_str(file, group, "rule", s, sizeof s) != 0 || strcmp(s, t->cfg.rule->name) != 0) {
    snprintf(err, errlen, "its checkpoint is of rule %s, not %s", s, t->cfg.rule->name);
    return -1;
  }
  if (samlab_in_attr_str(file, group, "base", s, sizeof s) != 0 || strcmp(s, t->cfg.base->name) != 0) {
    snprintf(err, errlen, "its checkpoint is of base optimizer %s, not %s", s, t->cfg.base->name);
    return -1;
  }
  if ((size_t)ntrain != t->train->n || (size_t)batch != t->cfg.batch) {
    snprintf(err, errlen, "its checkpoint has %lld training examples in batches of %lld, not %zu in %zu", ntrain,
             batch, t->train->n, t->cfg.batch);
    return -1;
  }
  if (augment_load(t, file, group, err, errlen) != 0)
    return -1;
  size_t bytes = samlab_rule_state_bytes(t->rule), n = t->train->n;
  unsigned char *buf = malloc(bytes);
  int64_t *order = malloc(n * sizeof *order);
  unsigned char *rng = malloc(gsl_rng_size(t->rng));
  double *w = malloc(t->dim * sizeof *w);
  const struct {
    const char *name;
    hid_t type;
    size_t n;
    void *out;
  } parts[] = {{"w", H5T_NATIVE_DOUBLE, t->dim, w},
               {"rule_state", H5T_NATIVE_UINT8, bytes, buf},
               {"order_rng", H5T_NATIVE_UINT8, gsl_rng_size(t->rng), rng},
               {"order", H5T_NATIVE_INT64, n, order}};
  int rc = !buf || !order || !rng || !w, damaged = 0;
  for (size_t k = 0; !rc && k < sizeof parts / sizeof parts[0]; k++) {
    snprintf(path, sizeof path, "%s/%s", group, parts[k].name);
    int got = read_exact(file, path, parts[k].type, parts[k].n, parts[k].out);
    damaged = got == -2;
    rc = got != 0;
  }
  for (size_t i = 0; !rc && i < n; i++)
    rc = order[i] < 0 || (size_t)order[i] >= n;
  if (!rc) {
    memcpy(t->w, w, t->dim * sizeof *w);
    samlab_rule_state_load(t->rule, buf);
    memcpy(gsl_rng_state(t->rng), rng, gsl_rng_size(t->rng));
    for (size_t i = 0; i < n; i++)
      t->order[i] = (size_t)order[i];
    t->epoch = epoch;
    t->step = step;
    t->pos = pos;
    t->acc_sam = acc_sam;
    t->acc_loss = acc_loss;
    t->acc_seconds = acc_seconds;
  } else if (damaged) {
    samlab_in_damaged(file, path, err, errlen);
  } else {
    snprintf(err, errlen, "its checkpoint is damaged (weights, rule state or batch order missing or of the wrong size)");
  }
  free(buf);
  free(order);
  free(rng);
  free(w);
  return rc ? -1 : 0;
}
