package io.rstwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.HelloWorld;
import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options cost one line each on stderr, and nothing else. */
class OptionsIT {
    @Test
    void badKeysAndValuesGiveOneLineEachAndTheApplicationRunsAsUsual() throws Exception {
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("log=warn,colour=blue,rate.window=often")
                .main(HelloWorld.class)
                .start()) {
            assertEquals(0, jvm.waitFor(Duration.ofSeconds(60)));
            assertEquals("hello from the application\n", jvm.stdout());
            List<String> lines = Arrays.asList(jvm.stderr().split("\n"));
            assertEquals(2, lines.size(), jvm.stderr());
            assertTrue(lines.get(0).startsWith("[rstwatch] WARN unknown option 'colour'"), lines.get(0));
            assertTrue(lines.get(0).contains("known options are log, config, rate.window"), lines.get(0));
            assertTrue(lines.get(1).startsWith("[rstwatch] WARN option rate.window=often"), lines.get(1));
            assertTrue(
                    lines.get(1).contains("a whole number of seconds from 1 to 3600; using the default 60"),
                    lines.get(1));
        }
    }

    @Test
    void effectiveOptionsAreShownWithTheirSource() throws Exception {
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("rate.window=oops,log=warn")
                .jvmArgs("-Drstwatch.rate.window=15")
                .main(Idle.class)
                .start()) {
            String[] options = (String[]) jvm.attribute("rstwatch:type=Agent", "Options", Duration.ofSeconds(60));
            List<String> list = Arrays.asList(options);
            // The bad agent argument is reported and falls back to the default, not to a lower source.
            assertTrue(list.contains("rate.window=60"), list.toString());
            assertTrue(list.contains("log=warn (agent argument)"), list.toString());
        }
    }

    /**
     * Fault matrix: config= names a FIFO. Opening it would block until someone writes; the agent says why in one
     * WARN line without opening it, runs on with its defaults, and the JVM exits at once: the exit hook does not
     * read the file again.
     */
    @Test
    void aFifoConfigIsRefusedWithoutOpeningItAndTheJvmExitsAtOnce(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("rstwatch.properties");
        Shell.run("mkfifo", fifo.toString());
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("config=" + fifo + ",capture=off")
                .main(Idle.class)
                .start()) {
            jvm.awaitStderr(" is running", Duration.ofSeconds(60));
            List<String> warnings = jvm.stderr()
                    .lines()
                    .filter(l -> l.startsWith("[rstwatch] WARN"))
                    .toList();
            assertEquals(
                    List.of("[rstwatch] WARN config file " + fifo + " cannot be read (it is not a regular file (a"
                            + " FIFO, socket or device)): options from it are ignored; name a regular .properties"
                            + " file of at most 1 MiB with config=."),
                    warnings);
            jvm.closeStdin();
            long start = System.nanoTime();
            assertEquals(0, jvm.waitFor(Duration.ofSeconds(20)));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "the JVM took long to exit");
            assertEquals(
                    warnings,
                    jvm.stderr()
                            .lines()
                            .filter(l -> l.startsWith("[rstwatch] WARN"))
                            .toList(),
                    "said once: the exit hook did not read the options again");
        }
    }
}
