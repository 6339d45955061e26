/* The fast sweep kernel: quartic f = x^4/4 - x y + y^2/2 under sgd, sam and stablesam over sgd or sgdm.
 * Runs sit in lanes (structure of arrays, W per block); every step is the same straight-line code for every
 * lane, so the compiler vectorises it; a diverged lane is frozen with a blend, not a branch.  A block stops
 * early only when every lane has diverged or is exactly periodic with period 1 or 2 (bitwise: the new state
 * equals the one two steps back, and the step does not depend on t), so the end state is known from the parity
 * of the steps left and no outcome can change by stopping; otherwise all lanes step to the end.  The arithmetic follows lib/rule.c operation by
 * operation; the compiler may fuse multiply-adds, so end points can differ in the last bits.
 * Built with -O3 -fno-math-errno (lib/local.mk); on x86-64 GCC clones the kernel for AVX-512 and AVX2 and
 * picks one at run time, so the build runs on any x86-64 CPU. */
#include <math.h>
#include <string.h>
#include "samlab/vec.h"
#include "samlab/sweep.h"
#include "sweep_fast.h"

#define W 32           /* lanes per block: 4 AVX-512 vectors, enough independent work to hide latencies */
#define CHECK_EVERY 16 /* steps between tests for a block that has nothing left to do (>= 3) */

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define SWEEP_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SWEEP_CLONES
#endif

/* One step of all W lanes (x, y, and v with momentum); a diverged lane is frozen with a blend, not a branch. */
static inline __attribute__((always_inline)) void
quartic_step(double *restrict X, double *restrict Y, double *restrict VX, double *restrict VY,
             double *restrict DEAD, const sweep_fast_cfg *c, const int ascent, const int stable, const int mom)
{
  const double lr = c->lr, rho = c->rho, mu = c->mu, wd = c->wd, B = SAMLAB_SWEEP_BLOWUP;
  const int raw = c->raw;
  for (int j = 0; j < W; j++) {
    double x = X[j], y = Y[j];
    double gx = x * x * x - y, gy = y - x;
    if (ascent) {
      double n = sqrt(gx * gx + gy * gy);
      double s = rho / (n + SAMLAB_EPS); /* computed always: a conditional division blocks AVX2 vectorising */
      s = raw ? rho : s;
      double ax = x + s * gx, ay = y + s * gy;
      double hx = ax * ax * ax - ay, hy = ay - ax;
      if (stable) {
        double f = n / (sqrt(hx * hx + hy * hy) + SAMLAB_EPS);
        hx *= f;
        hy *= f;
      }
      gx = hx;
      gy = hy;
    }
    gx += wd * x;
    gy += wd * y;
    if (mom) { /* v starts at 0, so the first step gives v = g exactly as PyTorch's v0 = g */
      gx = mu * VX[j] + gx;
      gy = mu * VY[j] + gy;
    }
    double nx = x - lr * gx, ny = y - lr * gy;
    double dead = DEAD[j];
    /* bitwise & rather than &&: no control flow, so the loop vectorises without AVX-512's masks too */
    double bad = ((fabs(nx) <= B) & (fabs(ny) <= B)) ? 0.0 : 1.0; /* NaN compares false: bad */
    if (mom) {
      VX[j] = dead != 0.0 ? VX[j] : gx;
      VY[j] = dead != 0.0 ? VY[j] : gy;
    }
    X[j] = dead != 0.0 ? x : nx;
    Y[j] = dead != 0.0 ? y : ny;
    DEAD[j] = dead != 0.0 ? dead : bad;
  }
}

/* One block of W lanes; returns the number of steps taken.  The steps go in chunks of CHECK_EVERY; the last
 * two of a chunk keep the state two steps back (A) and one step back (P).  A lane whose state equals A
 * (bitwise) has an orbit of period 1 or 2 from then on, for the step map does not depend on t; when every lane
 * has diverged or is periodic the block stops, and the periodic lanes get the state the remaining steps
 * would reach (by parity: P for an odd number left). */
