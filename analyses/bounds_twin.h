/* Uniform-stability twin runs on the convex toys (StableSAM Section 4): S and S' differ in example j, both runs
 * start at 0 and see the same example sequence (batch 1, drawn with replacement). */
#ifndef SAMLAB_BOUNDS_TWIN_H
#define SAMLAB_BOUNDS_TWIN_H
#include "bounds_impl.h"

typedef struct twin_setup {
  const char *toy;  /* "lsq" or "logreg" */
  size_t n, d;
  double lambda, r;
  const char *rule; /* "sgd", "sam", "stablesam" */
  int raw;          /* 1: eps = xi g (theory-conforming: the same xi in both runs); 0: eps = rho g/||g|| */
  double rho;       /* xi when raw */
  double eta;
  long T;
  int R;
  int shared_gamma; /* StableSAM with the w-run's gamma_t used by both runs (Lemma 13's setting) */
  unsigned long seed;
} twin_setup;

typedef struct twin_result {
  double mean_delta, se_delta; /* E||w_T - v_T|| over R pairs and its standard error */
  double G;                    /* largest per-example ||grad|| at w_t and at w_t + eps (both runs) */
  double gmin;                 /* smallest ||g_t|| */
  double gamma0, gamma1;       /* smallest and largest ||g_t||/||g_asc_t|| */
  double *delta;               /* R x (T + 1) distances */
  unsigned char *differ;       /* R x T: the step used the replaced example */
  int diverged;
} twin_result;

int twin_run(const twin_setup *s, twin_result *out, char *err, size_t errlen);
/* Steps violating delta' <= q delta (same example) and delta' <= q delta + add (different example). */
void twin_violations(const twin_setup *s, const twin_result *r, double q, double add, long *same, long *diff);
void twin_free(twin_result *r);
#endif
