package io.rstwatch.ports;

/**
 * What feeds the registry from the wire (the capture), as far as the alert's explanation needs to know: whether
 * it runs, and if not, why.
 */
public interface PacketSource {
    /** True while packets are being read. */
    boolean isActive();

    /** One sentence: what is read where, or why not and how to fix it. */
    String getStatus();
}
