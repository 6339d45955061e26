/* Which kernels OpenBLAS runs: it picks them when it loads, from the CPU or from OPENBLAS_CORETYPE, and the
 * choice changes both speed (Haswell's AVX2 sgemm runs at half the rate of SkylakeX's AVX-512 one on this
 * machine's CPU) and the last bits of every float32 result; so results and benchmarks record it. */
#include <cblas.h>
#include "samlab/train.h"

const char *samlab_blas_core(void)
{
  return openblas_get_corename();
}
