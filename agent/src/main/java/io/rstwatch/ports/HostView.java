package io.rstwatch.ports;

import io.rstwatch.common.ProcFiles;
import io.rstwatch.decode.Addresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the classifier needs to know about this host, refreshed in the background and read without locks or
 * allocation on the capture thread: its addresses, its ephemeral port range and the names of its interfaces.
 * All of it is of the JVM's network namespace. Who listens where is the listener inventory's to say.
 */
public final class HostView {
    private final Path proc;
    private volatile long[] localAddresses = new long[0];
    private volatile int ephemeralLow = 32768;
    private volatile int ephemeralHigh = 60999;
    private volatile Map<Integer, String> interfaceNames = Collections.emptyMap();

    public HostView(Path proc) {
        this.proc = proc;
    }

    public static HostView ofThisHost() {
        HostView view = new HostView(Paths.get("/proc"));
        view.refresh();
        return view;
    }

    /** Re-reads addresses, interface names and the ephemeral range; meant for a background timer. */
    public void refresh() {
        refreshAddresses();
        refreshEphemeralRange();
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

    public boolean isEphemeral(int port) {
        return port >= ephemeralLow && port <= ephemeralHigh;
    }

    public String interfaceName(int ifindex) {
        String name = interfaceNames.get(ifindex);
        return name != null ? name : "if" + ifindex;
    }

    public int interfaceIndex(String name) {
        for (Map.Entry<Integer, String> e : interfaceNames.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return -1;
    }

    private void refreshAddresses() {
        List<long[]> found = new ArrayList<>();
        Map<Integer, String> names = new HashMap<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                names.put(ni.getIndex(), ni.getName());
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    byte[] b = a.getAddress();
                    found.add(new long[] {Addresses.hi(b), Addresses.lo(b)});
                }
            }
        } catch (IOException | RuntimeException e) {
            return; // keep what we had
        }
        long[] flat = new long[found.size() * 2];
        for (int i = 0; i < found.size(); i++) {
            flat[2 * i] = found.get(i)[0];
            flat[2 * i + 1] = found.get(i)[1];
        }
        localAddresses = flat;
        interfaceNames = Collections.unmodifiableMap(names);
    }

    private void refreshEphemeralRange() {
        try {
            String[] range = ProcFiles.read(proc.resolve("sys/net/ipv4/ip_local_port_range"))
                    .trim()
                    .split("\\s+");
            ephemeralLow = Integer.parseInt(range[0]);
            ephemeralHigh = Integer.parseInt(range[1]);
        } catch (IOException | RuntimeException e) {
            // keep the Linux default
        }
    }
}
