package io.rstwatch.config;

import io.rstwatch.log.ForeignText;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Merges the option sources. Precedence: agent arguments, then {@code -Drstwatch.key=value} system properties,
 * then the file named by {@code config=}, then the defaults. A bad key or value never stops the agent: it becomes
 * one problem sentence and that key keeps its default.
 */
public final class OptionsLoader {
    public static final String SYSTEM_PREFIX = "rstwatch.";

    private OptionsLoader() {}

    public static Options load(String agentArgs, Properties system) {
        List<String> problems = new ArrayList<>();
        Map<String, String> fromArgs = parseArgs(agentArgs, problems);
        Map<String, String> fromSystem = new LinkedHashMap<>();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith(SYSTEM_PREFIX)) {
                fromSystem.put(name.substring(SYSTEM_PREFIX.length()), system.getProperty(name));
            }
        }
        String configPath = fromArgs.getOrDefault(OptionKeys.CONFIG.key(), fromSystem.get(OptionKeys.CONFIG.key()));
        Map<String, String> fromFile =
                configPath == null || configPath.isBlank() ? Map.of() : readFile(configPath.trim(), problems);

        // Lowest precedence first, so that later sources overwrite.
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> rawSource = new HashMap<>();
        put(raw, rawSource, fromFile, "file " + configPath);
        put(raw, rawSource, fromSystem, "system property");
        put(raw, rawSource, fromArgs, "agent argument");

        Map<OptionSpec<?>, Object> values = new LinkedHashMap<>();
        Map<String, String> sources = new HashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey();
            OptionSpec<?> spec = find(key);
            String source = rawSource.get(key);
            if (spec == null) {
                problems.add("unknown option '" + key + "' (" + source + ") is ignored; known options are "
                        + OptionKeys.knownKeys() + ".");
                continue;
            }
            try {
                values.put(spec, spec.parse(e.getValue()));
                sources.put(key, source);
            } catch (RuntimeException bad) {
                problems.add("option " + key + "=" + e.getValue() + " (" + source
                        + ") is not valid: it takes "
                        + spec.accepts() + "; using the default " + spec.defaultText() + ".");
            }
        }
        // Each sentence quotes what the command line or a file said, which may hold control characters.
        problems.replaceAll(ForeignText::clean);
        return new Options(values, sources, problems);
    }

    private static void put(
            Map<String, String> raw, Map<String, String> rawSource, Map<String, String> from, String source) {
        for (Map.Entry<String, String> e : from.entrySet()) {
            raw.put(e.getKey(), e.getValue());
            rawSource.put(e.getKey(), source);
        }
    }

    private static OptionSpec<?> find(String key) {
        for (OptionSpec<?> spec : OptionKeys.ALL) {
            if (spec.key().equals(key)) {
                return spec;
            }
        }
        return null;
    }

    /** "a=1,b=2" into an ordered map; a piece that is not key=value becomes a problem sentence. */
    static Map<String, String> parseArgs(String args, List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || args.isBlank()) {
            return out;
        }
        for (String part : splitArgs(args)) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                problems.add("agent argument '" + part.trim()
                        + "' is ignored: write key=value, separated by commas" + " (known keys: "
                        + OptionKeys.knownKeys() + ").");
                continue;
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * Splits on commas that start a new key=value pair, so that list values such as {@code interfaces=lo,eth0}
     * keep their commas: a piece without '=' joins the value before it.
     */
    private static List<String> splitArgs(String args) {
        List<String> parts = new ArrayList<>();
        for (String piece : args.split(",", -1)) {
            if (!parts.isEmpty()
                    && piece.indexOf('=') < 0
                    && !piece.isBlank()
                    && parts.get(parts.size() - 1).indexOf('=') > 0) {
                parts.set(parts.size() - 1, parts.get(parts.size() - 1) + "," + piece);
            } else {
                parts.add(piece);
            }
        }
        return parts;
    }

    private static Map<String, String> readFile(String path, List<String> problems) {
        Properties props;
        try {
            props = ConfigFiles.read(Paths.get(path));
        } catch (ConfigFiles.ChangeableByOthers e) {
            problems.add("config file " + path + " is refused: " + e.getMessage() + "; options from it are ignored.");
            return Map.of();
        } catch (IOException | RuntimeException e) {
            problems.add("config file " + path + " cannot be read (" + ConfigFiles.why(e)
                    + "): options from it are ignored; name a regular .properties file of at most 1 MiB with"
                    + " config=.");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            String key = name.startsWith(SYSTEM_PREFIX) ? name.substring(SYSTEM_PREFIX.length()) : name;
            out.put(key, props.getProperty(name));
        }
        return out;
    }
}
