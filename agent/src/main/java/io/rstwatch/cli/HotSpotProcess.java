package io.rstwatch.cli;

import io.rstwatch.common.ProcFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Whether a process is a HotSpot JVM, proven from /proc before anything is sent to it. An attach sends SIGQUIT,
 * which nginx's master, the PostgreSQL postmaster, gunicorn and php-fpm catch and take as "shut down": that a
 * process catches the signal proves nothing. Any one of these proves a JVM: libjvm.so mapped into it, its
 * hsperfdata file, or the attach socket it opened already (then the attach sends no signal at all). Each is read
 * through /proc/PID, so that a JVM in a container of its own is found under its own pid and /tmp.
 */
final class HotSpotProcess {
    /** /proc/PID/maps of a large JVM runs to a few MiB; a process's maps beyond this is no JVM's. */
    private static final long MAPS_CHARS = 64L << 20;
    /** hsperfdata directories, one per user who ran a JVM in that /tmp, looked at: bounded against a full /tmp. */
    private static final int PERF_DIRS = 256;

    private HotSpotProcess() {}

    /** The proof that process {@code pid} is a HotSpot JVM, in words; null when there is none (yet). */
    static String proof(long pid) {
        Path proc = Paths.get("/proc", Long.toString(pid));
        if (mapsLibjvm(proc.resolve("maps"))) {
            return "libjvm.so is mapped";
        }
        String nsPid = namespacedPid(proc);
        if (nsPid == null) {
            return null;
        }
        Path tmp = proc.resolve("root/tmp");
        if (isSocket(tmp.resolve(".java_pid" + nsPid))) {
            return "it has an attach socket";
        }
        return hasPerfData(tmp, nsPid) ? "it has an hsperfdata file" : null;
    }

    static boolean mapsLibjvm(Path maps) {
        try (BufferedReader r = Files.newBufferedReader(maps, StandardCharsets.ISO_8859_1)) {
            long read = 0;
            for (String line = r.readLine(); line != null && read < MAPS_CHARS; line = r.readLine()) {
                read += line.length() + 1;
                if (line.endsWith("/libjvm.so")) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable (another user's, or gone): no proof from here
        }
        return false;
    }

    /** The pid in the process's own pid namespace: the last NSpid field, or the pid itself on old kernels. */
    private static String namespacedPid(Path proc) {
        try {
            for (String line :
                    ProcFiles.readAtMost(proc.resolve("status"), 16_384).split("\n")) {
                if (line.startsWith("NSpid:")) {
                    String[] ids = line.substring("NSpid:".length()).trim().split("\\s+");
                    String last = ids[ids.length - 1];
                    return last.matches("[0-9]{1,10}") ? last : null;
                }
            }
            return proc.getFileName().toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isSocket(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isOther();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean hasPerfData(Path tmp, String nsPid) {
        int seen = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, "hsperfdata_*")) {
            for (Path dir : dirs) {
                if (++seen > PERF_DIRS) {
                    return false;
                }
                if (Files.isRegularFile(dir.resolve(nsPid), LinkOption.NOFOLLOW_LINKS)) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /tmp to read
        }
        return false;
    }
}
