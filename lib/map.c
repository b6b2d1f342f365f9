#include "map.h"

#include <stdlib.h>

#include "os_alloc.h"

enum { MAP_MIN_BUCKETS = 16 };

/* Socket handles are multiples of 4 and often allocated close together;
 * mix the bits so that neighbours spread over the table. */
static size_t map_hash(uintptr_t key, size_t bucket_count) {
  uint64_t h = (uint64_t) key;
  h ^= h >> 33;
  h *= UINT64_C(0xff51afd7ed558ccd);
  h ^= h >> 33;
  return (size_t) h & (bucket_count - 1);
}

void map_init(map* m) {
  m->buckets = NULL;
  m->bucket_count = 0;
  m->size = 0;
}

void map_free(map* m) {
  os_free(m->buckets);
  map_init(m);
}

map_entry* map_find(const map* m, uintptr_t key) {
  map_entry* entry;
  if (m->bucket_count == 0)
    return NULL;
  for (entry = m->buckets[map_hash(key, m->bucket_count)]; entry != NULL;
       entry = entry->next_in_bucket) {
    if (entry->key == key)
      return entry;
  }
  return NULL;
}

static bool map_resize(map* m, size_t new_count) {
  map_entry** new_buckets =
      (map_entry**) os_calloc(new_count, sizeof *new_buckets);
  size_t i;
  if (new_buckets == NULL)
    return false;
  for (i = 0; i < m->bucket_count; i++) {
    map_entry* entry = m->buckets[i];
    while (entry != NULL) {
      map_entry* next = entry->next_in_bucket;
      size_t slot = map_hash(entry->key, new_count);
      entry->next_in_bucket = new_buckets[slot];
      new_buckets[slot] = entry;
      entry = next;
    }
  }
  os_free(m->buckets);
  m->buckets = new_buckets;
  m->bucket_count = new_count;
  return true;
}

bool map_insert(map* m, map_entry* entry) {
  size_t slot;
  /* Chains of two on average stay short, and the table costs half the
   * memory per entry of one bucket each. */
  if (m->size >= 2 * m->bucket_count) {
    size_t new_count =
        m->bucket_count == 0 ? (size_t) MAP_MIN_BUCKETS : m->bucket_count * 2;
    if (new_count < m->bucket_count || !map_resize(m, new_count))
      return false;
  }
  slot = map_hash(entry->key, m->bucket_count);
  entry->next_in_bucket = m->buckets[slot];
  m->buckets[slot] = entry;
  m->size++;
  return true;
}

void map_remove(map* m, map_entry* entry) {
  map_entry** link = &m->buckets[map_hash(entry->key, m->bucket_count)];
  while (*link != entry)
    link = &(*link)->next_in_bucket;
  *link = entry->next_in_bucket;
  entry->next_in_bucket = NULL;
  m->size--;
}
