# bench: files are listed here
# sweep (issue 6): run by hand, bench/bench_sweep [starts]; beside it python3 bench/sweep_numpy.py
noinst_PROGRAMS += bench/bench_sweep
bench_bench_sweep_SOURCES = bench/bench_sweep.c
bench_bench_sweep_LDADD = libsamlab.la $(SAMLAB_DEPLIBS)
EXTRA_DIST += bench/sweep_numpy.py
# rules (issue 3): run by hand, bench/bench_rules [steps]: ns per step of every rule on quartic
noinst_PROGRAMS += bench/bench_rules
bench_bench_rules_SOURCES = bench/bench_rules.c
bench_bench_rules_LDADD = libsamlab.la $(SAMLAB_DEPLIBS)
# train (issue 7): run by hand, bench/bench_train [threads] [fraction]; beside it python3 bench/torch_train.py
noinst_PROGRAMS += bench/bench_train
bench_bench_train_SOURCES = bench/bench_train.c
bench_bench_train_LDADD = libsamlab.la $(SAMLAB_DEPLIBS)
EXTRA_DIST += bench/torch_train.py bench/bench_train.sh
# analyses (issue 4): run by hand, bench/bench_hvp [threads] [repeats]: one HVP in units of one gradient
noinst_PROGRAMS += bench/bench_hvp
bench_bench_hvp_SOURCES = bench/bench_hvp.c
bench_bench_hvp_LDADD = libsamlab.la $(SAMLAB_DEPLIBS)
# issue 12: bench/same_results.sh record/compare, run by hand around a change that must not change results
EXTRA_DIST += bench/same_results.sh
# issue 13: run by hand, bench/bench_conv [rounds]: one conv layer on oneDNN against im2col + OpenBLAS, one thread
noinst_PROGRAMS += bench/bench_conv
bench_bench_conv_SOURCES = bench/bench_conv.c lib/dnn.c lib/dnn.h
bench_bench_conv_CFLAGS = $(AM_CFLAGS)
bench_bench_conv_LDADD = $(SAMLAB_DEPLIBS)
