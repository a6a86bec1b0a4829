package io.rstwatch.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix (docs/faults.md) and the security table (docs/security.md) promise that each row is a test. Every row must name at least
 * one test method as {@code Class.method}, and every method named must be declared in that test class, in any
 * module: a row that names a class, a constant or a method renamed since is a promise nobody checks.
 */
class FaultMatrixTest {
    private static final Path ROOT = Path.of("..");
    private static final List<Path> TABLES = List.of(ROOT.resolve("docs/faults.md"), ROOT.resolve("docs/security.md"));
    private static final Pattern NAMED = Pattern.compile("`([A-Z][A-Za-z0-9]*)\\.([a-z][A-Za-z0-9]*)`");

    @Test
    void everyRowNamesTestMethodsThatExist() throws IOException {
        Map<String, Path> sources = testSources();
        List<String> problems = new ArrayList<>();
        int rows = 0;
        for (String row : rowsWithATestColumn()) {
            rows++;
            String[] cells = row.split("(?<!\\\\)\\|");
            Matcher m = NAMED.matcher(cells[cells.length - 1]);
            int named = 0;
            while (m.find()) {
                named++;
                Path source = sources.get(m.group(1));
                Pattern declared = Pattern.compile("\\bvoid\\s+" + m.group(2) + "\\s*\\(");
                if (source == null) {
                    problems.add("no test class " + m.group(1) + " (" + m.group() + ")");
                } else if (!declared.matcher(Files.readString(source)).find()) {
                    problems.add("no method " + m.group() + " in " + source);
                }
            }
            if (named == 0) {
                problems.add("names no test method: " + cells[1].strip() + " | " + cells[2].strip());
            }
        }
        assertTrue(rows >= 40, "found only " + rows + " rows: has the tables' layout changed?");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The rows of every table whose last column is "test". */
    private static List<String> rowsWithATestColumn() throws IOException {
        List<String> out = new ArrayList<>();
        boolean inTable = false;
        for (Path file : TABLES) {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("|") && line.strip().endsWith("| test |")) {
                    inTable = true;
                } else if (!line.startsWith("|")) {
                    inTable = false;
                } else if (inTable && !line.startsWith("|---")) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    /** The source file of every test class of every module, by the class's simple name. */
    private static Map<String, Path> testSources() throws IOException {
        Map<String, Path> out = new HashMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".java") && f.toString().contains("/src/test/java/")) {
                    out.put(name.substring(0, name.length() - ".java".length()), f);
                }
            }
        }
        return out;
    }
}
