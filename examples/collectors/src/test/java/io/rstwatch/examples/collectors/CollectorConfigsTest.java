package io.rstwatch.examples.collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * README promises "the same names, so one dashboard and one set of alerts serve every service": each collector
 * config collects every attribute of every MBean (as docs/mbeans.md lists them, which is what the agent's
 * {@code mbeans} command prints), or names it on a comment {@code # left out: Type.Attribute, ... (why)}, whose
 * further lines are indented ({@code #   ...}); and
 * names no attribute that does not exist. Adding an attribute to an MXBean interface then fails here until each
 * config takes it or says why not.
 */
class CollectorConfigsTest {
    private static final Path CONFIGS =
            Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final Path MBEANS = CONFIGS.getParent().getParent().resolve("docs/mbeans.md");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern LEFT_OUT_NAME = Pattern.compile("\\b([A-Z]\\w*)\\.([A-Z]\\w*)\\b");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "jmx_exporter.yaml",
                "otel-jmx-rules.yaml",
                "datadog-rstwatch.yaml",
                "zabbix_template_rstwatch.yaml",
                "telegraf-jolokia2.conf"
            })
    void everyAttributeIsCollectedOrSaidToBeLeftOut(String config) throws IOException {
        Set<String> published = published();
        String text = Files.readString(CONFIGS.resolve(config));
        Set<String> collected = collected(config, text);
        Set<String> leftOut = leftOut(text);
        List<String> problems = new ArrayList<>();
        for (String attribute : published) {
            if (!collected.contains(attribute) && !leftOut.contains(attribute)) {
                problems.add(attribute + " is neither collected nor on a 'left out:' line");
            }
        }
        for (String attribute : collected) {
            if (!published.contains(attribute)) {
                problems.add(attribute + " is collected, but no MBean has it");
            }
        }
        for (String attribute : leftOut) {
            if (!published.contains(attribute)) {
                problems.add(attribute + " is left out, but no MBean has it");
            }
        }
        assertTrue(collected.size() >= 10, config + ": only " + collected + " found: has its format changed?");
        assertTrue(problems.isEmpty(), config + ":\n" + String.join("\n", problems));
    }

    /**
     * JMXFetch returns at most {@code max_returned_metrics} metrics an instance (350 unless told) and drops the rest:
     * the example's limit takes every metric of both scopes' full Port tables at the default {@code ports.max}, of a
     * full Endpoint table, and of the other MBeans, so that a busy JVM's ports are not cut off at random.
     */
    @Test
    void theDatadogInstanceTakesEveryMetricOfFullTables() throws IOException {
        JsonNode config = YAML.readTree(Files.readString(CONFIGS.resolve("datadog-rstwatch.yaml")));
        int port = 0;
        int endpoint = 0;
        int other = 0;
        for (JsonNode include : config.path("init_config").path("conf")) {
            int n = include.path("include").path("attribute").size();
            String type = include.path("include").path("type").asText();
            if (type.equals("Port")) {
                port += n;
            } else if (type.equals("Endpoint")) {
                endpoint += n;
            } else {
                other += n;
            }
        }
        Matcher portsMax = Pattern.compile("\\| `ports\\.max` \\| `(\\d+)`")
                .matcher(Files.readString(CONFIGS.getParent().getParent().resolve("docs/options.md")));
        assertTrue(portsMax.find(), "docs/options.md gives no default for ports.max");
        Matcher endpointsMax =
                Pattern.compile("at most (\\d+), then host=other,port=other").matcher(Files.readString(MBEANS));
        assertTrue(endpointsMax.find(), "docs/mbeans.md gives no bound for the Endpoint MBeans");
        long needed = 2L * (Integer.parseInt(portsMax.group(1)) + 1) * port
                + (Integer.parseInt(endpointsMax.group(1)) + 1L) * endpoint
                + other;
        int limit =
                config.path("instances").path(0).path("max_returned_metrics").asInt(350);
        assertTrue(limit >= needed, "max_returned_metrics is " + limit + ", full tables make " + needed);
    }

    /**
     * The alerting rules, the fleet's recording rules and its dashboard read series, not MBeans: each series that
     * jmx_exporter.yaml makes from an attribute is used by the file (directly, or through a recording rule) or
     * named on its "left out:" lines, and the file names no series that neither jmx_exporter.yaml nor a recording
     * rule makes. A JSON dashboard has no comments: its "left out:" lines are in examples/fleet/README.md.
     */
    @ParameterizedTest
    @ValueSource(strings = {"prometheus-rules.yml", "../fleet/recording-rules.yml", "../fleet/grafana-dashboard.json"})
    void everySeriesIsUsedOrSaidToBeLeftOut(String config) throws IOException {
        Map<String, Set<String>> exported = exported(Files.readString(CONFIGS.resolve("jmx_exporter.yaml")));
        Map<String, String> recorded = recorded(Files.readString(CONFIGS.resolve("../fleet/recording-rules.yml")));
        Set<String> series = new TreeSet<>();
        exported.values().forEach(series::addAll);
        String text = Files.readString(CONFIGS.resolve(config));
        Set<String> used = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (String name : seriesNames(text)) {
            if (!resolve(name, exported, recorded, used, new TreeSet<>())) {
                problems.add(name + " is neither made by jmx_exporter.yaml nor by a recording rule");
            }
        }
        Set<String> leftOut = config.endsWith(".json")
                ? leftOutParagraph(Files.readString(CONFIGS.resolve("../fleet/README.md")))
                : leftOut(text);
        for (String attribute : series) {
            if (!used.contains(attribute) && !leftOut.contains(attribute)) {
                problems.add(attribute + " (a series) is neither used nor on a 'left out:' line");
            }
        }
        for (String attribute : leftOut) {
            if (!series.contains(attribute)) {
                problems.add(attribute + " is left out, but jmx_exporter.yaml makes no series of it");
            }
        }
        assertTrue(used.size() >= 3, config + ": only " + used + " found: has its format changed?");
        assertTrue(problems.isEmpty(), config + ":\n" + String.join("\n", problems));
    }

    /** The attributes behind a series name, through recording rules; false when nothing makes the name. */
    private static boolean resolve(
            String name,
            Map<String, Set<String>> exported,
            Map<String, String> recorded,
            Set<String> used,
            Set<String> seen) {
        if (exported.containsKey(name)) {
            used.addAll(exported.get(name));
            return true;
        }
        if (!recorded.containsKey(name)) {
            return false;
        }
        if (seen.add(name)) {
            for (String inner : seriesNames(recorded.get(name))) {
                resolve(inner, exported, recorded, used, seen);
            }
        }
        return true;
    }

    /** Every series name in a text: the words that contain "rstwatch_", recording rules' colons included. */
    private static Set<String> seriesNames(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("[\\w:]*rstwatch_[\\w:]*").matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** jmx_exporter.yaml's series: each rule's name, and the Type.Attribute its pattern reads. */
    private static Map<String, Set<String>> exported(String text) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        for (JsonNode rule : YAML.readTree(text).path("rules")) {
            Matcher m = Pattern.compile("rstwatch<type=(\\w+)[^>]*><>(\\w+)")
                    .matcher(rule.path("pattern").asText());
            if (m.find()) {
                out.computeIfAbsent(rule.path("name").asText(), n -> new TreeSet<>())
                        .add(m.group(1) + "." + m.group(2));
            }
        }
        assertTrue(out.size() > 30, "jmx_exporter.yaml makes only " + out.keySet());
        return out;
    }

    /** The recording rules: each recorded name and its expression. */
    private static Map<String, String> recorded(String text) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode group : YAML.readTree(text).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("record")) {
                    out.put(rule.path("record").asText(), rule.path("expr").asText());
                }
            }
        }
        return out;
    }

    /** Type.Attribute of every published attribute, from the MBeans reference. */
    private static Set<String> published() throws IOException {
        Set<String> out = new TreeSet<>();
        String type = null;
        Pattern header = Pattern.compile("^### `rstwatch:type=(\\w+)");
        Pattern row = Pattern.compile("^\\| `(\\w+)` \\|");
        for (String line : Files.readAllLines(MBEANS)) {
            Matcher h = header.matcher(line);
            Matcher r = row.matcher(line);
            if (h.find()) {
                type = h.group(1);
            } else if (r.find() && type != null) {
                out.add(type + "." + r.group(1));
            }
        }
        assertTrue(out.size() > 50, "docs/mbeans.md lists only " + out);
        return out;
    }

    /**
     * The names on the config's "left out:" comments: a comment line that says {@code left out:}, and the comment
     * lines indented under it ({@code #   ...}).
     */
    private static Set<String> leftOut(String text) {
        Set<String> out = new TreeSet<>();
        boolean inList = false;
        for (String line : text.split("\n")) {
            String comment = line.strip();
            int at = comment.indexOf("left out:");
            if (comment.startsWith("#") && at >= 0) {
                inList = true;
            } else if (!(inList && comment.startsWith("#   "))) {
                inList = false;
                continue;
            }
            Matcher m = LEFT_OUT_NAME.matcher(at >= 0 ? comment.substring(at) : comment);
            while (m.find()) {
                out.add(m.group(1) + "." + m.group(2));
            }
        }
        return out;
    }

    /** The names in a Markdown paragraph from "left out:" to its end (the first blank line). */
    private static Set<String> leftOutParagraph(String markdown) {
        Set<String> out = new TreeSet<>();
        int at = markdown.indexOf("\nleft out:");
        assertTrue(at >= 0, "no paragraph begins with 'left out:'");
        int end = markdown.indexOf("\n\n", at);
        Matcher m = LEFT_OUT_NAME.matcher(markdown.substring(at, end < 0 ? markdown.length() : end));
        while (m.find()) {
            out.add(m.group(1) + "." + m.group(2));
        }
        return out;
    }

    /** Type.Attribute of what the config collects, read the way its collector reads it. */
    private static Set<String> collected(String config, String text) throws IOException {
        Set<String> out = new TreeSet<>();
        switch (config) {
            case "jmx_exporter.yaml" -> {
                Matcher m =
                        Pattern.compile("rstwatch<type=(\\w+)[^>]*><>(\\w+)").matcher(text);
                while (m.find()) {
                    out.add(m.group(1) + "." + m.group(2));
                }
            }
            case "otel-jmx-rules.yaml" -> {
                for (JsonNode rule : YAML.readTree(text).path("rules")) {
                    String type = typeOf(rule.path("bean").asText());
                    for (Iterator<String> names = rule.path("mapping").fieldNames(); names.hasNext(); ) {
                        out.add(type + "." + names.next());
                    }
                }
            }
            case "datadog-rstwatch.yaml" -> datadog(YAML.readTree(text), out);
            case "zabbix_template_rstwatch.yaml" -> {
                Matcher m = Pattern.compile("jmx\\[\"rstwatch:type=(\\w+)[^\"]*\",(\\w+)]")
                        .matcher(text);
                while (m.find()) {
                    out.add(m.group(1) + "." + m.group(2));
                }
                // A discovery rule's prototypes may name the discovered MBean whole: {#JMXOBJ} is of the rule's type.
                for (String rule : text.split("jmx\\.discovery\\[beans,")) {
                    Matcher type = Pattern.compile("^\"rstwatch:type=(\\w+)").matcher(rule);
                    Matcher whole =
                            Pattern.compile("jmx\\[\"\\{#JMXOBJ}\",(\\w+)]").matcher(rule);
                    while (type.find() && whole.find()) {
                        do {
                            out.add(type.group(1) + "." + whole.group(1));
                        } while (whole.find());
                    }
                }
            }
            case "telegraf-jolokia2.conf" -> {
                for (String block : text.split("\\[\\[inputs\\.jolokia2_agent\\.metric]]")) {
                    Matcher bean = Pattern.compile("mbean\\s*=\\s*\"rstwatch:type=(\\w+)")
                            .matcher(block);
                    Matcher paths = Pattern.compile("paths\\s*=\\s*\\[([^]]*)]").matcher(block);
                    if (bean.find() && paths.find()) {
                        Matcher path = Pattern.compile("\"(\\w+)\"").matcher(paths.group(1));
                        while (path.find()) {
                            out.add(bean.group(1) + "." + path.group(1));
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException(config);
        }
        return out;
    }

    /** Datadog's includes: {domain: rstwatch, type: T, attribute: {Name: ...}}, wherever they stand. */
    private static void datadog(JsonNode node, Set<String> out) {
        if (node.isObject() && node.has("type") && node.has("attribute")) {
            for (Iterator<String> names = node.path("attribute").fieldNames(); names.hasNext(); ) {
                out.add(node.path("type").asText() + "." + names.next());
            }
        }
        for (JsonNode child : node) {
            datadog(child, out);
        }
    }

    private static String typeOf(String objectName) {
        Matcher m = Pattern.compile("type=(\\w+)").matcher(objectName);
        return m.find() ? m.group(1) : "";
    }
}
