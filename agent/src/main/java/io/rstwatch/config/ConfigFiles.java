package io.rstwatch.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Properties;

/**
 * Reads files that someone else may have put in the agent's way: the {@code config=} file and each plugin's
 * settings, and judges plugin directories and jars. Only a regular file of at most {@link #MAX_BYTES} is read,
 * and that is checked before it is opened: opening a FIFO blocks until someone writes to it, a device may never
 * end, a directory is no file. And nothing is taken from a place another user could change
 * ({@link #othersCanChange}): the agent often runs as root, and a plugin or an option runs with its rights.
 */
public final class ConfigFiles {
    /** 1 MiB: far more than any options file needs. */
    public static final int MAX_BYTES = 1 << 20;

    private static final int GROUP_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;

    private ConfigFiles() {}

    /** A file refused because another user could have written it: never to be used, not even as a default. */
    public static final class ChangeableByOthers extends IOException {
        ChangeableByOthers(String message) {
            super(message);
        }
    }

    /** The file's properties; an IOException whose message says in words what is wrong with it. */
    public static Properties read(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class); // follows links, as open does
        if (a.isDirectory()) {
            throw new IOException("it is a directory");
        }
        if (!a.isRegularFile()) {
            throw new IOException("it is not a regular file (a FIFO, socket or device)");
        }
        if (a.size() > MAX_BYTES) {
            throw new IOException("it is larger than 1 MiB");
        }
        String changeable = othersCanChange(file);
        if (changeable != null) {
            throw new ChangeableByOthers(changeable);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1); // it may have grown since
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException("it is larger than 1 MiB");
        }
        Properties p = new Properties();
        p.load(new ByteArrayInputStream(bytes));
        return p;
    }

    /**
     * Null when only this JVM's user or root can change what is at {@code path}: the file or directory is owned by
     * one of them and writable by no group or other user, and no directory above it lets another user replace it
     * (writable by others without the sticky bit, or owned by another user). Otherwise what is wrong and the
     * command that fixes it, in words. Links are followed, as opening does.
     */
    public static String othersCanChange(Path path) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException | RuntimeException e) {
            return null; // not there: whoever opens it says so
        }
        long own = effectiveUid(Path.of("/proc")); // -1 when unknown: then only root's files pass
        try {
            String problem = problem(real, own, true);
            for (Path dir = real.getParent(); problem == null && dir != null; dir = dir.getParent()) {
                problem = problem(dir, own, false);
            }
            return problem;
        } catch (IOException | RuntimeException | LinkageError e) {
            return "its owner and permissions cannot be read (" + e + ")";
        }
    }

    private static String problem(Path p, long ownUid, boolean itself) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        long uid = ((Number) Files.getAttribute(p, "unix:uid")).longValue();
        String what = itself ? "it" : "the directory " + p + " above it";
        if (uid != 0 && uid != ownUid) {
            return what + " is owned by another user (uid " + uid + "), who could change it: make it owned by root or"
                    + " by the JVM's user (uid " + ownUid + "), e.g. `chown root " + p + "`";
        }
        if ((mode & GROUP_OTHERS_WRITE) != 0 && (itself || (mode & STICKY) == 0)) {
            return what + " is writable by other users (mode " + String.format("%04o", mode & 07777)
                    + "): run `chmod go-w " + p + "`";
        }
        return null;
    }

    /**
     * The JVM's effective uid, which ownership is judged against (here, and by the listener inventory under
     * hidepid): the owner of {@code proc}/self; -1 when it cannot be read.
     */
    public static long effectiveUid(Path proc) {
        try {
            return ((Number) Files.getAttribute(proc.resolve("self"), "unix:uid")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What went wrong with reading a file, in words: "it does not exist", "it is a directory". */
    public static String why(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "it does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e instanceof IOException && e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
