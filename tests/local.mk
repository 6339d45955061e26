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
