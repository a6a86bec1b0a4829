package io.rstwatch.decode;

/**
 * The link-layer headers the decoder walks, as offsets from the start of the captured bytes. Each field's offset
 * is the previous one's plus its size, so the layout reads top to bottom like the header itself.
 */
public final class LinkHeaders {
    private LinkHeaders() {}

    /**
     * Ethernet II (EN10MB), with any number of 802.1Q / 802.1ad tags between the source and the EtherType.
     *
     * <pre>
     * offset size
     *  0      6   destination MAC
     *  6      6   source MAC
     * 12      2   EtherType, or a tag's TPID (0x8100, 0x88A8, 0x9100): then 2 bytes TCI and the next EtherType
     * 14          payload (4 bytes later per tag)
     * </pre>
     */
    static final class Ethernet {
        static final int DST_ADDR_OFFSET = 0;
        static final int DST_ADDR_SIZE = 6;
        static final int SRC_ADDR_OFFSET = DST_ADDR_OFFSET + DST_ADDR_SIZE;
        static final int SRC_ADDR_SIZE = 6;
        static final int TYPE_OFFSET = SRC_ADDR_OFFSET + SRC_ADDR_SIZE;
        static final int TYPE_SIZE = 2;
        static final int HEADER_SIZE = TYPE_OFFSET + TYPE_SIZE;
        /** TPID + TCI: the next EtherType is this much further on. */
        static final int VLAN_TAG_SIZE = 4;

        static final int MAX_VLAN_TAGS = 4;

        static final int TYPE_IPV4 = 0x0800;
        static final int TYPE_IPV6 = 0x86DD;
        static final int TYPE_VLAN = 0x8100;
        static final int TYPE_QINQ = 0x88A8;
        static final int TYPE_QINQ_OLD = 0x9100;

        private Ethernet() {}

        static boolean isVlanTag(int type) {
            return type == TYPE_VLAN || type == TYPE_QINQ || type == TYPE_QINQ_OLD;
        }
    }

    /**
     * Linux "cooked" capture v1 (LINUX_SLL), what the "any" device gives with older libpcap.
     *
     * <pre>
     * offset size
     *  0      2   packet type (to us, broadcast, multicast, to another host, sent by us)
     *  2      2   ARPHRD type
     *  4      2   link-layer address length
     *  6      8   link-layer address
     * 14      2   protocol (EtherType)
     * 16          payload
     * </pre>
     */
    static final class LinuxSll {
        static final int PACKET_TYPE_OFFSET = 0;
        static final int PACKET_TYPE_SIZE = 2;
        static final int ARPHRD_OFFSET = PACKET_TYPE_OFFSET + PACKET_TYPE_SIZE;
        static final int ARPHRD_SIZE = 2;
        static final int ADDR_LENGTH_OFFSET = ARPHRD_OFFSET + ARPHRD_SIZE;
        static final int ADDR_LENGTH_SIZE = 2;
        static final int ADDR_OFFSET = ADDR_LENGTH_OFFSET + ADDR_LENGTH_SIZE;
        static final int ADDR_SIZE = 8;
        static final int PROTOCOL_OFFSET = ADDR_OFFSET + ADDR_SIZE;
        static final int PROTOCOL_SIZE = 2;
        static final int HEADER_SIZE = PROTOCOL_OFFSET + PROTOCOL_SIZE;

        private LinuxSll() {}
    }

    /**
     * Linux "cooked" capture v2 (LINUX_SLL2, libpcap 1.10+): v1 reordered, plus the interface index. Also what
     * the capture's packet ring writes in front of a datagram socket's packets.
     *
     * <pre>
     * offset size
     *  0      2   protocol (EtherType)
     *  2      2   reserved
     *  4      4   interface index
     *  8      2   ARPHRD type
     * 10      1   packet type
     * 11      1   link-layer address length
     * 12      8   link-layer address
     * 20          payload
     * </pre>
     */
    public static final class LinuxSll2 {
        public static final int PROTOCOL_OFFSET = 0;
        public static final int PROTOCOL_SIZE = 2;
        public static final int RESERVED_OFFSET = PROTOCOL_OFFSET + PROTOCOL_SIZE;
        public static final int RESERVED_SIZE = 2;
        public static final int IFINDEX_OFFSET = RESERVED_OFFSET + RESERVED_SIZE;
        public static final int IFINDEX_SIZE = 4;
        public static final int ARPHRD_OFFSET = IFINDEX_OFFSET + IFINDEX_SIZE;
        public static final int ARPHRD_SIZE = 2;
        public static final int PACKET_TYPE_OFFSET = ARPHRD_OFFSET + ARPHRD_SIZE;
        public static final int PACKET_TYPE_SIZE = 1;
        public static final int ADDR_LENGTH_OFFSET = PACKET_TYPE_OFFSET + PACKET_TYPE_SIZE;
        public static final int ADDR_LENGTH_SIZE = 1;
        public static final int ADDR_OFFSET = ADDR_LENGTH_OFFSET + ADDR_LENGTH_SIZE;
        public static final int ADDR_SIZE = 8;
        public static final int HEADER_SIZE = ADDR_OFFSET + ADDR_SIZE;

        private LinuxSll2() {}
    }

    /**
     * BSD loopback (NULL, LOOP): a 4-byte address family, in the capturing host's byte order for NULL and in
     * network order for LOOP. AF_INET6 differs between systems, so every known value is accepted.
     *
     * <pre>
     * offset size
     *  0      4   address family
     *  4          payload
     * </pre>
     */
    static final class Loopback {
        static final int FAMILY_OFFSET = 0;
        static final int FAMILY_SIZE = 4;
        static final int HEADER_SIZE = FAMILY_OFFSET + FAMILY_SIZE;

        static final int AF_INET = 2;
        static final int AF_INET6_LINUX = 10;
        static final int AF_INET6_BSD = 24;
        static final int AF_INET6_FREEBSD = 28;
        static final int AF_INET6_DARWIN = 30;

        private Loopback() {}

        static boolean isInet6(int family) {
            return family == AF_INET6_LINUX
                    || family == AF_INET6_BSD
                    || family == AF_INET6_FREEBSD
                    || family == AF_INET6_DARWIN;
        }
    }
}
