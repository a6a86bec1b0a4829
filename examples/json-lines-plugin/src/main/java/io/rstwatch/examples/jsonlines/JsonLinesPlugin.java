package io.rstwatch.examples.jsonlines;

import io.rstwatch.plugin.AlertChange;
import io.rstwatch.plugin.ConnectFailure;
import io.rstwatch.plugin.ConnectionReset;
import io.rstwatch.plugin.NameNotResolved;
import io.rstwatch.plugin.PluginContext;
import io.rstwatch.plugin.RefusedConnection;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;
import io.rstwatch.plugin.TlsHandshakeFailed;
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
    /** The plugin's thread is the only one that calls it: one line's buffer, reused. */
    private final Json line = new Json();

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
        write(line.event(event));
    }

    /** The events the agent held back since its last count (at most once a second, and once before stop). */
    @Override
    public void onSuppressed(long events) throws IOException {
        write(line.begin()
                .time("time", Instant.now())
                .field("event", "suppressed")
                .number("count", events)
                .number("max_per_second", maxPerSecond)
                .end());
    }

    private void write(Json json) throws IOException {
        json.newline();
        int bytes = json.utf8Length();
        if (written + bytes > maxBytes && written > 0) {
            out.close();
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            open();
        }
        json.writeTo(out);
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

    /** One event's line, without the newline. */
    static String toJson(RstwatchEvent event) {
        return new Json().event(event).toString();
    }

    /**
     * Just enough JSON writing for flat objects of strings, numbers and booleans, built in one buffer that each
     * line reuses: at a thousand events a second, a line made of a dozen throwaway strings (and its bytes encoded
     * twice, once to count them) cost the JVM more than capturing the hundred thousand packets behind them.
     */
    static final class Json {
        private final StringBuilder sb = new StringBuilder(256);
        private char[] chars = new char[256];
        /** The last whole second written, and its text without the 'Z': lines in one second share it. */
        private long second = Long.MIN_VALUE;

        private String secondText;

        Json event(RstwatchEvent event) {
            begin().time("time", event.time());
            if (event instanceof RefusedConnection r) {
                field("event", "refused")
                        .field("scope", r.scope().label())
                        .endpoint("service", r.service())
                        .endpoint("client", r.client())
                        .field("interface", r.interfaceName())
                        .bool("refused_by_this_host", r.refusedByThisHost());
            } else if (event instanceof ConnectionReset r) {
                field("event", "reset")
                        .field("kind", r.kind().name().toLowerCase(Locale.ROOT))
                        .field("scope", r.scope().label())
                        .endpoint("service", r.service())
                        .endpoint("peer", r.peer())
                        .field("interface", r.interfaceName())
                        .bool("sent_by_this_host", r.sentByThisHost());
            } else if (event instanceof UnansweredConnect u) {
                field("event", "unanswered")
                        .field("scope", u.scope().label())
                        .endpoint("service", u.service())
                        .endpoint("client", u.client())
                        .field("interface", u.interfaceName())
                        .bool("from_this_host", u.fromThisHost());
            } else if (event instanceof UnreachableConnect u) {
                field("event", "unreachable")
                        .field("scope", u.scope().label())
                        .endpoint("service", u.service())
                        .endpoint("client", u.client())
                        .field("interface", u.interfaceName())
                        .field("reason", u.reason())
                        .bool("sent_by_this_host", u.sentByThisHost());
            } else if (event instanceof ConnectFailure f) {
                field("event", "connect_failure")
                        .endpoint("endpoint", f.endpoint())
                        .field("cause", f.cause().name().toLowerCase(Locale.ROOT))
                        .field("caller", f.caller());
            } else if (event instanceof NameNotResolved n) {
                field("event", "name_not_resolved")
                        .endpoint("endpoint", n.endpoint())
                        .field("reason", n.reason())
                        .field("caller", n.caller());
            } else if (event instanceof TlsHandshakeFailed h) {
                field("event", "tls_handshake_failed")
                        .endpoint("endpoint", h.endpoint())
                        .field("reason", h.reason())
                        .field("caller", h.caller());
            } else if (event instanceof AlertChange a) {
                field("event", "alert")
                        .field("previous", a.previous().name())
                        .field("level", a.level().name())
                        .name("failed_per_second");
                sb.append(a.failedPerSecond());
                field("message", a.message());
            }
            return end();
        }

        Json begin() {
            sb.setLength(0);
            sb.append('{');
            return this;
        }

        Json field(String name, String value) {
            name(name);
            quote(value);
            return this;
        }

        Json number(String name, long value) {
            name(name);
            sb.append(value);
            return this;
        }

        Json bool(String name, boolean value) {
            name(name);
            sb.append(value);
            return this;
        }

        Json endpoint(String name, InetSocketAddress a) {
            name(name, "_address");
            quote(a.getHostString());
            name(name, "_port");
            sb.append(a.getPort());
            return this;
        }

        /** As {@link Instant#toString()} writes it: ISO-8601 in UTC, the fraction in groups of three digits. */
        Json time(String name, Instant t) {
            name(name);
            if (t.getEpochSecond() != second) {
                String whole = Instant.ofEpochSecond(t.getEpochSecond()).toString();
                secondText = whole.substring(0, whole.length() - 1);
                second = t.getEpochSecond();
            }
            sb.append('"').append(secondText);
            int nanos = t.getNano();
            if (nanos > 0) {
                if (nanos % 1_000_000 == 0) {
                    digits(nanos / 1_000_000, 3);
                } else if (nanos % 1_000 == 0) {
                    digits(nanos / 1_000, 6);
                } else {
                    digits(nanos, 9);
                }
            }
            sb.append("Z\"");
            return this;
        }

        Json end() {
            sb.append('}');
            return this;
        }

        void newline() {
            sb.append('\n');
        }

        /** The line's length in UTF-8, as String.getBytes would make it, without encoding it. */
        int utf8Length() {
            int bytes = 0;
            for (int i = 0; i < sb.length(); i++) {
                char c = sb.charAt(i);
                if (c < 0x80) {
                    bytes += 1;
                } else if (c < 0x800) {
                    bytes += 2;
                } else if (Character.isHighSurrogate(c)
                        && i + 1 < sb.length()
                        && Character.isLowSurrogate(sb.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                } else if (Character.isSurrogate(c)) {
                    bytes += 1; // unpaired: encoded as '?'
                } else {
                    bytes += 3;
                }
            }
            return bytes;
        }

        void writeTo(Writer out) throws IOException {
            if (chars.length < sb.length()) {
                chars = new char[Math.max(sb.length(), 2 * chars.length)];
            }
            sb.getChars(0, sb.length(), chars, 0);
            out.write(chars, 0, sb.length());
        }

        @Override
        public String toString() {
            return sb.toString();
        }

        private Json name(String name) {
            return name(name, "");
        }

        /** The next member's name, {@code prefix + suffix}, written without joining them first. */
        private Json name(String prefix, String suffix) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"');
            escape(prefix);
            escape(suffix);
            sb.append("\":");
            return this;
        }

        private void digits(int value, int width) {
            sb.append('.');
            for (int d = width - 1, scale = (int) Math.pow(10, d); d >= 0; d--, scale /= 10) {
                sb.append((char) ('0' + value / scale % 10));
            }
        }

        private void quote(String s) {
            sb.append('"');
            escape(s);
            sb.append('"');
        }

        private void escape(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
        }
    }
}
