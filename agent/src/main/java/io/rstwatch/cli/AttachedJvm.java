package io.rstwatch.cli;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.rstwatch.common.ProcFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;

/**
 * A JMX connection to another JVM on this host through the attach API, the way JConsole connects to a local
 * process: it starts the target's local management agent if needed (a JMX connector on a loopback port that
 * stays open until that JVM exits, for processes of the same user). Only the local connector's own address is
 * followed ({@link LocalConnector}). Used by {@code report} and by the tests.
 */
public final class AttachedJvm implements Closeable {
    private final JMXConnector connector;
    private final MBeanServerConnection connection;

    private AttachedJvm(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.connection = Printable.cleaning(connector.getMBeanServerConnection());
    }

    public static AttachedJvm attach(long pid) throws IOException {
        VirtualMachine vm = virtualMachine(pid);
        try {
            String address = vm.startLocalManagementAgent();
            return new AttachedJvm(LocalConnector.connect(address));
        } finally {
            vm.detach();
        }
    }

    /**
     * Attaches to the JVM {@code pid} once it catches SIGQUIT, the signal the attach sends it to start its
     * listener; both {@code report} and {@code attach} come through here.
     *
     * <p>Why wait: JDK 17's attach sends the signal at once. To a JVM in its first milliseconds the signal is lost;
     * the attach sends it again 5 s later, and a JVM whose listener has come up meanwhile prints a thread dump on
     * its stdout. To a process that does not catch SIGQUIT at all (not a JVM, or one started with -Xrs) the signal
     * is fatal, and JDK 21 and later check the same before they send it. A process that catches it but is no JVM
     * (a database's postmaster, a web server's master) may take it as "shut down": the target must also be proven a
     * HotSpot JVM ({@link HotSpotProcess}).
     *
     * @throws IOException when the process never catches SIGQUIT within {@link #CATCHES_QUIT_WAIT_MILLIS}, is not
     *     proven a HotSpot JVM, or the attach fails; the message says why, as one sentence
     */
    static VirtualMachine virtualMachine(long pid) throws IOException {
        Path status = Paths.get("/proc", Long.toString(pid), "status");
        long deadline = System.nanoTime() + CATCHES_QUIT_WAIT_MILLIS * 1_000_000;
        boolean catches;
        String proof = null;
        while (true) {
            catches = catchesQuit(status);
            if (proof == null) {
                proof = HotSpotProcess.proof(pid);
            }
            boolean ready = catches && proof != null;
            // A JVM maps libjvm.so in its first milliseconds: an older process without it never will.
            boolean neverJvm = proof == null && startedMillisAgo(pid) > PROOF_WAIT_MILLIS;
            if (ready || neverJvm || System.nanoTime() >= deadline || !Files.exists(status)) {
                break;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for JVM " + pid, e);
            }
        }
        if (!catches && Files.exists(status)) {
            throw new IOException("cannot attach to process " + pid + ": it does not catch SIGQUIT, the signal an"
                    + " attach sends (not a JVM, a JVM started with -Xrs, or one still starting after "
                    + CATCHES_QUIT_WAIT_MILLIS / 1000 + " s)");
        }
        if (proof == null && Files.exists(status)) {
            throw new IOException("cannot attach to process " + pid + ": it is not a HotSpot JVM (no libjvm.so in"
                    + " /proc/" + pid + "/maps, no hsperfdata file, no attach socket), and the SIGQUIT an attach"
                    + " sends would stop many servers; nothing was sent to it");
        }
        try {
            return VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new IOException(
                    "cannot attach to JVM " + pid + ": " + e.getMessage() + " (run as the same user as that JVM)", e);
        }
    }

    /** How long after its start a process without a proof of being a JVM is still waited for. */
    private static final long PROOF_WAIT_MILLIS = 3_000;

    private static long startedMillisAgo(long pid) {
        return ProcessHandle.of(pid)
                .flatMap(p -> p.info().startInstant())
                .map(start -> System.currentTimeMillis() - start.toEpochMilli())
                .orElse(0L);
    }

    /** How long {@link #virtualMachine} waits for a starting JVM to catch SIGQUIT: the JDK's own attach timeout. */
    static final long CATCHES_QUIT_WAIT_MILLIS = 10_000;

    /** Whether the process whose /proc status file this is catches SIGQUIT; false when it cannot be read. */
    private static boolean catchesQuit(Path status) {
        try {
            return catchesQuit(ProcFiles.readAtMost(status, STATUS_BYTES));
        } catch (IOException e) {
            return false;
        }
    }

    /** /proc/PID/status is some 1.5 KiB; its SigCgt line comes well within this. */
    private static final int STATUS_BYTES = 16_384;

    private static final long SIGQUIT_BIT = 1L << (3 - 1); // signal n is bit n - 1 of the mask

    /**
     * Whether a /proc/PID/status text says the process catches SIGQUIT: its SigCgt line, the caught signals as a
     * hexadecimal mask.
     */
    static boolean catchesQuit(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("SigCgt:")) {
                String mask = line.substring("SigCgt:".length()).trim();
                // Only the low 16 digits (signals 1-64) hold SIGQUIT; the kernel writes 16.
                String low = mask.length() > 16 ? mask.substring(mask.length() - 16) : mask;
                try {
                    return (Long.parseUnsignedLong(low, 16) & SIGQUIT_BIT) != 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    public MBeanServerConnection connection() {
        return connection;
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
