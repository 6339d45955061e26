# Toy landscapes (part of libsamlab).
libsamlab_la_SOURCES += toys/toy_impl.h toys/registry.c toys/quartic.c toys/wsam_kl.c
