# The samlab command-line program.
samlab_SOURCES += src/main.c src/cli.h src/cli.c src/commands.h src/progress.c \
	src/cmd_rules.c src/cli_toy.h src/cli_toy.c src/cmd_toy.c src/cmd_plot.c src/plot.h src/plot_util.c src/plot_toy.c src/plot_contour.c
# sweep (issue 6)
samlab_SOURCES += src/cmd_sweep.c src/cmd_merge.c src/plot_sweep.c src/sweep_io.h src/sweep_io.c
# bounds and figures (issue 5)
samlab_SOURCES += src/cmd_bounds.c src/cmd_figures.c src/plot_bounds.c
# The figure recipes are installed as $(pkgdatadir)/notebooks/*.sh, where samlab figures finds them, and the
# helpers they source as notebooks/lib/*.sh.
install-data-local:
	$(MKDIR_P) '$(DESTDIR)$(pkgdatadir)/notebooks'
	for f in $(srcdir)/notebooks/*.sh; do $(INSTALL_SCRIPT) "$$f" '$(DESTDIR)$(pkgdatadir)/notebooks/' || exit 1; done
	$(MKDIR_P) '$(DESTDIR)$(pkgdatadir)/notebooks/lib'
	for f in $(srcdir)/notebooks/lib/*.sh; do $(INSTALL_DATA) "$$f" '$(DESTDIR)$(pkgdatadir)/notebooks/lib/' || exit 1; done
uninstall-local:
	rm -rf '$(DESTDIR)$(pkgdatadir)/notebooks'
# train (issue 7)
samlab_SOURCES += src/cmd_train.c src/plot_train.c src/train_trace.h src/train_trace.c
# analyses (issue 4)
samlab_SOURCES += src/cmd_hessian.c src/cmd_gradnorm.c src/cmd_slice.c src/cmd_stability.c src/cmd_decompose.c src/cli_net.h src/cli_net.c \
	src/plot_hessian.c src/plot_gradnorm.c src/plot_slice.c src/plot_stability.c src/plot_decompose.c
# sharpness (issue 15)
samlab_SOURCES += src/cmd_sharpness.c
