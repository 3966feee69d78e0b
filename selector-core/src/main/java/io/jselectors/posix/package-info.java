/**
 * FFM bindings to the C library, the only place (with each backend's own syscall class) that
 * touches native code: errno capture ({@link io.jselectors.posix.Native}), the per-OS constant
 * tables ({@link io.jselectors.posix.PosixConstants}, {@link io.jselectors.posix.Errno}), file
 * descriptors, pipes and sockets ({@link io.jselectors.posix.Libc}, {@link io.jselectors.posix.Fd}).
 */
package io.jselectors.posix;
