/* What `--checkpoint FILE` reads (hessian, slice, gradnorm): samlab_checkpoint_read and the network it rebuilds,
 * on HDF5 files built from the bytes (fuzz/h5gen.h); the first byte picks the epoch asked for (255: the last). */
#include <stdlib.h>
#include "samlab.h"
#include "fuzz.h"

int fuzz_checkpoint(const uint8_t *data, size_t size)
{
  static samlab_dataset set;
  static float x[50 * 144];
  static uint8_t y[50];
  if (!set.n)
    set = (samlab_dataset){.n = 50, .rows = 12, .cols = 12, .nclasses = 10, .x = x, .y = y, .channels = 1};
  if (size < 1)
    return 0;
  const char *path = fuzz_path("ck.h5");
  if (fuzz_h5_write(path, data + 1, size - 1) != 0)
    return 0;
  samlab_checkpoint c;
  char err[1024];
  if (samlab_checkpoint_read(path, data[0] == 255 ? -1 : data[0], &c, err, sizeof err) == 0) {
    samlab_problem *net = samlab_checkpoint_net(&c, &set, err, sizeof err);
    if (net)
      samlab_problem_value_grad(net, c.w, NULL);
    samlab_problem_free(net);
    free(c.w);
  }
  return 0;
}
