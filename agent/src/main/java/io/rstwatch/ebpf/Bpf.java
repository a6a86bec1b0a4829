package io.rstwatch.ebpf;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.rstwatch.common.LinuxSockets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code bpf(2)} system call, as much of it as the agent uses, through libc's {@code syscall} (glibc has no
 * wrapper), direct-mapped as {@link LinuxSockets}' calls are: syscall is variadic, and its integer arguments travel
 * in the same registers either way (the assembly behind it reads no vector count). Each command fills its member
 * of {@code union bpf_attr} (linux/bpf.h); the offsets below are that union's, which the kernel keeps stable: new fields only ever go at the end, and unused bytes must be zero.
 */
public final class Bpf {
    /** __NR_bpf on x86-64. */
    private static final long SYS_BPF = 321;

    private static final int MAP_CREATE = 0;
    private static final int MAP_LOOKUP_ELEM = 1;
    private static final int MAP_GET_NEXT_KEY = 4;
    private static final int MAP_LOOKUP_AND_DELETE_ELEM = 21;
    private static final int PROG_LOAD = 5;
    private static final int PROG_GET_FD_BY_ID = 13;
    private static final int OBJ_GET_INFO_BY_FD = 15;
    private static final int RAW_TRACEPOINT_OPEN = 17;
    private static final int ENABLE_STATS = 32;
    /** BPF_STATS_RUN_TIME: the kernel times each program run while a descriptor of these stats is open. */
    private static final int STATS_RUN_TIME = 0;

    static final int MAP_TYPE_ARRAY = 2;
    static final int MAP_TYPE_PERCPU_HASH = 5;
    static final int MAP_TYPE_PERCPU_ARRAY = 6;
    static final int MAP_TYPE_LRU_HASH = 9;
    static final int MAP_TYPE_LRU_PERCPU_HASH = 10;
    private static final int ENOENT = 2;
    static final int PROG_TYPE_TRACING = 26;
    /** BPF_TRACE_RAW_TP: a tracing program on a tracepoint, its arguments typed by BTF ("tp_btf"). */
    static final int TRACE_RAW_TP = 23;

    /** Large enough for every command used here, zeroed: the kernel refuses non-zero bytes it does not know. */
    private static final int ATTR_SIZE = 128;

    // BPF_MAP_CREATE
    private static final int MAP_TYPE = 0;
    private static final int KEY_SIZE = MAP_TYPE + 4;
    private static final int VALUE_SIZE = KEY_SIZE + 4;
    private static final int MAX_ENTRIES = VALUE_SIZE + 4;
    // BPF_MAP_LOOKUP_ELEM
    private static final int MAP_FD = 0;
    private static final int KEY = MAP_FD + 8; // after a u32 and its padding
    private static final int VALUE = KEY + 8;
    private static final int NEXT_KEY = VALUE; // BPF_MAP_GET_NEXT_KEY's second pointer, where VALUE is
    // BPF_PROG_LOAD
    private static final int PROG_TYPE = 0;
    private static final int INSN_CNT = PROG_TYPE + 4;
    private static final int INSNS = INSN_CNT + 4;
    private static final int LICENSE = INSNS + 8;
    private static final int LOG_LEVEL = LICENSE + 8;
    private static final int LOG_SIZE = LOG_LEVEL + 4;
    private static final int LOG_BUF = LOG_SIZE + 4;
    private static final int PROG_NAME = LOG_BUF + 8 + 4 + 4; // after kern_version and prog_flags
    private static final int PROG_NAME_LEN = 16;
    private static final int EXPECTED_ATTACH_TYPE = PROG_NAME + PROG_NAME_LEN + 4; // after prog_ifindex
    private static final int ATTACH_BTF_ID = 108; // after prog_btf_fd and the func_info and line_info fields
    // BPF_RAW_TRACEPOINT_OPEN
    private static final int TP_PROG_FD = 8; // after the name, which a tracepoint program loaded for one has none of
    // BPF_OBJ_GET_INFO_BY_FD, and the id in struct bpf_prog_info (after its u32 type)
    private static final int INFO_FD = 0;
    private static final int INFO_LEN = INFO_FD + 4;
    private static final int INFO = INFO_LEN + 4;
    private static final int PROG_INFO_ID = 4;
    /** struct bpf_prog_info's run_time_ns and run_cnt (5.1), after its 192 bytes of older fields. */
    private static final int PROG_INFO_RUN_TIME_NS = 192;

