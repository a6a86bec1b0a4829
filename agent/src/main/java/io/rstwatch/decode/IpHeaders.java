package io.rstwatch.decode;

/** The network- and transport-layer headers the decoder reads, as offsets from each header's first byte. */
final class IpHeaders {
    /** IP protocol numbers (IPv4 Protocol, IPv6 Next Header), IANA's registry. */
    static final int PROTO_HOP_BY_HOP = 0;

    static final int PROTO_ICMP = 1;
    static final int PROTO_TCP = 6;
    static final int PROTO_ROUTING = 43;
    static final int PROTO_FRAGMENT = 44;
    static final int PROTO_AUTHENTICATION = 51;
    static final int PROTO_ICMPV6 = 58;
    static final int PROTO_NO_NEXT_HEADER = 59;
    static final int PROTO_DESTINATION_OPTIONS = 60;

    private IpHeaders() {}

    /**
     * IPv4 (RFC 791).
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |Version|  IHL  |Type of Service|          Total Length         |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |         Identification        |Flags|      Fragment Offset    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Time to Live |    Protocol   |         Header Checksum       |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                       Source Address                          |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    Destination Address                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    Options (IHL > 5)                          |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    static final class Ipv4 {
        static final int VERSION_AND_IHL_OFFSET = 0;
        static final int VERSION_AND_IHL_SIZE = 1;
        static final int TOS_OFFSET = VERSION_AND_IHL_OFFSET + VERSION_AND_IHL_SIZE;
        static final int TOS_SIZE = 1;
        static final int TOTAL_LENGTH_OFFSET = TOS_OFFSET + TOS_SIZE;
        static final int TOTAL_LENGTH_SIZE = 2;
        static final int IDENTIFICATION_OFFSET = TOTAL_LENGTH_OFFSET + TOTAL_LENGTH_SIZE;
        static final int IDENTIFICATION_SIZE = 2;
        static final int FLAGS_AND_FRAGMENT_OFFSET = IDENTIFICATION_OFFSET + IDENTIFICATION_SIZE;
        static final int FLAGS_AND_FRAGMENT_SIZE = 2;
        static final int TTL_OFFSET = FLAGS_AND_FRAGMENT_OFFSET + FLAGS_AND_FRAGMENT_SIZE;
        static final int TTL_SIZE = 1;
        static final int PROTOCOL_OFFSET = TTL_OFFSET + TTL_SIZE;
        static final int PROTOCOL_SIZE = 1;
        static final int CHECKSUM_OFFSET = PROTOCOL_OFFSET + PROTOCOL_SIZE;
        static final int CHECKSUM_SIZE = 2;
        static final int SRC_ADDR_OFFSET = CHECKSUM_OFFSET + CHECKSUM_SIZE;
        static final int SRC_ADDR_SIZE = 4;
        static final int DST_ADDR_OFFSET = SRC_ADDR_OFFSET + SRC_ADDR_SIZE;
        static final int DST_ADDR_SIZE = 4;
        static final int MIN_HEADER_SIZE = DST_ADDR_OFFSET + DST_ADDR_SIZE;

        static final int VERSION = 4;
        /** The fragment offset's 13 bits: non-zero in every fragment but the first. */
        static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

