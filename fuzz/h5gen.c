/* HDF5 files from bytes (the format is in fuzz/h5gen.h): the vocabulary samlab reads, and the writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "samlab/io.h"
#include "fuzz.h"
#include "h5gen.h"

/* Every dataset, group and attribute name samlab's readers look for. */
const char *const h5gen_names[] = {
    "/alpha", "/args", "/beta", "/bound", "/check", "/checkpoint", "/claim", "/density", "/density/grid",
    "/density/nodes", "/density/values", "/density/weights", "/direction", "/direction2", "/distance",
    "/distance_hardt", "/diverged", "/endpoints", "/epoch", "/epoch/batch_loss", "/epoch/seconds",
    "/epoch/grad_check", "/epoch/sam_fraction", "/epoch/test_acc", "/epoch/test_loss", "/epoch/train_acc",
    "/epoch/train_loss", "/eps", "/exact", "/exact/eigenvalues", "/expect_hold", "/gen_gap_acc", "/gen_gap_loss",
    "/grad_norm", "/histogram", "/histogram/counts", "/histogram/edges", "/histogram/fitted", "/holds", "/lanczos",
    "/lanczos/eigenvalues", "/loss", "/lower", "/lr", "/mean_cos", "/measured", "/note", "/ok", "/outcome_names",
    "/outcomes", "/over_training", "/over_training/epoch", "/over_training/full_norm2", "/over_training/mean_norm2",
    "/over_training/variance", "/power", "/power/eigenvalues", "/premises", "/qq", "/qq/sorted", "/qq/theoretical",
    "/rho", "/rules", "/run_outcome", "/sam_used", "/samples", "/setting", "/starts", "/step", "/step/cos_g_gs",
    "/step/grad_norm2", "/step/grad_ratio", "/step/loss", "/step/lr", "/step/sam_used", "/success_rate", "/test_acc",
    "/test_loss", "/trace", "/trace/grad_norm2", "/trace/mu", "/trace/sam_replayed", "/trace/sam_used",
    "/trace/samples", "/trace/sd", "/trace/threshold", "/train_acc", "/train_loss", "/trajectory", "/variants",
    "/verdict", "/w", "/weights", "/weights_epoch", "/checkpoint/w", "/checkpoint/rule_state",
    "/checkpoint/order_rng", "/checkpoint/order", "/lanczos/vectors", "/power/vectors", "acc_loss", "acc_sam",
    "acc_seconds", "ad_p", "all_ok", "base", "batch", "batches", "blas_core", "blowup", "box", "data", "delta", "dim",
    "direction_norm", "distance", "diverged", "epoch", "epochs", "epochs_done", "estimate", "examples", "fast_rules",
    "fd_check_h", "fd_check_rel_error", "file", "fit_a0", "fit_a1", "fit_a2", "fit_r2", "fixed", "full_grad_norm2",
    "full_gradient", "function", "gamma", "grad_variance", "hvps", "init", "interrupted", "k", "keep_endpoints",
    "kind", "label_noise", "label_noise_changed", "label_noise_method", "lambda1", "lambda2", "lambda_max",
    "lanczos_converged", "lanczos_steps", "loss", "loss0", "lr", "lr0", "lr_count", "lr_max", "lr_min", "lr_scale",
    "mean", "merged_from", "method", "mode", "model", "normality_test", "ntrain", "pos", "precision", "probes",
    "problem", "proj", "qq_r", "quick", "removed", "replaced", "rho", "rule", "rules", "runs_begin", "runs_end",
    "sam_fraction_measured", "sam_fraction_predicted", "sam_fraction_replayed", "schedule", "sd", "seed",
    "shard_count", "shard_index", "sigma", "starts", "stderr", "step", "steps", "steps_per_epoch", "subject",
    "success_definition", "test_size", "threads", "tol", "total_steps", "toy_options", "train_size", "twin_sets",
    "twin_size", "vectors", "samlab_version", "command_line", "ascent", "momentum",};
