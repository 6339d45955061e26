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

/* Output files are written as PATH.partial-PID (a "partial file") and renamed over PATH when complete, so that
 * a failed or interrupted run leaves no half-written file at PATH and never replaces what is not a regular file
 * (/dev/null, a FIFO, a directory).  lib/out_file.c. */
/* Whether path can be written: not an existing non-regular file, in a writable directory; 0, or -1 with a
 * one-line message naming path. */
int samlab_out_check(const char *path, char *err, size_t errlen);
/* Checks path, removes partial files of path whose process is gone (SIGKILL), and returns the malloc'ed
 * partial name to write to, registered for removal at exit and by samlab_partial_signal_handler; NULL with a
 * message if path cannot be written. */
char *samlab_partial_begin(const char *path, char *err, size_t errlen);
/* keep: rename tmp over path (checked again); else delete tmp.  Frees tmp; 0, or -1 if keeping failed (tmp
 * is then deleted). */
int samlab_partial_end(char *tmp, const char *path, int keep);
/* The PID in a partial file's name (NAME.partial-PID), or -1 if path is not one. */
long samlab_partial_pid(const char *path);
/* Deletes the partial files of this process; async-signal-safe. */
void samlab_partial_remove_all(void);
/* A signal handler: deletes the partial files, then dies of the signal. */
void samlab_partial_signal_handler(int sig);
/* Installs samlab_partial_signal_handler for SIGINT, SIGTERM and SIGHUP. */
void samlab_partial_cleanup_on_signals(void);
/* Installs handler for sig unless sig was ignored at start (nohup); 0, or -1 if left as it was. */
int samlab_catch_signal(int sig, void (*handler)(int));

/* An HDF5 output file written under its partial name. */
typedef struct samlab_out {
  hid_t file;
  char *path, *tmp;
} samlab_out;

samlab_out *samlab_out_create(const char *path, char *err, size_t errlen); /* NULL with a message */
int samlab_out_commit(samlab_out *o);  /* close and rename; frees o; 0 or -1 (the partial file is deleted) */
void samlab_out_abort(samlab_out *o);  /* close and delete; frees o */
/* Commit if rc (the writes' status) is 0, else abort; 0, or -1 when nothing was written. */
int samlab_out_finish(samlab_out *o, int rc);
/* A samlab file opened read-only; a negative id with a message if it is a partial file or not HDF5. */
hid_t samlab_in_open(const char *path, char *err, size_t errlen);
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
/* Datasets with HDF5's Fletcher-32 checksum (chunked), for checkpoints and weights: a flipped byte fails the
 * read instead of changing a value.  lib/checksum.c. */
int samlab_out_checked(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims, const void *data);
/* The whole dataset name in memory type type: 0, -1 (missing or unreadable), -2 (its checksum does not match). */
int samlab_in_read(hid_t file, const char *name, hid_t type, void *out);
/* The one-line message for a dataset whose checksum does not match, naming it and the file. */
void samlab_in_damaged(hid_t file, const char *name, char *err, size_t errlen);
/* Reads every checksummed dataset of the file: 0, or -1 with samlab_in_damaged's message for the first bad one. */
int samlab_in_verify(hid_t file, char *err, size_t errlen);
/* Reading back (for plot, resume, merge): 0 ok, -1 missing, -2 damaged (checksum). *data malloc'ed; dims up
 * to 4. */
int samlab_in_f64(hid_t file, const char *name, int *rank, hsize_t dims[4], double **data);
/* A 1-D dataset: 0 (*n its length), -1 (missing or of another rank), -2 (damaged). */
int samlab_in_vec(hid_t file, const char *name, double **data, hsize_t *n);
int samlab_in_attr_str(hid_t file, const char *obj, const char *name, char *buf, size_t len);
int samlab_in_attr_f64(hid_t file, const char *obj, const char *name, double *value);
int samlab_in_attr_i64(hid_t file, const char *obj, const char *name, long long *value);
/* HDF5 prints error stacks by default; samlab reports its own one-line errors instead. */
void samlab_h5_quiet(void);

/* A data set's per-channel normalisation as datasets /normalize_mean and /normalize_std (nothing when d is not
 * normalised): 0 or -1.  Reading: 1 with mean and std filled (channels entries), 0 when the file has none, -1
 * when they are damaged or not channels long. */
int samlab_out_normalization(hid_t file, const samlab_dataset *d);
int samlab_in_normalization(hid_t file, size_t channels, double *mean, double *std);

/* Everything needed to continue bit for bit (w, rule state, batch-order RNG and order, counters) under the
 * group path (created by save) of an open HDF5 file.  0, or -1 (load: with a message if it does not fit). */
int samlab_trainer_save(const samlab_trainer *t, hid_t file, const char *group);
int samlab_trainer_load(samlab_trainer *t, hid_t file, const char *group, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
