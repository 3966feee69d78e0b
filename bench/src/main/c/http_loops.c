// http_loops PORT LOOPS [BATCH] - a plain C HTTP/1.1 server answering every request with the same
// 13-byte "Hello, World!" as jselectors' /hello, on LOOPS threads that each own an epoll and the
// connections given to them: the main thread accepts and hands connections out in turn (as
// jselectors' acceptor does). No parsing beyond finding each head's end, so pipelined requests
// (scenario e) get one answer each, written together. BATCH 1 puts the loop threads under
// SCHED_BATCH (jselectors does when its loops outnumber its CPUs), 0 leaves the default policy;
// without the argument it is 1 exactly when LOOPS exceeds the CPUs this process may use.
//
// What it is for: the floor for "four loops on one core against one loop" (issue #19). The same
// program with 1 and with 4 loops under ../shared/bench/pair.sh shows what the kernel charges for
// time-sharing loops (sleeps, wake-ups, switches) when the loops themselves cost nothing else
// (bench/loop-floor.sh). Listens on 127.0.0.1 only; exits on SIGTERM or SIGINT.
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define IN_SIZE 16384
#define OUT_SIZE 65536
#define MAX_EVENTS 256

static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";
#define RESPONSE_LEN (sizeof RESPONSE - 1)

struct conn {
    int fd;
    size_t in_len;            // bytes of an unfinished head kept in in[]
    size_t out_off, out_len;  // unsent answer bytes are out[out_off .. out_off + out_len)
    char in[IN_SIZE];
    char out[OUT_SIZE];
};

struct loop {
    pthread_t thread;
    int ep;
    int batch;
};

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void drop(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

// Sends what is queued; returns 0 when all of it went, 1 when the socket is full, -1 on error.
static int flush(struct conn *c) {
    while (c->out_len > 0) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN ? 1 : -1;
        }
        c->out_off += (size_t) n;
        c->out_len -= (size_t) n;
    }
    c->out_off = 0;
    return 0;
}

// Queues one answer per complete head in in[], keeps the unfinished rest; -1 if a head outgrows in[].
static int answer(struct conn *c) {
    size_t start = 0;
    for (size_t i = 3; i < c->in_len; i++) {
        if (c->in[i] == '\n' && c->in[i - 1] == '\r' && c->in[i - 2] == '\n' && c->in[i - 3] == '\r') {
            if (c->out_off + c->out_len + RESPONSE_LEN > OUT_SIZE) return -1;
            memcpy(c->out + c->out_off + c->out_len, RESPONSE, RESPONSE_LEN);
            c->out_len += RESPONSE_LEN;
            start = i + 1;
        }
    }
    if (start > 0) {
        memmove(c->in, c->in + start, c->in_len - start);
        c->in_len -= start;
    }
    return c->in_len == IN_SIZE ? -1 : 0;
}

static void on_ready(int ep, struct conn *c, uint32_t events) {
    if (events & EPOLLOUT) {
        int rc = flush(c);
        if (rc < 0) { drop(ep, c); return; }
        if (rc > 0) return;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl MOD");
        return;
    }
    ssize_t n = recv(c->fd, c->in + c->in_len, IN_SIZE - c->in_len, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) { drop(ep, c); return; }
    if (n < 0) return;
    c->in_len += (size_t) n;
    if (answer(c) < 0) { drop(ep, c); return; }
    int rc = flush(c);
    if (rc < 0) { drop(ep, c); return; }
    if (rc > 0) { // the socket is full: stop reading until the rest is gone
        struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
        if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl MOD");
    }
}

static void *run_loop(void *arg) {
    struct loop *l = arg;
    if (l->batch) {
        struct sched_param param = { .sched_priority = 0 };
        if (sched_setscheduler(0, SCHED_BATCH, &param) < 0) perror("sched_setscheduler SCHED_BATCH");
    }
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(l->ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) on_ready(l->ep, events[i].data.ptr, events[i].events);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT LOOPS [BATCH]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]), loops = atoi(argv[2]);
    if (port <= 0 || port > 65535 || loops <= 0 || loops > 256) {
        fprintf(stderr, "bad PORT or LOOPS\n");
        return 2;
    }
    cpu_set_t cpus;
    int ncpu = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 1;
    int batch = argc > 3 ? atoi(argv[3]) : loops > ncpu;

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
    if (listen(lfd, 1024) < 0) die("listen");

    struct loop *all = calloc((size_t) loops, sizeof *all);
    if (all == NULL) die("calloc");
    for (int i = 0; i < loops; i++) {
        all[i].ep = epoll_create1(EPOLL_CLOEXEC);
        if (all[i].ep < 0) die("epoll_create1");
        all[i].batch = batch;
        if (pthread_create(&all[i].thread, NULL, run_loop, &all[i]) != 0) die("pthread_create");
    }
    fprintf(stderr, "http_loops: 127.0.0.1:%d, %d loop(s), SCHED_BATCH %s\n", port, loops, batch ? "on" : "off");
    for (unsigned next = 0;; next++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) continue;
            die("accept4");
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (c == NULL) die("calloc");
        c->fd = fd;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(all[next % (unsigned) loops].ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl ADD");
    }
}
