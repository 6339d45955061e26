/* Rosenbrock's banana f = (a - x)^2 + b (y - x^2)^2 with a = 1, b = 100: one minimum (1, 1) at f = 0 in a
 * long curved valley; no other stationary point. */
#include <stdio.h>
#include "toy_impl.h"

#define ROS_A 1.0
#define ROS_B 100.0
static const double rosenbrock_minima[] = {ROS_A, ROS_A * ROS_A};

static double rosenbrock_vg(void *ctx, const double *w, double *g)
{
  double x = w[0], y = w[1], r = y - x * x;
  if (g) {
    g[0] = -2 * (ROS_A - x) - 4 * ROS_B * x * r;
    g[1] = 2 * ROS_B * r;
  }
  return (ROS_A - x) * (ROS_A - x) + ROS_B * r * r;
}

static void rosenbrock_hessian(void *ctx, const double *w, double *H)
{
  double x = w[0], y = w[1];
  H[0] = 2 - 4 * ROS_B * y + 12 * ROS_B * x * x;
  H[1] = H[2] = -4 * ROS_B * x;
  H[3] = 2 * ROS_B;
}

static samlab_problem *rosenbrock_create(const char *opts, char *err, size_t errlen)
{
  if (samlab_toy_no_options("rosenbrock", opts, err, errlen) != 0)
    return NULL;
  samlab_problem *p = samlab_toy_problem("rosenbrock", 2, NULL, rosenbrock_vg, rosenbrock_hessian, NULL);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  samlab_toy_landscape(p)->minima = rosenbrock_minima;
  samlab_toy_landscape(p)->nminima = 1;
  return p;
}

const samlab_toy_type samlab_toy_rosenbrock = {"rosenbrock", "(1 - x)^2 + 100 (y - x^2)^2", 2, rosenbrock_create};
