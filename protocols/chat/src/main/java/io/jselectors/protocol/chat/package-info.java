/**
 * The line-based chat protocol ({@code chat}, port 7001): see {@link
 * io.jselectors.protocol.chat.ChatProtocol}.
 */
package io.jselectors.protocol.chat;
