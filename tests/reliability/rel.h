/* Helpers shared by the reliability tests, on top of the core
 * suite's tests/common.h: a seeded PRNG that replays exactly, argument
 * parsing, and process resource figures for the leak checks. */
#ifndef WEPOLL_TESTS_REL_H_
#define WEPOLL_TESTS_REL_H_

#include "../common.h"
#include "../handle_count.h"

#include <psapi.h>
#include <stdbool.h>
#include <winternl.h>

/* ---- Seeded PRNG (splitmix64): one seed, one sequence, everywhere. ---- */

typedef struct rel_rng {
  uint64_t state;
} rel_rng;

static TEST_UNUSED uint64_t rng_u64(rel_rng* r) {
  uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for test purposes; n > 0. */
static TEST_UNUSED uint32_t rng_below(rel_rng* r, uint32_t n) {
  return (uint32_t) (rng_u64(r) % n);
}

/* ---- Arguments: `--name value` pairs with defaults. ---- */

/* The last occurrence wins, so `meson test --test-args '--steps 1000000'`
 * overrides what meson.build passes. */
static TEST_UNUSED const char* arg_str(int argc, char** argv,
                                       const char* name) {
  const char* found = NULL;
  int i;
  for (i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], name) == 0)
      found = argv[i + 1];
  }
  return found;
}

static TEST_UNUSED uint64_t arg_u64(int argc, char** argv, const char* name,
                                    uint64_t def) {
  const char* v = arg_str(argc, argv, name);
  return v != NULL ? strtoull(v, NULL, 0) : def;
}

/* ---- Process resources ---- */

typedef struct rel_usage {
  DWORD handles;        /* see process_handle_count() */
  SIZE_T pagefile;      /* committed private bytes (meaningful under Wine) */
  SIZE_T private_usage; /* meaningless under Wine, printed for Windows */
} rel_usage;

static TEST_UNUSED rel_usage usage_now(void) {
  rel_usage u;
  PROCESS_MEMORY_COUNTERS_EX pmc;
  memset(&u, 0, sizeof u);
  u.handles = process_handle_count(NULL);
  memset(&pmc, 0, sizeof pmc);
  pmc.cb = sizeof pmc;
  CHECK(GetProcessMemoryInfo(GetCurrentProcess(),
                             (PROCESS_MEMORY_COUNTERS*) &pmc, sizeof pmc));
  u.pagefile = pmc.PagefileUsage;
  u.private_usage = pmc.PrivateUsage;
  return u;
}

#endif /* WEPOLL_TESTS_REL_H_ */
