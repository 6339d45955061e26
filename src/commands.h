/* The samlab commands: one line each, X(name, summary); cmd_<name>(argc, argv) lives in src/cmd_<name>.c. */
#ifndef SAMLAB_COMMANDS_H
#define SAMLAB_COMMANDS_H
#define SAMLAB_COMMANDS(X)                                                                                         \
  X(rules, "list the rules and base optimizers with their formulas and defaults")                                \
  X(toy, "run one rule on a toy landscape and write the trajectory (HDF5)")                                      \
  X(train, "train fcn or LeNet-5 on Fashion-MNIST with any rule; traces, checkpoints, --resume (HDF5)")       \
  X(bounds, "put the papers' theorems to a numerical test: measured vs bound, with verdicts")              \
  X(figures, "remake the papers' figures and tables from the notebooks/ recipes, with a manifest")         \
  X(plot, "draw any samlab HDF5 file with gnuplot (PNG and SVG)")                                              \
  X(sweep, "success rates over rules x rho x lr x starting points on a toy (StableSAM Figure 4)") \
  X(merge, "join the shards of a sweep (samlab sweep --shard I/N) into one file")                                \
  X(hessian, "top-k Hessian eigenvalues (Lanczos, power), trace and spectral density at a point (HDF5)")      \
  X(gradnorm, "squared mini-batch gradient norms: normality, Q-Q, AE-SAM's threshold and SAM fraction (HDF5)") \
  X(slice, "the loss along the top Hessian eigenvector or random (filter-normalised) directions, 1-D/2-D (HDF5)") \
  X(stability, "uniform-stability twin runs (StableSAM 5.2): twin distance and generalisation gaps per epoch") \
  X(decompose, "F-SAM's decomposition: SAM ascending along the full-gradient or the noise component (HDF5)") \
  X(sharpness, "worst-case, average-case and m-sharpness, first-order flatness at a point (HDF5)")

#define DECLARE_CMD(name, summary) int cmd_##name(int argc, char **argv);
SAMLAB_COMMANDS(DECLARE_CMD)
#endif
