package io.rstwatch.ports;

import io.rstwatch.common.Rates;
import io.rstwatch.common.Times;
import io.rstwatch.decode.Addresses;
import io.rstwatch.ports.PortStats.Counter;
import io.rstwatch.ports.PortStats.Rate;

/** The one sentence on a Port MBean that says what happens on the port, for a person about to act on it. */
final class Diagnosis {
    private Diagnosis() {}

    /**
     * What is known about the port beside its counts.
     *
     * @param interfaces where it was seen, "lo, eth0"
     * @param listenersKnown whether the listening sockets could be read: if not, nobody knows who listens
     * @param listening who listens on the port now, or null
     * @param last who listened there last, or null
     * @param waiting the processes waiting for a connect to it now, "pid 4242 `billing` (3, oldest 9 s)", or ""
     * @param connecting the processes whose connects to it fail, "pid 4242 `python3 poller.py` (user app),
     *     2.00/s", or ""
     * @param listenOverflowsPerSecond the kernel's ListenOverflows rate (SYNs dropped at a full accept queue)
     * @param window rate.window, seconds
     */
    record Facts(
            String interfaces,
            boolean listenersKnown,
            ListenerLookup.Listening listening,
            ListenerLookup.Departure last,
            String waiting,
            String connecting,
            double listenOverflowsPerSecond,
            int window) {}

    static String of(PortStats s, Facts f) {
        String interfaces = f.interfaces();
        boolean listenersKnown = f.listenersKnown();
        String listener = f.listening() == null ? null : f.listening().owner();
        ListenerLookup.Departure last = f.last();
        int window = f.window();
        String where = s.isOther()
                ? "ports beyond ports.max (" + s.scope().label() + ")"
                : s.firstSeen() == 0
                        ? "port " + s.port() // no packet yet, so no address
                        : Addresses.endpoint(s.serviceHi(), s.serviceLo(), s.port());
        String on = interfaces.isEmpty() ? "" : " (" + interfaces + ")";
        double refused = s.perSecond(Rate.REFUSED);
        double resets = s.perSecond(Rate.RESETS);
        StringBuilder sb = new StringBuilder();
        String over = " over the last " + window + " s";
        String at = where + on;
        if (refused > 0) {
            rate(sb, refused, " refused/s", over, " on ", at);
            if (s.isNamedLocalPort() && !listenersKnown) {
                sb.append("; unknown whether anything listens there: the listening sockets cannot be read"
                        + " (/proc/net/tcp); the refusals say nothing did when they were sent");
            } else if (s.isNamedLocalPort()) {
                if (listener != null) {
                    sb.append("; ").append(listener).append(" listens there now, so the refusals may have stopped");
                } else if (last != null) {
                    sb.append("; nothing listens there since ")
                            .append(Times.timeOfDay(last.goneAtMillis()))
                            .append("; it was ")
                            .append(last.owner());
                } else {
                    sb.append("; nothing listens there: a client keeps connecting to a service that is not running");
                }
            } else if (!s.isOther()) {
                sb.append("; that host refuses: nothing listens there, or a firewall rejects");
            }
        }
        double unanswered = s.perSecond(Rate.UNANSWERED);
        if (unanswered > 0) {
            rate(sb, unanswered, " unanswered connects/s", over, " to ", at);
            ListenerLookup.Listening l = s.isNamedLocalPort() ? f.listening() : null;
            double overflows = f.listenOverflowsPerSecond();
            if (l != null && (l.queueFull() || l.acceptQueue() > 0 && overflows > 0)) {
                acceptQueue(sb, l, overflows);
            } else {
                sb.append(
                        s.isNamedLocalPort()
                                ? ": the SYNs draw no answer, not even a RST: the listener's accept queue is full, a"
                                        + " local firewall drops them, or the listener is overwhelmed"
                                : ": nothing answers, not even a RST: a firewall drops them or the host is down");
                if (listener != null) {
                    sb.append(" (").append(listener).append(" listens there)");
                }
            }
            if (s.total(Counter.SLOW) > 0) {
                sb.append("; ").append(s.total(Counter.SLOW)).append(" of them were answered late");
            }
        }
        double unreachable = s.perSecond(Rate.UNREACHABLE);
        if (unreachable > 0) {
            rate(sb, unreachable, " unreachable/s", over, " to ", at)
                    .append(", answered by ICMP ")
                    .append(UnreachableCodes.describe(s.lastUnreachableCode()));
        }
        if (resets > 0) {
            rate(sb, resets, " resets/s", over, " on ", at)
                    .append(": ")
                    .append(s.total(Counter.ABORT))
                    .append(" live connections torn down (abort), ")
                    .append(s.total(Counter.STALE))
                    .append(" for connections the sender did not know (stale) in all");
        }
        if (!f.connecting().isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "; ").append("connecting: ").append(f.connecting());
        }
        if (!f.waiting().isEmpty()) {
            sb.append(sb.length() == 0 ? "" : "; ").append("waiting now: ").append(f.waiting());
        }
        if (sb.length() == 0) {
            sb.append("No refusals or resets on ")
                    .append(where)
                    .append(on)
                    .append(" in the last ")
                    .append(window)
                    .append(" s");
        }
        if (s.firstSeen() == 0) {
            // Created for this JVM's failed connects only: capture saw nothing (yet, or it is off).
            return sb.append("; none captured so far, and ")
                    .append(s.jvmFailuresTotal())
                    .append(" failed connects from this JVM.")
                    .toString();
        }
        sb.append("; ").append(s.total(Counter.REFUSED)).append(" refused");
        if (s.total(Counter.UNREACHABLE) > 0) {
            sb.append(", ").append(s.total(Counter.UNREACHABLE)).append(" unreachable");
        }
        if (s.total(Counter.UNANSWERED) > 0) {
            sb.append(", ").append(s.total(Counter.UNANSWERED)).append(" unanswered");
        }
        sb.append(" and ")
                .append(s.total(Rate.RESETS))
                .append(" resets since ")
                .append(Times.timeOfDay(s.firstSeen()))
                .append(", last at ")
                .append(Times.timeOfDay(s.lastSeen()))
                .append('.');
        return sb.toString();
    }

    /**
     * ": the listener pid 7 `server` has 2 of 1 connections waiting to be accepted, so the kernel drops new SYNs
     * (ListenOverflows +3.00/s)". The backlog is known for this JVM's own listeners only; for others, connections
     * waiting while the kernel counts overflows say the same.
     */
    private static void acceptQueue(StringBuilder sb, ListenerLookup.Listening l, double overflows) {
        sb.append(": the listener ").append(l.owner()).append(" has ").append(l.acceptQueue());
        if (l.backlog() > 0) {
            sb.append(" of ").append(l.backlog());
        }
        sb.append(" connections waiting to be accepted");
        sb.append(
                l.queueFull()
                        ? ", so the kernel drops new SYNs"
                        : " and the kernel counts listen overflows: its accept queue is full, so new SYNs are dropped");
        if (overflows > 0) {
            sb.append(" (ListenOverflows +").append(Rates.format(overflows)).append("/s)");
        }
    }

    /** "; 2.00 refused/s over the last 60 s on 127.0.0.1:7211 (lo)": one cause's clause, after any before it. */
    private static StringBuilder rate(
            StringBuilder sb, double perSecond, String unit, String over, String preposition, String at) {
        return sb.append(sb.length() == 0 ? "" : "; ")
                .append(Rates.format(perSecond))
                .append(unit)
                .append(over)
                .append(preposition)
                .append(at);
    }
}
