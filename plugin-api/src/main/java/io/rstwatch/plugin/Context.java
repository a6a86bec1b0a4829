package io.rstwatch.plugin;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/** The {@link PluginContext} of {@link PluginContext#of}: values only, and a sink for log lines. */
record Context(Map<String, String> settings, Path directory, String agentVersion, Consumer<String> logSink)
        implements PluginContext {
    /** What {@link PluginContext#apiVersion} answers: read through the running API, never compiled into a plugin. */
    static final int API_VERSION = 4;

    @Override
    public void log(String sentence) {
        logSink.accept(sentence);
    }
}
