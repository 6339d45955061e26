/* The WSAM paper's surface over (mu, sigma): f = -log sum_i a_i exp(-KL_i/c_i^2), where KL_i is the KL
 * divergence of N(mu, sigma^2) from N(m_i, s_i^2).  Two components, (a, c, m, s) = (0.7, 1.8, 20, 30) and
 * (0.3, 1.2, -20, 10).  Outside sigma > 0 the log is undefined and the value is NaN (a run diverges). */
#include <stdio.h>
#include <math.h>
#include "toy_impl.h"

static const double A[2] = {0.7, 0.3}, C[2] = {1.8, 1.2}, M[2] = {20, -20}, S[2] = {30, 10};

/* Per component: u_i = grad(KL_i)/c_i^2 and the softmax weights p_i of log(a_i) - KL_i/c_i^2. */
static double wsam_kl_parts(const double *w, double p[2], double u[2][2])
{
  double mu = w[0], sg = w[1], z[2];
  for (int i = 0; i < 2; i++) {
    double kl = log(S[i] / sg) + (sg * sg + (mu - M[i]) * (mu - M[i])) / (2 * S[i] * S[i]) - 0.5;
    z[i] = log(A[i]) - kl / (C[i] * C[i]);
    u[i][0] = (mu - M[i]) / (S[i] * S[i]) / (C[i] * C[i]);
    u[i][1] = (-1 / sg + sg / (S[i] * S[i])) / (C[i] * C[i]);
  }
  double zmax = fmax(z[0], z[1]);
  double lse = zmax + log(exp(z[0] - zmax) + exp(z[1] - zmax));
  for (int i = 0; i < 2; i++)
    p[i] = exp(z[i] - lse);
  return -lse;
}

static double wsam_kl_vg(void *ctx, const double *w, double *g)
{
  double p[2], u[2][2];
  double f = wsam_kl_parts(w, p, u);
  if (g)
    for (int k = 0; k < 2; k++)
      g[k] = p[0] * u[0][k] + p[1] * u[1][k];
  return f;
}

/* Hessian = sum p_i Hess(KL_i)/c_i^2 - sum p_i u_i u_i^T + grad grad^T. */
static void wsam_kl_hessian(void *ctx, const double *w, double *H)
{
  double p[2], u[2][2], g[2], sg = w[1];
  wsam_kl_parts(w, p, u);
  for (int k = 0; k < 2; k++)
    g[k] = p[0] * u[0][k] + p[1] * u[1][k];
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++) {
      double h = g[a] * g[b];
      for (int i = 0; i < 2; i++) {
        double hk = a != b ? 0 : a == 0 ? 1 / (S[i] * S[i]) : 1 / (sg * sg) + 1 / (S[i] * S[i]);
        h += p[i] * (hk / (C[i] * C[i]) - u[i][a] * u[i][b]);
      }
      H[2 * a + b] = h;
    }
}

/* Stationary points, found by Newton's method with the exact Hessian above (50 iterations from the paper's
 * landmarks (-16.8, 12.8), (19.8, 29.9) and the saddle between them; |grad| < 1e-17 at the printed digits):
 *   global minimum (sharp)  f = 0.27522965434650709, Hessian eigenvalues 4.869e-3, 2.377e-3;
 *   local minimum (flat)    f = 0.35644692829529789, eigenvalues 6.814e-4, 3.261e-4;
 *   saddle                  f = 0.39766818435428847, eigenvalues 1.060e-3, -8.317e-4.
 * The paper gives "0.28 at around (-16.8, 12.8)" and "0.36 at around (19.8, 29.9)". */
static const double wsam_kl_minima[] = {-16.804743956699102, 12.802543531112009};
static const double wsam_kl_local[] = {19.810063940435864, 29.936621031918705};
static const double wsam_kl_saddles[] = {0.31033623247852565, 22.499038304993626};

static samlab_problem *wsam_kl_create(const char *opts, char *err, size_t errlen)
{
  if (samlab_toy_no_options("wsam-kl", opts, err, errlen) != 0)
    return NULL;
  samlab_problem *p = samlab_toy_problem("wsam-kl", 2, NULL, wsam_kl_vg, wsam_kl_hessian, NULL);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  samlab_toy_landscape(p)->minima = wsam_kl_minima;
  samlab_toy_landscape(p)->nminima = 1;
  samlab_toy_landscape(p)->local_minima = wsam_kl_local;
  samlab_toy_landscape(p)->nlocal_minima = 1;
  samlab_toy_landscape(p)->saddles = wsam_kl_saddles;
  samlab_toy_landscape(p)->nsaddles = 1;
  return p;
}

const samlab_toy_type samlab_toy_wsam_kl = {"wsam-kl", "-log sum_i a_i exp(-KL(N(mu,sigma^2)||N(m_i,s_i^2))/c_i^2)",
                                            2, wsam_kl_create};
