/* HDF5 output: files written under a temporary name and renamed when complete, datasets, attributes and
 * the provenance (version, command line, rule, hyperparameters) every result carries. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hdf5_hl.h>
#include "samlab/vec.h"
#include "samlab/io.h"

void samlab_h5_quiet(void)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

samlab_out *samlab_out_create(const char *path, char *err, size_t errlen)
{
  samlab_h5_quiet();
  samlab_out *o = calloc(1, sizeof *o);
  if (!o || !(o->path = strdup(path))) {
    free(o);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (!(o->tmp = samlab_partial_begin(path, err, errlen))) {
    free(o->path);
    free(o);
    return NULL;
  }
  o->file = H5Fcreate(o->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (o->file < 0) {
    snprintf(err, errlen, "writing '%s' failed", path);
    samlab_partial_end(o->tmp, path, 0); /* H5Fcreate may have left an empty file */
    free(o->path);
    free(o);
    return NULL;
  }
  return o;
}

/* After a failed H5Fclose (disk full) HDF5 1.10 must not touch the file again: not even to close it at exit
 * (samlab's main calls H5dont_atexit for that); the partial file is removed all the same. */
static int out_close(samlab_out *o, int keep)
{
  int closed = H5Fclose(o->file) >= 0;
  int rc = samlab_partial_end(o->tmp, o->path, keep && closed);
  free(o->path);
  free(o);
  return closed ? rc : -1;
}

int samlab_out_commit(samlab_out *o)
{
  return out_close(o, 1);
}

void samlab_out_abort(samlab_out *o)
{
  if (o)
    out_close(o, 0);
}

int samlab_out_finish(samlab_out *o, int rc)
{
  int closed = out_close(o, rc == 0);
  return rc == 0 ? closed : -1;
}

hid_t samlab_in_open(const char *path, char *err, size_t errlen)
{
  samlab_h5_quiet();
  long pid = samlab_partial_pid(path);
  if (pid > 0) {
    snprintf(err, errlen, "'%s' is an unfinished file of process %ld, not a result", path, pid);
    return -1;
  }
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    snprintf(err, errlen, "cannot read '%s' as HDF5", path);
  return f;
}

int samlab_out_f64(samlab_out *o, const char *name, int rank, const hsize_t *dims, const double *data)
{
  return H5LTmake_dataset_double(o->file, name, rank, dims, data) < 0 ? -1 : 0;
}

int samlab_out_u8(samlab_out *o, const char *name, int rank, const hsize_t *dims, const uint8_t *data)
{
  return H5LTmake_dataset(o->file, name, rank, dims, H5T_NATIVE_UINT8, data) < 0 ? -1 : 0;
}

int samlab_out_i64(samlab_out *o, const char *name, int rank, const hsize_t *dims, const int64_t *data)
{
  return H5LTmake_dataset(o->file, name, rank, dims, H5T_NATIVE_INT64, data) < 0 ? -1 : 0;
}

/* Variable-length UTF-8 strings, which h5py reads as str. */
int samlab_out_strings(samlab_out *o, const char *name, size_t n, const char *const *strings)
{
  hsize_t dims[1] = {n};
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hid_t space = H5Screate_simple(1, dims, NULL);
  hid_t ds = H5Dcreate2(o->file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  int rc = ds < 0 || H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, strings) < 0 ? -1 : 0;
  if (ds >= 0)
    H5Dclose(ds);
  H5Sclose(space);
  H5Tclose(type);
  return rc;
}

int samlab_out_group(samlab_out *o, const char *name)
{
  hid_t g = H5Gcreate2(o->file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0)
    return -1;
  H5Gclose(g);
  return 0;
}

int samlab_attr_str(hid_t file, const char *obj, const char *name, const char *value)
{
  return H5LTset_attribute_string(file, obj, name, value) < 0 ? -1 : 0;
}

int samlab_attr_f64(hid_t file, const char *obj, const char *name, double value)
{
  return H5LTset_attribute_double(file, obj, name, &value, 1) < 0 ? -1 : 0;
}

int samlab_attr_i64(hid_t file, const char *obj, const char *name, int64_t value)
{
  long long v = value;
  return H5LTset_attribute_long_long(file, obj, name, &v, 1) < 0 ? -1 : 0;
}

int samlab_attr_provenance(hid_t file, const char *obj, int argc, char **argv, const samlab_rule_type *rule,
                           const samlab_base_type *base, const samlab_hparams *hp)
{
  int rc = samlab_attr_str(file, obj, "samlab_version", SAMLAB_VERSION);
  size_t len = 1;
  for (int i = 0; i < argc; i++)
    len += strlen(argv[i]) + 1;
  char *cmd = calloc(len, 1);
  if (!cmd)
    return -1;
  for (int i = 0; i < argc; i++) {
    strcat(cmd, argv[i]);
    if (i + 1 < argc)
      strcat(cmd, " ");
  }
  rc |= samlab_attr_str(file, obj, "command_line", cmd);
  free(cmd);
  if (rule)
    rc |= samlab_attr_str(file, obj, "rule", rule->name);
  if (base)
    rc |= samlab_attr_str(file, obj, "base", base->name);
  /* The rule's parameters with the shared and the base optimizer's (without a rule: every set one), by name. */
  const samlab_hparam_desc *params[SAMLAB_HPARAMS_MAX];
  size_t n = hp ? samlab_hparams_of(rule, base, params, SAMLAB_HPARAMS_MAX) : 0;
  for (size_t i = 0; i < n; i++) {
    const samlab_hparam_desc *d = params[i];
    double v = samlab_hparam_get(hp, d);
    char text[32];
    if (isnan(v))
      continue;
    if (d->kind == SAMLAB_HP_ASCENT || d->kind == SAMLAB_HP_RHO_SCHEDULE) {
      samlab_hparam_value_text(d, v, text, sizeof text);
      rc |= samlab_attr_str(file, obj, d->name, text);
    } else if (d->kind == SAMLAB_HP_RUN)
      rc |= samlab_attr_i64(file, obj, d->name, (int64_t)v);
    else
      rc |= samlab_attr_f64(file, obj, d->name, v);
  }
  return rc ? -1 : 0;
}

