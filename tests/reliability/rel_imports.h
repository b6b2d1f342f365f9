/* Test seam: redirecting the library's calls into the operating system by
 * rewriting the import table of the module that holds it (wepoll.dll, or
 * the test program itself when the library is linked in statically).
 * The library imports GetProcAddress and asks it for ntdll.dll's calls
 * once per process, so a hook of GetProcAddress installed before the
 * first port is made decides which ntdll entry points the library gets. */
#ifndef WEPOLL_TESTS_REL_IMPORTS_H_
#define WEPOLL_TESTS_REL_IMPORTS_H_

#include <string.h>

#include "rel.h"

typedef FARPROC(WINAPI* get_proc_fn)(HMODULE, LPCSTR);

/* The module holding the library. */
static TEST_UNUSED HMODULE imports_library_module(void) {
  HMODULE dll = GetModuleHandleA("wepoll.dll");
  return dll != NULL ? dll : GetModuleHandleA(NULL);
}

/* The real GetProcAddress, as an import slot holds it. */
static TEST_UNUSED get_proc_fn imports_real_get_proc(void) {
  return (get_proc_fn) (void (*)(void)) GetProcAddress(
      GetModuleHandleA("kernel32.dll"), "GetProcAddress");
}

/* Points every import slot of `module` that holds `real` at `hook`;
 * returns how many it changed. */
static TEST_UNUSED int imports_patch(HMODULE module, ULONG_PTR real,
                                     ULONG_PTR hook) {
  BYTE* base = (BYTE*) module;
  IMAGE_NT_HEADERS* nt =
      (IMAGE_NT_HEADERS*) (base + ((IMAGE_DOS_HEADER*) base)->e_lfanew);
  IMAGE_DATA_DIRECTORY dir =
      nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
  IMAGE_IMPORT_DESCRIPTOR* desc;
  int patched = 0;
  if (dir.VirtualAddress == 0)
    return 0;
  for (desc = (IMAGE_IMPORT_DESCRIPTOR*) (base + dir.VirtualAddress);
       desc->Name != 0; desc++) {
    IMAGE_THUNK_DATA* slot = (IMAGE_THUNK_DATA*) (base + desc->FirstThunk);
    for (; slot->u1.Function != 0; slot++) {
      DWORD old;
      if ((ULONG_PTR) slot->u1.Function != real)
        continue;
      CHECK(VirtualProtect(&slot->u1.Function, sizeof slot->u1.Function,
                           PAGE_READWRITE, &old));
      slot->u1.Function = hook;
      CHECK(VirtualProtect(&slot->u1.Function, sizeof slot->u1.Function, old,
                           &old));
      patched++;
    }
  }
  return patched;
}

/* True for a GetProcAddress name argument that is a name, not an ordinal. */
static TEST_UNUSED bool imports_is_name(LPCSTR name) {
  return ((ULONG_PTR) name >> 16) != 0;
}

#endif /* WEPOLL_TESTS_REL_IMPORTS_H_ */
