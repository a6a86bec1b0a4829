package io.rstwatch.testing;

import io.rstwatch.ebpf.Bpf;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The eBPF programs a process holds, and the check that they went with it. */
public final class BpfPrograms {
    private BpfPrograms() {}

    /** The ids of the eBPF programs a process holds file descriptors to (/proc/PID/fdinfo's prog_id). */
    public static List<Integer> heldBy(long pid) throws IOException {
        List<Integer> ids = new ArrayList<>();
        Path proc = Path.of("/proc", Long.toString(pid));
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closed) {
                    continue;
                }
                if (target.equals("anon_inode:bpf-prog")) {
                    for (String line : Files.readAllLines(proc.resolve("fdinfo").resolve(fd.getFileName()))) {
                        if (line.startsWith("prog_id:")) {
                            ids.add(Integer.parseInt(line.substring(8).strip()));
                        }
                    }
                }
            }
        }
        return ids;
    }

    /** Waits until none of these programs is loaded any more (by anyone); fails after {@code timeout}. */
    public static void awaitUnloaded(List<Integer> ids, Duration timeout) throws Exception {
        for (int id : ids) {
            Await.until("program " + id + " unloaded", timeout, () -> !Bpf.programLoaded(id));
        }
    }
}
