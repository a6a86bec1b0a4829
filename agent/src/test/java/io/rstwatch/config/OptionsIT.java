package io.rstwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.HelloWorld;
import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
