package io.rstwatch.plugin;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A TLS handshake of a connection made by code in this JVM that failed (SSLSocket or SSLEngine, the JDK's
 * provider); the connect itself succeeded. Since API version 4.
 *
 * @param time when the handshake failed
 * @param endpoint the peer, as the application named it
 * @param reason why, a word and JSSE's sentence: "expired: ...", "not yet valid: ...", "untrusted: PKIX path
 *     building failed: ...", "hostname mismatch: ...", "protocol or cipher mismatch: ...", "peer's alert:
 *     handshake_failure", "peer closed: ...", or "other: ..."
 * @param caller the application code that made the connection, as a stack frame
 */
public record TlsHandshakeFailed(Instant time, InetSocketAddress endpoint, String reason, String caller)
        implements RstwatchEvent {}
