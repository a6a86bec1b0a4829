package io.rstwatch.decode;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** 128-bit addresses as two longs, IPv4 as IPv4-mapped IPv6: how the decoder and the tables keep them. */
public final class Addresses {
    static final long V4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;

    private Addresses() {}

    public static long v4Lo(int ipv4) {
        return V4_MAPPED_PREFIX | (ipv4 & 0xFFFF_FFFFL);
    }

    public static boolean isV4(long hi, long lo) {
        return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_PREFIX;
    }

    public static boolean isLoopback(long hi, long lo) {
        return isV4(hi, lo) ? ((lo >>> 24) & 0xFF) == 127 : hi == 0 && lo == 1;
    }

    /** From the bytes of an InetAddress (4 or 16). */
    public static long hi(byte[] address) {
        return address.length == 4 ? 0 : bytesToLong(address, 0);
    }

    public static long lo(byte[] address) {
        if (address.length == 4) {
            return v4Lo((address[0] & 0xFF) << 24
                    | (address[1] & 0xFF) << 16
                    | (address[2] & 0xFF) << 8
                    | address[3] & 0xFF);
        }
        return bytesToLong(address, 8);
    }

    private static long bytesToLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** As an InetAddress: Inet4Address for IPv4-mapped addresses, else Inet6Address. */
    public static InetAddress inet(long hi, long lo) {
        byte[] b;
        if (isV4(hi, lo)) {
            b = new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
        } else {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only thrown for lengths other than 4 and 16
        }
    }

    /** "127.0.0.1" or "::1" (RFC 5952 style, zeros compressed). */
    public static String format(long hi, long lo) {
        if (isV4(hi, lo)) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** "127.0.0.1:7211" or "[::1]:7211". */
    public static String endpoint(long hi, long lo, int port) {
        return isV4(hi, lo) ? format(hi, lo) + ":" + port : "[" + format(hi, lo) + "]:" + port;
    }
}
