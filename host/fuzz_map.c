/* libFuzzer target: the bytes drive lib/map.c through map_model.h, which
 * checks every step against the reference model. */
#include <stddef.h>
#include <stdint.h>

#include "map_model.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static mm_state st;
  op_source src = {data, size, 0, 0};
  mm_init(&st);
  while (mm_step(&st, &src)) {
  }
  mm_finish(&st);
  return 0;
}
