# Fuzzing (issue 16): fuzz/fuzz_*.c are libFuzzer harnesses of every reader of outside bytes (IDX plain and gzip, CIFAR,
# the HDF5 readers of --resume, --checkpoint, plot and merge, the command-line parser).  `make fuzz` builds them
# with clang (FUZZ_CC) through fuzz/fuzz.mk and runs each for FUZZ_SECONDS; tests/test_fuzz_replay replays their
# seeds (fuzz/corpus/NAME) and every regression input (tests/fuzz-regress/NAME) in make check, without clang.
FUZZ_CC = clang
FUZZ_SECONDS = 60
EXTRA_DIST += fuzz/fuzz.mk fuzz/libfuzzer_main.c fuzz/h5ops.c fuzz/make-seeds.sh fuzz/corpus tests/fuzz-regress
fuzz: libsamlab_sweepfast.la
	@if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	  echo "make fuzz: $(FUZZ_CC) not found (apt-get install clang): fuzzers skipped"; exit 0; fi; \
	$(MAKE) -f $(srcdir)/fuzz/fuzz.mk srcdir='$(srcdir)' FUZZ_CC='$(FUZZ_CC)' FUZZ_SECONDS='$(FUZZ_SECONDS)' \
	  SWEEPFAST=.libs/libsamlab_sweepfast.a \
	  DEP_CFLAGS='$(HDF5_CFLAGS) $(GSL_CFLAGS) $(OPENBLAS_CFLAGS) $(LAPACKE_CFLAGS) $(ZLIB_CFLAGS)' \
	  DEP_LIBS='$(DNNL_LIBS) $(HDF5_LIBS) $(GSL_LIBS) $(LAPACKE_LIBS) $(OPENBLAS_LIBS) $(ZLIB_LIBS) -lm' run
.PHONY: fuzz
check_PROGRAMS += tests/test_fuzz_replay
tests_test_fuzz_replay_SOURCES = tests/test_fuzz_replay.c tests/testutil.h fuzz/fuzz.h fuzz/fuzz_util.c fuzz/h5gen.h \
	fuzz/h5gen.c fuzz/fuzz_idx.c fuzz/fuzz_cifar.c fuzz/fuzz_resume.c fuzz/fuzz_checkpoint.c fuzz/fuzz_plot.c fuzz/fuzz_merge.c \
	fuzz/fuzz_cli.c src/cli.h src/cli.c src/commands.h src/progress.c src/cmd_rules.c src/cli_toy.h src/cli_toy.c \
	src/cmd_toy.c src/cmd_plot.c src/plot.h src/plot_util.c src/plot_toy.c src/plot_contour.c src/cmd_merge.c \
	src/plot_sweep.c src/sweep_io.h src/sweep_io.c src/cmd_bounds.c src/cmd_figures.c src/plot_bounds.c \
	src/cmd_train.c src/plot_train.c src/train_trace.h src/train_trace.c src/cmd_hessian.c src/cmd_gradnorm.c \
	src/cmd_slice.c src/cmd_stability.c src/cmd_decompose.c src/cli_net.h src/cli_net.c src/plot_hessian.c \
	src/plot_gradnorm.c src/plot_slice.c src/plot_stability.c src/plot_decompose.c
tests_test_fuzz_replay_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
	-DFUZZ_SRCDIR='"$(abs_top_srcdir)"'
tests_test_fuzz_replay_CFLAGS = $(TEST_CFLAGS)
tests_test_fuzz_replay_LDADD = $(TEST_LIBS)
TESTS += tests/test_fuzz_replay
