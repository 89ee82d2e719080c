/*
 * UDP load generator for bench:tracker (tracker.bench.mjs compiles and runs it).
 *
 * A generator in Node costs about as much CPU per datagram as opentracker spends answering it,
 * so on a 2-core machine it, not the tracker, set opentracker's rate. This one batches its
 * sends and receives (sendmmsg/recvmmsg), so the tracker under test is the limit for either.
 *
 * usage: udp-load PORT TOTAL IN_FLIGHT < templates
 *   templates: 98-byte BEP 15 announces (event "started"), one per simulated peer; the
 *   connection id and transaction id are filled in here, and after the first round of peers the
 *   event becomes "none", as regular announces.
 * Prints one line of JSON: done, lost, seconds, p50 and p99 (ms), cpu (seconds of this process).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "load-report.h"

#define PACKET 98
#define MAX_PEERS 100000
#define MAX_BATCH 256

static void put32(unsigned char *p, uint32_t v) {
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: udp-load PORT TOTAL IN_FLIGHT < templates\n");
    return 2;
  }
  int port = atoi(argv[1]);
  long total = atol(argv[2]);
  int in_flight = atoi(argv[3]);
  if (port <= 0 || port > 65535 || total <= 0 || in_flight <= 0 || in_flight > MAX_BATCH) {
    fprintf(stderr, "udp-load: bad arguments\n");
    return 2;
  }
  static unsigned char templates[MAX_PEERS][PACKET];
  long peers = 0;
  while (peers < MAX_PEERS && fread(templates[peers], PACKET, 1, stdin) == 1) peers++;
  if (peers == 0) {
    fprintf(stderr, "udp-load: no templates on stdin\n");
    return 2;
  }

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  struct timeval wait = {.tv_sec = 0, .tv_usec = 250000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
    perror("udp-load: connect");
    return 1;
  }

  /* BEP 15 connect, retried for up to 3 s. */
  unsigned char id[8], reply[2048];
  unsigned char hello[16] = {0, 0, 0x04, 0x17, 0x27, 0x10, 0x19, 0x80, 0, 0, 0, 0, 0, 0, 0, 1};
  int connected = 0;
  for (int tries = 0; tries < 12 && !connected; tries++) {
    send(fd, hello, sizeof hello, 0);
    ssize_t n = recv(fd, reply, sizeof reply, 0);
    if (n >= 16 && get32(reply) == 0 && get32(reply + 4) == 1) {
      memcpy(id, reply + 8, 8);
      connected = 1;
    }
  }
  if (!connected) {
    fprintf(stderr, "udp-load: no UDP connect reply\n");
    return 1;
  }
  for (long i = 0; i < peers; i++) memcpy(templates[i], id, 8);

  double *sent_at = calloc(total, sizeof(double)); /* 0: not in flight */
  double *latencies = malloc(total * sizeof(double));
  static unsigned char out[MAX_BATCH][PACKET];
  static unsigned char in[MAX_BATCH][2048];
  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  long next = 0, done = 0, lost = 0, oldest = 0;

  double start = now(), cpu0 = cpu(), last_reap = start;
  int want = in_flight;
  while (done + lost < total) {
    /* Send `want` new announces in one call. */
    int batch = 0;
    double t = now();
    while (batch < want && next < total) {
      unsigned char *p = out[batch];
      memcpy(p, templates[next % peers], PACKET);
      if (next >= peers) put32(p + 80, 0);
      put32(p + 12, (uint32_t)next);
      sent_at[next] = t;
      iov[batch] = (struct iovec){.iov_base = p, .iov_len = PACKET};
      msgs[batch].msg_hdr = (struct msghdr){.msg_iov = &iov[batch], .msg_iovlen = 1};
      batch++;
      next++;
    }
    for (int at = 0; at < batch;) {
      int n = sendmmsg(fd, msgs + at, batch - at, 0);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == ECONNREFUSED) continue;
        perror("udp-load: sendmmsg");
        return 1;
      }
      at += n;
    }
    want = 0;

    /* Take in whatever replies are there (waiting for the first). */
    for (int i = 0; i < in_flight; i++) {
      iov[i] = (struct iovec){.iov_base = in[i], .iov_len = sizeof in[i]};
      msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
    }
    int n = recvmmsg(fd, msgs, in_flight, MSG_WAITFORONE, NULL);
    t = now();
    for (int i = 0; i < n; i++) {
      if (msgs[i].msg_len < 20 || get32(in[i]) != 1) continue;
      uint32_t tx = get32(in[i] + 4);
      if (tx >= (uint32_t)next || sent_at[tx] == 0) continue;
      latencies[done++] = (t - sent_at[tx]) * 1000;
      sent_at[tx] = 0;
      want++;
    }
    /* A datagram unanswered for a second is lost; it must not shrink the window for good. */
    if (t - last_reap > 0.25 || n <= 0) {
      last_reap = t;
      while (oldest < next && sent_at[oldest] == 0) oldest++;
      for (long k = oldest; k < next; k++) {
        if (sent_at[k] != 0 && sent_at[k] < t - 1) {
          sent_at[k] = 0;
          lost++;
          want++;
        }
      }
      if (lost > total / 100) {
        fprintf(stderr, "udp-load: %ld datagrams lost\n", lost);
        return 1;
      }
    }
  }
  report(done, lost, now() - start, latencies, cpu() - cpu0);
  return 0;
}
