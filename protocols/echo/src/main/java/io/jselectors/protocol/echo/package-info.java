/**
 * The RFC 862 echo protocol: {@link io.jselectors.protocol.echo.EchoProtocol}, found by the server
 * through {@code META-INF/services/io.jselectors.protocol.Protocol}.
 */
package io.jselectors.protocol.echo;
