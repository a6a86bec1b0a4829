package io.rstwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Jdks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code java -jar rstwatch-agent.jar attach PID options} loads the agent into a running JVM. */
class AttachIT {
    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attachLoadsTheAgentWithItsOptions(Path jdk) throws Exception {
        // JDK 21+ warns about agents loaded into a running JVM unless it allows them up front.
        String[] flags = Runtime.version().feature() >= 21 || !jdk.equals(Jdks.current())
                ? new String[] {"-XX:+EnableDynamicAgentLoading"}
                : new String[0];
        try (AgentJvm jvm = AgentJvm.builder()
                .javaHome(jdk)
                .withoutAgent()
                .jvmArgs(flags)
                .main(Idle.class)
                .start()) {
            Await.until("the target to be ready", Duration.ofSeconds(30), () -> jvm.stdout()
                    .contains("ready"));
            Process cli = new ProcessBuilder(
                            Jdks.current().resolve("bin/java").toString(),
                            "-jar",
                            AgentJvm.agentJar().toString(),
                            "attach",
                            Long.toString(jvm.pid()),
                            "log=warn,rate.window=7")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, cli.exitValue(), out);
            assertTrue(out.startsWith("rstwatch is loading into JVM " + jvm.pid()), out);
            String[] options = (String[]) jvm.attribute("rstwatch:type=Agent", "Options", Duration.ofSeconds(60));
            List<String> list = Arrays.asList(options);
            assertTrue(list.contains("rate.window=7 (agent argument)"), list.toString());
            jvm.awaitAttribute(
                    "rstwatch:type=Agent",
                    "Status",
                    v -> ((String) v).contains("connect failures in this JVM"),
                    Duration.ofSeconds(30)); // the last part
            assertEquals("", jvm.stderr(), "nothing on the target's stderr at log=warn");

            Process again = new ProcessBuilder(
                            Jdks.current().resolve("bin/java").toString(),
                            "-jar",
                            AgentJvm.agentJar().toString(),
                            "attach",
                            Long.toString(jvm.pid()),
                            "rate.window=9")
                    .redirectErrorStream(true)
                    .start();
            String second = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(again.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, again.exitValue(), second);
            assertTrue(
                    second.startsWith("rstwatch: the agent is already running in JVM " + jvm.pid()
                            + " (since its attach), with the options it started with; nothing was loaded"),
                    second);
            assertEquals("", jvm.stderr(), "the second attach loaded nothing");
        }
    }

    /**
     * The attach signal (SIGQUIT) kills a process that does not catch it, and JDK 17's attach sends it to whatever
     * pid it is given: a mistyped pid must not kill that process. It is refused, after the wait a starting JVM gets.
     */
    @Test
    void aProcessThatDoesNotCatchTheAttachSignalIsRefusedAndLeftAlive() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "120").start();
        try {
            Process cli = new ProcessBuilder(
                            Jdks.current().resolve("bin/java").toString(),
                            "-jar",
                            AgentJvm.agentJar().toString(),
                            "attach",
                            Long.toString(sleep.pid()))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, cli.exitValue(), out);
            assertTrue(
                    out.startsWith("rstwatch: cannot attach to process " + sleep.pid()
                            + ": it does not catch SIGQUIT, the signal an attach sends"),
                    out);
            assertTrue(sleep.isAlive(), "the process is left as it was");
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    /**
     * nginx's master, the PostgreSQL postmaster, gunicorn and php-fpm catch SIGQUIT and take it as "shut down": a
     * process that catches it is no proof of a JVM. A python process that records every SIGQUIT it gets stands in
     * for them; neither {@code attach} nor {@code report} may send it anything.
     */
    @Test
    void aProcessThatCatchesTheAttachSignalButIsNoJvmGetsNothingAndIsLeftAlive(@TempDir Path dir) throws Exception {
        Path got = dir.resolve("signals");
        Files.writeString(got, "");
        Process server = new ProcessBuilder(
                        "python3",
                        "-c",
                        "import signal, sys, time\n"
                                + "signal.signal(signal.SIGQUIT, lambda s, f: open(sys.argv[1], 'a').write('QUIT\\n'))\n"
                                + "print('ready', flush=True)\n"
                                + "time.sleep(300)\n",
                        got.toString())
                .start();
        try {
            String ready = new java.io.BufferedReader(
                            new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertEquals("ready", ready);
            for (String verb : new String[] {"attach", "report"}) {
                Process cli = new ProcessBuilder(
                                Jdks.current().resolve("bin/java").toString(),
                                "-jar",
                                AgentJvm.agentJar().toString(),
                                verb,
                                Long.toString(server.pid()))
                        .redirectErrorStream(true)
                        .start();
                String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
                assertNotEquals(0, cli.exitValue(), verb + ": " + out);
                assertTrue(
                        out.startsWith(
                                "rstwatch: cannot attach to process " + server.pid() + ": it is not a HotSpot JVM"),
                        verb + ": " + out);
                assertTrue(server.isAlive(), verb + " left the process alive");
                assertEquals("", Files.readString(got), verb + " sent it no SIGQUIT");
            }
        } finally {
            server.destroyForcibly().waitFor();
        }
    }
}
