package io.rstwatch.plugin;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A connect made by code in this JVM that failed because the host name did not resolve. It is also handed over as
 * a {@link ConnectFailure} with cause {@link ConnectFailure.Cause#OTHER}, as before this kind existed. Since API
 * version 4.
 *
 * @param time when the connect call failed
 * @param endpoint the name and port it tried to connect to (unresolved)
 * @param reason why, a word and the resolver's words: "not known: db.invalid: Name or service not known",
 *     "temporary failure: ..." (a resolver that timed out or failed), or "other"
 * @param caller the application code that made the call, as a stack frame
 */
public record NameNotResolved(Instant time, InetSocketAddress endpoint, String reason, String caller)
        implements RstwatchEvent {}
