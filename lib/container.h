/* Getting from an embedded member back to the object that holds it: how the
 * intrusive lists and the map lead to their owners. */
#ifndef WEPOLL_CONTAINER_H_
#define WEPOLL_CONTAINER_H_

#include <stddef.h>

/* The formatter takes the minus below for a unary one. */
/* clang-format off */
#define container_of(member_ptr, type, member) \
  ((type*) ((char*) (member_ptr) - offsetof(type, member)))
/* clang-format on */

#endif /* WEPOLL_CONTAINER_H_ */
