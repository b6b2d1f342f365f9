/* Helpers for the wepoll_ctl_handle tests (on top of common.h): ctl calls
 * that must succeed, and which backend the library uses for its waits. */
#ifndef WEPOLL_TESTS_HANDLES_H_
#define WEPOLL_TESTS_HANDLES_H_

#include <stdbool.h>

#include "common.h"
#ifdef TEST_WINDOWS_MODEL
#include "model/model.h"
#endif

/* This test program started again with `arg` on its command line; its
 * process handle (signaled once it exits). */
static TEST_UNUSED HANDLE start_self_child(const char* arg) {
  char self[MAX_PATH];
  char cmd[MAX_PATH + 32];
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  CHECK(GetModuleFileNameA(NULL, self, sizeof self) > 0);
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  snprintf(cmd, sizeof cmd, "\"%s\" %s", self, arg);
  CHECK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
  CloseHandle(pi.hThread);
  return pi.hProcess;
}

static TEST_UNUSED void hep_ctl_ok(HANDLE ep, int op, const char* name,
                                   HANDLE h, uint32_t events, uint64_t data) {
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.u64 = data;
  CHECKF(wepoll_ctl_handle(ep, op, h, &ev) == 0, "handle %s failed: errno %d",
         name, errno);
}

static TEST_UNUSED void hep_add(HANDLE ep, HANDLE h, uint32_t events,
                                uint64_t data) {
  hep_ctl_ok(ep, EPOLL_CTL_ADD, "ADD", h, events, data);
}

static TEST_UNUSED void hep_mod(HANDLE ep, HANDLE h, uint32_t events,
                                uint64_t data) {
  hep_ctl_ok(ep, EPOLL_CTL_MOD, "MOD", h, events, data);
}

static TEST_UNUSED void hep_del(HANDLE ep, HANDLE h) {
  CHECKF(wepoll_ctl_handle(ep, EPOLL_CTL_DEL, h, NULL) == 0,
         "handle DEL failed: errno %d", errno);
}

/* Waits for exactly one report and checks it: EPOLLIN with `data`. */
static TEST_UNUSED void hep_expect(HANDLE ep, uint64_t data, int timeout_ms) {
  struct epoll_event out;
  ep_wait_one(ep, &out, timeout_ms);
  CHECKF(out.events == EPOLLIN && out.data.u64 == data,
         "got events 0x%x data %llu, expected EPOLLIN data %llu", out.events,
         (unsigned long long) out.data.u64, (unsigned long long) data);
}

/* Which way the library waits, as it decides: wait completion packets
 * when ntdll.dll has them (or the model build plays them), unless the
 * build forces the thread-pool fallback (the test is built with the same
 * define then). */
static TEST_UNUSED bool handle_waits_use_threadpool(void) {
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  bool packets =
      ntdll != NULL &&
      GetProcAddress(ntdll, "NtCreateWaitCompletionPacket") != NULL &&
      GetProcAddress(ntdll, "NtAssociateWaitCompletionPacket") != NULL &&
      GetProcAddress(ntdll, "NtCancelWaitCompletionPacket") != NULL;
#if defined(WEPOLL_FORCE_THREADPOOL_WAIT)
  packets = false;
#elif defined(TEST_WINDOWS_MODEL)
  if (model_play() & MODEL_PLAY_WAIT_PACKETS)
    packets = true;
#endif
  return !packets;
}

/* Says which way the library waits (see handle_waits_use_threadpool). */
static TEST_UNUSED void print_handle_backend(void) {
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  int packets =
      ntdll != NULL &&
      GetProcAddress(ntdll, "NtCreateWaitCompletionPacket") != NULL &&
      GetProcAddress(ntdll, "NtAssociateWaitCompletionPacket") != NULL &&
      GetProcAddress(ntdll, "NtCancelWaitCompletionPacket") != NULL;
#if defined(WEPOLL_FORCE_THREADPOOL_WAIT)
  printf("handle waits: thread-pool fallback (forced by the build)\n");
  (void) packets;
#elif defined(TEST_WINDOWS_MODEL)
  if (model_play() & MODEL_PLAY_WAIT_PACKETS)
    printf(
        "handle waits: wait completion packets (played by the model "
        "build: a model of Windows, not Windows)\n");
  else
    printf("handle waits: %s (model build, packets not played)\n",
           packets ? "wait completion packets" : "thread-pool fallback");
#else
  if (packets)
    printf("handle waits: wait completion packets\n");
  else
    printf(
        "handle waits: thread-pool fallback (%sno wait completion "
        "packets in ntdll.dll)\n",
        is_wine() ? "wine: " : "");
#endif
}

#endif /* WEPOLL_TESTS_HANDLES_H_ */
