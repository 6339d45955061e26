/* AE-SAM's decision (Jiang et al. 2023), shared by ae-sam (switching.c) and ae-looksam (lookahead.c). */
#ifndef SAMLAB_AE_TEST_H
#define SAMLAB_AE_TEST_H
#include "../rule_impl.h"

/* The online Gaussian model of n = ||g||^2: mu, var, both EMAs with factor delta. */
typedef struct ae_stats {
  double mu, var;
} ae_stats;

void samlab_ae_stats_init(ae_stats *s);
/* Updates mu and var with n = ||g||^2 (before the test), then: 1 iff n >= mu + c_t sqrt(var). */
int samlab_ae_wants_sam(ae_stats *s, const samlab_hparams *hp, long t, double n);
#endif
