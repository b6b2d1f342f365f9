/* Socket -> registration map: an open hash table of intrusive entries keyed
 * by the socket's handle value, with O(1) expected lookup, insert and
 * remove.  Pure C: no Windows calls, so it is also built and fuzzed on the
 * host. */
#ifndef WEPOLL_MAP_H_
#define WEPOLL_MAP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct map_entry {
  struct map_entry* next_in_bucket;
  uintptr_t key;
} map_entry;

typedef struct map {
  map_entry** buckets;
  size_t bucket_count; /* 0 or a power of two */
  size_t size;
} map;

void map_init(map* m);
/* Frees the bucket array only; the entries belong to their owners. */
void map_free(map* m);
map_entry* map_find(const map* m, uintptr_t key);
/* Inserts an entry whose key is not in the map yet.  Returns false (and
 * leaves the map as it was) only when growing the table failed. */
bool map_insert(map* m, map_entry* entry);
void map_remove(map* m, map_entry* entry);

/* Walking the table bucket by bucket, for work that visits every entry a
 * slice at a time: the first entry of bucket `index` (< bucket_count), or
 * NULL; the rest of the bucket follows through next_in_bucket. */
static inline map_entry* map_bucket(const map* m, size_t index) {
  return m->buckets[index];
}

#endif /* WEPOLL_MAP_H_ */
