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
 * Reads a small properties file that someone else may have put in the agent's way: the {@code config=} file and
 * each plugin's settings. Only a regular file of at most {@link #MAX_BYTES} is read, and that is checked before
 * it is opened: opening a FIFO blocks until someone writes to it, a device may never end, a directory is no file.
 */
public final class ConfigFiles {
    /** 1 MiB: far more than any options file needs. */
    public static final int MAX_BYTES = 1 << 20;

    private ConfigFiles() {}

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
