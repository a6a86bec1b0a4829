package io.rstwatch.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The agent jar as a tool ({@code report PID}, {@code watch}, ...), run to its end. */
public final class AgentCommand {
    private AgentCommand() {}

    /** Runs the agent jar's command line with {@code jdk}; returns {exit code, stdout, stderr}. */
    public static String[] run(Path jdk, String... args) throws Exception {
        String[] command = new String[args.length + 3];
        command[0] = jdk.resolve("bin/java").toString();
        command[1] = "-jar";
        command[2] = AgentJvm.agentJar().toString();
        System.arraycopy(args, 0, command, 3, args.length);
        Process p = new ProcessBuilder(command).start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
        errReader.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        errReader.join();
        return new String[] {Integer.toString(p.exitValue()), out, err.toString(StandardCharsets.UTF_8)};
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
