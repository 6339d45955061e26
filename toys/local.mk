# Toy landscapes (part of libsamlab).
libsamlab_la_SOURCES += toys/toy_impl.h toys/registry.c toys/quartic.c toys/wsam_kl.c toys/noise.c toys/quadratic.c toys/rosenbrock.c \
	toys/infosam_amd.c toys/asym_valley.c
# Convex toys with synthetic data (bounds; papers developer).
libsamlab_la_SOURCES += toys/convex_data.h toys/convex_data.c toys/lsq.c toys/logreg.c
