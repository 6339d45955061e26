/* Writing the datasets of a sweep file; the layout is documented in docs/hdf5-sweep.md. */
#include <math.h>
#include "sweep_io.h"

/* No modification times in object headers: the same sweep writes the same bytes (MPI and shards tests). */
static int put(hid_t file, const char *name, hid_t type, int rank, const hsize_t *dims, const void *data)
{
  hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl, 0);
  hid_t ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  int rc = ds < 0 || H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0 ? -1 : 0;
  if (ds >= 0)
    H5Dclose(ds);
  H5Pclose(dcpl);
  H5Sclose(space);
  return rc;
}

static int put_strings(hid_t file, const char *name, size_t n, const char *const *s)
{
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hsize_t dims[1] = {n};
  int rc = put(file, name, type, 1, dims, s);
  H5Tclose(type);
  return rc;
}

int sweep_write_data(hid_t file, const sweep_data *d)
{
  hsize_t grid[5] = {d->nrules, d->nrho, d->nlr, SAMLAB_OUTCOME_COUNT, 0};
  hsize_t runs[5] = {d->nrules, d->nrho, d->nlr, d->nstarts, d->dim};
  hsize_t starts[2] = {d->nstarts, d->dim}, nrho = d->nrho, nlr = d->nlr;
  int rc = put(file, "/lr", H5T_NATIVE_DOUBLE, 1, &nlr, d->lr);
  rc |= put(file, "/rho", H5T_NATIVE_DOUBLE, 1, &nrho, d->rho);
  rc |= put_strings(file, "/rules", d->nrules, d->rules);
  rc |= put(file, "/success_rate", H5T_NATIVE_DOUBLE, 3, grid, d->success_rate);
  rc |= put(file, "/outcomes", H5T_NATIVE_INT64, 4, grid, d->counts);
  rc |= put_strings(file, "/outcome_names", SAMLAB_OUTCOME_COUNT, samlab_outcome_names);
  rc |= put(file, "/starts", H5T_NATIVE_DOUBLE, 2, starts, d->starts);
  if (d->run_outcome)
    rc |= put(file, "/run_outcome", H5T_NATIVE_UINT8, 4, runs, d->run_outcome);
  if (d->endpoints)
    rc |= put(file, "/endpoints", H5T_NATIVE_DOUBLE, 5, runs, d->endpoints);
  return rc;
}

void sweep_success_rate(size_t ngroups, const int64_t *counts, double *rate)
{
  for (size_t g = 0; g < ngroups; g++) {
    int64_t n = 0;
    for (int o = 0; o < SAMLAB_OUTCOME_COUNT; o++)
      n += counts[g * SAMLAB_OUTCOME_COUNT + o];
    rate[g] = n ? (double)counts[g * SAMLAB_OUTCOME_COUNT + SAMLAB_OUTCOME_SUCCESS] / (double)n : NAN;
  }
}