        private Ipv4() {}
    }

    /**
     * IPv6 (RFC 8200), and the extension headers the decoder steps over to reach TCP or ICMPv6.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |Version| Traffic Class |           Flow Label                  |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |         Payload Length        |  Next Header  |   Hop Limit   |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                   Source Address (128 bits)                   |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                 Destination Address (128 bits)                |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *
     * Extension header (hop-by-hop, routing, destination options, fragment, authentication):
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Next Header  |  Hdr Ext Len  | (fragment: Fragment Offset|Res|M)
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    static final class Ipv6 {
        static final int VERSION_CLASS_FLOW_OFFSET = 0;
        static final int VERSION_CLASS_FLOW_SIZE = 4;
        static final int PAYLOAD_LENGTH_OFFSET = VERSION_CLASS_FLOW_OFFSET + VERSION_CLASS_FLOW_SIZE;
        static final int PAYLOAD_LENGTH_SIZE = 2;
        static final int NEXT_HEADER_OFFSET = PAYLOAD_LENGTH_OFFSET + PAYLOAD_LENGTH_SIZE;
        static final int NEXT_HEADER_SIZE = 1;
        static final int HOP_LIMIT_OFFSET = NEXT_HEADER_OFFSET + NEXT_HEADER_SIZE;
        static final int HOP_LIMIT_SIZE = 1;
        static final int SRC_ADDR_OFFSET = HOP_LIMIT_OFFSET + HOP_LIMIT_SIZE;
        static final int SRC_ADDR_SIZE = 16;
        static final int DST_ADDR_OFFSET = SRC_ADDR_OFFSET + SRC_ADDR_SIZE;
        static final int DST_ADDR_SIZE = 16;
        static final int HEADER_SIZE = DST_ADDR_OFFSET + DST_ADDR_SIZE;

        static final int VERSION = 6;

        /** In every extension header. */
        static final int EXT_NEXT_HEADER_OFFSET = 0;

        static final int EXT_NEXT_HEADER_SIZE = 1;
        static final int EXT_LENGTH_OFFSET = EXT_NEXT_HEADER_OFFSET + EXT_NEXT_HEADER_SIZE;
        static final int EXT_LENGTH_SIZE = 1;
        /** Every extension header is at least this long (and the fragment header exactly). */
        static final int EXT_MIN_SIZE = 8;
        /** Hop-by-hop, routing, destination options: the length counts 8-byte units beyond the first. */
        static final int EXT_LENGTH_UNIT = 8;
        /** Authentication header: the length counts 4-byte units, minus 2. */
        static final int AH_LENGTH_UNIT = 4;

        static final int AH_LENGTH_BIAS = 2;
        /** Fragment header: offset in 8-byte units in the top 13 bits; non-zero in all but the first fragment. */
        static final int FRAGMENT_OFFSET_OFFSET = EXT_LENGTH_OFFSET + EXT_LENGTH_SIZE;

        static final int FRAGMENT_OFFSET_MASK = 0xFFF8;
        /** Enough extension headers for any real packet; more is a loop or an attack. */
        static final int MAX_EXTENSION_HEADERS = 8;

        private Ipv6() {}
    }

    /**
     * TCP (RFC 9293), up to the flags: all rstwatch reads.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |          Source Port          |       Destination Port        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                        Sequence Number                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    Acknowledgment Number                      |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Data |       |C|E|U|A|P|R|S|F|                               |
     * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    static final class Tcp {
        static final int SRC_PORT_OFFSET = 0;
        static final int SRC_PORT_SIZE = 2;
        static final int DST_PORT_OFFSET = SRC_PORT_OFFSET + SRC_PORT_SIZE;
        static final int DST_PORT_SIZE = 2;
        static final int SEQ_OFFSET = DST_PORT_OFFSET + DST_PORT_SIZE;
        static final int SEQ_SIZE = 4;
        static final int ACK_OFFSET = SEQ_OFFSET + SEQ_SIZE;
        static final int ACK_SIZE = 4;
        static final int DATA_OFFSET_OFFSET = ACK_OFFSET + ACK_SIZE;
        static final int DATA_OFFSET_SIZE = 1;
        static final int FLAGS_OFFSET = DATA_OFFSET_OFFSET + DATA_OFFSET_SIZE;
        static final int FLAGS_SIZE = 1;
        /** What must be there to read the flags. */
        static final int THROUGH_FLAGS = FLAGS_OFFSET + FLAGS_SIZE;
        /** What an ICMP error is sure to quote (RFC 792): ports and sequence number. */
        static final int THROUGH_SEQ = SEQ_OFFSET + SEQ_SIZE;

        private Tcp() {}
    }

    /**
     * ICMP destination unreachable (RFC 792) and ICMPv6 destination unreachable (RFC 4443): the same layout,
     * different numbers. The quoted packet starts right after this header.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |     Type      |     Code      |          Checksum             |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                             unused                            |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |      IP header + leading bytes of the packet that failed      |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    static final class Icmp {
        static final int TYPE_OFFSET = 0;
        static final int TYPE_SIZE = 1;
        static final int CODE_OFFSET = TYPE_OFFSET + TYPE_SIZE;
        static final int CODE_SIZE = 1;
        static final int CHECKSUM_OFFSET = CODE_OFFSET + CODE_SIZE;
        static final int CHECKSUM_SIZE = 2;
        static final int UNUSED_OFFSET = CHECKSUM_OFFSET + CHECKSUM_SIZE;
        static final int UNUSED_SIZE = 4;
        static final int HEADER_SIZE = UNUSED_OFFSET + UNUSED_SIZE;

        static final int V4_DEST_UNREACHABLE = 3;
        static final int V4_PORT_UNREACHABLE = 3;
        static final int V6_DEST_UNREACHABLE = 1;
        static final int V6_PORT_UNREACHABLE = 4;

        private Icmp() {}
    }
}
