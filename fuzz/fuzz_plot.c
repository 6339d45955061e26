/* `samlab plot FILE -o OUT.png` on HDF5 files built from the bytes (fuzz/h5gen.h): the kind, every kind's readers
 * and the gnuplot script they write (gnuplot itself is not run in fuzzing builds). */
#include "samlab.h"
#include "../src/commands.h"
#include "fuzz.h"

int fuzz_plot(const uint8_t *data, size_t size)
{
  const char *path = fuzz_path("plot.h5");
  if (fuzz_h5_write(path, data, size) != 0)
    return 0;
  char *argv[] = {"plot", (char *)path, "-o", (char *)fuzz_path("plot.png"), NULL};
  fuzz_command(cmd_plot, 4, argv);
  return 0;
}
