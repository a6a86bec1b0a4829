package io.rstwatch.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One option: its key, default, the values it accepts (said in words for error messages), how to read them and
 * how to write them back, and its help text: the options reference (docs/options.md) is printed from these.
 *
 * @param <T> the option's value type
 */
public final class OptionSpec<T> {
    private final String key;
    private final T defaultValue;
    private final String accepts;
    private final String help;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;

    private OptionSpec(
            String key,
            T defaultValue,
            String accepts,
            String help,
            Function<String, T> parser,
            Function<T, String> formatter) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.accepts = accepts;
        this.help = help;
        this.parser = parser;
        this.formatter = formatter;
    }

    /** A whole number from min to max. */
    public static OptionSpec<Integer> integer(String key, int def, int min, int max, String unit, String help) {
        String accepts = "a whole number of " + unit + " from " + min + " to " + max;
        return new OptionSpec<>(
                key,
                def,
                accepts,
                help,
                s -> {
                    int v = Integer.parseInt(s.trim());
                    if (v < min || v > max) {
                        throw new IllegalArgumentException();
                    }
                    return v;
                },
                String::valueOf);
    }

    /** A decimal number greater than zero. */
    public static OptionSpec<Double> positive(String key, double def, String unit, String help) {
        return new OptionSpec<>(
                key,
                def,
                "a number greater than 0 (" + unit + ")",
                help,
                s -> {
                    double v = Double.parseDouble(s.trim());
                    if (!(v > 0) || Double.isInfinite(v)) {
                        throw new IllegalArgumentException();
                    }
                    return v;
                },
                String::valueOf);
    }

    /** A switch written {@code on} or {@code off}, case-insensitive. */
    public static OptionSpec<Boolean> onOff(String key, boolean def, String help) {
        return new OptionSpec<>(
                key,
                def,
                "one of on, off",
                help,
                s -> {
                    String v = s.trim().toLowerCase(Locale.ROOT);
                    if (!v.equals("on") && !v.equals("off")) {
                        throw new IllegalArgumentException();
                    }
                    return v.equals("on");
                },
                v -> v ? "on" : "off");
    }

    /** One of the given constants, written in lower case, case-insensitive. */
    @SafeVarargs
    public static <E extends Enum<E>> OptionSpec<E> oneOf(String key, E def, String help, E... values) {
        List<E> allowed = List.of(values);
        String words = allowed.stream().map(OptionSpec::word).collect(Collectors.joining(", "));
        return new OptionSpec<>(
                key,
                def,
                "one of " + words,
                help,
                s -> {
                    for (E v : allowed) {
                        if (word(v).equalsIgnoreCase(s.trim())) {
                            return v;
                        }
                    }
                    throw new IllegalArgumentException();
                },
                OptionSpec::word);
    }

    /**
     * A list of names separated by commas (or semicolons, colons, spaces), in order, each once; never empty.
     */
    public static OptionSpec<List<String>> names(String key, List<String> def, String accepts, String help) {
        return new OptionSpec<>(
                key,
                List.copyOf(def),
                accepts,
                help,
                s -> {
                    List<String> out = new ArrayList<>();
                    for (String name : s.trim().split("[,;:\\s]+")) {
                        if (!name.isEmpty() && !out.contains(name)) {
                            out.add(name);
                        }
                    }
                    if (out.isEmpty()) {
                        throw new IllegalArgumentException();
                    }
                    return List.copyOf(out);
                },
                v -> String.join(",", v));
    }

    /** Free text; an empty value means "not set". */
    public static OptionSpec<String> text(String key, String def, String accepts, String help) {
        return new OptionSpec<>(key, def, accepts, help, String::trim, v -> v);
    }

    private static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    public String key() {
        return key;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** What values it takes, in words: "a whole number of seconds from 1 to 3600". */
    public String accepts() {
        return accepts;
    }

    /** What it does, for the options table (Markdown: `code` in backquotes). */
    public String help() {
        return help;
    }

    /** The value as it would be written in an option: {@code on}, {@code lo,eth0}, {@code 60}. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /** The default as it would be written in an option ("" for a text option that is not set). */
    public String defaultText() {
        return format(defaultValue);
    }

    /** The value, or an exception when the text is not acceptable. */
    T parse(String text) {
        return parser.apply(text);
    }

    @Override
    public String toString() {
        return key + " (" + accepts + ")";
    }
}
