#ifndef ROOKERY_CSYSTEM_H
#define ROOKERY_CSYSTEM_H

/// Asks the kernel to send `signal` to this process when its parent exits.
/// Returns 0 on success, -1 with errno set otherwise. Wraps the variadic prctl(2),
/// which Swift cannot call directly.
int rookery_set_parent_death_signal(int signal);

/// Returns the pid of the parent process (getppid), for the race check after
/// rookery_set_parent_death_signal.
int rookery_parent_pid(void);

#endif
