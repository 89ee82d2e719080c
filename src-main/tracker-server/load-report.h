/* What udp-load.c and http-load.c share: clocks, and the one line of JSON each prints. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) this process has used. */
static double cpu(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Prints done, lost, seconds, p50 and p99 of `latencies` (ms; sorted here) and cpu seconds. */
static void report(long done, long lost, double seconds, double *latencies, double used) {
  qsort(latencies, done, sizeof(double), by_value);
  double p50 = done ? latencies[(long)(done * 0.5)] : 0, p99 = done ? latencies[(long)(done * 0.99)] : 0;
  printf("{\"done\":%ld,\"lost\":%ld,\"seconds\":%.6f,\"p50\":%.4f,\"p99\":%.4f,\"cpu\":%.4f}\n", done, lost, seconds, p50, p99, used);
}
