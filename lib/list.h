/* Intrusive doubly linked list: a node lives inside the object it links, so
 * queuing and unqueuing never allocate and never fail. */
#ifndef WEPOLL_LIST_H_
#define WEPOLL_LIST_H_

#include <stdbool.h>
#include <stddef.h>

#include "container.h"

typedef struct list_node {
  struct list_node* prev;
  struct list_node* next;
} list_node;

/* A list head is a node that points at itself when the list is empty. */
static inline void list_init(list_node* head) {
  head->prev = head;
  head->next = head;
}

/* A detached node points at itself too, so membership is a cheap test. */
static inline bool list_is_linked(const list_node* node) {
  return node->next != node;
}

static inline bool list_is_empty(const list_node* head) {
  return head->next == head;
}

static inline void list_push_back(list_node* head, list_node* node) {
  node->prev = head->prev;
  node->next = head;
  head->prev->next = node;
  head->prev = node;
}

static inline void list_push_front(list_node* head, list_node* node) {
  list_push_back(head->next, node); /* before the first: after the head */
}

static inline void list_remove(list_node* node) {
  node->prev->next = node->next;
  node->next->prev = node->prev;
  list_init(node);
}

static inline list_node* list_first(const list_node* head) {
  return list_is_empty(head) ? NULL : head->next;
}

#endif /* WEPOLL_LIST_H_ */
