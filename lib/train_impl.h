/* The trainer behind the opaque samlab_trainer of samlab/train.h (lib/train*.c only). */
#ifndef SAMLAB_TRAIN_IMPL_H
#define SAMLAB_TRAIN_IMPL_H
#include <gsl/gsl_rng.h>
#include "samlab/train.h"

struct samlab_trainer {
  samlab_problem *net;                /* not owned */
  const samlab_dataset *train, *test; /* not owned; test may be NULL */
  samlab_train_config cfg;            /* hp with the rule's defaults filled in */
  samlab_rule *rule;
  size_t dim;
  double *w;            /* current weights */
  long steps_per_epoch; /* ceil(n / batch) */
  long epoch;           /* epochs completed */
  long step;            /* steps taken in all */
  long pos;             /* steps taken in the current epoch */
  size_t *order;        /* the current epoch's example order (a seeded shuffle) */
  gsl_rng *rng;         /* batch order */
  double acc_loss, acc_seconds; /* the current epoch so far: sum of batch losses, step seconds */
  long acc_sam;                 /* and SAM steps */
  /* augmentation (cfg.augment): the batch's augmented copies, what the network reads during a step */
  samlab_dataset *aug;  /* batch examples */
  size_t *aug_idx;      /* 0, 1, ..., batch - 1 */
  gsl_rng *aug_rng;     /* crops and flips: mt19937 seeded with seed + 5, drawn on through the epochs */
};
#endif
