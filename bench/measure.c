/* Runs a command and reports, for that process alone: wall time, user and system CPU time, peak
 * resident memory and exit status. A small C parent is used (not Python) because Linux carries the
 * parent's peak RSS over fork+exec into the child's ru_maxrss.
 * Usage: measure TIMEOUT_SECONDS COMMAND [ARGS...]
 * Prints on stderr's last line: "measure: <wall_s> <user_s> <sys_s> <maxrss_kb> <exit_code>"
 * (exit_code is 128+signal when killed; 124 on timeout). Built by scripts/bench.sh. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child;
static int timed_out;
static void on_alarm(int sig) { (void)sig; timed_out = 1; if (child > 0) kill(child, SIGKILL); }

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s TIMEOUT COMMAND [ARGS...]\n", argv[0]); return 2; }
    int timeout = atoi(argv[1]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    child = fork();
    if (child < 0) { perror("fork"); return 2; }
    if (child == 0) { execvp(argv[2], argv + 2); perror(argv[2]); _exit(127); }
    signal(SIGALRM, on_alarm);
    if (timeout > 0) alarm((unsigned)timeout);
    int status = 0;
    struct rusage ru;
    while (wait4(child, &status, 0, &ru) < 0) { /* EINTR from the alarm: retry */ }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (timed_out) code = 124;
    fprintf(stderr, "\nmeasure: %.6f %.6f %.6f %ld %d\n", wall, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
            ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss, code);
    return 0;
}