const size_t h5gen_nnames = sizeof h5gen_names / sizeof h5gen_names[0];
/* String values they compare with. */
const char *const h5gen_values[] = {
    "toy", "sweep", "train", "hessian", "gradnorm", "slice", "stability", "decompose", "bounds", "fcn", "lenet",
    "fcn 784-500-500-10", "fcn 144-16-10", "lenet 28x28", "sgd", "sam", "stablesam", "asam", "gsam", "looksam",
    "periodic-sam", "random-sam", "ae-sam", "ae-looksam", "fsam", "infosam", "vasso", "fishersam", "linf-sam",
    "l1-sam", "nsupport-sam", "wsam", "coupled-wsam", "sgdm", "adam", "adamw", "quartic", "wsam-kl", "quadratic",
    "rosenbrock", "infosam-amd", "asym-valley", "lsq", "logreg", "fashion-mnist", "mnist", "constant", "cosine",
    "step", "log", "linear", "raw", "normalized", "lanczos", "power", "both", "random", "top", "success", "saddle",
    "diverged", "other", "--model", "--hidden", "16", "--rule", "--base", "--epochs", "2", "--batch", "32", "--lr",
    "0.05", "--rho", "--out", "x.h5", "--data-dir", "--train-size", "100", "--seed", "1", "--weights-every", "0",
    "--trace-geometry", "--train-images", "diag=1,10", "dim=1;noise=0.5", "A=2,1,1,3;b=1,2", "-2,2", "0.1",};
const size_t h5gen_nvalues = sizeof h5gen_values / sizeof h5gen_values[0];

typedef struct {
  const uint8_t *p;
  size_t n, at;
} bytes_in;

static unsigned next(bytes_in *b)
{
  return b->at < b->n ? b->p[b->at++] : 0;
}

/* A vocabulary entry or a literal (see h5gen.h) into buf[256]. */
static void text(bytes_in *b, unsigned literal_from, const char *const *vocab, size_t nvocab, char *buf)
{
  unsigned c = next(b);
  if (c < literal_from) {
    snprintf(buf, 256, "%s", vocab[c % nvocab]);
    return;
  }
  unsigned len = next(b);
  len = len > 200 ? 200 : len;
  for (unsigned i = 0; i < len; i++)
    buf[i] = (char)next(b);
  buf[len] = 0;
}

static hid_t number_type(int t)
{
  switch (t) {
  case H5GEN_F64:
    return H5T_NATIVE_DOUBLE;
  case H5GEN_I64:
    return H5T_NATIVE_INT64;
  case H5GEN_U8:
    return H5T_NATIVE_UINT8;
  case H5GEN_F32:
    return H5T_NATIVE_FLOAT;
  case H5GEN_I32:
    return H5T_NATIVE_INT32;
  default:
    return H5T_NATIVE_UINT64;
  }
}

