package io.rstwatch.testplugins;

import io.rstwatch.plugin.PluginContext;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * Writes every event's toString to the file in setting "out", and "suppressed N" for events held back by its
 * budget (setting "max.per.second", none by default); names ports from "name.PORT"; says what it can see.
 */
public final class RecordingPlugin implements RstwatchPlugin {
    private BufferedWriter out;
    private PluginContext context;

    @Override
    public void start(PluginContext context) throws IOException {
        this.context = context;
        out = Files.newBufferedWriter(Paths.get(context.settings().get("out")), StandardCharsets.UTF_8);
        context.log("sees slf4j: " + sees("org.slf4j.Logger") + ", sees the agent: "
                + sees("io.rstwatch.runtime.AgentRuntime") + ", sees byte-buddy: " + sees("net.bytebuddy.ByteBuddy"));
    }

    private boolean sees(String className) {
        try {
            Class.forName(className, false, getClass().getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Override
    public int maxEventsPerSecond() {
        return Integer.parseInt(context.settings().getOrDefault("max.per.second", "0"));
    }

    @Override
    public void onSuppressed(long events) throws IOException {
        out.write("suppressed " + events);
        out.newLine();
    }

    @Override
    public void onEvent(RstwatchEvent event) throws IOException {
        out.write(event.toString());
        out.newLine();
    }

    @Override
    public void flush() throws IOException {
        out.flush(); // the test reads the file while the JVM runs: this proves flush() comes once the queue drains
    }

    @Override
    public String portName(int port) {
        return context.settings().get("name." + port);
    }

    @Override
    public void stop() {
        try {
            out.write("stopped");
            out.newLine();
            out.close();
        } catch (IOException ignored) {
            // nothing to tell
        }
    }
}
