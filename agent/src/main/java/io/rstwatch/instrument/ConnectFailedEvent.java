package io.rstwatch.instrument;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: one failed connect by the application. */
@Name("rstwatch.ConnectFailed")
@Label("Connect failed")
@Category({"rstwatch", "TCP"})
@Description("A TCP connect made by the application failed.")
final class ConnectFailedEvent extends Event {
    @Label("Endpoint")
    String endpoint;

    @Label("Cause")
    String cause;

    @Label("Caller")
    String caller;
}
