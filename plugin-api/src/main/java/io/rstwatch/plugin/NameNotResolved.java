package io.rstwatch.plugin;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * An attempt by code in this JVM to reach an endpoint that failed because the host name did not resolve: a connect
 * that threw for it, an address made unresolved and never connected to, or a look-up with no connect after it. It
 * is also handed over as a {@link ConnectFailure} with cause {@link ConnectFailure.Cause#OTHER}, as before this kind
 * existed. Since API version 4.
 *
 * @param time when the agent counted it: as it failed, or, for an address never connected to, a second or two later
 * @param endpoint the name and port it was for (unresolved); port 0 for a name looked up before any port was known
 * @param reason why, a word and the resolver's words: "not known: db.invalid: Name or service not known",
 *     "temporary failure: ..." (a resolver that timed out or failed), or "other"
 * @param caller the application code that made the call, as a stack frame
 */
public record NameNotResolved(Instant time, InetSocketAddress endpoint, String reason, String caller)
        implements RstwatchEvent {}
