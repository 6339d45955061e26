/* h5ops FILE.h5 > SEED: the description of an HDF5 file in the byte format of fuzz/h5gen.h, to seed the HDF5
 * fuzzers with real samlab files (datasets of more than H5GEN_MAX_POINTS elements and ranks above 2 are left
 * out). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include "h5gen.h"

static void put(int c)
{
  putchar(c & 255);
}

static void literal(const char *s)
{
  size_t n = strlen(s) > 200 ? 200 : strlen(s);
  put((int)n);
  fwrite(s, 1, n, stdout);
}

/* A vocabulary entry's index, or a literal (h5gen.h). */
static void word(const char *s, const char *const *vocab, size_t n, unsigned literal_from)
{
  for (size_t i = 0; i < n && i < literal_from; i++)
    if (strcmp(s, vocab[i]) == 0) {
      put((int)i);
      return;
    }
  put((int)literal_from);
  literal(s);
}

static void name_of(const char *s)
{
  word(s, h5gen_names, h5gen_nnames, H5GEN_LITERAL_NAME);
}

static void value_of(const char *s)
{
  word(s, h5gen_values, h5gen_nvalues, H5GEN_LITERAL_VALUE);
}

/* How an object's values are described: the h5gen type (or -1: not describable) and the memory type to read. */
static int gen_type(hid_t type, hid_t *mem)
{
  H5T_class_t cls = H5Tget_class(type);
  size_t size = H5Tget_size(type);
  *mem = -1;
  if (cls == H5T_FLOAT) {
    *mem = size == 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
    return size == 4 ? H5GEN_F32 : H5GEN_F64;
  }
  if (cls == H5T_INTEGER) {
    int sign = H5Tget_sign(type) == H5T_SGN_2;
    int t = size == 1 && !sign ? H5GEN_U8 : size == 4 && sign ? H5GEN_I32 : sign ? H5GEN_I64 : H5GEN_U64;
    *mem = t == H5GEN_U8 ? H5T_NATIVE_UINT8 : t == H5GEN_I32 ? H5T_NATIVE_INT32 : t == H5GEN_I64 ? H5T_NATIVE_INT64
                                                                                              : H5T_NATIVE_UINT64;
    return t;
  }
  if (cls == H5T_STRING)
    return H5Tis_variable_str(type) > 0 ? H5GEN_VLEN_STR : H5GEN_FIXED_STR;
  return -1;
}

/* One op: code, name, then the type, shape and values of a dataset (is_attr 0) or an attribute. */
static void emit(int code, const char *name, hid_t obj, int is_attr, int checked)
{
  hid_t type = is_attr ? H5Aget_type(obj) : H5Dget_type(obj), space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
  int rank = H5Sget_simple_extent_ndims(space);
  hsize_t dims[2] = {1, 1}, points = (hsize_t)H5Sget_simple_extent_npoints(space);
  hid_t mem;
  int t = gen_type(type, &mem);
  if (t < 0 || rank < 0 || rank > 2 || points > H5GEN_MAX_POINTS || H5Sget_simple_extent_dims(space, dims, NULL) < 0)
    goto done;
  put(code);
  name_of(name);
  int nullpad = t == H5GEN_FIXED_STR && H5Tget_strpad(type) == H5T_STR_NULLPAD;
  put(t | (checked ? H5GEN_CHECKSUM : 0) | (nullpad ? 64 : 0));
  put(rank);
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 255) {
      put((int)dims[i]);
    } else {
      hsize_t rest = dims[i] - 255 > 65535 ? 65535 : dims[i] - 255;
      put(255), put((int)(rest >> 8)), put((int)rest);
    }
  }
  if (t == H5GEN_VLEN_STR || t == H5GEN_FIXED_STR) {
    size_t size = H5Tget_size(type);
    char **v = calloc(points + 1, sizeof *v), *fixed = calloc(points + 1, size + 1);
    hid_t m = H5Tcopy(type);
    int ok = t == H5GEN_VLEN_STR ? (is_attr ? H5Aread(obj, m, v) : H5Dread(obj, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, v))
                                 : (is_attr ? H5Aread(obj, m, fixed)
                                            : H5Dread(obj, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, fixed));
    for (hsize_t i = 0; i < points; i++) {
      char one[256] = "";
      if (ok >= 0 && t == H5GEN_VLEN_STR && v[i])
        snprintf(one, sizeof one, "%s", v[i]);
      else if (ok >= 0 && t == H5GEN_FIXED_STR)
        snprintf(one, sizeof one, "%.*s", (int)size, fixed + i * size);
      value_of(one);
    }
    if (ok >= 0 && t == H5GEN_VLEN_STR)
      H5Dvlen_reclaim(m, space, H5P_DEFAULT, v);
    H5Tclose(m);
    free(v);
    free(fixed);
  } else {
    size_t size = H5Tget_size(mem);
    unsigned char *buf = calloc(points + 1, size);
    if (is_attr)
      H5Aread(obj, mem, buf);
    else
      H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    fwrite(buf, size, points, stdout);
    free(buf);
  }
done:
  H5Tclose(type);
  H5Sclose(space);
}

static herr_t attr_op(hid_t loc, const char *name, const H5A_info_t *info, void *code)
{
  hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
  emit(*(int *)code, name, a, 1, 0);
  H5Aclose(a);
  return 0;
}

static herr_t object_op(hid_t file, const char *name, const H5O_info_t *info, void *unused)
{
  char path[1024];
  snprintf(path, sizeof path, "/%s", name);
  int code = strcmp(name, ".") == 0 ? 2 : 3;
  hid_t obj = -1;
  if (code == 3 && info->type == H5O_TYPE_GROUP) {
    put(0);
    name_of(path);
    obj = H5Gopen2(file, path, H5P_DEFAULT);
  } else if (code == 3 && info->type == H5O_TYPE_DATASET) {
    obj = H5Dopen2(file, path, H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(obj);
    unsigned flags, config;
    size_t n = 0;
    int checked = H5Pget_filter_by_id2(dcpl, H5Z_FILTER_FLETCHER32, &flags, &n, NULL, 0, NULL, &config) >= 0;
    H5Pclose(dcpl);
    emit(1, path, obj, 0, checked);
  } else if (code == 2) {
    obj = H5Gopen2(file, "/", H5P_DEFAULT);
  }
  if (obj >= 0) {
    hsize_t idx = 0;
    H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_op, &code);
    H5Oclose(obj);
  }
  return 0;
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: h5ops FILE.h5 > SEED\n");
    return 2;
  }
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    fprintf(stderr, "h5ops: cannot read '%s' as HDF5\n", argv[1]);
    return 2;
  }
  H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, object_op, NULL, H5O_INFO_BASIC);
  H5Fclose(f);
  return 0;
}
