package io.rstwatch.runtime;

import java.util.concurrent.TimeUnit;

/**
 * Holds the agent back until the application has chosen its java.util.logging manager. Touching the platform
 * MBean server (or JNA, which logs through JUL) first would fix the JDK's default LogManager for good and break
 * servers that install their own, such as WildFly and JBoss EAP (the jmx_exporter #1127 failure).
 */
final class HostGate {
    private static final long MAX_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(60);

    private HostGate() {}

    /** Whether the JVM was started by JBoss Modules, which sets java.util.logging.manager from its main. */
    static boolean needsLogManager() {
        String command = System.getProperty("sun.java.command", "");
        return command.startsWith("org.jboss.modules.Main") || command.contains("jboss-modules.jar");
    }

    /** Waits (at most a minute) until the application's LogManager is named; returns how long it waited. */
    static long awaitApplicationLogging() throws InterruptedException {
        if (!needsLogManager()) {
            return 0;
        }
        long start = System.currentTimeMillis();
        while (System.getProperty("java.util.logging.manager") == null
                && System.currentTimeMillis() - start < MAX_WAIT_MILLIS) {
            Thread.sleep(100);
        }
        return System.currentTimeMillis() - start;
    }
}
