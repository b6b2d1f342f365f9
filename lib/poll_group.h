/* Sharing AFD device handles between a bounded number of sockets: one handle
 * per socket would cost a kernel object each, one for all would make every
 * cancellation walk every outstanding poll. */
#ifndef WEPOLL_POLL_GROUP_H_
#define WEPOLL_POLL_GROUP_H_

#include <windows.h>

#include "list.h"

typedef struct poll_group {
  list_node node; /* in the port's list of groups */
  HANDLE afd;
  size_t user_count;
} poll_group;

/* A port's groups; the ones with room are kept at the back. */
typedef struct poll_group_set {
  list_node groups;
  HANDLE iocp;
  ULONG_PTR completion_key;
} poll_group_set;

void poll_group_set_init(poll_group_set* set, HANDLE iocp,
                         ULONG_PTR completion_key);
/* A group with room for one more socket, opening a device handle when none
 * has room.  NULL with errno and last error set on failure. */
poll_group* poll_group_acquire(poll_group_set* set);
/* Called once the socket's last poll on the group has completed. */
void poll_group_release(poll_group_set* set, poll_group* group);
/* Ends the polls still outstanding on every device: one cancel request per
 * device, or, where the cancel is refused, closing that device.  Their
 * packets still reach the port.  The groups stay allocated until
 * poll_group_set_free(). */
void poll_group_set_end_polls(poll_group_set* set);
/* Frees every group, closing any device handle still open; no poll may be
 * outstanding. */
void poll_group_set_free(poll_group_set* set);

#endif /* WEPOLL_POLL_GROUP_H_ */
