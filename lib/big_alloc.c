/* Allocation of large arrays: a network's weight vectors (megabytes each, streamed through every step) and
 * the examples (read in random rows).  On Linux they ask for 2 MiB pages (transparent huge pages, a hint that
 * is harmless where unsupported): far fewer TLB misses than with 4 KiB pages. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "samlab/vec.h"

void *samlab_big_calloc(size_t n, size_t size)
{
  size_t bytes = n * size;
  if (size && bytes / size != n)
    return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const size_t huge = (size_t)2 << 20;
  void *p = NULL;
  if (bytes >= huge && posix_memalign(&p, huge, bytes) == 0) {
    madvise(p, bytes, MADV_HUGEPAGE);
    memset(p, 0, bytes);
    return p;
  }
#endif
  return calloc(n ? n : 1, size ? size : 1);
}