    private static final int PROG_INFO_RUN_CNT = PROG_INFO_RUN_TIME_NS + 8;
    /** Runs the kernel skipped because the program was already running on that CPU (5.12). */
    private static final int PROG_INFO_RECURSION_MISSES = PROG_INFO_RUN_CNT + 8;

    private static final int PROG_INFO_SIZE = 256;

    /** How much of the verifier's reasons a refusal keeps. */
    private static final int VERIFIER_LOG_SIZE = 64 * 1024;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private static native long syscall(long number, int cmd, Pointer attr, int size) throws LastErrorException;

    private Bpf() {}

    private static int call(int cmd, Memory attr, String what) throws IOException {
        try {
            return (int) syscall(SYS_BPF, cmd, attr, ATTR_SIZE);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            throw new IOException(what + " failed: errno " + errno + " (" + strerror(errno) + ")", e);
        }
    }

    private static Memory attr() {
        Memory m = new Memory(ATTR_SIZE);
        m.clear();
        return m;
    }

    /** A per-CPU array map of {@code entries} values of {@code valueSize} bytes; its file descriptor. */
    static int createPerCpuArray(int valueSize, int entries) throws IOException {
        return createMap(MAP_TYPE_PERCPU_ARRAY, 4, valueSize, entries);
    }

    /** A per-CPU hash map of at most {@code entries} keys; its file descriptor. */
    static int createPerCpuHash(int keySize, int valueSize, int entries) throws IOException {
        return createMap(MAP_TYPE_PERCPU_HASH, keySize, valueSize, entries);
    }

    static int createMap(int type, int keySize, int valueSize, int entries) throws IOException {
        Memory a = attr();
        a.setInt(MAP_TYPE, type);
        a.setInt(KEY_SIZE, keySize);
        a.setInt(VALUE_SIZE, valueSize);
        a.setInt(MAX_ENTRIES, entries);
        return call(MAP_CREATE, a, "creating a map of type " + type);
    }

    /** A per-CPU count's total: its CPUs' values added up. */
    static long sum(long[] perCpu) {
        long sum = 0;
        for (long n : perCpu) {
            sum += n;
        }
        return sum;
    }

    /** Each CPU's u64 at {@code key} of a per-CPU map of u64 values with 4-byte keys (an array's). */
    static long[] lookupPerCpu(int mapFd, int key, int cpus) throws IOException {
        Memory k = new Memory(4);
        k.setInt(0, key);
        return lookup(MAP_LOOKUP_ELEM, mapFd, k, cpus);
    }

