/* Datasets stored with HDF5's Fletcher-32 checksum (chunked), for what a flipped byte must not silently change:
 * checkpoints and weights.  Reading one whose checksum does not match fails and says so; the values read are
 * the values written, bit for bit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "samlab/io.h"

#define CHUNK_BYTES ((hsize_t)4 << 20)

int samlab_out_checked(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, const void *data)
{
  hsize_t chunk[4], points = 1;
  if (rank < 1 || rank > 4)
    return -1;
  for (int i = 0; i < rank; i++) {
    chunk[i] = 1;
    points *= dims[i];
  }
  /* each row of the last dimension in equal chunks of at most CHUNK_BYTES (a partly used last chunk would be
   * stored whole) */
  hsize_t row = dims[rank - 1], bytes = row * H5Tget_size(type), pieces = (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES;
  chunk[rank - 1] = pieces > 1 ? (row + pieces - 1) / pieces : row;
  hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
  /* an empty dataset cannot be chunked, and has nothing to check */
  int rc = space < 0 || dcpl < 0 || (points > 0 && (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_fletcher32(dcpl) < 0));
  hid_t ds = rc ? -1 : H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  rc = rc || ds < 0 || (points > 0 && H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0);
  if (ds >= 0)
    H5Dclose(ds);
  if (dcpl >= 0)
    H5Pclose(dcpl);
  if (space >= 0)
    H5Sclose(space);
  return rc ? -1 : 0;
}

static herr_t find_fletcher(unsigned n, const H5E_error2_t *e, void *found)
{
  if (e->desc && strstr(e->desc, "Fletcher32"))
    *(int *)found = 1;
  return 0;
}

int samlab_in_read(hid_t file, const char *name, hid_t type, void *out)
{
  hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  if (ds < 0)
    return -1;
  int found = 0;
  herr_t r = H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
  if (r < 0) /* before any other call clears HDF5's error stack */
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, find_fletcher, &found);
  H5Dclose(ds);
  return r >= 0 ? 0 : found ? -2 : -1;
}

void samlab_in_damaged(hid_t file, const char *name, char *err, size_t errlen)
{
  char path[1024] = "?";
  H5Fget_name(file, path, sizeof path);
  snprintf(err, errlen, "%s in '%s' does not match its checksum (the file is damaged)", name, path);
}

typedef struct {
  char *err;
  size_t errlen;
  int rc;
} verify_state;

static herr_t verify_one(hid_t file, const char *name, const H5O_info_t *info, void *data)
{
  verify_state *v = data;
  if (info->type != H5O_TYPE_DATASET)
    return 0;
  hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
  if (ds < 0)
    return 0;
  hid_t dcpl = H5Dget_create_plist(ds), type = H5Dget_type(ds), space = H5Dget_space(ds);
  unsigned flags, config;
  size_t nvalues = 0;
  int checked = dcpl >= 0 && H5Pget_filter_by_id2(dcpl, H5Z_FILTER_FLETCHER32, &flags, &nvalues, NULL, 0, NULL,
                                                    &config) >= 0;
  hssize_t points = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  size_t size = type >= 0 ? H5Tget_size(type) : 0;
  if (dcpl >= 0)
    H5Pclose(dcpl);
  if (space >= 0)
    H5Sclose(space);
  H5Dclose(ds);
  void *buf = checked && points > 0 && size > 0 ? malloc((size_t)points * size) : NULL;
  if (buf) {
    char full[1024];
    snprintf(full, sizeof full, "/%s", name);
    if (samlab_in_read(file, full, type, buf) == -2) {
      samlab_in_damaged(file, full, v->err, v->errlen);
      v->rc = -1;
    }
    free(buf);
  }
  if (type >= 0)
    H5Tclose(type);
  return v->rc; /* stop at the first damaged dataset */
}

int samlab_in_verify(hid_t file, char *err, size_t errlen)
{
  verify_state v = {err, errlen, 0};
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, verify_one, &v, H5O_INFO_BASIC);
  return v.rc;
}
