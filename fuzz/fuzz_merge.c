/* `samlab merge A.h5 B.h5 -o OUT.h5` on two sweep shards built from the bytes (fuzz/h5gen.h): the first two
 * bytes (big endian) split the rest into the two shards' descriptions. */
#include "samlab.h"
#include "../src/commands.h"
#include "fuzz.h"

int fuzz_merge(const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  size_t cut = (size_t)data[0] << 8 | data[1];
  if (cut > size - 2)
    cut = size - 2;
  const char *a = fuzz_path("shard-a.h5"), *b = fuzz_path("shard-b.h5");
  if (fuzz_h5_write(a, data + 2, cut) != 0 || fuzz_h5_write(b, data + 2 + cut, size - 2 - cut) != 0)
    return 0;
  char *argv[] = {"merge", (char *)a, (char *)b, "-o", (char *)fuzz_path("merged.h5"), NULL};
  fuzz_command(cmd_merge, 5, argv);
  return 0;
}
