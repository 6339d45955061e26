# libsamlab core: problems, base optimizers, rules, hyperparameters, HDF5 traces.
libsamlab_la_SOURCES += lib/samlab.h lib/rule_impl.h lib/vec.c lib/hparams.c lib/problem.c \
	lib/base.c lib/rule.c lib/registry.c lib/trace.c \
	lib/rules/sam.c
