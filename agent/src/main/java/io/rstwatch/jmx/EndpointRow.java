package io.rstwatch.jmx;

import javax.management.ConstructorParameters;

/** One row of rstwatch:type=Connects: failed connects from this JVM to one endpoint. */
public final class EndpointRow {
    private final String endpoint;
    private final long refused;
    private final long timedOut;
    private final long unreachable;
    private final long other;
    private final String caller;

    @ConstructorParameters({"endpoint", "refused", "timedOut", "unreachable", "other", "caller"})
    public EndpointRow(String endpoint, long refused, long timedOut, long unreachable, long other, String caller) {
        this.endpoint = endpoint;
        this.refused = refused;
        this.timedOut = timedOut;
        this.unreachable = unreachable;
        this.other = other;
        this.caller = caller;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public long getRefused() {
        return refused;
    }

    public long getTimedOut() {
        return timedOut;
    }

    public long getUnreachable() {
        return unreachable;
    }

    public long getOther() {
        return other;
    }

    public String getCaller() {
        return caller;
    }
}
