// epoll_timeout_cost TIMEOUT_MS ROUNDS - two threads pass a token back and forth through two
// eventfds, each blocking in epoll_wait(TIMEOUT_MS) on an epoll of its own (-1: no timeout), and
// the process's CPU time per round trip (two sleeps, two wake-ups) is printed. Run on one CPU with
// -1 and with a long timeout alternately (bench/loop-timeout-cost.sh): the difference is what a
// sleeping wait's timeout costs the kernel (an hrtimer armed and cancelled per sleep), the cost an
// event loop avoids by keeping its timer deadline on a timerfd (bench/PROFILE.md, tenth pass).
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static int token_fd[2], poll_fd[2], timeout_ms;
static long rounds;

// Blocks until side i holds the token, then takes it (the eventfd back to 0).
static void take(int i) {
    struct epoll_event ev;
    uint64_t value;
    for (;;) {
        if (epoll_wait(poll_fd[i], &ev, 1, timeout_ms) == 1) {
            if (read(token_fd[i], &value, sizeof value) != sizeof value) {
                perror("read");
                exit(1);
            }
            return;
        }
    }
}

static void give(int i) {
    uint64_t one = 1;
    if (write(token_fd[i], &one, sizeof one) != sizeof one) {
        perror("write");
        exit(1);
    }
}

static void *peer(void *unused) {
    (void) unused;
    for (long r = 0; r < rounds; r++) {
        take(1);
        give(0);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s TIMEOUT_MS ROUNDS\n", argv[0]);
        return 2;
    }
    timeout_ms = atoi(argv[1]);
    rounds = atol(argv[2]);
    for (int i = 0; i < 2; i++) {
        token_fd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        poll_fd[i] = epoll_create1(EPOLL_CLOEXEC);
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = token_fd[i]};
        if (token_fd[i] < 0 || poll_fd[i] < 0 || epoll_ctl(poll_fd[i], EPOLL_CTL_ADD, token_fd[i], &ev) != 0) {
            perror("setup");
            return 1;
        }
    }
    pthread_t t;
    pthread_create(&t, NULL, peer, NULL);
    struct timespec a, b;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    for (long r = 0; r < rounds; r++) {
        give(1);
        take(0);
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
    pthread_join(t, NULL);
    double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
    printf("timeout_ms=%d rounds=%ld cpu_ns_per_round_trip=%.0f\n", timeout_ms, rounds, ns / rounds);
    return 0;
}
