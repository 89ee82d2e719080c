/*
 * HTTP load generator for bench:tracker (tracker.bench.mjs compiles and runs it), for the same
 * reason as udp-load.c: in Node it spent more CPU per announce than opentracker does answering,
 * so it, not the tracker, was the limit.
 *
 * usage: http-load PORT TOTAL CONNECTIONS < requests
 *   requests: complete HTTP/1.0 requests, each after its length as 2 bytes big-endian; sent in
 *   turn, one connection per request (as most clients do, and as opentracker requires),
 *   CONNECTIONS at a time. A request succeeds on a complete 200 reply (status line, headers,
 *   Content-Length bytes of body); opentracker resets the connection right after it answers.
 * Prints one line of JSON: done, lost (failed), seconds, p50 and p99 (ms), cpu (seconds).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "load-report.h"

#define MAX_REQUESTS 100000
#define MAX_CONNECTIONS 256
#define REPLY 8192

/* True when `raw` holds a complete HTTP 200 reply. */
static int complete200(const char *raw, size_t length) {
  if (length < 13 || (memcmp(raw, "HTTP/1.0 200 ", 13) != 0 && memcmp(raw, "HTTP/1.1 200 ", 13) != 0)) return 0;
  const char *end = memmem(raw, length, "\r\n\r\n", 4);
  if (!end) return 0;
  for (const char *p = raw; p < end; p++) {
    if ((p == raw || p[-1] == '\n') && end - p > 15 && strncasecmp(p, "content-length:", 15) == 0) {
      long body = strtol(p + 15, NULL, 10);
      return (size_t)(end + 4 - raw) + body <= length;
    }
  }
  return 0;
}

struct slot {
  int fd; /* -1: free */
  long request;
  double started;
  size_t got;
  char reply[REPLY];
};

static char *requests[MAX_REQUESTS];
static unsigned short lengths[MAX_REQUESTS];
static struct slot slots[MAX_CONNECTIONS];

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: http-load PORT TOTAL CONNECTIONS < requests\n");
    return 2;
  }
  int port = atoi(argv[1]);
  long total = atol(argv[2]);
  int connections = atoi(argv[3]);
  if (port <= 0 || port > 65535 || total <= 0 || connections <= 0 || connections > MAX_CONNECTIONS) {
    fprintf(stderr, "http-load: bad arguments\n");
    return 2;
  }
  long count = 0;
  unsigned char prefix[2];
  while (count < MAX_REQUESTS && fread(prefix, 2, 1, stdin) == 1) {
    lengths[count] = prefix[0] << 8 | prefix[1];
    requests[count] = malloc(lengths[count]);
    if (fread(requests[count], lengths[count], 1, stdin) != 1) break;
    count++;
  }
  if (count == 0) {
    fprintf(stderr, "http-load: no requests on stdin\n");
    return 2;
  }

  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  int ep = epoll_create1(0);
  double *latencies = malloc(total * sizeof(double));
  long next = 0, done = 0, failed = 0;
  for (int i = 0; i < connections; i++) slots[i].fd = -1;

  double start = now(), cpu0 = cpu();
  for (;;) {
    /* Fill free slots with new requests: connect, and write once connected. */
    for (int i = 0; i < connections && next < total; i++) {
      struct slot *s = &slots[i];
      if (s->fd >= 0) continue;
      s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      s->request = next++ % count;
      s->started = now();
      s->got = 0;
      if (connect(s->fd, (struct sockaddr *)&to, sizeof to) != 0 && errno != EINPROGRESS) {
        close(s->fd);
        s->fd = -1;
        failed++;
        continue;
      }
      struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = i};
      epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
    }
    int busy = 0;
    for (int i = 0; i < connections; i++) busy += slots[i].fd >= 0;
    if (busy == 0) break;

    struct epoll_event events[MAX_CONNECTIONS];
    int n = epoll_wait(ep, events, connections, 250);
    double t = now();
    for (int k = 0; k < n; k++) {
      struct slot *s = &slots[events[k].data.u32];
      int finished = 0, ok = 0;
      if (events[k].events & EPOLLOUT) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        /* A request of a few hundred bytes fits any socket buffer: one write. */
        if (err != 0 || write(s->fd, requests[s->request], lengths[s->request]) != lengths[s->request]) {
          finished = 1;
        } else {
          shutdown(s->fd, SHUT_WR);
          struct epoll_event ev = {.events = EPOLLIN, .data.u32 = events[k].data.u32};
          epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev);
        }
      } else {
        ssize_t r = read(s->fd, s->reply + s->got, REPLY - s->got);
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (r > 0) s->got += r;
        ok = complete200(s->reply, s->got);
        finished = ok || r <= 0 || s->got == REPLY;
      }
      if (!finished) continue;
      if (ok) latencies[done++] = (t - s->started) * 1000;
      else failed++;
      close(s->fd); /* also takes it out of the epoll set */
      s->fd = -1;
    }
    /* A request unanswered for 5 s fails. */
    for (int i = 0; i < connections; i++) {
      if (slots[i].fd >= 0 && t - slots[i].started > 5) {
        close(slots[i].fd);
        slots[i].fd = -1;
        failed++;
      }
    }
    if (failed > total / 100) {
      fprintf(stderr, "http-load: %ld requests failed\n", failed);
      return 1;
    }
  }
  report(done, failed, now() - start, latencies, cpu() - cpu0);
  return 0;
}
