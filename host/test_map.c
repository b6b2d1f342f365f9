/* lib/map.c on the host: randomized against a reference model, plus growth
 * through many resizes and removal in every order. */
#include <inttypes.h>
#include <stdlib.h>

#include "map_model.h"

typedef struct big_item {
  map_entry entry;
  int tag;
} big_item;

/* Inserts `n` keys (handle-like values), finds each, removes them in a
 * scrambled order, checking size and lookups on the way. */
static void test_growth(size_t n, uint64_t seed) {
  big_item* items = calloc(n, sizeof *items);
  size_t* order = calloc(n, sizeof *order);
  map m;
  size_t i;
  HCHECK(items != NULL && order != NULL);
  map_init(&m);
  HCHECK(map_find(&m, 4) == NULL);
  for (i = 0; i < n; i++) {
    items[i].entry.key = (uintptr_t) (i + 1) * 4;
    items[i].tag = (int) i;
    HCHECK(map_insert(&m, &items[i].entry));
    HCHECK(m.size == i + 1);
  }
  HCHECK(2 * m.bucket_count >= n); /* at most two entries per bucket */
  for (i = 0; i < n; i++) {
    map_entry* e = map_find(&m, (uintptr_t) (i + 1) * 4);
    HCHECK(e == &items[i].entry);
    HCHECK(map_find(&m, (uintptr_t) (i + 1) * 4 + 1) == NULL);
  }
  for (i = 0; i < n; i++)
    order[i] = i;
  for (i = n - 1; i > 0; i--) {
    size_t j = (size_t) (src_splitmix(&seed) % (i + 1));
    size_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (i = 0; i < n; i++) {
    big_item* it = &items[order[i]];
    map_remove(&m, &it->entry);
    HCHECK(map_find(&m, it->entry.key) == NULL);
    HCHECK(m.size == n - i - 1);
    if (i % 997 == 0 && i + 1 < n)
      HCHECK(map_find(&m, items[order[i + 1]].entry.key) ==
             &items[order[i + 1]].entry);
  }
  /* Empty but still allocated: usable again. */
  HCHECK(map_insert(&m, &items[0].entry));
  HCHECK(map_find(&m, items[0].entry.key) == &items[0].entry);
  map_remove(&m, &items[0].entry);
  map_free(&m);
  free(items);
  free(order);
}

int main(int argc, char** argv) {
  uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : UINT64_C(20261127);
  uint64_t runs = argc > 2 ? strtoull(argv[2], NULL, 0) : 200;
  uint64_t r, steps = 0;
  printf("test_map: seed %" PRIu64 ", %" PRIu64 " runs\n", seed, runs);
  test_growth(100000, seed);
  test_growth(17, seed + 1);
  for (r = 0; r < runs; r++) {
    op_source src = {NULL, 0, 0, seed + r};
    static mm_state st;
    int i;
    mm_init(&st);
    for (i = 0; i < 20000; i++)
      mm_step(&st, &src);
    steps += st.ops;
    mm_finish(&st);
  }
  printf("test_map: OK (100000-key growth, %" PRIu64 " model steps)\n", steps);
  return 0;
}
