# libsamlab core: problems, base optimizers, rules, hyperparameters, HDF5 traces.
libsamlab_la_SOURCES += lib/rule_impl.h lib/lanes.h lib/vec.c lib/hparams.c lib/problem.c \
	lib/base.c lib/rule.c lib/registry.c lib/trace.c \
	lib/rules/sam.c lib/rules/asam.c lib/rules/gsam.c lib/rules/wsam.c lib/rules/fsam.c lib/rules/switching.c \
	lib/rules/ae_test.h lib/rules/lookahead.c lib/rules/presam.c lib/rules/vasso.c lib/rules/infosam.c \
	lib/rules/decompose.c lib/rules/sagm.c lib/rules/gcsam.c lib/rules/rsam.c lib/rules/msam.c lib/rules/gam.c \
	lib/rules/eigensam.c lib/rules/bsam.c lib/rules/esam.c
# sweep (issue 6): the driver and file layout, and the SoA kernel built with its own flags (vectorised loops;
# -fno-math-errno and -fno-trapping-math let sqrt and the masked steps vectorise (AVX2 too) without changing
# any result; -ffp-contract=off keeps results bit-identical to the generic step; ISA chosen by target_clones).
libsamlab_la_SOURCES += lib/sweep.c lib/sweep_fast.h
noinst_LTLIBRARIES += libsamlab_sweepfast.la
libsamlab_sweepfast_la_SOURCES = lib/sweep_fast.c lib/sweep_fast.h
libsamlab_sweepfast_la_CFLAGS = $(AM_CFLAGS) -O3 -fno-math-errno -fno-trapping-math -ffp-contract=off
libsamlab_la_LIBADD += libsamlab_sweepfast.la
# train (issue 7): networks as problems (float32 and double instances of net_kernels.h), the trainer.
libsamlab_la_SOURCES += lib/net.c lib/net_impl.h lib/net_kernels.h lib/net_f32.c lib/net_f64.c \
	lib/big_alloc.c lib/blas_core.c lib/train_impl.h lib/train.c lib/train_checkpoint.c lib/train_check.c lib/train_schedule.c
# output files written under a partial name and renamed when complete (issue 16)
libsamlab_la_SOURCES += lib/out_file.c lib/checksum.c
# numbers from text, decimal only: every numeric option, hyperparameter and list (issue 16)
libsamlab_la_SOURCES += lib/parse.c
samlabinclude_HEADERS += include/samlab/parse.h
# data sets (issue 13): the registry, one file per type (IDX, CIFAR), sets in memory, normalisation, augmentation
libsamlab_la_SOURCES += lib/data/data_impl.h lib/data/registry.c lib/data/dataset.c lib/data/idx.c lib/data/cifar.c \
	lib/data/normalize.c lib/data/normalize_io.c lib/data/augment.c
# float32 network primitives on oneDNN (issue 13): convolutions and the dense layer's products
libsamlab_la_SOURCES += lib/dnn.c lib/dnn.h
