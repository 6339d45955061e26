# analyses (issue 4): Hessian spectra, gradient-norm statistics, slices, checkpoints, twin sets, decomposition.
libsamlab_la_SOURCES += analyses/hessian.c analyses/gradstats.c analyses/directions.c analyses/checkpoint.c \
	analyses/stability.c analyses/decompose.c analyses/subject.c
