package io.rstwatch.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The options parser on what a hostile or careless command line gives it: known and unknown keys, values of every
 * type and none, stray separators, quotes, control characters and very long words, as agent arguments and as
 * system properties. Nothing may throw; every option ends with a value; every problem is one line. CI runs 10^5
 * cases (junit-platform.properties); bench/parser-fuzz runs 10^7.
 */
class OptionsFuzzTest {
    private static final String[] WORDS = {
        "log",
        "rate.window",
        "capture",
        "interfaces",
        "ports.max",
        "ports.idle",
        "scan.ports",
        "capture.buffer",
        "proc.interval",
        "alert.warn",
        "alert.critical",
        "alert.hold",
        "listeners.interval",
        "listeners.cmdline",
        "plugins",
        "config",
        "nope",
        "",
        "=",
        ",",
        "on",
        "off",
        "0",
        "-1",
        "3600",
        "99999999999",
        "1e309",
        "NaN",
        "lo,eth0",
        "any",
        "\u0000",
        "\n",
        "\u001b[2J",
        "\u202e",
        "\"",
        "'",
        " ",
        "redacted",
        "debug",
        "x".repeat(300)
    };

    @Property
    void noArgumentsMakeTheLoaderThrowAndEveryProblemIsOneLine(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder args = new StringBuilder();
        for (int i = random.nextInt(0, 12); i > 0; i--) {
            args.append(word(random));
            if (random.nextInt(3) > 0) {
                args.append('=').append(word(random));
            }
            if (random.nextInt(4) > 0) {
                args.append(',');
            }
        }
        Properties system = new Properties();
        for (int i = random.nextInt(0, 4); i > 0; i--) {
            system.setProperty(OptionsLoader.SYSTEM_PREFIX + word(random), word(random));
        }
        String line = args.toString().replace("config=", "config=/nonexistent/");
        system.remove(OptionsLoader.SYSTEM_PREFIX + "config");
        Options options = OptionsLoader.load(line, system);
        for (OptionSpec<?> spec : OptionKeys.ALL) {
            assertNotNull(options.get(spec), spec.key());
        }
        List<String> problems = options.problems();
        for (String problem : problems) {
            assertTrue(problem.indexOf('\n') < 0 && problem.indexOf('\r') < 0, "one line: " + problem);
        }
    }

    private static String word(SplittableRandom random) {
        return WORDS[random.nextInt(WORDS.length)];
    }
}