/* One dataset or attribute: type, shape and payload from b; created at name under loc (attr: as an attribute). */
static hid_t make_object(bytes_in *b, hid_t file, hid_t loc, const char *name, int attr, hid_t lcpl)
{
  unsigned t = next(b), kind = t % 8, rank = next(b) % 3;
  hsize_t dims[2] = {1, 1}, points = 1;
  for (unsigned i = 0; i < rank; i++) {
    dims[i] = next(b);
    if (dims[i] == 255)
      dims[i] += (hsize_t)next(b) << 8 | next(b);
  }
  for (;;) { /* at most H5GEN_MAX_POINTS: halve the larger dimension */
    points = rank == 0 ? 1 : rank == 1 ? dims[0] : dims[0] * dims[1];
    if (points <= H5GEN_MAX_POINTS)
      break;
    dims[rank == 2 && dims[1] > dims[0]] /= 2;
  }
  int is_str = kind == H5GEN_FIXED_STR || kind == H5GEN_VLEN_STR;
  hid_t type = -1, space = rank ? H5Screate_simple((int)rank, dims, NULL) : H5Screate(H5S_SCALAR), obj = -1;
  void *buf = NULL;
  char **strs = NULL;
  size_t longest = 1;
  if (is_str) {
    strs = calloc((size_t)points + 1, sizeof *strs);
    for (hsize_t i = 0; strs && i < points; i++) {
      char v[256];
      text(b, H5GEN_LITERAL_VALUE, h5gen_values, h5gen_nvalues, v);
      strs[i] = strdup(v);
      if (strs[i] && strlen(v) + 1 > longest)
        longest = strlen(v) + 1;
    }
    type = H5Tcopy(H5T_C_S1);
    if (kind == H5GEN_VLEN_STR) {
      H5Tset_size(type, H5T_VARIABLE);
      buf = strs;
    } else { /* t & 64: exactly as long as the longest, no terminating NUL (numpy.bytes_) */
      size_t size = t & 64 ? (longest > 1 ? longest - 1 : 1) : longest;
      H5Tset_size(type, size);
      H5Tset_strpad(type, t & 64 ? H5T_STR_NULLPAD : H5T_STR_NULLTERM);
      buf = calloc((size_t)points + 1, size);
      for (hsize_t i = 0; buf && i < points; i++)
        if (strs && strs[i])
          memcpy((char *)buf + i * size, strs[i], strlen(strs[i]) < size ? strlen(strs[i]) : size);
    }
  } else {
    type = H5Tcopy(number_type((int)kind));
    size_t size = H5Tget_size(type);
    buf = calloc((size_t)points + 1, size);
    for (size_t i = 0; buf && i < (size_t)points * size; i++)
      ((uint8_t *)buf)[i] = (uint8_t)next(b);
  }
  if (buf && space >= 0 && type >= 0) {
    if (attr) {
      obj = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
      if (obj >= 0 && points > 0)
        H5Awrite(obj, type, buf);
    } else if ((t & H5GEN_CHECKSUM) && !is_str && rank > 0) {
      if (samlab_out_checked(file, name, type, (int)rank, dims, buf) == 0)
        obj = H5Dopen2(file, name, H5P_DEFAULT);
    } else {
      obj = H5Dcreate2(file, name, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
      if (obj >= 0 && points > 0)
        H5Dwrite(obj, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    }
  }
  if (strs) {
    for (hsize_t i = 0; i < points; i++)
      free(strs[i]);
    free(strs);
  }
  if (buf != strs)
    free(buf);
  if (type >= 0)
    H5Tclose(type);
  if (space >= 0)
    H5Sclose(space);
  return obj;
}

static void close_object(hid_t id)
{
  if (id < 0)
    return;
  switch (H5Iget_type(id)) {
  case H5I_GROUP:
    H5Gclose(id);
    break;
  case H5I_DATASET:
    H5Dclose(id);
    break;
  case H5I_ATTR:
    H5Aclose(id);
    break;
  default:
    break;
  }
}

int fuzz_h5_write(const char *path, const uint8_t *data, size_t size)
{
  samlab_h5_quiet();
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0)
    return -1;
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE), last = -1;
  H5Pset_create_intermediate_group(lcpl, 1);
  bytes_in b = {data, size, 0};
  for (int ops = 0; b.at < b.n && ops < 4096; ops++) {
    unsigned code = next(&b) % 4;
    char name[256];
    text(&b, H5GEN_LITERAL_NAME, h5gen_names, h5gen_nnames, name);
    if (code == 0) {
      hid_t g = H5Gcreate2(file, name, lcpl, H5P_DEFAULT, H5P_DEFAULT);
      if (g >= 0) {
        close_object(last);
        last = g;
      }
    } else if (code == 1) {
      hid_t d = make_object(&b, file, file, name, 0, lcpl);
      if (d >= 0) {
        close_object(last);
        last = d;
      }
    } else {
      hid_t a = make_object(&b, file, code == 3 && last >= 0 ? last : file, name, 1, lcpl);
      close_object(a);
    }
  }
  close_object(last);
  H5Pclose(lcpl);
  return H5Fclose(file) < 0 ? -1 : 0;
}
