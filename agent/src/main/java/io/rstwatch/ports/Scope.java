package io.rstwatch.ports;

/** Whether the service port's address belongs to this host (loopback included) or to another host. */
public enum Scope {
    LOCAL, REMOTE;

    /** As written in ObjectNames: "local", "remote". */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
