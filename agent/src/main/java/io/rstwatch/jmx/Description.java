package io.rstwatch.jmx;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The text a person sees for an MBean or attribute: in JConsole, as Prometheus HELP through jmx_exporter, and in
 * Jolokia's list. Put it on the MXBean interface and on each getter.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Description {
    String value();
}
