/* What a C compiler makes of include/wepoll.h (and of the C runtime's and
 * Windows' error codes), compiled into the Nim tests so that they compare
 * the Nim declarations with the header itself, not with copied numbers. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#ifndef WEPOLL_STATIC
#define WEPOLL_STATIC /* only types and constants are used here */
#endif
#include "wepoll.h"

#include <winsock2.h>
#include <windows.h>

struct c_fact {
  const char* name;
  long long value;
};

#define FACT(expr) {#expr, (long long)(expr)}

static const struct c_fact facts[] = {
    FACT(sizeof(struct epoll_event)),
    FACT(_Alignof(struct epoll_event)),
    FACT(offsetof(struct epoll_event, events)),
    FACT(offsetof(struct epoll_event, data)),
    FACT(sizeof(epoll_data_t)),
    FACT(_Alignof(epoll_data_t)),
    FACT(sizeof(((epoll_data_t*)0)->ptr)),
    FACT(sizeof(((epoll_data_t*)0)->fd)),
    FACT(sizeof(((epoll_data_t*)0)->u32)),
    FACT(sizeof(((epoll_data_t*)0)->u64)),
    FACT(sizeof(((epoll_data_t*)0)->sock)),
    FACT(sizeof(((epoll_data_t*)0)->hnd)),
    FACT(sizeof(HANDLE)),
    FACT(sizeof(SOCKET)),
    FACT(EPOLLIN),
    FACT(EPOLLPRI),
    FACT(EPOLLOUT),
    FACT(EPOLLERR),
    FACT(EPOLLHUP),
    FACT(EPOLLRDNORM),
    FACT(EPOLLRDBAND),
    FACT(EPOLLWRNORM),
    FACT(EPOLLWRBAND),
    FACT(EPOLLMSG),
    FACT(EPOLLRDHUP),
    FACT(EPOLLONESHOT),
    FACT(EPOLL_CLOEXEC),
    FACT(EPOLL_CTL_ADD),
    FACT(EPOLL_CTL_MOD),
    FACT(EPOLL_CTL_DEL),
    FACT(EBADF),
    FACT(EINVAL),
    FACT(EFAULT),
    FACT(ENOTSOCK),
    FACT(EEXIST),
    FACT(ENOENT),
    FACT(ERROR_INVALID_HANDLE),
    FACT(ERROR_INVALID_PARAMETER),
    FACT(ERROR_NOACCESS),
    FACT(WSAENOTSOCK),
    FACT(ERROR_ALREADY_EXISTS),
    FACT(ERROR_NOT_FOUND),
};

int wepoll_c_fact_count(void) {
  return (int)(sizeof facts / sizeof facts[0]);
}

const char* wepoll_c_fact_name(int i) {
  return facts[i].name;
}

long long wepoll_c_fact_value(int i) {
  return facts[i].value;
}

/* errno of the C runtime this program (and a MinGW-built wepoll.dll) uses. */
int wepoll_c_errno(void) {
  return errno;
}

void wepoll_c_set_errno(int value) {
  errno = value;
}
