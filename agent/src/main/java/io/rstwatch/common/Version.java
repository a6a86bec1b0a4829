package io.rstwatch.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version the build wrote into the agent. */
public final class Version {
    private static final String VERSION = read();

    private Version() {}

    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/io/rstwatch/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
