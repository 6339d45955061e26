/* AE-SAM's decision (Jiang et al. 2023), shared by ae-sam (switching.c) and ae-looksam (lookahead.c). */
#ifndef SAMLAB_AE_TEST_H
#define SAMLAB_AE_TEST_H
#include "../rule_impl.h"

/* The online Gaussian model of n = ||g||^2: mu, var, both EMAs with factor delta. */
typedef struct ae_stats {
  double mu, var;
} ae_stats;

/* AE-SAM's parameters, in the tables of both rules. */
#define SAMLAB_AE_HPARAMS                                                                                          \
  SAMLAB_HPARAM("delta", SAMLAB_HP_DOUBLE, delta, 0.9, SAMLAB_RANGE_CLOSED_OPEN(0, 1),                             \
                "AE-SAM's delta: EMA factor of the mean and variance of ||g||^2"),                                 \
      SAMLAB_HPARAM("lambda1", SAMLAB_HP_DOUBLE, lambda1, -1, SAMLAB_RANGE_ANY,                                    \
                    "AE-SAM's lambda1: c_t at the end of training"),                                               \
      SAMLAB_HPARAM("lambda2", SAMLAB_HP_DOUBLE, lambda2, 1, SAMLAB_RANGE_ANY,                                     \
                    "AE-SAM's lambda2: c_t at the start of training")

void samlab_ae_stats_init(ae_stats *s);
/* Updates mu and var with n = ||g||^2 (before the test), then: 1 iff n >= mu + c_t sqrt(var). */
int samlab_ae_wants_sam(ae_stats *s, const samlab_hparams *hp, long t, double n);
#endif
