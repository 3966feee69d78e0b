/**
 * The poll(2) backend ({@code "poll"}): portable across POSIX systems, O(registered fds) per call.
 * {@link io.jselectors.selector.poll.PollSelector} is the selector; the provider registers it.
 */
package io.jselectors.selector.poll;
