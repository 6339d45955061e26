/* Learning-rate schedules of the trainer, by step over the whole run. */
#include <math.h>
#include <string.h>
#include "samlab/train.h"

double samlab_schedule_lr(samlab_schedule s, double lr0, long t, long T)
{
  if (T < 1)
    return lr0;
  switch (s) {
  case SAMLAB_SCHEDULE_COSINE:
    return lr0 * 0.5 * (1.0 + cos(M_PI * (double)t / (double)T));
  case SAMLAB_SCHEDULE_STEP:
    return 4 * t >= 3 * T ? lr0 * 0.01 : 2 * t >= T ? lr0 * 0.1 : lr0;
  case SAMLAB_SCHEDULE_CONSTANT:
  default:
    return lr0;
  }
}

static const char *const schedule_names[] = {"constant", "cosine", "step"};

int samlab_schedule_parse(const char *name, samlab_schedule *s)
{
  for (int i = 0; i < 3; i++)
    if (strcmp(name, schedule_names[i]) == 0) {
      *s = (samlab_schedule)i;
      return 0;
    }
  return -1;
}

const char *samlab_schedule_name(samlab_schedule s)
{
  return (unsigned)s < 3 ? schedule_names[s] : "?";
}
