/* What `samlab train --resume FILE` reads, on HDF5 files built from the bytes (fuzz/h5gen.h): the checksums, the
 * kind, the stored options, the trainer checkpoint and the traces, into a trainer shaped like the seeds' run
 * (fcn 144-16-10, 200 examples, batches of 32, sam over sgdm). */
#include <stdlib.h>
#include <string.h>
#include "samlab.h"
#include "../src/train_trace.h"
#include "fuzz.h"

static samlab_trainer *trainer;

static void make_trainer(void)
{
  static samlab_dataset set;
  static float x[200 * 144];
  static uint8_t y[200];
  for (size_t i = 0; i < 200; i++) {
    y[i] = (uint8_t)(i % 10);
    for (size_t j = 0; j < 144; j++)
      x[i * 144 + j] = (float)((i * 7 + j * 3) % 17) / 17.0f;
  }
  set = (samlab_dataset){.n = 200, .rows = 12, .cols = 12, .nclasses = 10, .x = x, .y = y, .channels = 1};
  char err[256];
  samlab_problem *net = samlab_net_create("fcn", "16", &set, err, sizeof err);
  samlab_train_config c = {.rule = samlab_rule_find("sam"), .base = samlab_base_find("sgdm"), .batch = 32,
                           .epochs = 2, .schedule = SAMLAB_SCHEDULE_CONSTANT, .seed = 1};
  samlab_hparams_unset(&c.hp);
  trainer = net ? samlab_trainer_alloc(net, &set, &set, &c, err, sizeof err) : NULL;
  if (!trainer)
    abort();
}

int fuzz_resume(const uint8_t *data, size_t size)
{
  if (!trainer)
    make_trainer();
  const char *path = fuzz_path("run.h5");
  if (fuzz_h5_write(path, data, size) != 0)
    return 0;
  char err[1024], kind[32];
  hid_t f = samlab_in_open(path, err, sizeof err);
  if (f < 0)
    return 0;
  if (samlab_in_verify(f, err, sizeof err) == 0 && samlab_in_attr_str(f, "/", "kind", kind, sizeof kind) == 0) {
    int n = 0;
    char **args = train_trace_read_args(f, &n);
    for (int i = 0; args && i < n; i++)
      free(args[i]);
    free(args);
    samlab_trainer_load(trainer, f, "/checkpoint", err, sizeof err);
    train_trace tr;
    if (train_trace_init(&tr, samlab_trainer_dim(trainer), 1, 7 * 2, 2, 4) == 0) {
      train_trace_read(&tr, f, err, sizeof err);
      train_trace_free(&tr);
    }
  }
  H5Fclose(f);
  return 0;
}
