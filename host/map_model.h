/* A model-checked driver for lib/map.c: applies a stream of operations to
 * the real map and to a plain reference (a slot array searched linearly)
 * and checks after each one that both agree.  The stream comes from a
 * seeded PRNG (unit test) or from libFuzzer's bytes (fuzz target). */
#ifndef HOST_MAP_MODEL_H_
#define HOST_MAP_MODEL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "map.h"

/* ---- operation source ---------------------------------------------- */

typedef struct op_source {
  const uint8_t* data; /* fuzzer input, or NULL for the PRNG */
  size_t size;
  size_t pos;
  uint64_t rng;
} op_source;

static inline uint64_t src_splitmix(uint64_t* s) {
  uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline bool src_done(const op_source* s) {
  return s->data != NULL && s->pos >= s->size;
}

static inline uint8_t src_u8(op_source* s) {
  if (s->data == NULL)
    return (uint8_t) src_splitmix(&s->rng);
  return s->pos < s->size ? s->data[s->pos++] : 0;
}

static inline uint64_t src_u64(op_source* s) {
  uint64_t v = 0;
  int i;
  if (s->data == NULL)
    return src_splitmix(&s->rng);
  for (i = 0; i < 8; i++)
    v = (v << 8) | src_u8(s);
  return v;
}

/* ---- model ---------------------------------------------------------- */

enum { MM_POOL = 384 };

typedef struct mm_item {
  map_entry entry;
  bool present;
} mm_item;

typedef struct mm_state {
  map m;
  mm_item items[MM_POOL];
  size_t present_count;
  uint64_t ops;
} mm_state;

static inline void mm_init(mm_state* st) {
  memset(st, 0, sizeof *st);
  map_init(&st->m);
}

static inline mm_item* mm_ref_find(mm_state* st, uintptr_t key) {
  size_t i;
  for (i = 0; i < MM_POOL; i++) {
    if (st->items[i].present && st->items[i].entry.key == key)
      return &st->items[i];
  }
  return NULL;
}

/* Keys shaped like the ones the library sees (small multiples of 4, as
 * socket and handle values are) and like ones that stress the hash: equal
 * low bits, only high bits set, all ones. */
static inline uintptr_t mm_key(op_source* s) {
  uint64_t r = src_u64(s);
  switch (src_u8(s) % 6) {
    case 0:
      return (uintptr_t) ((r % 4096) * 4);
    case 1:
      return (uintptr_t) r;
    case 2:
      return (uintptr_t) (((r % 64) << 20) | 0x100);
    case 3:
      return (uintptr_t) ((r % 256) << (sizeof(uintptr_t) == 8 ? 40 : 24));
    case 4:
      return (uintptr_t) (UINTPTR_MAX - (r % 8));
    default:
      return (uintptr_t) (r % 16);
  }
}

static inline void mm_check_all(mm_state* st) {
  size_t i;
  HCHECK(st->m.size == st->present_count);
  HCHECK(st->m.bucket_count == 0 ||
         (st->m.bucket_count & (st->m.bucket_count - 1)) == 0);
  HCHECK(st->m.size <= 2 * st->m.bucket_count || st->m.bucket_count == 0);
  for (i = 0; i < MM_POOL; i++) {
    if (st->items[i].present)
      HCHECK(map_find(&st->m, st->items[i].entry.key) == &st->items[i].entry);
  }
}

/* One operation; returns false when the source ran dry. */
static inline bool mm_step(mm_state* st, op_source* s) {
  uint8_t op;
  size_t slot;
  mm_item* it;
  if (src_done(s))
    return false;
  op = src_u8(s);
  slot = (size_t) src_u8(s) << 8;
  slot |= src_u8(s);
  it = &st->items[slot % MM_POOL];
  st->ops++;
  switch (op % 8) {
    case 0:
    case 1:
    case 2: { /* insert */
      uintptr_t key = mm_key(s);
      if (it->present || mm_ref_find(st, key) != NULL)
        break; /* the contract: only keys not in the map yet */
      it->entry.key = key;
      HCHECK(map_insert(&st->m, &it->entry));
      it->present = true;
      st->present_count++;
      HCHECK(st->m.size == st->present_count);
      HCHECK(map_find(&st->m, key) == &it->entry);
      break;
    }
    case 3:
    case 4: /* remove */
      if (!it->present)
        break;
      map_remove(&st->m, &it->entry);
      it->present = false;
      st->present_count--;
      HCHECK(st->m.size == st->present_count);
      HCHECK(map_find(&st->m, it->entry.key) == NULL);
      break;
    case 5: { /* look up an arbitrary key */
      uintptr_t key = mm_key(s);
      mm_item* want = mm_ref_find(st, key);
      map_entry* got = map_find(&st->m, key);
      HCHECK(got == (want != NULL ? &want->entry : NULL));
      break;
    }
    case 6:
      mm_check_all(st);
      break;
    default: /* rarely: drop everything, as a closing port does */
      if (src_u8(s) % 16 != 0)
        break;
      map_free(&st->m);
      HCHECK(st->m.size == 0 && st->m.bucket_count == 0);
      HCHECK(map_find(&st->m, 0) == NULL);
      for (size_t i = 0; i < MM_POOL; i++)
        st->items[i].present = false;
      st->present_count = 0;
      break;
  }
  return true;
}

static inline void mm_finish(mm_state* st) {
  mm_check_all(st);
  map_free(&st->m);
}

#endif /* HOST_MAP_MODEL_H_ */
