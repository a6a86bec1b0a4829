package io.rstwatch.host;

import io.rstwatch.common.ProcFile;
import io.rstwatch.decode.Addresses;
import io.rstwatch.plugin.Scope;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * What the classifier needs to know about this host, refreshed in the background and read without locks or
 * allocation on the capture thread: its addresses, its ephemeral port range, how often its TCP sends a SYN again
 * before it gives up, and its interfaces (name, whether loopback, MAC). All of it is of the JVM's network namespace. Who listens where is the listener inventory's to
 * say.
 */
public final class HostView {
    /** A sysctl's value is a line of a few numbers. */
    private static final int SYSCTL_BYTES = 256;

    /**
     * Refreshes (every 2 s) after which the interfaces are read even when the kernel sent no change: a safety net,
     * should its messages be lost in a way the socket does not report.
     */
    private static final int INTERFACES_READ_AT_LEAST_EVERY = 30;

    /** Sysctls, held open: read every refresh. */
    private final ProcFile portRange;

    private final ProcFile synRetriesFile;

    private final InterfaceChanges interfaceChanges = new InterfaceChanges();
    /** Refreshes since the interfaces were last read. */
    private int sinceInterfacesRead;
    /** The last read of the interfaces failed: the change it was for is still to be read. */
    private boolean interfacesUnread;

    private volatile long[] localAddresses = new long[0];
    /** One field: a reader never sees one end of the old range with the other end of the new. */
    private volatile EphemeralPorts ephemeral = EphemeralPorts.LINUX_DEFAULT;
    /** net.ipv4.tcp_syn_retries: how many times a connect's SYN is sent again before the kernel gives up. */
    private volatile int synRetries = 6;

    private volatile Interfaces interfaces = new Interfaces(List.of());

    /** One interface as the view keeps it; {@code mac} is the 48-bit MAC, or -1 when it has none. */
    record Interface(int index, String name, boolean loopback, long mac, List<InetAddress> addresses) {}

    /** The interfaces sorted by index, in arrays the capture thread searches without allocating. */
    private static final class Interfaces {
        final int[] indexes;
        final Interface[] byPosition;

        Interfaces(List<Interface> list) {
            byPosition = list.stream()
                    .sorted(Comparator.comparingInt(Interface::index))
                    .toArray(Interface[]::new);
            indexes = new int[byPosition.length];
            for (int i = 0; i < byPosition.length; i++) {
                indexes[i] = byPosition[i].index();
            }
        }

        Interface find(int ifindex) {
            int at = Arrays.binarySearch(indexes, ifindex);
            return at < 0 ? null : byPosition[at];
        }
    }

    public HostView(Path proc) {
        this.portRange = new ProcFile(proc.resolve(EphemeralPorts.SYSCTL), SYSCTL_BYTES);
        this.synRetriesFile = new ProcFile(proc.resolve("sys/net/ipv4/tcp_syn_retries"), SYSCTL_BYTES);
    }

    public static HostView ofThisHost() {
        HostView view = new HostView(Paths.get("/proc"));
        view.refresh();
        return view;
    }

    /**
     * Re-reads the ephemeral range and the SYN retries, and the interfaces and their addresses when the kernel said
     * they changed (or once a minute whatever it said); meant for a background timer, one thread at a time.
     */
    public void refresh() {
        if (interfaceChanges.happened()
                || interfacesUnread
                || ++sinceInterfacesRead >= INTERFACES_READ_AT_LEAST_EVERY) {
            sinceInterfacesRead = 0;
            interfacesUnread = !refreshInterfaces();
        }
        refreshEphemeralRange();
        try {
            synRetries = Integer.parseInt(synRetriesFile.read().trim());
        } catch (IOException | RuntimeException e) {
            // keep the last value, or the Linux default
        }
    }

    /**
     * net.ipv4.tcp_syn_retries of this namespace (6 by default): a connect whose SYN went this many times again
     * and still has no answer is given up by the kernel one timeout later, and counted in AttemptFails.
     */
    public int synRetries() {
        return synRetries;
    }

    public boolean isLocal(long hi, long lo) {
        if (Addresses.isLoopback(hi, lo)) {
            return true;
        }
        long[] a = localAddresses;
        for (int i = 0; i < a.length; i += 2) {
            if (a[i] == hi && a[i + 1] == lo) {
                return true;
            }
        }
        return false;
    }

    /** The scope of a service address: local when it belongs to this host (loopback included). */
    public Scope scopeOf(long hi, long lo) {
        return isLocal(hi, lo) ? Scope.LOCAL : Scope.REMOTE;
    }

    public boolean isEphemeral(int port) {
        return ephemeral.contains(port);
    }

    /** Whether the interface is a loopback device; false for an unknown one or -1. */
    public boolean isLoopbackInterface(int ifindex) {
        Interface i = interfaces.find(ifindex);
        return i != null && i.loopback();
    }

    /** The interface's MAC as 48 bits, or -1 when it has none or is unknown. */
    public long mac(int ifindex) {
        Interface i = interfaces.find(ifindex);
        return i == null ? -1 : i.mac();
    }

    public String interfaceName(int ifindex) {
        Interface i = interfaces.find(ifindex);
        return i != null ? i.name() : "if" + ifindex;
    }

    public int interfaceIndex(String name) {
        for (Interface i : interfaces.byPosition) {
            if (i.name().equals(name)) {
                return i.index();
            }
        }
        return -1;
    }

    /** False when the interfaces could not be read (what the view knew is kept). */
    private boolean refreshInterfaces() {
        List<Interface> found = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                byte[] mac = ni.getHardwareAddress();
                found.add(new Interface(
                        ni.getIndex(),
                        ni.getName(),
                        ni.isLoopback(),
                        mac != null && mac.length == 6 ? macBits(mac) : -1,
                        Collections.list(ni.getInetAddresses())));
            }
        } catch (IOException | RuntimeException e) {
            return false; // keep what we had
        }
        interfaces(found);
        return true;
    }

    /** Replaces what the view knows of the interfaces and their addresses (the refresh, and tests). */
    void interfaces(List<Interface> list) {
        List<long[]> addresses = new ArrayList<>();
        for (Interface i : list) {
            for (InetAddress a : i.addresses()) {
                byte[] b = a.getAddress();
                addresses.add(new long[] {Addresses.hi(b), Addresses.lo(b)});
            }
        }
        long[] flat = new long[addresses.size() * 2];
        for (int i = 0; i < addresses.size(); i++) {
            flat[2 * i] = addresses.get(i)[0];
            flat[2 * i + 1] = addresses.get(i)[1];
        }
        localAddresses = flat;
        interfaces = new Interfaces(list);
    }

    static long macBits(byte[] mac) {
        long v = 0;
        for (byte b : mac) {
            v = v << 8 | (b & 0xFF);
        }
        return v;
    }

    private void refreshEphemeralRange() {
        try {
            ephemeral = EphemeralPorts.parse(portRange.read());
        } catch (IOException | RuntimeException e) {
            // keep what was read before, or the Linux default
        }
    }
}
