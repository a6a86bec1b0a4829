package io.rstwatch.jmx;

/**
 * One plugin jar on the Agent MBean: the jar, its plugin classes, its state, events delivered and dropped,
 * failed calls and the last error.
 */
public record PluginRow(
        String jar, String plugins, String state, long delivered, long dropped, long failures, String lastError) {}
