package io.rstwatch.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/** TCP service names by port: from plugins first, then /etc/services (read once). */
public final class Services {
    private final Map<Integer, String> names;
    private final IntFunction<String> first;

    private Services(Map<Integer, String> names, IntFunction<String> first) {
        this.names = names;
        this.first = first;
    }

    /** These names, after the ones {@code first} gives (null from it means "no name"). */
    public Services withNames(IntFunction<String> first) {
        return new Services(names, first);
    }

    public static Services read(Path file) {
        Map<Integer, String> names = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int hash = line.indexOf('#');
                String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
                if (f.length >= 2 && f[1].endsWith("/tcp")) {
                    try {
                        names.putIfAbsent(Integer.parseInt(f[1].substring(0, f[1].indexOf('/'))), f[0]);
                    } catch (NumberFormatException ignored) {
                        // not a port
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /etc/services: no names
        }
        return new Services(names, port -> null);
    }

    /** The name, or "" when the port has none. */
    public String name(int port) {
        String name = first.apply(port);
        return name != null ? name : names.getOrDefault(port, "");
    }
}
