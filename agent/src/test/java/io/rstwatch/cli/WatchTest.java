package io.rstwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** watch's interface list goes into the agent's options: it may name interfaces and nothing else. */
class WatchTest {
    @ParameterizedTest
    @ValueSource(strings = {"lo,plugins=/x", "lo=1", "eth0,,lo", "../x", "lo eth0", "averyveryverylongname", ","})
    void aListThatIsNotInterfaceNamesIsRefusedBeforeAnythingStarts(String list) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Watch.run(
                new String[] {list, "--for", "0"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status, err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "no table: nothing started");
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: java -jar rstwatch-agent.jar watch"));
    }
}