static inline __attribute__((always_inline)) long
quartic_block(double *restrict X, double *restrict Y, double *restrict VX, double *restrict VY,
              double *restrict DEAD, const sweep_fast_cfg *c, const int ascent, const int stable, const int mom)
{
  double AX[W], AY[W], AVX[W], AVY[W], PX[W], PY[W];
  long t = 0;
  while (t < c->steps) {
    if (t + CHECK_EVERY >= c->steps) { /* the last chunk: no test after it */
      for (; t < c->steps; t++)
        quartic_step(X, Y, VX, VY, DEAD, c, ascent, stable, mom);
      break;
    }
    for (int k = 0; k < CHECK_EVERY - 2; k++)
      quartic_step(X, Y, VX, VY, DEAD, c, ascent, stable, mom);
    for (int j = 0; j < W; j++) {
      AX[j] = X[j], AY[j] = Y[j];
      AVX[j] = mom ? VX[j] : 0, AVY[j] = mom ? VY[j] : 0;
    }
    quartic_step(X, Y, VX, VY, DEAD, c, ascent, stable, mom);
    for (int j = 0; j < W; j++)
      PX[j] = X[j], PY[j] = Y[j];
    quartic_step(X, Y, VX, VY, DEAD, c, ascent, stable, mom);
    t += CHECK_EVERY;
    double alive = 0;
    for (int j = 0; j < W; j++) {
      int same = (X[j] == AX[j]) & (Y[j] == AY[j]) & (mom ? (VX[j] == AVX[j]) & (VY[j] == AVY[j]) : 1);
      alive += DEAD[j] == 0.0 && !same;
    }
    if (alive == 0) {
      if ((c->steps - t) % 2 == 1) /* an odd number of steps left lands on the other point */
        for (int j = 0; j < W; j++)
          if (DEAD[j] == 0.0) {
            X[j] = PX[j];
            Y[j] = PY[j];
          }
      break;
    }
  }
  return t;
}

SWEEP_CLONES static void quartic_blocks(const sweep_fast_cfg *c, size_t n, const double *starts, double *ends,
                                        uint8_t *diverged)
{
  double X[W], Y[W], VX[W], VY[W], DEAD[W];
  for (size_t b = 0; b < n; b += W) {
    size_t m = n - b < W ? n - b : W;
    for (size_t j = 0; j < W; j++) {
      int pad = j >= m; /* padding lanes start dead so they never hold a block open */
      X[j] = pad ? 0 : starts[2 * (b + j)];
      Y[j] = pad ? 0 : starts[2 * (b + j) + 1];
      VX[j] = VY[j] = 0;
      DEAD[j] = pad;
    }
    int kind = c->ascent * 4 + (c->ascent && c->stable) * 2 + c->momentum;
    switch (kind) { /* constant flags: one specialised loop each */
    case 0: quartic_block(X, Y, VX, VY, DEAD, c, 0, 0, 0); break;
    case 1: quartic_block(X, Y, VX, VY, DEAD, c, 0, 0, 1); break;
    case 4: quartic_block(X, Y, VX, VY, DEAD, c, 1, 0, 0); break;
    case 5: quartic_block(X, Y, VX, VY, DEAD, c, 1, 0, 1); break;
    case 6: quartic_block(X, Y, VX, VY, DEAD, c, 1, 1, 0); break;
    default: quartic_block(X, Y, VX, VY, DEAD, c, 1, 1, 1); break;
    }
    for (size_t j = 0; j < m; j++) {
      ends[2 * (b + j)] = X[j];
      ends[2 * (b + j) + 1] = Y[j];
      diverged[b + j] = DEAD[j] != 0.0;
    }
  }
}

void samlab_sweep_fast_quartic(const sweep_fast_cfg *c, size_t n, const double *starts, double *ends,
                               uint8_t *diverged)
{
  quartic_blocks(c, n, starts, ends, diverged);
}

const char *samlab_sweep_fast_isa(void)
{
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return "avx512f";
  if (__builtin_cpu_supports("avx2"))
    return "avx2";
#endif
  return "default";
}
