package io.rstwatch.alert;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: the failed-connection alert changed level. */
@Name("rstwatch.AlertChanged")
@Label("Failed-connection alert changed")
@Category({"rstwatch", "TCP"})
@Description("The failed TCP connection alert (AttemptFails per second) changed level.")
final class AlertChangedEvent extends Event {
    @Label("Previous level")
    String previous;

    @Label("Level")
    String level;

    @Label("Failed connections per second")
    double failedPerSecond;

    @Label("Message")
    String message;
}
