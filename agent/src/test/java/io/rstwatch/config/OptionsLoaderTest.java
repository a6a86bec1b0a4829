package io.rstwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsLoaderTest {
    @Test
    void agentArgumentsBeatSystemPropertiesWhichBeatTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rstwatch.properties");
        Files.writeString(file, "rate.window=30\nlog=debug\n");
        Properties system = new Properties();
        system.setProperty("rstwatch.rate.window", "20");
        system.setProperty("rstwatch.config", file.toString());
        system.setProperty("unrelated", "x");

        Options fileOnly = OptionsLoader.load(null, system);
        assertEquals(20, fileOnly.get(OptionKeys.RATE_WINDOW));
        assertEquals("debug", fileOnly.get(OptionKeys.LOG));

        Options withArgs = OptionsLoader.load("rate.window=10", system);
        assertEquals(10, withArgs.get(OptionKeys.RATE_WINDOW));
        assertTrue(withArgs.problems().isEmpty(), withArgs.problems().toString());
    }

    @Test
    void defaultsWhenNothingIsSet() {
        Options options = OptionsLoader.load("", new Properties());
        assertEquals(60, options.get(OptionKeys.RATE_WINDOW));
        assertEquals("info", options.get(OptionKeys.LOG));
        assertTrue(options.problems().isEmpty());
    }

    @Test
    void eachBadPieceIsOneProblemAndKeepsTheDefault() {
        Options options = OptionsLoader.load("nonsense,rate.window=0,log=loud,wat=1", new Properties());
        assertEquals(60, options.get(OptionKeys.RATE_WINDOW));
        assertEquals("info", options.get(OptionKeys.LOG));
        assertEquals(4, options.problems().size(), options.problems().toString());
        assertTrue(options.problems().get(0).startsWith("agent argument 'nonsense' is ignored"));
    }

    @Test
    void listValuesKeepTheirCommas() {
        assertEquals("lo,eth0", OptionsLoader.parseArgs("interfaces=lo,eth0,log=warn", new java.util.ArrayList<>())
                .get("interfaces"));
    }

    @Test
    void anUnreadableConfigFileIsOneProblem(@TempDir Path dir) {
        Options options = OptionsLoader.load("config=" + dir.resolve("missing.properties"), new Properties());
        assertEquals(1, options.problems().size());
        assertTrue(options.problems().get(0).contains("cannot be read"), options.problems().get(0));
    }
}
