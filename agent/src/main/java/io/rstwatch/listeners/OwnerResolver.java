package io.rstwatch.listeners;

import io.rstwatch.common.ProcFiles;
import io.rstwatch.config.CommandLineDisclosure;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who owns a socket: the process whose /proc/PID/fd holds its inode, its command line as
 * {@code listeners.cmdline} allows ({@link CommandLines}), and its user's name. The fds of a host with many
 * processes are read within a budget a refresh, a pass going on where the last one stopped. Other users' secrets
 * stay theirs: when /proc is mounted with {@code hidepid}, the agent, even as root, names the owner of no socket
 * but its own user's. One thread only.
 */
final class OwnerResolver {
    static final int MAX_FD_LINKS_PER_REFRESH = 50_000;
    /** Command lines can be megabytes (a JVM with a long class path): only this much is read. */
    static final int MAX_CMDLINE_BYTES = 4096;

    static final String HIDDEN_BY_HIDEPID = "a process of another user, not shown: /proc is mounted with hidepid";
    private static final int MAX_COMMAND = 200;
    private static final long MOUNTS_REREAD_MILLIS = 60_000;

    /** A socket's process: pid 0 when not known or not shown, and then the command says which. */
    record Owner(int pid, String command) {
        static final Owner UNKNOWN = new Owner(0, Listener.UNKNOWN);
        static final Owner HIDDEN = new Owner(0, HIDDEN_BY_HIDEPID);
    }

    private final Path proc;
    private final CommandLines commandLines;
    private final UserNames users;
    /** The JVM's effective uid: under hidepid, only its sockets' owners are named. */
    private final long ownUid;

    private final long ownPid = ProcessHandle.current().pid();
    /** fd links read at most in one refresh. */
    private final int fdBudget;

    private volatile boolean hidepid;
    private long mountsReadAt = Long.MIN_VALUE;
    /** Inodes a whole pass over /proc did not find (not permitted, or in another namespace): not looked for again. */
    private final Set<Long> unresolvable = new HashSet<>();
    /** Where the current pass over the processes stands: the last pid read, -1 at the start of a pass. */
    private long resumeAfter = -1;
    /** The inodes wanted when the current pass began: those still unfound when it ends are unresolvable. */
    private Set<Long> passWanted;

    /**
     * @param passwd where user names come from
     * @param ownUid the JVM's effective uid
     * @param fdBudget fd links read at most in one refresh
     */
    OwnerResolver(Path proc, Path passwd, CommandLineDisclosure disclosure, long ownUid, int fdBudget) {
        this.proc = proc;
        this.users = new UserNames(passwd);
        this.commandLines = new CommandLines(disclosure);
        this.ownUid = ownUid;
        this.fdBudget = fdBudget;
    }

    /** Re-reads the user names, and once a minute whether /proc is mounted with hidepid. */
    void refresh(long nowMillis) {
        users.refresh(nowMillis);
        if (mountsReadAt != Long.MIN_VALUE && nowMillis - mountsReadAt < MOUNTS_REREAD_MILLIS) {
            return;
        }
        mountsReadAt = nowMillis;
        try {
            hidepid = hidepid(ProcFiles.readAtMost(proc.resolve("mounts"), 4 << 20));
        } catch (IOException | RuntimeException e) {
            // unreadable: keep the last answer
        }
    }

