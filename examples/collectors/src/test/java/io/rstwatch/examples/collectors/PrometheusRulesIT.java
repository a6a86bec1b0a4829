package io.rstwatch.examples.collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The alerting rules, checked and unit-tested by the real promtool (Debian's prometheus package). */
class PrometheusRulesIT {
    private static final Path DIR =
            Paths.get(System.getProperty("jmx_exporter.config")).getParent();

    @Test
    void rulesAreValidAndFireOnTheSeedSituation() {
        Requirements.require(Shell.available("promtool"), "promtool (Debian package prometheus)");
        String check = Shell.run(
                "promtool",
                "check",
                "rules",
                DIR.resolve("prometheus-rules.yml").toString());
        assertTrue(check.contains("SUCCESS: 13 rules found"), check);
        String recording = Shell.run(
                "promtool",
                "check",
                "rules",
                DIR.resolve("../fleet/recording-rules.yml").normalize().toString());
        assertTrue(recording.contains("SUCCESS: 14 rules found"), recording);
        // The test file expects the seed's alerts to fire with their texts, and the others to stay silent.
        String test = Shell.run("bash", "-c", "cd " + DIR + " && promtool test rules prometheus-rules.test.yml");
        assertTrue(test.contains("SUCCESS"), test);
    }
}
