package io.rstwatch.ports;

import io.rstwatch.decode.DecodedPacket;
import io.rstwatch.decode.Verdict;
import io.rstwatch.host.Origin;

/** Classified flows as {@link FlowIntake} hands them to a Port entry, for tests of the entry alone. */
final class Flows {
    private Flows() {}

    /** A flow as a source hands it over, with its origin known and whether the next one answers it at once. */
    static Flow seen(Verdict what, DecodedPacket d, Origin origin, int ifindex, long millis, boolean answeredAtOnce) {
        Flow f = new Flow();
        copy(d, f.packet);
        f.set(what, ifindex, millis, origin);
        f.sent = origin == Origin.SENT;
        f.answeredAtOnce = answeredAtOnce;
        return f;
    }

    /** Copies every field of a decoded packet, as the decoder would have filled the flow's own. */
    static void copy(DecodedPacket from, DecodedPacket to) {
        try {
            for (java.lang.reflect.Field field : DecodedPacket.class.getFields()) {
                if (!java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                    field.set(to, field.get(from));
                }
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** A flow of {@code kind} for the service at svc, from or to peer, with the meaning the intake gives it. */
    static Flow of(
            ResetKind kind,
            boolean sent,
            long svcHi,
            long svcLo,
            long peerHi,
            long peerLo,
            boolean peerIsLocal,
            int ifindex,
            int icmpCode,
            long millis) {
        Flow f = new Flow();
        f.kind = kind;
        f.sent = sent;
        f.serviceHi = svcHi;
        f.serviceLo = svcLo;
        f.peerHi = peerHi;
        f.peerLo = peerLo;
        f.peerIsLocal = peerIsLocal;
        f.ifindex = ifindex;
        f.icmpCode = icmpCode;
        f.millis = millis;
        return f;
    }
}
