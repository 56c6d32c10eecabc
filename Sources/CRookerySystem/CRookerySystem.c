#include "CRookerySystem.h"

#include <sys/prctl.h>
#include <unistd.h>

int rookery_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
}

int rookery_parent_pid(void) {
    return (int)getppid();
}
