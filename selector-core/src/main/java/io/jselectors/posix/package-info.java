/**
 * FFM bindings to the C library, the only place (with each backend's own syscall class) that
 * touches native code: errno capture ({@link io.jselectors.posix.Native}), the per-OS constant
 * tables ({@link io.jselectors.posix.PosixConstants}, {@link io.jselectors.posix.Errno}), file
 * descriptors and pipes ({@link io.jselectors.posix.Libc}, {@link io.jselectors.posix.Fd}) and the
 * self-pipe that wakes poll and select ({@link io.jselectors.posix.WakeupPipe}). TCP sockets are not
 * here: they are the module {@code posix-sockets} ({@code io.jselectors.posix.socket}), which no
 * backend needs.
 */
package io.jselectors.posix;
