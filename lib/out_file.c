/* Output files that are never half-written and never replace what is not a file: each is written as
 * NAME.partial-PID beside NAME and renamed over it when complete.  The partial files of this process are
 * removed on failure, at exit and on SIGINT/SIGTERM/SIGHUP; one left by a killed process is removed by the
 * next run that writes NAME, and readers refuse to take one for a result. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "samlab/io.h"

#define PARTIAL_TAG ".partial-"
#define MAX_PARTIALS 16

/* The partial files this process is writing; read by the signal handler, so plain pointers set last. */
static char *volatile partials[MAX_PARTIALS];

void samlab_partial_remove_all(void)
{
  for (int i = 0; i < MAX_PARTIALS; i++) {
    char *p = partials[i];
    if (p)
      unlink(p); /* async-signal-safe */
  }
}

void samlab_partial_signal_handler(int sig)
{
  samlab_partial_remove_all();
  signal(sig, SIG_DFL);
  raise(sig); /* die of the signal, so the caller sees how the run ended */
}

int samlab_catch_signal(int sig, void (*handler)(int))
{
  struct sigaction sa, old;
  if (sigaction(sig, NULL, &old) != 0 || old.sa_handler == SIG_IGN)
    return -1; /* ignored when we started (nohup, a background job of a script): stays ignored */
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL);
}

void samlab_partial_cleanup_on_signals(void)
{
  samlab_catch_signal(SIGINT, samlab_partial_signal_handler);
  samlab_catch_signal(SIGTERM, samlab_partial_signal_handler);
  samlab_catch_signal(SIGHUP, samlab_partial_signal_handler);
}

static int partial_register(char *tmp)
{
  static int atexit_done;
  if (!atexit_done && atexit(samlab_partial_remove_all) == 0)
    atexit_done = 1;
  for (int i = 0; i < MAX_PARTIALS; i++)
    if (!partials[i]) {
      partials[i] = tmp;
      return 0;
    }
  return -1;
}

static void partial_unregister(const char *tmp)
{
  for (int i = 0; i < MAX_PARTIALS; i++)
    if (partials[i] == tmp)
      partials[i] = NULL;
}

long samlab_partial_pid(const char *path)
{
  const char *tag = NULL;
  for (const char *p = strstr(path, PARTIAL_TAG); p; p = strstr(p + 1, PARTIAL_TAG))
    tag = p;
  if (!tag || !tag[strlen(PARTIAL_TAG)])
    return -1;
  long pid = 0;
  for (const char *d = tag + strlen(PARTIAL_TAG); *d; d++) {
    if (!isdigit((unsigned char)*d) || pid > 1000000000L)
      return -1;
    pid = pid * 10 + (*d - '0');
  }
  return pid > 0 ? pid : -1;
}

/* The directory part of path ("." if none) into buf; the file name's offset in path. */
static size_t split_dir(const char *path, char *buf, size_t len)
{
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(buf, len, ".");
    return 0;
  }
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), path);
  return (size_t)(slash - path) + 1;
}

int samlab_out_check(const char *path, char *err, size_t errlen)
{
  struct stat st;
  char dir[4096];
  size_t base = split_dir(path, dir, sizeof dir);
  if (!path[base]) {
    snprintf(err, errlen, "cannot write '%s': not a file name", path);
    return -1;
  }
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "cannot write '%s': it exists and is not a regular file (left as it is)", path);
    return -1;
  }
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "cannot write '%s': no directory '%s'", path, dir);
    return -1;
  }
  if (access(dir, W_OK | X_OK) != 0) {
    snprintf(err, errlen, "cannot write '%s': directory '%s' is not writable (%s)", path, dir, strerror(errno));
    return -1;
  }
  return 0;
}

/* Removes NAME.partial-PID files of path whose process is gone (a run killed with SIGKILL, or a crash). */
static void remove_stale_partials(const char *path)
{
  char dir[4096];
  size_t base = split_dir(path, dir, sizeof dir);
  size_t blen = strlen(path + base), tlen = strlen(PARTIAL_TAG);
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, path + base, blen) != 0 || strncmp(e->d_name + blen, PARTIAL_TAG, tlen) != 0)
      continue;
    long pid = samlab_partial_pid(e->d_name);
    if (pid <= 0 || strspn(e->d_name + blen + tlen, "0123456789") != strlen(e->d_name + blen + tlen) ||
        pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
      continue;
    char stale[8192];
    snprintf(stale, sizeof stale, "%s/%s", dir, e->d_name);
    unlink(stale);
  }
  closedir(d);
}

char *samlab_partial_begin(const char *path, char *err, size_t errlen)
{
  if (samlab_out_check(path, err, errlen) != 0)
    return NULL;
  remove_stale_partials(path);
  size_t len = strlen(path) + 32;
  char *tmp = malloc(len);
  if (!tmp) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  snprintf(tmp, len, "%s" PARTIAL_TAG "%ld", path, (long)getpid());
  if (partial_register(tmp) != 0) {
    free(tmp);
    snprintf(err, errlen, "cannot write '%s': too many output files open at once", path);
    return NULL;
  }
  return tmp;
}

int samlab_partial_end(char *tmp, const char *path, int keep)
{
  int rc = 0;
  if (keep) {
    char err[64];
    /* the target may have become something else than a file while we wrote */
    rc = samlab_out_check(path, err, sizeof err) != 0 || rename(tmp, path) != 0 ? -1 : 0;
  }
  if (!keep || rc != 0)
    unlink(tmp);
  partial_unregister(tmp);
  free(tmp);
  return rc;
}
