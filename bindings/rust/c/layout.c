/* What the C compiler makes of wepoll.h: sizes, alignments, field offsets
 * and constant values, as a table the crate's tests compare the Rust
 * declarations with (tests/layout.rs).  Built by build.rs only when
 * WEPOLL_INCLUDE_DIR is set. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "wepoll.h"

struct wepoll_sys_c_value {
  const char* name;
  uint64_t value;
};

#define VALUE(expr) {#expr, (uint64_t)(expr)}

static const struct wepoll_sys_c_value values[] = {
    VALUE(sizeof(HANDLE)),
    VALUE(sizeof(SOCKET)),
    VALUE(sizeof(epoll_data_t)),
    VALUE(alignof(epoll_data_t)),
    VALUE(sizeof(struct epoll_event)),
    VALUE(alignof(struct epoll_event)),
    VALUE(offsetof(struct epoll_event, events)),
    VALUE(offsetof(struct epoll_event, data)),
    VALUE(offsetof(epoll_data_t, ptr)),
    VALUE(offsetof(epoll_data_t, fd)),
    VALUE(offsetof(epoll_data_t, u32)),
    VALUE(offsetof(epoll_data_t, u64)),
    VALUE(offsetof(epoll_data_t, sock)),
    VALUE(offsetof(epoll_data_t, hnd)),
    VALUE(EPOLLIN),
    VALUE(EPOLLPRI),
    VALUE(EPOLLOUT),
    VALUE(EPOLLERR),
    VALUE(EPOLLHUP),
    VALUE(EPOLLRDNORM),
    VALUE(EPOLLRDBAND),
    VALUE(EPOLLWRNORM),
    VALUE(EPOLLWRBAND),
    VALUE(EPOLLMSG),
    VALUE(EPOLLRDHUP),
    VALUE(EPOLLONESHOT),
    VALUE(EPOLL_CTL_ADD),
    VALUE(EPOLL_CTL_MOD),
    VALUE(EPOLL_CTL_DEL),
    VALUE(WEPOLL_VERSION_MAJOR),
    VALUE(WEPOLL_VERSION_MINOR),
    VALUE(WEPOLL_VERSION_PATCH),
    VALUE(WEPOLL_VERSION),
};

/* Returns the table and stores its length in *count. */
const struct wepoll_sys_c_value* wepoll_sys_c_values(size_t* count) {
  *count = sizeof values / sizeof values[0];
  return values;
}
