package io.rstwatch.listeners;

import io.rstwatch.common.ProcFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * User names by uid, from a passwd file (the JVM's /etc/passwd), read at most once a minute and at most 1 MiB of
 * it: a uid the file does not name is shown as its number.
 */
final class UserNames {
    private static final int MAX_BYTES = 1 << 20;
    private static final long REREAD_MILLIS = 60_000;

    private final Path passwd;
    private volatile Map<Long, String> names = Map.of();
    private long readAt = Long.MIN_VALUE;

    UserNames(Path passwd) {
        this.passwd = passwd;
    }

    /** Re-reads the file if a minute has passed; one thread (the inventory's refresh). */
    void refresh(long nowMillis) {
        if (readAt != Long.MIN_VALUE && nowMillis - readAt < REREAD_MILLIS) {
            return;
        }
        readAt = nowMillis;
        try {
            Map<Long, String> found = new HashMap<>();
            for (String line : ProcFiles.readAtMost(passwd, MAX_BYTES).split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && !f[0].isEmpty() && f[2].matches("\\d{1,10}")) {
                    found.putIfAbsent(Long.parseLong(f[2]), f[0]);
                }
            }
            names = Map.copyOf(found);
        } catch (IOException | RuntimeException e) {
            // keep what we had: uids show as numbers
        }
    }

    String name(long uid) {
        String n = names.get(uid);
        return n != null ? n : Long.toString(uid);
    }
}
