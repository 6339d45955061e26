/* Fuzz harnesses (issue 16): each is a function fuzz_NAME(data, size) that feeds outside bytes to one of samlab's
 * readers and must return 0 for any input.  libFuzzer runs them (fuzz/libfuzzer_main.c, `make fuzz`); the replay
 * suite tests/test_fuzz_replay runs their seed corpora and every regression input in `make check`.  Built with
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION: cli_die returns here by longjmp and plots skip gnuplot. */
#ifndef SAMLAB_FUZZ_H
#define SAMLAB_FUZZ_H
#include <stddef.h>
#include <stdint.h>

#define FUZZ_HARNESSES(X) X(idx_plain) X(idx_gzip) X(cifar) X(resume) X(checkpoint) X(plot) X(merge) X(cli)
#define FUZZ_DECLARE(name) int fuzz_##name(const uint8_t *data, size_t size);
FUZZ_HARNESSES(FUZZ_DECLARE)

/* A file of this process's private temporary directory (made on first use, removed at exit) holding
 * data[0..size); its path, valid until the next call with the same name. */
const char *fuzz_file(const char *name, const void *data, size_t size);
/* The path of name in that directory, nothing written. */
const char *fuzz_path(const char *name);
/* An HDF5 file at path built from a description in data (fuzz/h5gen.h); 0, or -1 if it could not be created. */
int fuzz_h5_write(const char *path, const uint8_t *data, size_t size);
/* Runs a command's main function on argv; its exit status (2 if it called cli_die, 0 after --help).  Afterwards
 * closes every HDF5 object the command left open; what it allocated is not reported as leaked (LeakSanitizer). */
int fuzz_command(int (*cmd)(int, char **), int argc, char **argv);
#endif
