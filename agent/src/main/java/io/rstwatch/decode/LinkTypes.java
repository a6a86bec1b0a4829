package io.rstwatch.decode;

/** The link-layer header types (libpcap DLT_ and LINKTYPE_ values) the decoder understands. */
public final class LinkTypes {
    public static final int NULL = 0;
    public static final int EN10MB = 1;
    /** DLT_RAW as Linux's libpcap reports it; 14 on OpenBSD; 101 is the LINKTYPE_RAW of capture files. */
    public static final int RAW = 12;

    public static final int RAW_OPENBSD = 14;
    public static final int LINKTYPE_RAW = 101;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    private LinkTypes() {}

    public static boolean supported(int linkType) {
        return name(linkType).indexOf('(') < 0;
    }

    public static String name(int linkType) {
        switch (linkType) {
            case NULL:
                return "NULL";
            case EN10MB:
                return "EN10MB";
            case RAW:
            case RAW_OPENBSD:
            case LINKTYPE_RAW:
                return "RAW";
            case LOOP:
                return "LOOP";
            case LINUX_SLL:
                return "LINUX_SLL";
            case IPV4:
                return "IPV4";
            case IPV6:
                return "IPV6";
            case LINUX_SLL2:
                return "LINUX_SLL2";
            default:
                return "unsupported(" + linkType + ")";
        }
    }
}
