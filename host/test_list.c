/* lib/list.h and lib/container.h on the host: a randomized queue of
 * intrusive nodes against a reference array. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "list.h"

typedef struct item {
  int id;
  list_node node;
  char pad[3];
} item;

enum { POOL = 64 };

static uint64_t rng_next(uint64_t* s) {
  uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* Walks the list both ways and compares with the reference order. */
static void check_list(const list_node* head, const int* ref, int n) {
  const list_node* p = head->next;
  int i = 0;
  for (; p != head; p = p->next, i++) {
    HCHECK(i < n);
    HCHECK(container_of(p, item, node)->id == ref[i]);
    HCHECK(p->next->prev == p);
  }
  HCHECK(i == n);
  for (p = head->prev, i = n - 1; p != head; p = p->prev, i--)
    HCHECK(container_of(p, item, node)->id == ref[i]);
  HCHECK(list_is_empty(head) == (n == 0));
  if (n == 0)
    HCHECK(list_first(head) == NULL);
  else
    HCHECK(container_of(list_first(head), item, node)->id == ref[0]);
}

int main(int argc, char** argv) {
  uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : UINT64_C(7);
  static item items[POOL];
  int ref[POOL];
  int n = 0, i, step;
  list_node head;
  list_init(&head);
  for (i = 0; i < POOL; i++) {
    items[i].id = i;
    list_init(&items[i].node);
    HCHECK(!list_is_linked(&items[i].node));
  }
  for (step = 0; step < 200000; step++) {
    uint64_t r = rng_next(&seed);
    item* it = &items[(r >> 8) % POOL];
    if ((r & 3) != 0) {
      if (list_is_linked(&it->node))
        continue;
      list_push_back(&head, &it->node);
      ref[n++] = it->id;
      HCHECK(list_is_linked(&it->node));
    } else {
      int j, k;
      if (!list_is_linked(&it->node))
        continue;
      list_remove(&it->node);
      HCHECK(!list_is_linked(&it->node));
      for (j = 0; ref[j] != it->id; j++)
        HCHECK(j < n);
      for (k = j; k + 1 < n; k++)
        ref[k] = ref[k + 1];
      n--;
    }
    check_list(&head, ref, n);
  }
  printf("test_list: OK (200000 steps, seed %" PRIu64 ")\n", seed);
  return 0;
}
