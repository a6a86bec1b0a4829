package io.rstwatch.plugin;

/** Whether a service port is on this host or on another one. */
public enum Scope {
    /** The service address is one of this host's (loopback included). */
    LOCAL,
    /** The service address belongs to another host. */
    REMOTE;

    /**
     * The label used in MBean names, as in {@code rstwatch:type=Port,scope=local,port=7211}.
     *
     * @return "local" or "remote"
     */
    public String label() {
        return this == LOCAL ? "local" : "remote";
    }
}
