#include "CRookerySystem.h"

#include <limits.h>
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
