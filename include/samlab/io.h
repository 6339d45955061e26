/* samlab/io.h: results as HDF5 files, the one public header that includes hdf5.h. */
#ifndef SAMLAB_IO_H
#define SAMLAB_IO_H
#include <stddef.h>
#include <stdint.h>
#include <hdf5.h>
#include "samlab/rule.h"
#include "samlab/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A file written under a temporary name and renamed into place by samlab_out_commit, so that a failed or
 * interrupted run leaves no half-written file at the final path. */
typedef struct samlab_out {
  hid_t file;
  char *path, *tmp;
} samlab_out;

samlab_out *samlab_out_create(const char *path, char *err, size_t errlen);
int samlab_out_commit(samlab_out *o);  /* close and rename; frees o; 0 or -1 */
void samlab_out_abort(samlab_out *o);  /* close and delete; frees o */
/* Datasets (name may contain groups that already exist); dims has rank entries. */
int samlab_out_f64(samlab_out *o, const char *name, int rank, const hsize_t *dims, const double *data);
int samlab_out_u8(samlab_out *o, const char *name, int rank, const hsize_t *dims, const uint8_t *data);
int samlab_out_i64(samlab_out *o, const char *name, int rank, const hsize_t *dims, const int64_t *data);
int samlab_out_strings(samlab_out *o, const char *name, size_t n, const char *const *strings);
int samlab_out_group(samlab_out *o, const char *name);
/* Attributes on an object (path "/" for the root). */
int samlab_attr_str(hid_t file, const char *obj, const char *name, const char *value);
int samlab_attr_f64(hid_t file, const char *obj, const char *name, double value);
int samlab_attr_i64(hid_t file, const char *obj, const char *name, int64_t value);
/* The provenance every result carries: samlab version, command line, rule, base and the hyperparameters that
 * rule takes over that base (samlab_hparams_of: its own, the shared ones, the base optimizer's; without a rule,
 * every one that is set); unset ones are skipped.  rule/base may be NULL. */
int samlab_attr_provenance(hid_t file, const char *obj, int argc, char **argv, const samlab_rule_type *rule,
                           const samlab_base_type *base, const samlab_hparams *hp);
/* Reading back (for plot, resume, merge): 0 ok, -1 missing. *data malloc'ed; dims up to 4. */
int samlab_in_f64(hid_t file, const char *name, int *rank, hsize_t dims[4], double **data);
int samlab_in_attr_str(hid_t file, const char *obj, const char *name, char *buf, size_t len);
int samlab_in_attr_f64(hid_t file, const char *obj, const char *name, double *value);
/* HDF5 prints error stacks by default; samlab reports its own one-line errors instead. */
void samlab_h5_quiet(void);

/* Everything needed to continue bit for bit (w, rule state, batch-order RNG and order, counters) under the
 * group path (created by save) of an open HDF5 file.  0, or -1 (load: with a message if it does not fit). */
int samlab_trainer_save(const samlab_trainer *t, hid_t file, const char *group);
int samlab_trainer_load(samlab_trainer *t, hid_t file, const char *group, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
