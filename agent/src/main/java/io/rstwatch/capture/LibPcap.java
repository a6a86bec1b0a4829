package io.rstwatch.capture;

import com.sun.jna.NativeLibrary;

/**
 * Finds libpcap before any pcap4j class is touched: pcap4j's classes fail for good in this class loader when
 * their static initialiser cannot load the library, and capture must come back by itself once it is installed.
 */
final class LibPcap {
    /** The same property pcap4j reads. */
    private static final String NAME_PROPERTY = "org.pcap4j.core.pcapLibName";

    private LibPcap() {}

    static String name() {
        return System.getProperty(NAME_PROPERTY, "pcap");
    }

    /** Null when libpcap loads, else the reason in words. */
    static String problem() {
        try {
            NativeLibrary.getInstance(name());
            return null;
        } catch (UnsatisfiedLinkError e) {
            return "libpcap is not installed: install it with `apt-get install libpcap0.8` (Debian, Ubuntu)"
                    + " or `dnf install libpcap` (RHEL, Fedora)";
        } catch (LinkageError e) {
            return "JNA cannot load its native part (" + e.getMessage() + "): set -Djna.tmpdir to a directory"
                    + " where files may be executed";
        }
    }
}