    /** Whether this /proc is mounted with hidepid other than 0/off, as /proc/mounts says. */
    private static boolean hidepid(String mounts) {
        for (String line : mounts.split("\n")) {
            String[] f = line.split(" ");
            if (f.length >= 4 && f[2].equals("proc") && f[1].equals("/proc")) {
                for (String option : f[3].split(",")) {
                    if (option.startsWith("hidepid=") && !option.equals("hidepid=0") && !option.equals("hidepid=off")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether /proc is mounted with hidepid (as of the last minute). */
    boolean hidepid() {
        return hidepid;
    }

    /** Whether a socket of this user has an owner the agent must not name: another user's, under hidepid. */
    boolean hidden(long uid) {
        return hidepid && uid != ownUid;
    }

    /** The user name of a uid, from the last read of the passwd file. */
    String userName(long uid) {
        return users.name(uid);
    }

    /**
     * Finds the owners of sockets not seen before, reading at most {@code fdBudget} fd links a refresh. The
     * processes are read in pid order, and a refresh goes on where the last one stopped, so on a host with more
     * links than one budget every owner is found within a few refreshes. An inode still unfound after a whole
     * pass over every process (another namespace, not permitted) is not looked for again.
     *
     * @param wanted the inodes whose owners are not known yet
     * @param present every inode of interest in this refresh
     * @return the owners found
     */
    Map<Long, Owner> resolve(Set<Long> wanted, Set<Long> present) {
        wanted.removeAll(unresolvable);
        unresolvable.retainAll(present);
        Map<Long, Owner> found = new HashMap<>();
        if (wanted.isEmpty()) {
            return found;
        }
        int[] budget = {fdBudget};
        scanProcess(ownPid, wanted, found, budget); // this JVM's own sockets first, every time
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path p : dirs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid != ownPid) {
                    pids.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            return found;
        }
        pids.sort(null);
        if (passWanted == null) {
            passWanted = new HashSet<>(wanted);
        }
        int i = 0;
        while (i < pids.size() && pids.get(i) <= resumeAfter) {
            i++;
        }
        boolean wrapped = false;
        boolean first = true;
        while (!wanted.isEmpty() && budget[0] > 0) {
            if (i == pids.size()) { // a whole pass over every process is done
                passWanted.retainAll(wanted);
                unresolvable.addAll(passWanted);
                wanted.removeAll(passWanted);
                passWanted = new HashSet<>(wanted);
                resumeAfter = -1;
                i = 0;
                if (wrapped || pids.isEmpty()) {
                    break; // at most one pass a refresh
                }
                wrapped = true;
                continue;
            }
            long pid = pids.get(i);
            boolean complete = scanProcess(pid, wanted, found, budget);
            if (complete || first) {
                resumeAfter = pid; // a process with more links than a whole budget is passed over
            }
            if (!complete) {
                break;
            }
            first = false;
            i++;
        }
        return found;
    }

    /** Reads one process's fd links within the budget; true when all of them were read. */
    private boolean scanProcess(long pid, Set<Long> wanted, Map<Long, Owner> found, int[] budget) {
        Path pidDir = proc.resolve(Long.toString(pid));
        Owner owner = null; // one per process, read once, shared by all its sockets
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pidDir.resolve("fd"))) {
            for (Path fd : fds) {
                if (budget[0] <= 0) {
                    return false;
                }
                budget[0]--;
                String target = Files.readSymbolicLink(fd).toString();
                if (target.startsWith("socket:[")) {
                    long inode = Long.parseLong(target.substring(8, target.length() - 1));
                    if (wanted.remove(inode)) {
                        if (owner == null) {
                            owner = new Owner((int) pid, command(pidDir));
                        }
                        found.put(inode, owner);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not permitted, or the process is gone: its sockets stay "unknown" for now
        }
        return true;
    }

    /** A process's command line, as {@link #command(Path)}; "unknown" once it is gone. */
    String command(long pid) {
        return command(proc.resolve(Long.toString(pid)));
    }

    /** The process's command line, as much as {@code listeners.cmdline} allows, on one line. */
    private String command(Path pidDir) {
        try {
            String raw = ProcFiles.readAtMost(pidDir.resolve("cmdline"), MAX_CMDLINE_BYTES);
            List<String> argv = new ArrayList<>();
            for (String arg : raw.split("\0")) {
                // An argument may hold line breaks or escapes: single spaces, for one-line sentences.
                String a = arg.replaceAll("[\\x00-\\x1F\\x7F\\s]+", " ").trim();
                if (!a.isEmpty()) {
                    argv.add(a);
                }
            }
            String s = commandLines.shown(argv);
            // The head names the program; the tail, for a JVM, its main class after a long class path.
            return s.length() > MAX_COMMAND
                    ? s.substring(0, MAX_COMMAND / 2) + " ... " + s.substring(s.length() - MAX_COMMAND / 2)
                    : s;
        } catch (IOException e) {
            return Listener.UNKNOWN;
        }
    }
}
