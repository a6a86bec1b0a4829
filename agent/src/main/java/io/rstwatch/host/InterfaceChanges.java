package io.rstwatch.host;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import io.rstwatch.common.LinuxSockets;

/**
 * Whether this network namespace's interfaces or addresses may have changed since the last question: a
 * NETLINK_ROUTE socket subscribed to the kernel's link and address events, drained without waiting. Reading the
 * interfaces through {@code NetworkInterface} is dear in the interpreter; an empty socket is one system call. "Yes" whenever it cannot tell: the socket cannot be opened, its queue overflowed, or it failed.
 */
final class InterfaceChanges {
    private static final int NETLINK_ROUTE = 0;
    // linux/rtnetlink.h: the multicast groups of link and address changes, as a bind() mask
    private static final int RTMGRP_LINK = 0x1;
    private static final int RTMGRP_IPV4_IFADDR = 0x10;
    private static final int RTMGRP_IPV6_IFADDR = 0x100;
    /** struct sockaddr_nl: family (2), pad (2), pid (4), groups (4). */
    private static final int SOCKADDR_NL_SIZE = 12;

    private static final int GROUPS_OFFSET = 8;

    /** Messages are only counted, never read: a small buffer takes them one at a time (the rest is cut off). */
    private final byte[] message = new byte[256];

    /**
     * Messages drained in one call at most: another local process may send to this socket too (unicast needs no
     * privilege), and what it sends must not hold the thread; it can only make the interfaces be read each time.
     */
    private static final int MAX_DRAINED = 1000;

    private int fd = -1;

    /**
     * True when the kernel announced a change since the last call, or when that cannot be known; the first call
     * (which subscribes) is always true. One thread at a time.
     */
    boolean happened() {
        if (fd < 0) {
            fd = subscribe();
            return true;
        }
        boolean changed = false;
        for (int i = 0; i < MAX_DRAINED; i++) {
            long n = LinuxSockets.recv(fd, message, new NativeLong(message.length), LinuxSockets.MSG_DONTWAIT);
            if (n > 0) {
                changed = true; // keep draining: one refresh answers them all
                continue;
            }
            if (n < 0 && Native.getLastError() == LinuxSockets.EAGAIN) {
                return changed;
            }
            // ENOBUFS (messages were lost), or a failure: read the interfaces, and subscribe again next time
            LinuxSockets.close(fd);
            fd = -1;
            return true;
        }
        return true; // more queued than a host's changes make: left for the next call
    }

    /** A subscribed socket, or -1 when there is none to be had (then every question is answered "yes"). */
    private static int subscribe() {
        int fd;
        try {
            fd = LinuxSockets.socket(
                    LinuxSockets.AF_NETLINK, LinuxSockets.SOCK_RAW | LinuxSockets.SOCK_CLOEXEC, NETLINK_ROUTE);
        } catch (LinkageError | LastErrorException e) {
            return -1;
        }
        try {
            Memory address = new Memory(SOCKADDR_NL_SIZE);
            address.clear();
            address.setShort(0, (short) LinuxSockets.AF_NETLINK);
            address.setInt(GROUPS_OFFSET, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR);
            LinuxSockets.bind(fd, address, SOCKADDR_NL_SIZE);
            return fd;
        } catch (LastErrorException e) {
            LinuxSockets.close(fd);
            return -1;
        }
    }
}
