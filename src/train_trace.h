/* The records of a training run as `samlab train` keeps and writes them (layout: docs/hdf5-train.md):
 * per step, per epoch, and weight snapshots.  Read back for --resume. */
#ifndef SAMLAB_TRAIN_TRACE_H
#define SAMLAB_TRAIN_TRACE_H
#include "samlab.h"

typedef struct train_trace {
  size_t dim;
  int geometry;  /* record grad_ratio and cos_g_gs */
  int scheduled; /* record rho (a --rho-schedule other than constant); set after train_trace_init */
  long nsteps, cap_steps;
  double *loss, *grad_norm2, *lr, *grad_ratio, *cos_g_gs, *rho;
  uint8_t *sam_used;
  long nepochs, cap_epochs;
  samlab_epoch_stats *epoch;
  double *grad_check; /* per epoch, NAN without --check-grad */
  int hessian;        /* record hessian_top and hessian_trace (--track-hessian) */
  double *hessian_top, *hessian_trace; /* per epoch, NAN where not measured */
  long nweights, cap_weights;
  double *weights;         /* nweights x dim snapshots */
  int64_t *weights_epoch;  /* the epoch of each snapshot (0 = initial weights) */
} train_trace;

/* Capacity for the whole planned run; 0 or -1 (out of memory). */
int train_trace_init(train_trace *tr, size_t dim, int geometry, long steps, long epochs, long snapshots);
void train_trace_free(train_trace *tr);
void train_trace_step(train_trace *tr, const samlab_step_info *info, double lr, double rho);
void train_trace_epoch(train_trace *tr, const samlab_epoch_stats *s, double grad_check);
void train_trace_weights(train_trace *tr, long epoch, const double *w);
/* The Hessian's top eigenvalue and trace at the end of the last epoch recorded (--track-hessian). */
void train_trace_hessian(train_trace *tr, double top, double trace);
/* Datasets /step/..., /epoch/..., /weights, /weights_epoch into o; 0 or -1. */
int train_trace_write(const train_trace *tr, samlab_out *o);
/* Fills tr (initialised with enough capacity) from an open file; 0 or -1 with a message. */
int train_trace_read(train_trace *tr, hid_t file, char *err, size_t errlen);
/* The stored options of a run (dataset /args, fewer than TRAIN_MAX_ARGS) as a malloc'ed argv of malloc'ed strings;
 * count in *n; NULL if absent or damaged. */
#define TRAIN_MAX_ARGS 256
char **train_trace_read_args(hid_t file, int *n);
#endif
