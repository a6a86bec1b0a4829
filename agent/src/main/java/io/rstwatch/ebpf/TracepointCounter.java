package io.rstwatch.ebpf;

import java.io.IOException;

/**
 * A tracepoint (one the programs use) counted in the kernel: a program that adds one to this CPU's slot of a
 * per-CPU array each time the tracepoint fires, and the map it counts in, read by summing the CPUs' slots. No
 * event leaves the kernel.
 * Everything lives as long as the file descriptors: {@link #close} (or the JVM's exit) detaches and frees it all,
 * and nothing is pinned.
 */
public final class TracepointCounter implements AutoCloseable {
    private final String tracepoint;
    private final int cpus;
    private final int mapFd;
    private final int progFd;
    private final int linkFd;

    private TracepointCounter(String tracepoint, int cpus, int mapFd, int progFd, int linkFd) {
        this.tracepoint = tracepoint;
        this.cpus = cpus;
        this.mapFd = mapFd;
        this.progFd = progFd;
        this.linkFd = linkFd;
    }

    /** Loads and attaches the counter; nothing stays loaded if a step fails. */
    public static TracepointCounter attach(String tracepoint) throws IOException {
        int cpus = Bpf.possibleCpus();
        int map = Bpf.createPerCpuArray(8, 1);
        try {
            Bpf.Attached a = Bpf.attachTracepointProgram(
                    "rstwatch_count", program(map), KernelLayout.ofThisKernel().tracepoint(tracepoint));
            return new TracepointCounter(tracepoint, cpus, map, a.program(), a.link());
        } catch (IOException | RuntimeException e) {
            Bpf.close(map);
            throw e;
        }
    }

    /**
     * <pre>
     *   u64 *n = bpf_map_lookup_elem(map, &amp;(u32) 0);
     *   if (n) *n += 1;                     // this CPU's own slot: no other CPU writes it
     *   return 0;
     * </pre>
     */
    static Insn.Program program(int mapFd) {
        return new Insn.Program()
                .addOneAtZero(mapFd, -4, "out")
                .label("out")
                .mov64Imm(Insn.R0, 0)
                .exit();
    }

    /** Times the tracepoint fired since {@link #attach}, on every CPU. */
    public long total() throws IOException {
        return Bpf.sum(Bpf.lookupPerCpu(mapFd, 0, cpus));
    }

    /** The program's id in the kernel, for checks that it is gone once closed. */
    public int programId() throws IOException {
        return Bpf.programId(progFd);
    }

    public String tracepoint() {
        return tracepoint;
    }

    @Override
    public void close() {
        Bpf.close(linkFd);
        Bpf.close(progFd);
        Bpf.close(mapFd);
    }
}
