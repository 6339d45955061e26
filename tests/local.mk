# Check suites; each is one program.
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS = libsamlab.la $(CHECK_LIBS) $(SAMLAB_DEPLIBS)
check_PROGRAMS += tests/test_base tests/test_rules
tests_test_base_SOURCES = tests/test_base.c tests/testutil.h
tests_test_base_CFLAGS = $(TEST_CFLAGS)
tests_test_base_LDADD = $(TEST_LIBS)
tests_test_rules_SOURCES = tests/test_rules.c tests/testutil.h
tests_test_rules_CFLAGS = $(TEST_CFLAGS)
tests_test_rules_LDADD = $(TEST_LIBS)
TESTS += tests/test_base tests/test_rules
# rules (owner: rules): every rule x base against an independent reference, 200 steps
check_PROGRAMS += tests/test_rule_reference
tests_test_rule_reference_SOURCES = tests/test_rule_reference.c tests/testutil.h
tests_test_rule_reference_CFLAGS = $(TEST_CFLAGS)
tests_test_rule_reference_LDADD = $(TEST_LIBS)
TESTS += tests/test_rule_reference
# toys (owner: toys)
check_PROGRAMS += tests/test_toys
tests_test_toys_SOURCES = tests/test_toys.c tests/testutil.h
tests_test_toys_CFLAGS = $(TEST_CFLAGS)
tests_test_toys_LDADD = $(TEST_LIBS)
TESTS += tests/test_toys
# the samlab program from outside (owner: toys); runs ./samlab from the build directory
check_PROGRAMS += tests/test_cli
tests_test_cli_SOURCES = tests/test_cli.c tests/testutil.h
tests_test_cli_CFLAGS = $(TEST_CFLAGS)
tests_test_cli_LDADD = $(TEST_LIBS)
TESTS += tests/test_cli
# sweep (issue 6); runs ./samlab, so samlab is built first
check_PROGRAMS += tests/test_sweep
tests_test_sweep_SOURCES = tests/test_sweep.c tests/testutil.h
tests_test_sweep_CFLAGS = $(TEST_CFLAGS)
tests_test_sweep_LDADD = $(TEST_LIBS)
TESTS += tests/test_sweep
# train (issue 7): data, networks, trainer and the samlab train command
check_PROGRAMS += tests/test_data
tests_test_data_SOURCES = tests/test_data.c tests/testutil.h tests/cifar_files.h
tests_test_data_CFLAGS = $(TEST_CFLAGS)
tests_test_data_LDADD = $(TEST_LIBS)
TESTS += tests/test_data
check_PROGRAMS += tests/test_net
tests_test_net_SOURCES = tests/test_net.c tests/testutil.h
tests_test_net_CFLAGS = $(TEST_CFLAGS)
tests_test_net_LDADD = $(TEST_LIBS)
TESTS += tests/test_net
# analyses (owner: analyses); its command checks run ./samlab from the build directory
check_PROGRAMS += tests/test_analyses
tests_test_analyses_SOURCES = tests/test_analyses.c tests/testutil.h
tests_test_analyses_CFLAGS = $(TEST_CFLAGS)
tests_test_analyses_LDADD = $(TEST_LIBS)
TESTS += tests/test_analyses
check_PROGRAMS += tests/test_train
tests_test_train_SOURCES = tests/test_train.c tests/testutil.h tests/cifar_files.h
tests_test_train_CFLAGS = $(TEST_CFLAGS)
tests_test_train_LDADD = $(TEST_LIBS)
TESTS += tests/test_train
check_PROGRAMS += tests/test_bounds tests/test_figures
tests_test_bounds_SOURCES = tests/test_bounds.c tests/testutil.h
tests_test_bounds_CFLAGS = $(TEST_CFLAGS)
tests_test_bounds_LDADD = $(TEST_LIBS)
tests_test_figures_SOURCES = tests/test_figures.c tests/testutil.h
tests_test_figures_CFLAGS = $(TEST_CFLAGS)
tests_test_figures_LDADD = $(TEST_LIBS)
TESTS += tests/test_bounds tests/test_figures
# the layers lib <- toys <- analyses <- src, checked on every include (issue 12)
TESTS += tests/layers.sh
EXTRA_DIST += tests/layers.sh
# install (issue 12): make install into a temporary DESTDIR, then build and run tests/external/sam_step.c with
# pkg-config alone (a script; it runs from the top of the build tree)
TESTS += tests/install.sh
EXTRA_DIST += tests/install.sh tests/external/sam_step.c
# docs (owner: rules): docs/rules.md and README.md hold `samlab rules --markdown`
dist_noinst_SCRIPTS += tests/docs_tables.sh
TESTS += tests/docs_tables.sh
# sharpness (issue 15): worst-case, average-case, m-sharpness and first-order flatness against closed forms
check_PROGRAMS += tests/test_sharpness
tests_test_sharpness_SOURCES = tests/test_sharpness.c tests/testutil.h
tests_test_sharpness_CFLAGS = $(TEST_CFLAGS)
tests_test_sharpness_LDADD = $(TEST_LIBS)
TESTS += tests/test_sharpness
# oneDNN primitives (issue 13) against a direct convolution in double; lib/dnn.c is internal, so built in
check_PROGRAMS += tests/test_dnn
tests_test_dnn_SOURCES = tests/test_dnn.c tests/testutil.h lib/dnn.c lib/dnn.h
tests_test_dnn_CFLAGS = $(TEST_CFLAGS)
tests_test_dnn_LDADD = $(TEST_LIBS)
TESTS += tests/test_dnn
