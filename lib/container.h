/* Getting from an embedded member back to the object that holds it: how the
 * intrusive lists and the map lead to their owners. */
#ifndef WEPOLL_CONTAINER_H_
#define WEPOLL_CONTAINER_H_

#include <stddef.h>

#define container_of(member_ptr, type, member) \
  ((type*) ((char*) (member_ptr) -offsetof(type, member)))

#endif /* WEPOLL_CONTAINER_H_ */
