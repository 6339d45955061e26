/* preSAM (the preconditioned-SAM framework) Theorem 1, explicit form, on the notes' nonconvex separable toy:
 * f = sum_i h_i x_i^2/2 + 0.5 cos x_i, h_i from 0.01 to 1 (log), L = 1.5, f* >= -5; gradient noise
 * N(0, sigma^2/d I), sigma = 1, shared by both gradients of a step (As. 2).  D0 is measured as max ||eps_t||/rho,
 * which is what the proof uses (||eps_t|| <= rho D0). */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bounds_impl.h"

static int presam(int quick, unsigned long seed, samlab_bound_row *rows, int max, char *err, size_t errlen)
{
  enum { D = 10 };
  const double L = 1.5, flow = -5, sigma = 1, eta0 = 0.2, rho0 = 1;
  static const char *rules[] = {"sam", "fishersam", "infosam", "asam"};
  const long Ts[] = {100, 1000, 10000};
  int nT = quick ? 2 : 3, R = quick ? 3 : 10, k = 0;
  double h[D];
  for (int i = 0; i < D; i++)
    h[i] = pow(10, -2 + 2.0 * i / (D - 1));
  for (size_t q = 0; q < sizeof rules / sizeof rules[0]; q++)
    for (int ti = 0; ti < nT; ti++) {
      long T = Ts[ti];
      double eta = eta0 / sqrt((double)T), rho = rho0 / sqrt((double)T), sum = 0, D0 = 0, f0 = 0;
      long second_viol = 0;
      for (int s = 0; s < R; s++) {
        samlab_problem *p = bounds_sep_create(D, h, 0.5, 1.0, 0.0, sigma / sqrt((double)D),
                                              seed * 1000 + (unsigned long)s);
        samlab_hparams hp;
        samlab_hparams_unset(&hp);
        hp.lr = eta;
        hp.rho = rho;
        hp.total_steps = T;
        hp.seed = (long)(seed + (unsigned long)s);
        samlab_rule *r = bounds_rule(rules[q], &hp, D, err, errlen);
        if (!r) {
          samlab_problem_free(p);
          return -1;
        }
        double x[D], g[D], ge[D], xe[D];
        for (int i = 0; i < D; i++)
          x[i] = 3;
        f0 = bounds_sep_exact(p, x, NULL);
        for (long t = 0; t < T; t++) {
          bounds_sep_exact(p, x, g);
          double g2 = samlab_dot(D, g, g);
          sum += g2 / (double)(R * T);
          for (int i = 0; i < D; i++)
            xe[i] = x[i];
          bounds_sep_redraw(p);
          samlab_step_info info;
          samlab_rule_step(r, p, x, &info);
          double ne = info.sam_used ? samlab_norm(D, samlab_rule_perturbation(r)) : 0;
          D0 = fmax(D0, ne / rho);
          if (info.sam_used) { /* second part, pathwise: ||grad f(x+eps)||^2 <= 2||grad f(x)||^2 + 2 L^2 ||eps||^2 */
            for (int i = 0; i < D; i++)
              xe[i] += samlab_rule_perturbation(r)[i];
            bounds_sep_exact(p, xe, ge);
            if (samlab_dot(D, ge, ge) > (2 * g2 + 2 * L * L * ne * ne) * (1 + 1e-12))
              second_viol++;
          }
        }
        samlab_rule_free(r);
        samlab_problem_free(p);
      }
      double sT = sqrt((double)T);
      double rhs = (f0 - flow) / (eta0 * sT) + L * rho0 * rho0 * D0 * D0 / (2 * eta0 * sT) +
                   L * L * L * eta0 * rho0 * rho0 * D0 * D0 / (T * sT) + L * eta0 * sigma * sigma / sT;
      rhs /= 1 - 1.5 * L * eta;
      char claim[96];
      snprintf(claim, sizeof claim, "Thm 1: (1/T) sum E||grad f(x_t)||^2, %s, T=%ld", rules[q], T);
      samlab_bound_row *row = bounds_add(rows, &k, max, "presam-thm1", claim, sum, rhs, eta <= 2 / (3 * L), 1);
      snprintf(row->setting, sizeof row->setting,
               "sum_i h_i x_i^2/2 + 0.5 cos x_i, d=10, h in [0.01,1] log (L=1.5, f*>=-5), noise sigma=1 shared at "
               "x and x+eps; x0=3; eta=0.2/sqrt T, rho=1/sqrt T; R=%d; D0=%.3g (max ||eps||/rho)",
               R, D0);
      snprintf(row->note, sizeof row->note, "explicit form of the proof's last display divided by (1 - 3 L eta/2)");
      if (ti == nT - 1) {
        row = bounds_add(rows, &k, max, "presam-thm1", "Thm 1 second part, pathwise: violating steps",
                         (double)second_viol, 0, 1, 1);
        snprintf(row->setting, sizeof row->setting, "%s, T=%ld, R=%d: ||grad f(x+eps)||^2 <= 2||grad f(x)||^2 + "
                                                    "2 L^2 ||eps||^2 at every step",
                 rules[q], T, R);
      }
    }
  return k;
}

const samlab_bound_check samlab_bound_presam_thm1 = {
    "presam-thm1", "preSAM Thm 1",
    "sam, fishersam, infosam, asam on a noisy nonconvex toy: the unified O(1/sqrt T) rate with measured D0", presam};
