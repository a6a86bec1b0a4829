package io.rstwatch.common;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C library's socket calls, direct-mapped (one JNI crossing, no proxy, no reflection per call): the packet
 * ring of the capture and the netlink socket of the listener inventory. A call that declares
 * {@link LastErrorException} throws it when it fails, with the message "[errno] strerror"; {@code send} and
 * {@code recv} return -1 as in C, so that a receive timeout costs no exception.
 */
public final class LinuxSockets {
    public static final int AF_NETLINK = 16;
    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_DGRAM = 2;
    /** No descriptor of ours survives into a process the application starts. */
    public static final int SOCK_CLOEXEC = 0x80000;
    /** recv: return at once when nothing is queued (-1, EAGAIN), whatever the socket's mode. */
    public static final int MSG_DONTWAIT = 0x40;

    public static final int SOL_SOCKET = 1;
    public static final int SO_ERROR = 4;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_ATTACH_FILTER = 26;

    public static final int SOL_PACKET = 263;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_VERSION = 10;
    public static final int TPACKET_V3 = 2;

    public static final int PROT_READ_WRITE = 0x1 | 0x2;
    public static final int MAP_SHARED = 0x1;

    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENXIO = 6;
    public static final int ENOMEM = 12;
    public static final int ENODEV = 19;
    public static final int ENETDOWN = 100;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private LinuxSockets() {}

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int setsockopt(int fd, int level, int name, Pointer value, int length)
            throws LastErrorException;

    public static native int getsockopt(int fd, int level, int name, Pointer value, Pointer length)
            throws LastErrorException;

    public static native int setsockopt(int fd, int level, int name, byte[] value, int length)
            throws LastErrorException;

    /**
     * ssize_t, returned as an int: every buffer here is far below 2 GiB, and an int is read from the low half of
     * the return register on every ABI. A NativeLong return would be built by reflection on each call, on threads
     * that run in the interpreter.
     */
    public static native int send(int fd, byte[] buffer, NativeLong length, int flags);

    /** ssize_t as an int, as {@link #send}. */
    public static native int recv(int fd, byte[] buffer, NativeLong length, int flags);

    public static native int bind(int fd, Pointer address, int length) throws LastErrorException;

    public static native Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset)
            throws LastErrorException;

    public static native int munmap(Pointer address, long length);

    public static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

    public static native int close(int fd);

    /** 0 when there is no interface of that name. */
    public static native int if_nametoindex(String name);
}
