/* The network arithmetic in float32 (OpenBLAS sgemm): what training uses. */
#define REAL float
#define GEMM_FN cblas_sgemm
#define SFX _f32
#define BUF b32
#define REAL_IS_FLOAT 1
#include "net_kernels.h"
