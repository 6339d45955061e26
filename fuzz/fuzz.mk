# GNU make rules of the libFuzzer harnesses, run by `make fuzz` (fuzz/local.mk) in the build directory with srcdir,
# FUZZ_CC (clang), FUZZ_SECONDS, SWEEPFAST (the library's separately built kernel) and the dependencies' DEP_CFLAGS
# and DEP_LIBS.  The library's and the commands' sources are compiled again with coverage (libFuzzer) and
# AddressSanitizer + UndefinedBehaviorSanitizer; each harness runs FUZZ_SECONDS from its seeds (fuzz/corpus/NAME)
# and regression inputs (tests/fuzz-regress/NAME), keeping what it finds in fuzz/build/corpus/NAME.  A crash stops
# it with its input in fuzz/build/crash-NAME-*: fix the code, then add the input to tests/fuzz-regress/NAME.
S := $(srcdir)
B := fuzz/build
HARNESSES := idx_plain idx_gzip cifar resume checkpoint plot merge cli
LIB_SRCS := $(filter-out %/sweep_fast.c,$(wildcard $(S)/lib/*.c $(S)/lib/rules/*.c $(S)/lib/data/*.c $(S)/toys/*.c \
	$(S)/analyses/*.c))
CMD_SRCS := $(filter-out %/main.c %/cmd_sweep.c,$(wildcard $(S)/src/*.c))
FUZZ_SRCS := $(addprefix $(S)/fuzz/,fuzz_util.c h5gen.c fuzz_idx.c fuzz_cifar.c fuzz_resume.c fuzz_checkpoint.c fuzz_plot.c \
	fuzz_merge.c fuzz_cli.c)
OBJS := $(patsubst $(S)/%.c,$(B)/obj/%.o,$(LIB_SRCS) $(CMD_SRCS) $(FUZZ_SRCS))
FLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -I. -I$(S)/include $(DEP_CFLAGS) -w

run: $(addprefix $(B)/fuzz_,$(HARNESSES)) $(B)/h5ops
	@status=0; for h in $(HARNESSES); do \
	  mkdir -p $(B)/corpus/$$h; dirs=$(B)/corpus/$$h; \
	  for d in $(S)/fuzz/corpus/$$h $(S)/tests/fuzz-regress/$$h; do [ ! -d $$d ] || dirs="$$dirs $$d"; done; \
	  if $(B)/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -close_fd_mask=3 -rss_limit_mb=4096 -timeout=60 \
	      -print_final_stats=1 -artifact_prefix=$(B)/crash-$$h- $$dirs >$(B)/$$h.log 2>&1; \
	  then result=ok; else result=FAILED; status=1; fi; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(B)/$$h.log); \
	  last=$$(grep -E '^#[0-9]+' $(B)/$$h.log | tail -1 | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [0-9]+).*/\1/'); \
	  echo "fuzz_$$h: $$result, $${runs:-?} executions in $(FUZZ_SECONDS) s, $$last (log $(B)/$$h.log)"; \
	  [ $$result = ok ] || { tail -30 $(B)/$$h.log; ls $(B)/crash-$$h-* 2>/dev/null; }; \
	done; exit $$status

$(B)/obj/%.o: $(S)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(B)/fuzz_%: $(OBJS) $(S)/fuzz/libfuzzer_main.c
	$(FUZZ_CC) $(FLAGS) -fsanitize=fuzzer -DFUZZ_ENTRY=fuzz_$* $(S)/fuzz/libfuzzer_main.c $(OBJS) $(SWEEPFAST) \
	  $(DEP_LIBS) -o $@

# the seed maker: h5ops FILE.h5 > fuzz/corpus/NAME/SEED
$(B)/h5ops: $(S)/fuzz/h5ops.c $(OBJS)
	$(FUZZ_CC) $(FLAGS) $(S)/fuzz/h5ops.c $(OBJS) $(SWEEPFAST) $(DEP_LIBS) -o $@

.PHONY: run
.SECONDARY: $(OBJS)
