/* The fast sweep kernel (lib/sweep_fast.c), for lib/sweep.c only: many runs of one rule at one (rho, lr) on the
 * quartic toy, as structure-of-arrays SIMD without branches. */
#ifndef SAMLAB_SWEEP_FAST_H
#define SAMLAB_SWEEP_FAST_H
#include <stddef.h>
#include <stdint.h>

typedef struct sweep_fast_cfg {
  int ascent;   /* 0: sgd (no ascent); 1: sam-style eps = rho g/(||g|| + EPS) */
  int raw;      /* --ascent raw: eps = rho g */
  int stable;   /* StableSAM: g_s *= ||g||/(||g_s|| + EPS) */
  int momentum; /* base sgdm (v = mu v + g, v0 = g) instead of sgd */
  double lr, rho, mu, wd;
  long steps;
} sweep_fast_cfg;

/* n runs from starts (n x 2, interleaved); ends (n x 2) get the end points (a diverged run keeps its first
 * out-of-range point) and diverged[i] is 1 for runs that left the finite range |w_i| <= SAMLAB_SWEEP_BLOWUP. */
void samlab_sweep_fast_quartic(const sweep_fast_cfg *c, size_t n, const double *starts, double *ends,
                               uint8_t *diverged);
#endif
