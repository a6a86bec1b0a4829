package io.rstwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/options.md's table is the one OptionKeys prints ({@code java -jar rstwatch-agent.jar options}). */
class OptionsTableTest {
    private static final String HEADER = "| key | default | meaning |";

    @Test
    void theManualShowsExactlyTheOptionsTheAgentHas() throws Exception {
        Path readme = Paths.get(System.getProperty("basedir", "."))
                .toAbsolutePath()
                .getParent()
                .resolve("docs/options.md");
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        int start = lines.indexOf(HEADER);
        assertTrue(start >= 0, "docs/options.md has no options table starting with " + HEADER);
        StringBuilder table = new StringBuilder();
        for (int i = start; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            table.append(lines.get(i)).append('\n');
        }
        assertEquals(
                OptionKeys.markdownTable(),
                table.toString(),
                "docs/options.md's table differs from `java -jar rstwatch-agent.jar options`: paste its output");
    }

    @Test
    void everyOptionIsInTheTableOnce() {
        String table = OptionKeys.markdownTable();
        for (OptionSpec<?> spec : OptionKeys.ALL) {
            assertEquals(table.indexOf("| `" + spec.key() + "` |"), table.lastIndexOf("| `" + spec.key() + "` |"));
            assertTrue(table.contains("| `" + spec.key() + "` |"), spec.key());
        }
        assertEquals(OptionKeys.ALL.size() + 2, table.split("\n").length);
    }
}
