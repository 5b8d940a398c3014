// LD_PRELOAD'ed into the server under test by heard-bench: counts every
// heap allocation (malloc, calloc, realloc, aligned forms; operator new ends
// in malloc) in a shared page the benchmark reads, so "allocations per
// relayed message" is a number, not a guess. HEARD_ALLOC_COUNT_FILE names the
// page; without it nothing is counted.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}

namespace {

std::atomic<unsigned long long>* counter = nullptr;

// Mapped once, before main (the file exists: heard-bench made it).
__attribute__((constructor)) void map_counter() {
  const char* path = std::getenv("HEARD_ALLOC_COUNT_FILE");
  if (!path) return;
  const int fd = ::open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  void* page = ::mmap(nullptr, sizeof(unsigned long long), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (page != MAP_FAILED) counter = static_cast<std::atomic<unsigned long long>*>(page);
}

inline void count() {
  if (counter) counter->fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

extern "C" {

void* malloc(size_t size) {
  count();
  return __libc_malloc(size);
}

void* calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}

void* realloc(void* p, size_t size) {
  count();
  return __libc_realloc(p, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  count();
  void* p = __libc_memalign(alignment, size);
  if (!p) return 12;  // ENOMEM
  *out = p;
  return 0;
}

void* aligned_alloc(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}

void* memalign(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}

}  // extern "C"
