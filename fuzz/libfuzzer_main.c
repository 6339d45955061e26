/* libFuzzer's entry point for the harness named by FUZZ_ENTRY (fuzz_idx_plain, ...): fuzz/fuzz.mk builds one
 * program per harness. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  return FUZZ_ENTRY(data, size);
}
