/* samlab: a toolkit for Sharpness-Aware Minimization.  This header includes every public module:
 *   samlab/vec.h       version, vector operations
 *   samlab/problem.h   the problem interface and its optional capabilities
 *   samlab/rule.h      hyperparameters, base optimizers, rules (the rule registry)
 *   samlab/toy.h       toy landscapes (the toy registry)
 *   samlab/train.h     data sets, networks, the trainer
 *   samlab/sweep.h     success-rate sweeps
 *   samlab/io.h        HDF5 results (the only one that includes hdf5.h)
 *   samlab/analyses.h  Hessian spectra, gradient statistics, checkpoints, twin sets, decomposition
 *   samlab/bounds.h    numerical checks of the papers' theorems
 *   samlab/parse.h     numbers from text (decimal only), as every option reads them
 * A program that needs only some of them may include those alone. */
#ifndef SAMLAB_H
#define SAMLAB_H
#include "samlab/vec.h"
#include "samlab/problem.h"
#include "samlab/rule.h"
#include "samlab/toy.h"
#include "samlab/train.h"
#include "samlab/sweep.h"
#include "samlab/io.h"
#include "samlab/analyses.h"
#include "samlab/bounds.h"
#include "samlab/parse.h"
#endif
