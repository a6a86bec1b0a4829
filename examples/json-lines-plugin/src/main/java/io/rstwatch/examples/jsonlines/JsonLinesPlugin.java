package io.rstwatch.examples.jsonlines;

import io.rstwatch.plugin.AlertChange;
import io.rstwatch.plugin.ConnectFailure;
import io.rstwatch.plugin.ConnectionReset;
import io.rstwatch.plugin.PluginContext;
import io.rstwatch.plugin.RefusedConnection;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;
import io.rstwatch.plugin.UnansweredConnect;
import io.rstwatch.plugin.UnreachableConnect;
import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/**
 * Writes each event as one JSON object per line, for log shippers (Filebeat, Vector, Fluent Bit) to pick up.
 * Settings: {@code file} (default rstwatch-events.jsonl in the plugin directory); {@code max.bytes}
 * (default 64 MiB): at that size the file moves to FILE.1, replacing the one before, so at most twice
 * max.bytes are ever on disk; {@code max.per.second} (default 1000): the plugin's
 * {@link #maxEventsPerSecond}, so that the agent holds back the events beyond it in each second without building
 * them, and the plugin writes one {@code "event":"suppressed"} line with their count: a flood of 100,000 refusals a
 * second costs neither a core nor the disk's bandwidth.
 */
public final class JsonLinesPlugin implements RstwatchPlugin {
    private Path file;
    private long maxBytes;
    private long written;
    private Writer out;
    private int maxPerSecond;

    @Override
    public void start(PluginContext context) throws IOException {
        file = context.directory().resolve(context.settings().getOrDefault("file", "rstwatch-events.jsonl"));
        maxBytes = Long.parseLong(context.settings().getOrDefault("max.bytes", Long.toString(64L << 20)));
        maxPerSecond = Integer.parseInt(context.settings().getOrDefault("max.per.second", "1000"));
        open();
        context.log("writing events to " + file);
    }

    private void open() throws IOException {
        out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        written = Files.size(file);
    }

    @Override
    public int maxEventsPerSecond() {
        return maxPerSecond;
    }

    @Override
    public void onEvent(RstwatchEvent event) throws IOException {
        write(toJson(event));
    }

    /** The events the agent held back since its last count (at most once a second, and once before stop). */
    @Override
    public void onSuppressed(long events) throws IOException {
        write(new Json()
                .field("time", Instant.now().toString())
                .field("event", "suppressed")
                .raw("count", Long.toString(events))
                .raw("max_per_second", Integer.toString(maxPerSecond))
                .end());
    }

    private void write(String json) throws IOException {
        String line = json + "\n";
        int bytes = line.getBytes(StandardCharsets.UTF_8).length;
        if (written + bytes > maxBytes && written > 0) {
            out.close();
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            open();
        }
        out.write(line);
        written += bytes;
    }

    /** Once the queue is empty: a burst is written in large blocks, and nothing waits in the buffer afterwards. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void stop() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the JVM is exiting
        }
    }

    static String toJson(RstwatchEvent event) {
        Json j = new Json().field("time", event.time().toString());
        if (event instanceof RefusedConnection r) {
            j.field("event", "refused")
                    .field("scope", r.scope().label())
                    .endpoint("service", r.service())
                    .endpoint("client", r.client())
                    .field("interface", r.interfaceName())
                    .raw("refused_by_this_host", Boolean.toString(r.refusedByThisHost()));
        } else if (event instanceof ConnectionReset r) {
            j.field("event", "reset")
                    .field("kind", r.kind().name().toLowerCase(Locale.ROOT))
                    .field("scope", r.scope().label())
                    .endpoint("service", r.service())
                    .endpoint("peer", r.peer())
                    .field("interface", r.interfaceName())
                    .raw("sent_by_this_host", Boolean.toString(r.sentByThisHost()));
        } else if (event instanceof UnansweredConnect u) {
            j.field("event", "unanswered")
                    .field("scope", u.scope().label())
                    .endpoint("service", u.service())
                    .endpoint("client", u.client())
                    .field("interface", u.interfaceName())
                    .raw("from_this_host", Boolean.toString(u.fromThisHost()));
        } else if (event instanceof UnreachableConnect u) {
            j.field("event", "unreachable")
                    .field("scope", u.scope().label())
                    .endpoint("service", u.service())
                    .endpoint("client", u.client())
                    .field("interface", u.interfaceName())
                    .field("reason", u.reason())
                    .raw("sent_by_this_host", Boolean.toString(u.sentByThisHost()));
        } else if (event instanceof ConnectFailure f) {
            j.field("event", "connect_failure")
                    .endpoint("endpoint", f.endpoint())
                    .field("cause", f.cause().name().toLowerCase(Locale.ROOT))
                    .field("caller", f.caller());
        } else if (event instanceof AlertChange a) {
            j.field("event", "alert")
                    .field("previous", a.previous().name())
                    .field("level", a.level().name())
                    .raw("failed_per_second", Double.toString(a.failedPerSecond()))
                    .field("message", a.message());
        }
        return j.end();
    }

    /** Just enough JSON writing for flat objects of strings, numbers and booleans. */
    private static final class Json {
        private final StringBuilder sb = new StringBuilder("{");

        Json field(String name, String value) {
            return raw(name, quote(value));
        }

        Json endpoint(String name, InetSocketAddress a) {
            return field(name + "_address", a.getHostString()).raw(name + "_port", Integer.toString(a.getPort()));
        }

        Json raw(String name, String json) {
            sb.append(sb.length() > 1 ? "," : "")
                    .append(quote(name))
                    .append(':')
                    .append(json);
            return this;
        }

        String end() {
            return sb.append('}').toString();
        }

        private static String quote(String s) {
            StringBuilder q = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> q.append("\\\"");
                    case '\\' -> q.append("\\\\");
                    case '\n' -> q.append("\\n");
                    case '\r' -> q.append("\\r");
                    case '\t' -> q.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            q.append(String.format("\\u%04x", (int) c));
                        } else {
                            q.append(c);
                        }
                    }
                }
            }
            return q.append('"').toString();
        }
    }
}
