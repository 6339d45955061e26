/* Per-step, per-epoch and weight records of a training run, kept in memory for the whole planned run (no
 * allocation while training) and written whole at every checkpoint. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5_hl.h>
#include "train_trace.h"

int train_trace_init(train_trace *tr, size_t dim, int geometry, long steps, long epochs, long snapshots)
{
  memset(tr, 0, sizeof *tr);
  tr->dim = dim;
  tr->geometry = geometry;
  tr->cap_steps = steps;
  tr->cap_epochs = epochs;
  tr->cap_weights = snapshots;
  size_t S = (size_t)steps + 1, E = (size_t)epochs + 1, W = (size_t)snapshots + 1;
  tr->loss = malloc(S * sizeof(double));
  tr->grad_norm2 = malloc(S * sizeof(double));
  tr->lr = malloc(S * sizeof(double));
  tr->grad_ratio = malloc(S * sizeof(double));
  tr->cos_g_gs = malloc(S * sizeof(double));
  tr->rho = malloc(S * sizeof(double));
  tr->sam_used = malloc(S);
  tr->epoch = malloc(E * sizeof *tr->epoch);
  tr->grad_check = malloc(E * sizeof(double));
  tr->hessian_top = malloc(E * sizeof(double));
  tr->hessian_trace = malloc(E * sizeof(double));
  tr->weights = malloc(W * dim * sizeof(double));
  tr->weights_epoch = malloc(W * sizeof(int64_t));
  if (!tr->loss || !tr->grad_norm2 || !tr->lr || !tr->grad_ratio || !tr->cos_g_gs || !tr->rho || !tr->sam_used ||
      !tr->epoch || !tr->grad_check || !tr->hessian_top || !tr->hessian_trace || !tr->weights || !tr->weights_epoch) {
    train_trace_free(tr);
    return -1;
  }
  return 0;
}

void train_trace_free(train_trace *tr)
{
  free(tr->loss);
  free(tr->grad_norm2);
  free(tr->lr);
  free(tr->grad_ratio);
  free(tr->cos_g_gs);
  free(tr->rho);
  free(tr->sam_used);
  free(tr->epoch);
  free(tr->grad_check);
  free(tr->hessian_top);
  free(tr->hessian_trace);
  free(tr->weights);
  free(tr->weights_epoch);
  memset(tr, 0, sizeof *tr);
}

void train_trace_step(train_trace *tr, const samlab_step_info *info, double lr, double rho)
{
  if (tr->nsteps >= tr->cap_steps)
    return;
  long t = tr->nsteps++;
  tr->loss[t] = info->loss;
  tr->grad_norm2[t] = info->grad_norm * info->grad_norm;
  tr->lr[t] = lr;
  tr->rho[t] = rho;
  tr->sam_used[t] = (uint8_t)info->sam_used;
  tr->grad_ratio[t] = info->sam_used ? info->grad_norm / info->gs_norm : NAN;
  tr->cos_g_gs[t] = info->sam_used ? info->cos_g_gs : NAN;
}

void train_trace_epoch(train_trace *tr, const samlab_epoch_stats *s, double grad_check)
{
  if (tr->nepochs >= tr->cap_epochs)
    return;
  tr->grad_check[tr->nepochs] = grad_check;
  tr->hessian_top[tr->nepochs] = tr->hessian_trace[tr->nepochs] = NAN;
  tr->epoch[tr->nepochs++] = *s;
}

void train_trace_weights(train_trace *tr, long epoch, const double *w)
{
  if (tr->nweights >= tr->cap_weights)
    return;
  memcpy(tr->weights + (size_t)tr->nweights * tr->dim, w, tr->dim * sizeof *w);
  tr->weights_epoch[tr->nweights++] = epoch;
}

void train_trace_hessian(train_trace *tr, double top, double trace)
{
  if (tr->nepochs > 0) {
    tr->hessian_top[tr->nepochs - 1] = top;
    tr->hessian_trace[tr->nepochs - 1] = trace;
  }
}

#define EPOCH_FIELDS(X)                                                                                            \
  X(train_loss) X(train_acc) X(test_loss) X(test_acc) X(batch_loss) X(sam_fraction) X(seconds)

int train_trace_write(const train_trace *tr, samlab_out *o)
{
  int rc = samlab_out_group(o, "/step") | samlab_out_group(o, "/epoch");
  hsize_t S = (hsize_t)tr->nsteps, E = (hsize_t)tr->nepochs, W[2] = {(hsize_t)tr->nweights, tr->dim};
  rc |= samlab_out_f64(o, "/step/loss", 1, &S, tr->loss);
  rc |= samlab_out_f64(o, "/step/grad_norm2", 1, &S, tr->grad_norm2);
  rc |= samlab_out_f64(o, "/step/lr", 1, &S, tr->lr);
  rc |= samlab_out_u8(o, "/step/sam_used", 1, &S, tr->sam_used);
  if (tr->geometry) {
    rc |= samlab_out_f64(o, "/step/grad_ratio", 1, &S, tr->grad_ratio);
    rc |= samlab_out_f64(o, "/step/cos_g_gs", 1, &S, tr->cos_g_gs);
  }
  if (tr->scheduled)
    rc |= samlab_out_f64(o, "/step/rho", 1, &S, tr->rho);
  double *col = malloc(((size_t)E + 1) * sizeof *col);
  if (!col)
    return -1;
#define WRITE_FIELD(f)                                                                                             \
  for (hsize_t e = 0; e < E; e++)                                                                                  \
    col[e] = tr->epoch[e].f;                                                                                       \
  rc |= samlab_out_f64(o, "/epoch/" #f, 1, &E, col);
  EPOCH_FIELDS(WRITE_FIELD)
  free(col);
  rc |= samlab_out_f64(o, "/epoch/grad_check", 1, &E, tr->grad_check);
  if (tr->hessian) {
    rc |= samlab_out_f64(o, "/epoch/hessian_top", 1, &E, tr->hessian_top);
    rc |= samlab_out_f64(o, "/epoch/hessian_trace", 1, &E, tr->hessian_trace);
  }
  rc |= samlab_out_checked(o->file, "/weights", H5T_NATIVE_DOUBLE, 2, W, tr->weights);
  rc |= samlab_out_i64(o, "/weights_epoch", 1, W, tr->weights_epoch);
  return rc ? -1 : 0;
}

/* A 1-D dataset of at most cap elements; its length in *n. */
static int read_1d(hid_t file, const char *path, hid_t type, long cap, void *out, long *n)
{
  int rank;
  hsize_t dims[4];
  if (H5Lexists(file, path, H5P_DEFAULT) <= 0 || H5LTget_dataset_ndims(file, path, &rank) < 0 || rank != 1 ||
      H5LTget_dataset_info(file, path, dims, NULL, NULL) < 0 || (long)dims[0] > cap)
    return -1;
  *n = (long)dims[0];
  return dims[0] == 0 || H5LTread_dataset(file, path, type, out) >= 0 ? 0 : -1;
}

