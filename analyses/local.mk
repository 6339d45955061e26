# analyses (issue 4): Hessian spectra, gradient-norm statistics, slices, checkpoints, twin sets, decomposition.
libsamlab_la_SOURCES += analyses/hessian.c analyses/gradstats.c analyses/directions.c analyses/checkpoint.c \
	analyses/stability.c analyses/subject.c
# sharpness and curvature operators (issue 15)
libsamlab_la_SOURCES += analyses/sharpness.c analyses/curvature.c
# bounds (issue 5): numerical checks of the theorems.
libsamlab_la_SOURCES += analyses/bounds_impl.h analyses/bounds_util.c analyses/bounds_twin.h analyses/bounds_twin.c \
	analyses/bounds_registry.c analyses/bounds_stablesam.c analyses/bounds_aesam.c \
	analyses/bounds_presam.c analyses/bounds_wsam.c analyses/bounds_fsam.c
