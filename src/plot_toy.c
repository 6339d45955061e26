/* Toy trajectories over the function's contour: placeholder until the drawing lands. */
#include <stdio.h>
#include "plot.h"

int plot_toy(const plot_request *req, char *err, size_t errlen)
{
  snprintf(err, errlen, "toy plots are not implemented yet");
  return -1;
}
