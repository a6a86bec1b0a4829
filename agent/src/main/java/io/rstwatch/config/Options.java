package io.rstwatch.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective options, after agent arguments, system properties, the config file and defaults were merged.
 * Immutable; the problems found while merging are kept so the agent can report each one once.
 */
public final class Options {
    private final Map<OptionSpec<?>, Object> values;
    private final Map<String, String> sources;
    private final List<String> problems;

    Options(Map<OptionSpec<?>, Object> values, Map<String, String> sources, List<String> problems) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        this.problems = List.copyOf(problems);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(OptionSpec<T> spec) {
        Object v = values.get(spec);
        return v == null ? spec.defaultValue() : (T) v;
    }

    private <T> String formatted(OptionSpec<T> spec) {
        return spec.format(get(spec));
    }

    /** Sentences, one per bad key or value, each saying what is wrong and what is accepted. */
    public List<String> problems() {
        return problems;
    }

    /** key=value for every option, with where the value came from when it is not the default. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (OptionSpec<?> spec : OptionKeys.ALL) {
            String source = sources.get(spec.key());
            out.put(spec.key(), formatted(spec) + (source == null ? "" : " (" + source + ")"));
        }
        return out;
    }

    /** One line: "key=value, key=value". */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (OptionSpec<?> spec : OptionKeys.ALL) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(spec.key()).append('=').append(formatted(spec));
        }
        return sb.toString();
    }
}
