package io.rstwatch.alert;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: one sample of the kernel's TCP counters, every proc.interval seconds. */
@Name("rstwatch.TcpCounters")
@Label("TCP counters")
@Category({"rstwatch", "TCP"})
@Description("The kernel's TCP failure counters of this network namespace, as rstwatch read them.")
final class TcpCountersEvent extends Event {
    @Label("AttemptFails")
    long attemptFails;

    @Label("EstabResets")
    long estabResets;

    @Label("OutRsts")
    long outRsts;

    @Label("ListenOverflows")
    long listenOverflows;

    @Label("Failed connections per second")
    double failedPerSecond;

    @Label("Alert level")
    String alertLevel;
}
