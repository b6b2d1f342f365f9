/*
 * The Windows program ci/wine_run_test.sh runs through ci/wine_run.py: each
 * mode is a way for a program that did start to end, which the wrapper must
 * pass through and never retry.
 *
 *   wine_run_probe.exe echo       copies stdin to stdout, writes a line to
 *                                 stderr, exits 7
 *   wine_run_probe.exe fail       writes a line, exits 1
 *   wine_run_probe.exe lookalike  writes the first line of start.exe's
 *                                 "could not be started" message and a line
 *                                 of its own, exits 1
 *   wine_run_probe.exe finished   writes "started" and "finished" to the
 *                                 mark file, as a test does, exits 0
 *   wine_run_probe.exe vanished   writes only "started", then exits 0, as a
 *                                 test whose wineserver died does
 */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends a line to the file WEPOLL_TEST_MARK_FILE names (the protocol of
 * tests/common.h's test_init, played here by hand). */
static void mark(const char* line) {
  const char* path = getenv("WEPOLL_TEST_MARK_FILE");
  FILE* f = path != NULL ? fopen(path, "a") : NULL;
  if (f != NULL) {
    fputs(line, f);
    fclose(f);
  }
}

static int probe_echo(void) {
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
    fwrite(buf, 1, n, stdout);
  fprintf(stderr, "probe: to stderr\n");
  return 7;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  /* Bytes as they are: the test compares them exactly. */
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
  if (strcmp(mode, "echo") == 0)
    return probe_echo();
  if (strcmp(mode, "fail") == 0) {
    printf("probe: ran and failed\n");
    return 1;
  }
  if (strcmp(mode, "lookalike") == 0) {
    printf(
        "Application could not be started, or no application associated "
        "with the specified file.\nprobe: but this program did run\n");
    return 1;
  }
  if (strcmp(mode, "finished") == 0 || strcmp(mode, "vanished") == 0) {
    mark("started\n");
    printf("probe: %s\n", mode);
    if (strcmp(mode, "finished") == 0)
      mark("finished\n");
    return 0;
  }
  fprintf(stderr,
          "usage: wine_run_probe.exe echo|fail|lookalike|finished|vanished\n");
  return 2;
}