int train_trace_read(train_trace *tr, hid_t file, char *err, size_t errlen)
{
  long S, n, E, W;
  int rc = read_1d(file, "/step/loss", H5T_NATIVE_DOUBLE, tr->cap_steps, tr->loss, &S);
  rc = rc || read_1d(file, "/step/grad_norm2", H5T_NATIVE_DOUBLE, tr->cap_steps, tr->grad_norm2, &n) || n != S;
  rc = rc || read_1d(file, "/step/lr", H5T_NATIVE_DOUBLE, tr->cap_steps, tr->lr, &n) || n != S;
  rc = rc || read_1d(file, "/step/sam_used", H5T_NATIVE_UINT8, tr->cap_steps, tr->sam_used, &n) || n != S;
  if (!rc && tr->geometry) {
    /* A run resumed with --trace-geometry that lacked it before: NAN for the earlier steps. */
    if (read_1d(file, "/step/grad_ratio", H5T_NATIVE_DOUBLE, tr->cap_steps, tr->grad_ratio, &n) || n != S ||
        read_1d(file, "/step/cos_g_gs", H5T_NATIVE_DOUBLE, tr->cap_steps, tr->cos_g_gs, &n) || n != S)
      for (long t = 0; t < S; t++)
        tr->grad_ratio[t] = tr->cos_g_gs[t] = NAN;
  }
  if (!rc && tr->scheduled && (read_1d(file, "/step/rho", H5T_NATIVE_DOUBLE, tr->cap_steps, tr->rho, &n) || n != S))
    for (long t = 0; t < S; t++) /* a run resumed with a schedule that had none before */
      tr->rho[t] = NAN;
  double *col = malloc(((size_t)tr->cap_epochs + 1) * sizeof *col);
  rc = rc || !col || read_1d(file, "/epoch/grad_check", H5T_NATIVE_DOUBLE, tr->cap_epochs, tr->grad_check, &E);
#define READ_FIELD(f)                                                                                              \
  rc = rc || read_1d(file, "/epoch/" #f, H5T_NATIVE_DOUBLE, tr->cap_epochs, col, &n) || n != E;                    \
  for (long e = 0; !rc && e < E; e++)                                                                              \
    tr->epoch[e].f = col[e];
  EPOCH_FIELDS(READ_FIELD)
  free(col);
  if (!rc && tr->hessian) {
    /* A run resumed with --track-hessian that lacked it before: NAN for the earlier epochs. */
    if (read_1d(file, "/epoch/hessian_top", H5T_NATIVE_DOUBLE, tr->cap_epochs, tr->hessian_top, &n) || n != E ||
        read_1d(file, "/epoch/hessian_trace", H5T_NATIVE_DOUBLE, tr->cap_epochs, tr->hessian_trace, &n) || n != E)
      for (long e = 0; e < E; e++)
        tr->hessian_top[e] = tr->hessian_trace[e] = NAN;
  }
  rc = rc || read_1d(file, "/weights_epoch", H5T_NATIVE_INT64, tr->cap_weights, tr->weights_epoch, &W);
  if (!rc) {
    int rank;
    hsize_t dims[4];
    rc = H5LTget_dataset_ndims(file, "/weights", &rank) < 0 || rank != 2 ||
         H5LTget_dataset_info(file, "/weights", dims, NULL, NULL) < 0 || (long)dims[0] != W || dims[1] != tr->dim ||
         (W > 0 && H5LTread_dataset_double(file, "/weights", tr->weights) < 0);
  }
  if (rc) {
    snprintf(err, errlen, "its traces are damaged or longer than the run asked for");
    return -1;
  }
  tr->nsteps = S;
  tr->nepochs = E;
  tr->nweights = W;
  return 0;
}

/* The stored options of a run (dataset /args) as a malloc'ed argv; count in *n. */
char **train_trace_read_args(hid_t file, int *n)
{
  hid_t ds = H5Dopen2(file, "/args", H5P_DEFAULT);
  if (ds < 0)
    return NULL;
  hid_t space = H5Dget_space(ds);
  hssize_t count = H5Sget_simple_extent_npoints(space);
  char **out = NULL;
  if (count >= 0 && count < TRAIN_MAX_ARGS) {
    char **raw = calloc((size_t)count + 1, sizeof *raw);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    if (raw && H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0) {
      out = calloc((size_t)count + 1, sizeof *out);
      for (hssize_t i = 0; out && i < count; i++)
        out[i] = strdup(raw[i] ? raw[i] : "");
      H5Dvlen_reclaim(type, space, H5P_DEFAULT, raw);
      *n = (int)count;
    }
    free(raw);
    H5Tclose(type);
  }
  H5Sclose(space);
  H5Dclose(ds);
  return out;
}
