package io.rstwatch.capture;

import com.sun.jna.Native;
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
        String jna = jnaProblem();
        if (jna != null) {
            return jna;
        }
        try {
            NativeLibrary.getInstance(name());
            return null;
        } catch (UnsatisfiedLinkError e) {
            return "libpcap is not installed: install it with `apt-get install libpcap0.8` (Debian, Ubuntu)"
                    + " or `dnf install libpcap` (RHEL, Fedora)";
        } catch (LinkageError e) {
            return jnaCannotLoad(e);
        }
    }

    /**
     * Null when JNA's own native part loads. Without it (a musl libc, jna.nounpack, a /tmp mounted noexec) every
     * library fails to load, and blaming libpcap would send the operator to install what is there already.
     */
    static String jnaProblem() {
        try {
            return Native.POINTER_SIZE > 0 ? null : "JNA's native part reports no pointer size";
        } catch (LinkageError e) {
            return jnaCannotLoad(e);
        }
    }

    private static String jnaCannotLoad(LinkageError e) {
        return "JNA cannot load its native part (" + e.getMessage() + "): set -Djna.tmpdir to a directory where files"
                + " may be executed, or install JNA's native library for this platform (libjna-jni on Debian)";
    }
}
