#define _GNU_SOURCE  /* pipe2 */
#include "CRookerySystem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <malloc.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <unistd.h>

int rookery_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
}

int rookery_parent_pid(void) {
    return (int)getppid();
}

int rookery_return_large_blocks_to_system(size_t threshold) {
    int value = threshold > INT_MAX ? INT_MAX : (int)threshold;
    int mapped = mallopt(M_MMAP_THRESHOLD, value);
    int trimmed = mallopt(M_TRIM_THRESHOLD, value);
    return (mapped == 1 && trimmed == 1) ? 0 : -1;
}

long rookery_random_bytes(void *buffer, size_t count) {
    return (long)getrandom(buffer, count, 0);
}

/* Weak, so ordinary builds link without libFuzzer; fuzz builds (deploy/fuzz/run.sh) link it. */
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t))
    __attribute__((weak));

int rookery_fuzzer_linked(void) {
    return LLVMFuzzerRunDriver != NULL;
}

int rookery_run_fuzzer(int *argc, char ***argv, rookery_fuzz_callback callback) {
    if (LLVMFuzzerRunDriver == NULL) {
        return -1;
    }
    return LLVMFuzzerRunDriver(argc, argv, callback);
}

static volatile sig_atomic_t rookery_child_exit_fd = -1;

static void rookery_child_exited(int signal) {
    (void)signal;
    int saved = errno;
    /* A full pipe already holds a wake-up: the reader reaps every exited child at once. */
    if (rookery_child_exit_fd >= 0) {
        char byte = 0;
        (void)write(rookery_child_exit_fd, &byte, 1);
    }
    errno = saved;
}

int rookery_child_exit_pipe(void) {
    int descriptors[2];
    if (pipe2(descriptors, O_CLOEXEC | O_NONBLOCK) != 0) {
        return -1;
    }
    rookery_child_exit_fd = descriptors[1];
    struct sigaction action = {0};
    action.sa_handler = rookery_child_exited;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    if (sigaction(SIGCHLD, &action, NULL) != 0) {
        int saved = errno;
        rookery_child_exit_fd = -1;
        close(descriptors[0]);
        close(descriptors[1]);
        errno = saved;
        return -1;
    }
    return descriptors[0];
}
