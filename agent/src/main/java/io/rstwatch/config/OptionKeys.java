package io.rstwatch.config;

import java.util.List;

/** Every option the agent understands. Adding a feature's option means adding it here, with its help text. */
public final class OptionKeys {
    private OptionKeys() {
    }

    public static final OptionSpec<String> LOG = OptionSpec.oneOf("log", "info",
            "How much the agent writes to stderr.", "debug", "info", "warn", "off");

    public static final OptionSpec<String> CONFIG = OptionSpec.text("config", "",
            "the path of a readable .properties file", "A properties file with more options (lowest precedence but the defaults).");

    public static final OptionSpec<Integer> RATE_WINDOW = OptionSpec.integer("rate.window", 60, 1, 3600, "seconds",
            "The window, in seconds, over which every PerSecond attribute is averaged.");

    public static final List<OptionSpec<?>> ALL = List.of(LOG, CONFIG, RATE_WINDOW);

    public static String knownKeys() {
        StringBuilder sb = new StringBuilder();
        for (OptionSpec<?> spec : ALL) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(spec.key());
        }
        return sb.toString();
    }
}
