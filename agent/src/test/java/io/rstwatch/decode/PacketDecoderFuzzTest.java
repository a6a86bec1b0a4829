package io.rstwatch.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Structured fuzzing of the decoder: frames of every link type, built from generated descriptions (VLAN stacks,
 * IPv4 options, IPv6 extension chains, ICMP quotes, trailers, lying IP lengths), then cut at every byte into
 * exact-length arrays. Nothing may throw, and every verdict must match the {@link Frame} model's reference decode.
 * CI runs 10^5 frames (junit-platform.properties); bench/decoder-fuzz runs 10^7.
 */
class PacketDecoderFuzzTest {
    private static final int[] LINK_TYPES = {
        LinkTypes.EN10MB,
        LinkTypes.LINUX_SLL,
        LinkTypes.LINUX_SLL2,
        LinkTypes.RAW,
        LinkTypes.LINKTYPE_RAW,
        LinkTypes.NULL,
        LinkTypes.LOOP
    };

    @Property
    void everyPrefixOfEveryFrameDecodesAsTheModelSays(@ForAll("frames") Frame frame) {
        DecodedPacket out = new DecodedPacket();
        byte[] whole = frame.bytes();
        for (int cut = 0; cut <= whole.length; cut++) {
            byte[] prefix = Arrays.copyOf(whole, cut); // exact length: a read past the end throws
            Verdict v = PacketDecoder.decode(prefix, cut, frame.linkType(), out);
            if (v != frame.verdictAt(cut)) {
                assertEquals(frame.verdictAt(cut), v, "cut at " + cut + " of " + whole.length + ": " + describe(frame));
            }
        }
        Verdict full = PacketDecoder.decode(whole, whole.length, frame.linkType(), out);
        if (full == Verdict.TCP_RST) {
            assertEquals(frame.srcPort(), out.srcPort);
            assertEquals(frame.dstPort(), out.dstPort);
        } else if (full.isIcmpError()) {
            assertEquals(frame.dstPort(), out.srcPort, "the quoted client port");
            assertEquals(frame.srcPort(), out.dstPort, "the quoted refusing port");
            assertEquals(
                    full == Verdict.ICMP_UNREACHABLE, out.icmpCode == 13 || out.icmpCode == (DecodedPacket.ICMPV6 | 1));
        }
    }

    private static String describe(Frame f) {
        StringBuilder sb = new StringBuilder("link " + LinkTypes.name(f.linkType()) + ", " + f.verdict() + ", needs "
                + f.needed() + ", IP ends at " + f.ipEnd() + ", bytes");
        for (byte b : f.bytes()) {
            sb.append(String.format(" %02x", b));
        }
        return sb.toString();
    }

    /** The frame's headers, before what it carries. */
    record Shape(
            int linkType,
            boolean v6,
            int vlanTags,
            int ipOptions,
            List<Frame.Extension> extensions,
            int extensionWords) {}

    @Provide
    Arbitrary<Frame> frames() {
        Arbitrary<Integer> linkType =
                Arbitraries.of(Arrays.stream(LINK_TYPES).boxed().toList());
        Arbitrary<Boolean> v6 = Arbitraries.of(true, false);
        Arbitrary<Integer> vlanTags = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> ipOptions = Arbitraries.integers().between(0, 10);
        Arbitrary<List<Frame.Extension>> extensions =
                Arbitraries.of(Frame.Extension.class).list().ofMaxSize(4);
        Arbitrary<Integer> extensionWords = Arbitraries.integers().between(0, 3);
        Arbitrary<Frame.Payload> payload = Arbitraries.of(Frame.Payload.class);
        Arbitrary<Integer> port = Arbitraries.integers().between(0, 65535);
        // Most frames have an honest IP length; one in four claims fewer bytes than it has.
        Arbitrary<Integer> shortBy = Arbitraries.oneOf(
                Arbitraries.just(0),
                Arbitraries.just(0),
                Arbitraries.just(0),
                Arbitraries.integers().between(1, 30));
        Arbitrary<byte[]> trailer = Arbitraries.bytes().array(byte[].class).ofMaxSize(24);
        Arbitrary<Shape> shapes = Combinators.combine(linkType, v6, vlanTags, ipOptions, extensions, extensionWords)
                .as(Shape::new);
        return Combinators.combine(shapes, payload, port, port, shortBy, trailer)
                .as((sh, pl, src, dst, cutShort, trail) -> Frame.build(
                        sh.linkType(),
                        sh.linkType() == LinkTypes.EN10MB ? sh.vlanTags() : 0,
                        sh.v6(),
                        sh.ipOptions(),
                        sh.v6() ? sh.extensions() : List.of(),
                        sh.extensionWords(),
                        pl,
                        src,
                        dst,
                        cutShort,
                        trail));
    }
}
