/* The HDF5 datasets of a sweep file (docs/hdf5-sweep.md), for samlab sweep and samlab merge, which must write
 * them identically.  Not part of the public header. */
#ifndef SAMLAB_SWEEP_IO_H
#define SAMLAB_SWEEP_IO_H
#include "samlab.h"

typedef struct sweep_data {
  size_t nrules, nrho, nlr, nstarts, dim;
  const char *const *rules;
  const double *rho, *lr, *starts; /* starts: nstarts x dim */
  const int64_t *counts;           /* (nrules, nrho, nlr, SAMLAB_OUTCOME_COUNT) */
  const double *success_rate;      /* (nrules, nrho, nlr) */
  const uint8_t *run_outcome;      /* (nrules, nrho, nlr, nstarts), or NULL */
  const double *endpoints;         /* (nrules, nrho, nlr, nstarts, dim), or NULL */
} sweep_data;

/* Writes every dataset (without modification times, so equal sweeps give equal files).  0 or -1. */
int sweep_write_data(hid_t file, const sweep_data *d);
/* success_rate[g] = counts[g][success] / runs (the runs of each group that were computed), NAN if none. */
void sweep_success_rate(size_t ngroups, const int64_t *counts, double *rate);
#endif
