/* A data set's normalisation in a result file: /normalize_mean and /normalize_std, one value per channel, so that
 * --resume and the analyses apply the very values the run used. */
#include <stdlib.h>
#include <string.h>
#include <hdf5_hl.h>
#include "samlab/io.h"

int samlab_out_normalization(hid_t file, const samlab_dataset *d)
{
  if (!d->norm_mean)
    return 0;
  hsize_t c = samlab_dataset_channels(d);
  return H5LTmake_dataset_double(file, "/normalize_mean", 1, &c, d->norm_mean) < 0 ||
                 H5LTmake_dataset_double(file, "/normalize_std", 1, &c, d->norm_std) < 0
             ? -1
             : 0;
}

int samlab_in_normalization(hid_t file, size_t channels, double *mean, double *std)
{
  int has_mean = H5Lexists(file, "/normalize_mean", H5P_DEFAULT) > 0;
  int has_std = H5Lexists(file, "/normalize_std", H5P_DEFAULT) > 0;
  if (!has_mean && !has_std)
    return 0;
  double *m = NULL, *s = NULL;
  int rank_m, rank_s;
  hsize_t dm[4], ds[4];
  int rc = samlab_in_f64(file, "/normalize_mean", &rank_m, dm, &m) == 0 &&
                   samlab_in_f64(file, "/normalize_std", &rank_s, ds, &s) == 0 && rank_m == 1 && rank_s == 1 &&
                   dm[0] == channels && ds[0] == channels
               ? 1
               : -1;
  if (rc == 1) {
    memcpy(mean, m, channels * sizeof *mean);
    memcpy(std, s, channels * sizeof *std);
  }
  free(m);
  free(s);
  return rc;
}
