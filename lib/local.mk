# libsamlab core: problems, base optimizers, rules, hyperparameters, HDF5 traces.
libsamlab_la_SOURCES += lib/samlab.h lib/rule_impl.h lib/vec.c lib/hparams.c lib/problem.c \
	lib/base.c lib/rule.c lib/registry.c lib/trace.c \
	lib/rules/sam.c
# sweep (issue 6): the driver and file layout, and the SoA kernel built with its own flags (vectorised loops;
# -fno-math-errno lets sqrt vectorise without changing results; ISA chosen at run time by target_clones).
libsamlab_la_SOURCES += lib/sweep.c lib/sweep_io.c lib/sweep_io.h lib/sweep_fast.h
noinst_LTLIBRARIES += libsamlab_sweepfast.la
libsamlab_sweepfast_la_SOURCES = lib/sweep_fast.c lib/sweep_fast.h
libsamlab_sweepfast_la_CFLAGS = $(AM_CFLAGS) -O3 -fno-math-errno
libsamlab_la_LIBADD += libsamlab_sweepfast.la
