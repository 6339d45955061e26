/* The samlab commands: one line each, X(name, summary); cmd_<name>(argc, argv) lives in src/cmd_<name>.c. */
#ifndef SAMLAB_COMMANDS_H
#define SAMLAB_COMMANDS_H
#define SAMLAB_COMMANDS(X)                                                                                         \
  X(rules, "list the rules and base optimizers with their formulas and defaults")                                \
  X(toy, "run one rule on a toy landscape and write the trajectory (HDF5)")                                      \
  X(plot, "draw any samlab HDF5 file with gnuplot (PNG and SVG)")

#define DECLARE_CMD(name, summary) int cmd_##name(int argc, char **argv);
SAMLAB_COMMANDS(DECLARE_CMD)
#endif
