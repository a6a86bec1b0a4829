package io.rstwatch.config;

import java.util.function.Function;

/**
 * One option: its key, default, what values it accepts (said in words for error messages) and how to read them.
 *
 * @param <T> the option's value type
 */
public final class OptionSpec<T> {
    private final String key;
    private final T defaultValue;
    private final String accepts;
    private final String help;
    private final Function<String, T> parser;

    private OptionSpec(String key, T defaultValue, String accepts, String help, Function<String, T> parser) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.accepts = accepts;
        this.help = help;
        this.parser = parser;
    }

    /** A whole number from min to max. */
    public static OptionSpec<Integer> integer(String key, int def, int min, int max, String unit, String help) {
        String accepts = "a whole number of " + unit + " from " + min + " to " + max;
        return new OptionSpec<>(key, def, accepts, help, s -> {
            int v = Integer.parseInt(s.trim());
            if (v < min || v > max) {
                throw new IllegalArgumentException();
            }
            return v;
        });
    }

    /** A decimal number greater than zero. */
    public static OptionSpec<Double> positive(String key, double def, String unit, String help) {
        return new OptionSpec<>(key, def, "a number greater than 0 (" + unit + ")", help, s -> {
            double v = Double.parseDouble(s.trim());
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException();
            }
            return v;
        });
    }

    /** One of a fixed set of words, case-insensitive. */
    public static OptionSpec<String> oneOf(String key, String def, String help, String... values) {
        return new OptionSpec<>(key, def, "one of " + String.join(", ", values), help, s -> {
            for (String v : values) {
                if (v.equalsIgnoreCase(s.trim())) {
                    return v;
                }
            }
            throw new IllegalArgumentException();
        });
    }

    /** Free text; an empty value means "not set". */
    public static OptionSpec<String> text(String key, String def, String accepts, String help) {
        return new OptionSpec<>(key, def, accepts, help, String::trim);
    }

    public String key() {
        return key;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String accepts() {
        return accepts;
    }

    public String help() {
        return help;
    }

    /** The value, or an exception when the text is not acceptable. */
    T parse(String text) {
        return parser.apply(text);
    }
}
