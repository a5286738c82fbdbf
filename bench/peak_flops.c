/*
 * The machine's measured single-precision FMA peak, the ceiling the sgemm figures are read
 * against: each thread runs 2 x 12 independent chains of 16-wide fused multiply-adds (enough
 * chains to hide the FMA latency on two ports), no memory traffic. Built by bench/run.sh with
 * gcc -O2 -march=native; prints "peak_gflops <threads> <median> <min> <max>" like the peers.
 * Usage: peak_flops THREADS
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef float v16 __attribute__((vector_size(64)));
#define CHAINS 24
#define ITERS 20000000L

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *spin(void *out) {
  v16 acc[CHAINS];
  v16 a = {0}, b = {0};
  for (int i = 0; i < 16; i++) { a[i] = 0.999999f; b[i] = 1e-7f; }
  for (int c = 0; c < CHAINS; c++) acc[c] = a * (float) c;
  for (long i = 0; i < ITERS; i++) {
#pragma GCC unroll 24 /* every chain in its own register, no loads or stores in the loop */
    for (int c = 0; c < CHAINS; c++) acc[c] = acc[c] * a + b; /* contracted to one FMA */
  }
  float s = 0;
  for (int c = 0; c < CHAINS; c++) s += acc[c][c % 16];
  *(float *) out = s; /* keeps the chains live */
  return NULL;
}

static int cmp(const void *x, const void *y) {
  double a = *(const double *) x, b = *(const double *) y;
  return (a > b) - (a < b);
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 64) { fprintf(stderr, "peak_flops: threads must be 1..64\n"); return 2; }
  enum { REPEATS = 5 };
  double gflops[REPEATS];
  pthread_t t[64];
  float sink[64];
  for (int r = 0; r < REPEATS; r++) {
    double start = now();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, spin, &sink[i]);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    double secs = now() - start;
    gflops[r] = 2.0 * 16 * CHAINS * ITERS * threads / secs / 1e9;
  }
  qsort(gflops, REPEATS, sizeof gflops[0], cmp);
  printf("peak_gflops %d %.1f %.1f %.1f\n", threads, gflops[REPEATS / 2], gflops[0], gflops[REPEATS - 1]);
  return sink[0] == 12345.f; /* never true; uses the result */
}
