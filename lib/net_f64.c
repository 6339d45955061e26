/* The network arithmetic in double (dgemm): gradient checks and Hessian-vector products for analyses. */
#define REAL double
#define GEMM_FN cblas_dgemm
#define SFX _f64
#define BUF b64
#include "net_kernels.h"
