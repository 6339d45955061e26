/* Synthetic data sets for the convex toys lsq (ridge least squares) and logreg (regularised logistic
 * regression): the examples, the toy options they share, and the current mini-batch. */
#ifndef SAMLAB_CONVEX_DATA_H
#define SAMLAB_CONVEX_DATA_H
#include "samlab/vec.h"
#include "samlab/problem.h"

typedef struct convex_data {
  size_t n, d;
  double lambda;  /* ridge term lambda/2 ||w||^2 in every example's loss */
  double r;       /* every x lies on the sphere of radius r */
  double noise;   /* lsq: sd of y - x.w_nat;  logreg: probability that a label is flipped */
  unsigned long seed;
  long replace;   /* >= 0: example `replace` is swapped for the fresh draw n (the twin data set S') */
  int population; /* lsq: the problem is the exact population risk F_D instead of F_S */
  double *x, *y, *w_nat; /* n x d, n, d */
  size_t *batch, nbatch; /* current batch (nbatch = 0: the whole set) */
} convex_data;

/* Parse "n=..;d=..;lambda=..;r=..;noise=..;seed=..;replace=..[;population=1]" (defaults n 100, d 10,
 * lambda 0.1, r 1, noise 0.5 (lsq) or 0.1 (logreg), seed 1) and draw the data: w_nat ~ N(0, I) first, then
 * examples 0..n (n + 1 draws, the last one is the replacement), x uniform on the sphere of radius r.
 * logistic = 1: y = +-1 from sign(x.w_nat), flipped with probability noise.  0, or -1 with a message. */
int convex_data_init(convex_data *c, const char *toy, const char *opts, int logistic, char *err, size_t errlen);
void convex_data_free(void *c);
int convex_data_set_batch(void *ctx, const size_t *idx, size_t n);

/* The mean over the current batch of loss(x.w, y) plus lambda/2 ||w||^2, and its gradient in g when g is not
 * NULL; loss returns an example's loss and, when dloss is not NULL, its derivative in x.w there. */
double convex_data_value_grad(const convex_data *c, const double *w, double *g,
                              double (*loss)(double xw, double y, double *dloss));
/* The Hessian of the mean loss over the current batch plus the ridge term: H = sum_k h_k x_k x_k^T + lambda I,
 * d x d row-major, with h_k = curvature(x_k . w) / m (curvature NULL: h_k = 1/m, the least-squares case). */
void convex_data_hessian(const convex_data *c, const double *w, double (*curvature)(double z), double *H);
#endif
