#include "poll_group.h"

#include <errno.h>
#include <stdlib.h>

#include "afd.h"
#include "error.h"
#include "os.h"

/* Sockets per AFD device handle, as peers use: keeps cancellation cheap. */
enum { POLL_GROUP_CAPACITY = 32 };

void poll_group_set_init(poll_group_set* set, HANDLE iocp,
                         ULONG_PTR completion_key) {
  list_init(&set->groups);
  set->iocp = iocp;
  set->completion_key = completion_key;
}

static poll_group* poll_group_open(poll_group_set* set) {
  poll_group* group = (poll_group*) os_malloc(sizeof *group);
  if (group == NULL) {
    err_set(ENOMEM);
    return NULL;
  }
  group->afd = afd_open(set->iocp, set->completion_key);
  if (group->afd == NULL) {
    os_free(group);
    return NULL;
  }
  group->user_count = 0;
  list_init(&group->node);
  list_push_back(&set->groups, &group->node);
  return group;
}

static void poll_group_close_device(poll_group* group) {
  if (group->afd != NULL)
    os_close_handle(group->afd);
  group->afd = NULL;
}

poll_group* poll_group_acquire(poll_group_set* set) {
  list_node* last = set->groups.prev;
  poll_group* group;
  if (last != &set->groups &&
      container_of(last, poll_group, node)->user_count < POLL_GROUP_CAPACITY) {
    group = container_of(last, poll_group, node);
  } else {
    group = poll_group_open(set);
    if (group == NULL)
      return NULL;
  }
  group->user_count++;
  return group;
}

void poll_group_release(poll_group_set* set, poll_group* group) {
  group->user_count--;
  list_remove(&group->node);
  /* An empty group is closed unless it is the only one: a port whose one
   * socket comes and goes should not reopen the device every time. */
  if (group->user_count == 0 && !list_is_empty(&set->groups)) {
    poll_group_close_device(group);
    os_free(group);
    return;
  }
  /* Now it has room: move it where poll_group_acquire() looks. */
  list_push_back(&set->groups, &group->node);
}

void poll_group_set_end_polls(poll_group_set* set) {
  list_node* node;
  for (node = set->groups.next; node != &set->groups; node = node->next) {
    poll_group* group = container_of(node, poll_group, node);
    /* Closing the device ends its polls as well (cancelled on Windows,
     * STATUS_HANDLES_CLOSED under Wine): the way out when the cancel is not. */
    if (!afd_cancel_all(group->afd))
      poll_group_close_device(group);
  }
}

void poll_group_set_free(poll_group_set* set) {
  while (!list_is_empty(&set->groups)) {
    poll_group* group = container_of(set->groups.next, poll_group, node);
    list_remove(&group->node);
    poll_group_close_device(group);
    os_free(group);
  }
}
