package io.rstwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.log.LogLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        assertEquals(LogLevel.DEBUG, fileOnly.get(OptionKeys.LOG));

        Options withArgs = OptionsLoader.load("rate.window=10", system);
        assertEquals(10, withArgs.get(OptionKeys.RATE_WINDOW));
        assertTrue(withArgs.problems().isEmpty(), withArgs.problems().toString());
    }

    @Test
    void defaultsWhenNothingIsSet() {
        Options options = OptionsLoader.load("", new Properties());
        assertEquals(60, options.get(OptionKeys.RATE_WINDOW));
        assertEquals(LogLevel.INFO, options.get(OptionKeys.LOG));
        assertTrue(options.problems().isEmpty());
    }

    @Test
    void eachBadPieceIsOneProblemAndKeepsTheDefault() {
        Options options = OptionsLoader.load("nonsense,rate.window=0,log=loud,wat=1", new Properties());
        assertEquals(60, options.get(OptionKeys.RATE_WINDOW));
        assertEquals(LogLevel.INFO, options.get(OptionKeys.LOG));
        assertEquals(4, options.problems().size(), options.problems().toString());
        assertTrue(options.problems().get(0).startsWith("agent argument 'nonsense' is ignored"));
    }

    @Test
    void listValuesKeepTheirCommas() {
        assertEquals(
                "lo,eth0",
                OptionsLoader.parseArgs("interfaces=lo,eth0,log=warn", new ArrayList<>())
                        .get("interfaces"));
        Options options = OptionsLoader.load("interfaces=lo,eth0,lo,log=warn", new Properties());
        assertEquals(List.of("lo", "eth0"), options.get(OptionKeys.INTERFACES), "each interface once, in order");
        assertEquals(LogLevel.WARN, options.get(OptionKeys.LOG));
    }

    @Test
    void typedValuesReadAndWriteBack() {
        Options options = OptionsLoader.load("capture=OFF,interfaces=lo eth0;veth1,log=Debug", new Properties());
        assertEquals(false, options.get(OptionKeys.CAPTURE));
        assertEquals(List.of("lo", "eth0", "veth1"), options.get(OptionKeys.INTERFACES));
        assertEquals(LogLevel.DEBUG, options.get(OptionKeys.LOG));
        assertTrue(options.problems().isEmpty(), options.problems().toString());
        assertTrue(options.describe().get("capture").startsWith("off (agent argument)"));
        assertTrue(options.toString().contains("interfaces=lo,eth0,veth1"), options.toString());
        assertTrue(options.toString().contains("log=debug"), options.toString());
    }

    @Test
    void badTypedValuesSayWhatIsAcceptedAndKeepTheDefault() {
        Options options = OptionsLoader.load("capture=maybe,interfaces=,log=trace", new Properties());
        assertEquals(true, options.get(OptionKeys.CAPTURE));
        assertEquals(List.of("any"), options.get(OptionKeys.INTERFACES));
        assertEquals(LogLevel.INFO, options.get(OptionKeys.LOG));
        assertEquals(
                List.of(
                        "option capture=maybe (agent argument) is not valid: it takes one of on, off; using the default on.",
                        "option interfaces= (agent argument) is not valid: it takes \"any\" or a comma-separated list of"
                                + " interface names; using the default any.",
                        "option log=trace (agent argument) is not valid: it takes one of debug, info, warn, off; using the"
                                + " default info."),
                options.problems());
    }

    @Test
    void anUnreadableConfigFileIsOneProblem(@TempDir Path dir) {
        Options options = OptionsLoader.load("config=" + dir.resolve("missing.properties"), new Properties());
        assertEquals(1, options.problems().size());
        assertTrue(
                options.problems().get(0).contains("cannot be read"),
                options.problems().get(0));
    }

    @Test
    void aConfigFileOtherUsersCanWriteIsRefusedAndItsOptionsIgnored(@TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("rstwatch.properties"), "plugins=/tmp/evil\n");
        java.nio.file.Files.setPosixFilePermissions(
                file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Options options = OptionsLoader.load("config=" + file, new Properties());
        assertEquals("", options.get(OptionKeys.PLUGINS));
        assertEquals(
                List.of("config file " + file + " is refused: it is writable by other users (mode 0666): run `chmod"
                        + " go-w " + file.toRealPath() + "`; options from it are ignored."),
                options.problems());
    }
}
