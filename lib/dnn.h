/* float32 network primitives on oneDNN: 2-D convolution (forward, backward data, backward weights) and the
 * dense layer's matrix products, in the layouts the network engine keeps (internal to lib/).
 * Activations are NHWC rows, one per example; convolution weights [oc][ky][kx][ic] (rows of fan_in), dense
 * weights [out][in].  A plan is made once per layer shape and reused in every step; each call runs on the
 * calling thread only, so a chunk's result does not depend on how many threads run the other chunks. */
#ifndef SAMLAB_DNN_H
#define SAMLAB_DNN_H
#include <stddef.h>

typedef struct dnn_conv_shape {
  size_t h, w, c;          /* input height, width, channels */
  size_t oc, k, stride, pad; /* output channels, square kernel, stride, zero padding on every side */
} dnn_conv_shape;

size_t dnn_conv_out(size_t in, size_t k, size_t stride, size_t pad); /* output height (width) */

typedef struct dnn_conv dnn_conv;
/* A plan for the shape s and at most max_n examples a call; NULL when oneDNN refuses the shape. */
dnn_conv *dnn_conv_create(const dnn_conv_shape *s, size_t max_n);
void dnn_conv_free(dnn_conv *p);
/* y = conv(x, W) + b (b may be NULL) over n <= max_n examples. */
int dnn_conv_forward(dnn_conv *p, size_t n, const float *x, const float *W, const float *b, float *y);
/* dx = the gradient with respect to x of <dy, conv(x, W)>. */
int dnn_conv_backward_data(dnn_conv *p, size_t n, const float *dy, const float *W, float *dx);
/* dW (and db unless NULL) = the gradient with respect to W (and b): overwritten, or added to when acc. */
int dnn_conv_backward_weights(dnn_conv *p, size_t n, const float *x, const float *dy, float *dW, float *db, int acc);

/* Matrix products of the dense layer y = x W^T + b over n rows (x [n][in], W [out][in]). */
typedef struct dnn_dense dnn_dense;
dnn_dense *dnn_dense_create(size_t in, size_t out, size_t max_n);
void dnn_dense_free(dnn_dense *p);
int dnn_dense_forward(dnn_dense *p, size_t n, const float *x, const float *W, const float *b, float *y);
int dnn_dense_backward_data(dnn_dense *p, size_t n, const float *dy, const float *W, float *dx);
int dnn_dense_backward_weights(dnn_dense *p, size_t n, const float *x, const float *dy, float *dW, float *db,
                               int acc);

/* "oneDNN 2.6.3, avx512_core" (the version and the instruction set it chose), for traces. */
const char *dnn_describe(void);
#endif