int samlab_in_f64(hid_t file, const char *name, int *rank, hsize_t dims[4], double **data)
{
  if (H5LTfind_dataset(file, name) <= 0 && H5Lexists(file, name, H5P_DEFAULT) <= 0)
    return -1;
  if (H5LTget_dataset_ndims(file, name, rank) < 0 || *rank > 4)
    return -1;
  for (int i = 0; i < 4; i++) /* a scalar reads as one element whatever dimension a caller looks at */
    dims[i] = 1;
  if (H5LTget_dataset_info(file, name, dims, NULL, NULL) < 0)
    return -1;
  size_t n = 1;
  for (int i = 0; i < *rank; i++)
    n *= dims[i];
  *data = malloc((n ? n : 1) * sizeof(double));
  if (!*data)
    return -1;
  int rc = samlab_in_read(file, name, H5T_NATIVE_DOUBLE, *data);
  if (rc != 0) {
    free(*data);
    *data = NULL;
  }
  return rc;
}

int samlab_in_vec(hid_t file, const char *name, double **data, hsize_t *n)
{
  int rank;
  hsize_t dims[4];
  *data = NULL;
  int rc = samlab_in_f64(file, name, &rank, dims, data);
  if (rc == 0 && rank != 1) {
    free(*data);
    *data = NULL;
    rc = -1;
  }
  if (rc == 0)
    *n = dims[0];
  return rc;
}

/* An attribute of one element, opened with its type; 0, or -1 (absent, or not a single element). */
typedef struct {
  hid_t a, type;
} attr_one;

static void attr_close(attr_one *h)
{
  if (h->type >= 0)
    H5Tclose(h->type);
  if (h->a >= 0)
    H5Aclose(h->a);
}

static int attr_open(hid_t file, const char *obj, const char *name, attr_one *h)
{
  h->a = h->type = -1;
  if (H5Aexists_by_name(file, obj, name, H5P_DEFAULT) <= 0)
    return -1;
  h->a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  hid_t space = h->a >= 0 ? H5Aget_space(h->a) : -1;
  int one = space >= 0 && H5Sget_simple_extent_npoints(space) == 1;
  if (space >= 0)
    H5Sclose(space);
  if (one && (h->type = H5Aget_type(h->a)) >= 0)
    return 0;
  attr_close(h);
  return -1;
}

/* One string, stored with a fixed length (samlab, h5py's numpy.bytes_; maybe without a terminating NUL) or a
 * variable length (h5py's str). */
int samlab_in_attr_str(hid_t file, const char *obj, const char *name, char *buf, size_t len)
{
  attr_one h;
  if (len == 0 || attr_open(file, obj, name, &h) != 0)
    return -1;
  char *text = NULL;
  int rc = -1;
  if (H5Tget_class(h.type) == H5T_STRING && H5Tis_variable_str(h.type) > 0) {
    if (H5Aread(h.a, h.type, &text) >= 0 && text && strlen(text) < len) {
      strcpy(buf, text);
      rc = 0;
    }
    H5free_memory(text);
  } else if (H5Tget_class(h.type) == H5T_STRING) {
    size_t size = H5Tget_size(h.type);
    if ((text = calloc(size + 1, 1)) && H5Aread(h.a, h.type, text) >= 0 && strlen(text) < len) {
      strcpy(buf, text);
      rc = 0;
    }
    free(text);
  }
  attr_close(&h);
  return rc;
}

/* One number (an integer or floating-point attribute of one element: fuzzing found arrays overflowing the
 * single value) into value of memory type mem. */
static int attr_number(hid_t file, const char *obj, const char *name, hid_t mem, void *value)
{
  attr_one h;
  if (attr_open(file, obj, name, &h) != 0)
    return -1;
  H5T_class_t cls = H5Tget_class(h.type);
  int rc = (cls == H5T_INTEGER || cls == H5T_FLOAT) && H5Aread(h.a, mem, value) >= 0 ? 0 : -1;
  attr_close(&h);
  return rc;
}

int samlab_in_attr_f64(hid_t file, const char *obj, const char *name, double *value)
{
  return attr_number(file, obj, name, H5T_NATIVE_DOUBLE, value);
}

int samlab_in_attr_i64(hid_t file, const char *obj, const char *name, long long *value)
{
  return attr_number(file, obj, name, H5T_NATIVE_LLONG, value);
}
