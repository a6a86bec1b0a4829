package io.rstwatch.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstwatch.decode.DecodedPacket;
import org.junit.jupiter.api.Test;

/** The in-kernel source's reading of an unreachable's errno as the ICMP code the Port shows. */
class KernelSourceTest {
    @Test
    void anErrnoIsTheCodeItStandsForAndSharedCodesReadAsTheCommonOne() {
        assertEquals(1, KernelSource.icmpCode(113, true), "EHOSTUNREACH: host-unreachable");
        assertEquals(0, KernelSource.icmpCode(101, true), "ENETUNREACH: net-unreachable");
        // IPv4's admin-prohibited (13) reaches the socket as EHOSTUNREACH, read as above: its code is not kept.
        assertEquals(13, KernelSource.icmpCode(13, true), "EACCES: a prohibiting route");
        assertEquals(DecodedPacket.ICMPV6 | 1, KernelSource.icmpCode(13, false), "IPv6 EACCES: admin-prohibited");
        assertEquals(DecodedPacket.ICMPV6 | 3, KernelSource.icmpCode(113, false), "address-unreachable");
        assertEquals(DecodedPacket.ICMPV6, KernelSource.icmpCode(101, false), "no route");
    }
}
