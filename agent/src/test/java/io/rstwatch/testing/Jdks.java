package io.rstwatch.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** The JDKs the agent is tested on: the one running the build (17) and Temurin 25. */
public final class Jdks {
    public static final Path TEMURIN_25 =
            Paths.get(System.getProperty("rstwatch.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));

    private Jdks() {}

    public static Path current() {
        return Paths.get(System.getProperty("java.home"));
    }

    /** Every JDK to test on; under CI a missing Temurin 25 fails the run instead of being skipped. */
    public static List<Path> all() {
        List<Path> out = new ArrayList<>();
        out.add(current());
        if (Files.isExecutable(TEMURIN_25.resolve("bin/java"))) {
            out.add(TEMURIN_25);
        } else {
            Requirements.require(false, "Temurin 25 at " + TEMURIN_25);
        }
        return out;
    }
}
