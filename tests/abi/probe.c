/*
 * ABI probe: the layout and constant facts a caller compiles in when it
 * includes wepoll.h, for the target this file is compiled for.
 *
 * The facts are compile-time constants stored in one table in the
 * executable's read-only data, behind a magic string, so ci/abi-check reads
 * them straight from the .exe without running it (no Wine needed, and the
 * numbers are exactly the compiler's).  Running the program prints the same
 * table, for humans.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <wepoll.h>

#define PROBE_NAME_LEN 48

struct probe_fact {
  char name[PROBE_NAME_LEN];
  uint64_t value;
};

#define MEMBER_SIZE(type, member) sizeof(((type*) 0)->member)

#define LAYOUT(name, expr) \
  { name, (uint64_t) (expr) }
#define CONSTANT(macro) \
  { #macro, (uint64_t) (macro) }

#define EVENT struct epoll_event

/* Number of facts below; an unfilled entry (empty name) is an error. */
#define PROBE_FACTS 42

/* The magic string is 16 bytes including its NUL; ci/abi-check searches the
 * executable for it.  `count` follows, then the facts. */
static const struct {
  char magic[16];
  uint64_t count;
  struct probe_fact facts[PROBE_FACTS];
} probe_table = {
    "WEPOLL-ABI-FACT",
    PROBE_FACTS,
    {
        LAYOUT("sizeof(void*)", sizeof(void*)),
        LAYOUT("sizeof(SOCKET)", sizeof(SOCKET)),
        LAYOUT("sizeof(HANDLE)", sizeof(HANDLE)),
        LAYOUT("sizeof(epoll_data_t)", sizeof(epoll_data_t)),
        LAYOUT("alignof(epoll_data_t)", _Alignof(epoll_data_t)),
        LAYOUT("offsetof(epoll_data_t, ptr)", offsetof(epoll_data_t, ptr)),
        LAYOUT("offsetof(epoll_data_t, fd)", offsetof(epoll_data_t, fd)),
        LAYOUT("offsetof(epoll_data_t, u32)", offsetof(epoll_data_t, u32)),
        LAYOUT("offsetof(epoll_data_t, u64)", offsetof(epoll_data_t, u64)),
        LAYOUT("offsetof(epoll_data_t, sock)", offsetof(epoll_data_t, sock)),
        LAYOUT("offsetof(epoll_data_t, hnd)", offsetof(epoll_data_t, hnd)),
        LAYOUT("sizeof(epoll_data_t.ptr)", MEMBER_SIZE(epoll_data_t, ptr)),
        LAYOUT("sizeof(epoll_data_t.fd)", MEMBER_SIZE(epoll_data_t, fd)),
        LAYOUT("sizeof(epoll_data_t.u32)", MEMBER_SIZE(epoll_data_t, u32)),
        LAYOUT("sizeof(epoll_data_t.u64)", MEMBER_SIZE(epoll_data_t, u64)),
        LAYOUT("sizeof(epoll_data_t.sock)", MEMBER_SIZE(epoll_data_t, sock)),
        LAYOUT("sizeof(epoll_data_t.hnd)", MEMBER_SIZE(epoll_data_t, hnd)),
        LAYOUT("sizeof(struct epoll_event)", sizeof(EVENT)),
        LAYOUT("alignof(struct epoll_event)", _Alignof(EVENT)),
        LAYOUT("offsetof(struct epoll_event, events)",
               offsetof(EVENT, events)),
        LAYOUT("offsetof(struct epoll_event, data)", offsetof(EVENT, data)),
        LAYOUT("sizeof(struct epoll_event.events)",
               MEMBER_SIZE(EVENT, events)),
        CONSTANT(EPOLLIN),
        CONSTANT(EPOLLPRI),
        CONSTANT(EPOLLOUT),
        CONSTANT(EPOLLERR),
        CONSTANT(EPOLLHUP),
        CONSTANT(EPOLLRDNORM),
        CONSTANT(EPOLLRDBAND),
        CONSTANT(EPOLLWRNORM),
        CONSTANT(EPOLLWRBAND),
        CONSTANT(EPOLLMSG),
        CONSTANT(EPOLLRDHUP),
        CONSTANT(EPOLLONESHOT),
        CONSTANT(EPOLL_CLOEXEC),
        CONSTANT(EPOLL_CTL_ADD),
        CONSTANT(EPOLL_CTL_MOD),
        CONSTANT(EPOLL_CTL_DEL),
        CONSTANT(WEPOLL_CLOSE_TRACKING),
        CONSTANT(WEPOLL_VERSION_MAJOR),
        CONSTANT(WEPOLL_VERSION_MINOR),
        CONSTANT(WEPOLL_VERSION_PATCH),
    },
};

int main(void) {
  for (size_t i = 0; i < PROBE_FACTS; i++) {
    const struct probe_fact* f = &probe_table.facts[i];
    if (f->name[0] == '\0') {
      fprintf(stderr, "probe: fact %u has no name\n", (unsigned) i);
      return 1;
    }
    printf("%s %llu\n", f->name, (unsigned long long) f->value);
  }
  return 0;
}
