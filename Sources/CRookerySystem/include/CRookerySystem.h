#ifndef ROOKERY_CSYSTEM_H
#define ROOKERY_CSYSTEM_H

/// Asks the kernel to send `signal` to this process when its parent exits.
/// Returns 0 on success, -1 with errno set otherwise. Wraps the variadic prctl(2),
/// which Swift cannot call directly.
int rookery_set_parent_death_signal(int signal);

/// Returns the pid of the parent process (getppid), for the race check after
/// rookery_set_parent_death_signal.
int rookery_parent_pid(void);

#include <stddef.h>
#include <stdint.h>

/// Makes glibc serve every allocation of at least `threshold` bytes with its own mmap and
/// return it to the kernel when freed, and trim the heap top past the same size. Fixed
/// values switch off glibc's dynamic thresholds, which otherwise rise after the first big
/// free and keep later big blocks (scrypt's 32 MiB work area) resident for good.
/// Returns 0 on success, -1 if glibc refused a setting.
int rookery_return_large_blocks_to_system(size_t threshold);

/// Fills `buffer` with `count` bytes from the kernel's CSPRNG (getrandom(2), which Swift's
/// Glibc module does not export). Returns the number of bytes written, or -1 with errno set.
long rookery_random_bytes(void *buffer, size_t count);

/// A libFuzzer test callback: returns 0.
typedef int (*rookery_fuzz_callback)(const uint8_t *data, size_t size);

/// Whether this binary was linked with libFuzzer (libclang_rt.fuzzer_no_main); see deploy/fuzz.
int rookery_fuzzer_linked(void);

/// Runs libFuzzer's driver with `callback` (LLVMFuzzerRunDriver); -1 when not linked.
int rookery_run_fuzzer(int *argc, char ***argv, rookery_fuzz_callback callback);

/// Makes a non-blocking, close-on-exec pipe and installs a SIGCHLD handler that only writes
/// one byte to it, so the supervisor hears of exited children on its event loop and reaps
/// them there, like gunicorn's arbiter. SA_RESTART keeps other threads' system calls from
/// failing with EINTR; SA_NOCLDSTOP ignores stopped and continued children. The write end
/// stays open for the life of the process. Returns the read end, or -1 with errno set.
int rookery_child_exit_pipe(void);

#endif