    /**
     * The keys of a hash map whose keys are {@code keySize} bytes, at most {@code max} (a map can change while it
     * is walked: a key may come twice or not at all, which reading each key's count then tolerates).
     */
    static List<byte[]> keys(int mapFd, int keySize, int max) throws IOException {
        List<byte[]> out = new ArrayList<>();
        Memory key = new Memory(keySize);
        Memory next = new Memory(keySize);
        Pointer from = null;
        while (out.size() < max) {
            Memory a = attr();
            a.setInt(MAP_FD, mapFd);
            a.setPointer(KEY, from);
            a.setPointer(NEXT_KEY, next);
            try {
                syscall(SYS_BPF, MAP_GET_NEXT_KEY, a, ATTR_SIZE);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ENOENT) {
                    break;
                }
                throw new IOException("walking a map failed: errno " + e.getErrorCode(), e);
            }
            byte[] k = next.getByteArray(0, keySize);
            out.add(k);
            key.write(0, k, 0, keySize);
            from = key;
        }
        return out;
    }

    /** Each CPU's u64 at {@code key} of a per-CPU hash map: null when the key is not there (any more). */
    static long[] lookupPerCpuOrNull(int mapFd, byte[] key, int cpus) throws IOException {
        return absentAsNull(() -> lookup(MAP_LOOKUP_ELEM, mapFd, memory(key), cpus));
    }

    /**
     * Each CPU's u64 at {@code key} of a per-CPU hash map, and the key gone from it, in one step that no CPU's
     * update falls between (Linux 5.14): null when the key is not there (any more).
     */
    static long[] takePerCpuOrNull(int mapFd, byte[] key, int cpus) throws IOException {
        return absentAsNull(() -> lookup(MAP_LOOKUP_AND_DELETE_ELEM, mapFd, memory(key), cpus));
    }

    /** The value at {@code key} of a map whose values are {@code valueSize} bytes, or null when it is not there. */
    static byte[] lookupOrNull(int mapFd, byte[] key, int valueSize) throws IOException {
        return absentAsNull(() -> {
            Memory v = new Memory(valueSize);
            v.clear();
            Memory a = attr();
            a.setInt(MAP_FD, mapFd);
            a.setPointer(KEY, memory(key));
            a.setPointer(VALUE, v);
            call(MAP_LOOKUP_ELEM, a, "reading a map");
            return v.getByteArray(0, valueSize);
        });
    }

    private interface Lookup<T> {
        T get() throws IOException;
    }

    private static <T> T absentAsNull(Lookup<T> lookup) throws IOException {
        try {
            return lookup.get();
        } catch (IOException e) {
            if (e.getCause() instanceof LastErrorException l && l.getErrorCode() == ENOENT) {
                return null;
            }
            throw e;
        }
    }

    private static Memory memory(byte[] bytes) {
        Memory m = new Memory(bytes.length);
        m.write(0, bytes, 0, bytes.length);
        return m;
    }

    private static long[] lookup(int command, int mapFd, Memory k, int cpus) throws IOException {
        Memory v = new Memory(8L * cpus);
        v.clear();
        Memory a = attr();
        a.setInt(MAP_FD, mapFd);
        a.setPointer(KEY, k);
        a.setPointer(VALUE, v);
        call(command, a, "reading a map");
        return v.getLongArray(0, cpus);
    }

    /** A program loaded and attached: closing the link detaches it, closing both frees it. */
    record Attached(int program, int link) {}

    /**
     * Loads a BTF-typed tracepoint program ("tp_btf") for the tracepoint whose typedef has {@code btfId} ({@link
     * KernelLayout#tracepoint}) and attaches it; nothing stays loaded if a step fails. Its arguments are typed:
     * the members of a socket or a packet buffer are read in place, a load the kernel guards, where a raw
     * tracepoint's program copies each out with bpf_probe_read_kernel, a helper call of tens of nanoseconds.
     */
    static Attached attachTracepointProgram(String name, Insn.Program program, int btfId) throws IOException {
        int prog = loadTracepointProgram(name, program, btfId);
        try {
            Memory a = attr();
            a.setInt(TP_PROG_FD, prog); // no name: the program was loaded for its tracepoint
            return new Attached(prog, call(RAW_TRACEPOINT_OPEN, a, "attaching the program " + name));
        } catch (IOException | RuntimeException e) {
            close(prog);
            throw e;
        }
    }

    /** Loads the program; its descriptor. A refusal carries the verifier's last words: the one WARN says why. */
    private static int loadTracepointProgram(String name, Insn.Program program, int btfId) throws IOException {
        byte[] code = program.bytes();
        Memory insns = new Memory(code.length);
        insns.write(0, code, 0, code.length);
        Memory license = new Memory(4);
        license.setString(0, "GPL", "US-ASCII");
        Memory log = new Memory(VERIFIER_LOG_SIZE);
        log.clear();
        Memory a = attr();
        a.setInt(PROG_TYPE, PROG_TYPE_TRACING);
        a.setInt(EXPECTED_ATTACH_TYPE, TRACE_RAW_TP);
        a.setInt(ATTACH_BTF_ID, btfId);
        a.setInt(INSN_CNT, program.size());
        a.setPointer(INSNS, insns);
        a.setPointer(LICENSE, license);
        a.setInt(LOG_LEVEL, 1);
        a.setInt(LOG_SIZE, VERIFIER_LOG_SIZE);
        a.setPointer(LOG_BUF, log);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        a.write(PROG_NAME, n, 0, Math.min(n.length, PROG_NAME_LEN - 1));
        try {
            return call(PROG_LOAD, a, "loading the program " + name);
        } catch (IOException e) {
            String words = log.getString(0, "US-ASCII").strip();
            int cut = words.lastIndexOf('\n', words.length() - 1);
            throw new IOException(e.getMessage() + (words.isEmpty() ? "" : ": " + words.substring(cut + 1)), e);
        }
    }

    /** The kernel's id of a loaded program: what stays findable while anything holds the program. */
    static int programId(int progFd) throws IOException {
        return programInfo(progFd).getInt(PROG_INFO_ID);
    }

    /**
     * How often a program ran and the nanoseconds it took, counted while {@link #enableRunTimeStats} was open, and
     * the runs the kernel skipped because the program was running on that CPU already (a softirq's run nested in
     * a task's, say): {runs, nanoseconds, skipped}.
     */
    static long[] runStats(int progFd) throws IOException {
        Memory info = programInfo(progFd);
        return new long[] {
            info.getLong(PROG_INFO_RUN_CNT),
            info.getLong(PROG_INFO_RUN_TIME_NS),
            info.getLong(PROG_INFO_RECURSION_MISSES)
        };
    }

    private static Memory programInfo(int progFd) throws IOException {
        Memory info = new Memory(PROG_INFO_SIZE);
        info.clear();
        Memory a = attr();
        a.setInt(INFO_FD, progFd);
        a.setInt(INFO_LEN, PROG_INFO_SIZE);
        a.setPointer(INFO, info);
        call(OBJ_GET_INFO_BY_FD, a, "reading a program's info");
        return info;
    }

    /** Makes the kernel time every program's runs while the returned descriptor is open (for benches). */
    static int enableRunTimeStats() throws IOException {
        Memory a = attr();
        a.setInt(0, STATS_RUN_TIME);
        return call(ENABLE_STATS, a, "enabling run-time stats");
    }

    /** Whether a program with this id is still loaded (by anyone): for tests that nothing stays behind. */
    public static boolean programLoaded(int id) {
        Memory a = attr();
        a.setInt(0, id);
        try {
            LinuxSockets.close((int) syscall(SYS_BPF, PROG_GET_FD_BY_ID, a, ATTR_SIZE));
            return true;
        } catch (LastErrorException gone) {
            return false;
        }
    }

    static void close(int fd) {
        if (fd >= 0) {
            LinuxSockets.close(fd);
        }
    }

    /** The number of possible CPUs (/sys/devices/system/cpu/possible, "0-N"): a per-CPU value's count. */
    static int possibleCpus() throws IOException {
        String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).strip();
        int max = 0;
        for (String range : s.split(",")) {
            String[] ends = range.split("-");
            max = Math.max(max, Integer.parseInt(ends[ends.length - 1]));
        }
        return max + 1;
    }

    private static String strerror(int errno) {
        switch (errno) {
            case 1:
                return "EPERM: not permitted; root or CAP_BPF with CAP_PERFMON is needed";
            case 2:
                return "ENOENT: no such tracepoint or object";
            case 7:
                return "E2BIG: an attribute this kernel does not know";
            case 13:
                return "EACCES: the verifier refused the program";
            case 22:
                return "EINVAL";
            default:
                return "see errno(3)";
        }
    }
}
