package io.rstwatch.ebpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * eBPF instructions, eight bytes each (linux/bpf.h, struct bpf_insn), in the CPU's byte order:
 *
 * <pre>
 *  0       1        2                4                                8
 *  +-------+--------+----------------+--------------------------------+
 *  | code  |src|dst |  off (s16)     |  imm (s32)                     |
 *  +-------+--------+----------------+--------------------------------+
 *   code = operation | source (K: imm, X: src register) | class
 * </pre>
 *
 * A 64-bit immediate load takes two instructions. Only what the agent's programs use is here; each builder
 * method is one instruction, named as the kernel's own macros (BPF_MOV64_IMM, BPF_LDX_MEM, ...) are.
 */
public final class Insn {
    // classes
    static final int LD = 0x00;
    static final int LDX = 0x01;
    static final int ST = 0x02;
    static final int STX = 0x03;
    static final int JMP = 0x05;
    /** Jumps that compare the low 32 bits only: an unsigned 32-bit constant such as a namespace's inode. */
    static final int JMP32 = 0x06;

    /** 32-bit arithmetic, the result zero-extended. */
    static final int ALU = 0x04;

    static final int ALU64 = 0x07;

    // sizes
    static final int W = 0x00;
    static final int H = 0x08;
    static final int B = 0x10;
    static final int DW = 0x18;
    // modes
    static final int IMM = 0x00;
    static final int MEM = 0x60;
    /** BPF_ATOMIC: a read-modify-write of memory, the operation in imm. */
    static final int ATOMIC = 0xc0;
    /** BPF_CMPXCHG (BPF_FETCH | 0xf0): r0 = the old value, src stored only if it was r0. */
    static final int CMPXCHG = 0xf1;
    // operations
    static final int ADD = 0x00;
    static final int SUB = 0x10;
    static final int MUL = 0x20;
    static final int DIV = 0x30;
    static final int OR = 0x40;
    static final int AND = 0x50;
    static final int LSH = 0x60;
    static final int RSH = 0x70;
    static final int MOV = 0xb0;
    static final int JA = 0x00;
    static final int JEQ = 0x10;
    static final int JGE = 0x30;
    static final int JNE = 0x50;
    static final int CALL = 0x80;
    static final int EXIT = 0x90;
    // sources
    static final int K = 0x00;
    static final int X = 0x08;

    /** src_reg of a 64-bit immediate load whose imm is a map's file descriptor. */
    static final int PSEUDO_MAP_FD = 1;

    public static final int R0 = 0;
    public static final int R1 = 1;
    public static final int R2 = 2;
    /** The frame pointer, read-only: the stack is below it. */
    public static final int R10 = 10;

    public static final int R3 = 3;
    public static final int R4 = 4;
    /** Kept across helper calls (r6-r9), unlike r1-r5. */
    public static final int R6 = 6;

    public static final int R7 = 7;
    public static final int R8 = 8;
    public static final int R9 = 9;

    /** bpf_map_lookup_elem(map, key): a pointer to the value, or NULL. */
    public static final int FN_MAP_LOOKUP_ELEM = 1;
    /** bpf_map_update_elem(map, key, value, flags). */
    public static final int FN_MAP_UPDATE_ELEM = 2;

    public static final int FN_KTIME_GET_NS = 5;
    /** bpf_get_current_pid_tgid(): the process (tgid) in the upper half, the thread in the lower. */
    public static final int FN_GET_CURRENT_PID_TGID = 14;

    public static final int FN_GET_CURRENT_UID_GID = 15;
    public static final int FN_GET_CURRENT_COMM = 16;
    /** bpf_ringbuf_output(ringbuf, data, size, flags): 0, or an error when the ring is full. */
    public static final int FN_RINGBUF_OUTPUT = 130;
    /** bpf_probe_read_kernel(dst, size, unsafe_ptr): reads kernel memory, or zeroes dst if it cannot. */
    public static final int FN_PROBE_READ_KERNEL = 113;
    /** bpf_skc_to_tcp_sock: the socket typed as the tcp_sock it is, or null; its members beyond struct sock. */
    public static final int FN_SKC_TO_TCP_SOCK = 137;

    private Insn() {}

    /**
     * A program under construction: instructions appended in order, then {@link #bytes()}. A jump may name a
     * label instead of counting instructions; {@link #bytes()} puts in the count.
     */
    public static final class Program {
        private final List<long[]> insns = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();
        private final Map<Integer, String> jumpsTo = new HashMap<>();

        private Program add(int code, int dst, int src, int off, int imm) {
            insns.add(new long[] {code, dst, src, off, imm});
            return this;
        }

        /** The next instruction is {@code name}'s. */
        public Program label(String name) {
            labels.put(name, insns.size());
            return this;
        }

        /** if dst == imm, go to {@code label}. */
        public Program jumpIfEqual(int dst, int imm, String label) {
            jumpsTo.put(insns.size(), label);
            return add(JMP | JEQ | K, dst, 0, 0, imm);
        }

        /** if dst != imm, go to {@code label} (BPF_JMP_IMM(BPF_JNE)): a pointer's null check. */
        public Program jumpIfNotEqual(int dst, int imm, String label) {
            jumpsTo.put(insns.size(), label);
            return add(JMP | JNE | K, dst, 0, 0, imm);
        }

        /** if (u32) dst != (u32) imm, go to {@code label} (BPF_JMP32_IMM(BPF_JNE)). */
        public Program jumpIfNotEqual32(int dst, int imm, String label) {
            jumpsTo.put(insns.size(), label);
            return add(JMP32 | JNE | K, dst, 0, 0, imm);
        }

        /** go to {@code label} (BPF_JMP_A). */
        /** if (dst == src) goto label (64-bit). */
        public Program jumpIfEqualReg(int dst, int src, String label) {
            jumpsTo.put(insns.size(), label);
            return add(JMP | JEQ | X, dst, src, 0, 0);
        }

        /** if (dst != src) goto label (64-bit). */
        public Program jumpIfNotEqualReg(int dst, int src, String label) {
            jumpsTo.put(insns.size(), label);
            return add(JMP | JNE | X, dst, src, 0, 0);
        }

        /** if (dst &gt;= imm) goto label, unsigned, 64-bit. */
        public Program jumpIfAtLeast(int dst, int imm, String label) {
            jumpsTo.put(insns.size(), label);
            return add(JMP | JGE | K, dst, 0, 0, imm);
        }

        public Program jump(String label) {
            jumpsTo.put(insns.size(), label);
            return add(JMP | JA, 0, 0, 0, 0);
        }

        /** dst &lt;&lt;= imm (BPF_ALU64_IMM(BPF_LSH)). */
        public Program shiftLeft64(int dst, int imm) {
            return add(ALU64 | LSH | K, dst, 0, 0, imm);
        }

        /** dst &gt;&gt;= imm, unsigned (BPF_ALU64_IMM(BPF_RSH)). */
        public Program shiftRight64(int dst, int imm) {
            return add(ALU64 | RSH | K, dst, 0, 0, imm);
        }

        /** dst |= src (BPF_ALU64_REG(BPF_OR)). */
        public Program or64Reg(int dst, int src) {
            return add(ALU64 | OR | X, dst, src, 0, 0);
        }

        /** dst = imm (BPF_MOV64_IMM). */
        public Program and64Imm(int dst, int imm) {
            return add(ALU64 | AND | K, dst, 0, 0, imm);
        }

        /**
         * dst = (u32) dst, a number (BPF_ALU32_IMM(BPF_SUB, dst, 0)): the low half of a pointer, which 64-bit
         * arithmetic other than adding may not touch; the verifier allows it where pointers may leak (CAP_PERFMON).
         */
        public Program lowHalfOfPointer(int dst) {
            return add(ALU | SUB | K, dst, 0, 0, 0);
        }

        /** dst *= imm, the imm sign-extended (BPF_ALU64_IMM(BPF_MUL)). */
        public Program mul64Imm(int dst, int imm) {
            return add(ALU64 | MUL | K, dst, 0, 0, imm);
        }

        /** dst /= imm, unsigned. */
        public Program div64Imm(int dst, int imm) {
            return add(ALU64 | DIV | K, dst, 0, 0, imm);
        }

        public Program mov64Imm(int dst, int imm) {
            return add(ALU64 | MOV | K, dst, 0, 0, imm);
        }

        /** dst = src (BPF_MOV64_REG). */
        public Program mov64Reg(int dst, int src) {
            return add(ALU64 | MOV | X, dst, src, 0, 0);
        }

        /** dst += imm (BPF_ALU64_IMM(BPF_ADD)). */
        public Program add64Reg(int dst, int src) {
            return add(ALU64 | ADD | X, dst, src, 0, 0);
        }

        public Program add64Imm(int dst, int imm) {
            return add(ALU64 | ADD | K, dst, 0, 0, imm);
        }

        /** *(u32 *)(dst + off) = src (BPF_STX_MEM(BPF_W)). */
        public Program storeByte(int dst, int off, int src) {
            return add(STX | MEM | B, dst, src, off, 0);
        }

        public Program storeHalf(int dst, int off, int src) {
            return add(STX | MEM | H, dst, src, off, 0);
        }

        /** *(u64 *)(dst + off) = imm, sign-extended. */
        public Program storeDoubleImm(int dst, int off, int imm) {
            return add(ST | MEM | DW, dst, 0, off, imm);
        }

        public Program storeWord(int dst, int off, int src) {
            return add(STX | MEM | W, dst, src, off, 0);
        }

        /** *(u64 *)(dst + off) = src (BPF_STX_MEM(BPF_DW)). */
        public Program storeDouble(int dst, int off, int src) {
            return add(STX | MEM | DW, dst, src, off, 0);
        }

        /**
         * r0 = atomic_cmpxchg((u64 *)(dst + off), r0, src) (BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG)): src is stored only
         * where r0's value was, and r0 becomes the value that was there (5.12).
         */
        public Program compareAndSwap(int dst, int off, int src) {
            return add(STX | ATOMIC | DW, dst, src, off, CMPXCHG);
        }

        /** dst = *(u64 *)(src + off) (BPF_LDX_MEM(BPF_DW)). */
        public Program loadByte(int dst, int src, int off) {
            return add(LDX | MEM | B, dst, src, off, 0);
        }

        public Program loadHalf(int dst, int src, int off) {
            return add(LDX | MEM | H, dst, src, off, 0);
        }

        public Program loadWord(int dst, int src, int off) {
            return add(LDX | MEM | W, dst, src, off, 0);
        }

        public Program loadDouble(int dst, int src, int off) {
            return add(LDX | MEM | DW, dst, src, off, 0);
        }

        /** dst = the map whose file descriptor is {@code mapFd} (BPF_LD_MAP_FD): two instructions. */
        public Program loadMap(int dst, int mapFd) {
            add(LD | IMM | DW, dst, PSEUDO_MAP_FD, 0, mapFd);
            return add(0, 0, 0, 0, 0);
        }

        /** r0 = helper(r1, ..., r5) (BPF_EMIT_CALL). */
        public Program call(int helper) {
            return add(JMP | CALL, 0, 0, 0, helper);
        }

        /**
         * bpf_probe_read_kernel(r10 + stackOffset, size, base + offset): six instructions, r1 to r3 and r0
         * overwritten.
         */
        public Program probeReadKernel(int stackOffset, int size, int base, int offset) {
            return mov64Reg(R1, R10)
                    .add64Imm(R1, stackOffset)
                    .mov64Imm(R2, size)
                    .mov64Reg(R3, base)
                    .add64Imm(R3, offset)
                    .call(FN_PROBE_READ_KERNEL);
        }

        /** r0 = bpf_map_lookup_elem(map, r10 + keyOffset). */
        public Program mapLookup(int mapFd, int keyOffset) {
            return mapAndKey(mapFd, keyOffset).call(FN_MAP_LOOKUP_ELEM);
        }

        /** r1 = the map, r2 = r10 + keyOffset: the first two arguments of every map helper. */
        private Program mapAndKey(int mapFd, int keyOffset) {
            return loadMap(R1, mapFd).mov64Reg(R2, R10).add64Imm(R2, keyOffset);
        }

        /** bpf_map_update_elem(map, r10 + keyOffset, r10 + valueOffset, BPF_ANY): inserts or replaces. */
        public Program mapUpdate(int mapFd, int keyOffset, int valueOffset) {
            return mapUpdate(mapFd, keyOffset, valueOffset, 0);
        }

        /**
         * bpf_map_update_elem(map, r10 + keyOffset, r10 + valueOffset, BPF_NOEXIST): inserts only, r0 non-zero
         * when the key is there already. A per-CPU hash element replaced by another CPU's insert takes every other
         * CPU's count with it.
         */
        public Program mapInsert(int mapFd, int keyOffset, int valueOffset) {
            return mapUpdate(mapFd, keyOffset, valueOffset, 1);
        }

        private Program mapUpdate(int mapFd, int keyOffset, int valueOffset, int flags) {
            return mapAndKey(mapFd, keyOffset)
                    .mov64Reg(R3, R10)
                    .add64Imm(R3, valueOffset)
                    .mov64Imm(R4, flags)
                    .call(FN_MAP_UPDATE_ELEM);
        }

        /** bpf_map_update_elem(map, stack + keyOffset, valueRegister, BPF_ANY): a value another map holds. */
        public Program mapUpdateFrom(int mapFd, int keyOffset, int valueRegister) {
            return mapAndKey(mapFd, keyOffset)
                    .mov64Reg(R3, valueRegister)
                    .mov64Imm(R4, 0)
                    .call(FN_MAP_UPDATE_ELEM);
        }

        /**
         * {@code (*bpf_map_lookup_elem(map, stack + keyOffset))++} in a per-CPU hash of u64, then on to {@code done}.
         * A new key is inserted as 1 with BPF_NOEXIST: in a per-CPU hash an insert that replaced another CPU's
         * element would take that CPU's count with it, so an insert that loses the race adds to the winner's
         * instead. With no room for the key, on to {@code full}. The 1 is written at stack + {@code oneAt};
         * {@code tag} tells this use's labels apart from another's in the same program.
         */
        public Program addOneInHash(int mapFd, int keyOffset, int oneAt, String done, String full, String tag) {
            return addOneInHash(mapFd, keyOffset, oneAt, done, full, tag, done);
        }

        /** As above, on to {@code inserted} instead when this call put the key in (its count is 1). */
        public Program addOneInHash(
                int mapFd, int keyOffset, int oneAt, String done, String full, String tag, String inserted) {
            return mapLookup(mapFd, keyOffset)
                    .jumpIfEqual(R0, 0, "first" + tag)
                    .label("add" + tag)
                    .loadDouble(R1, R0, 0)
                    .add64Imm(R1, 1)
                    .storeDouble(R0, 0, R1)
                    .jump(done)
                    .label("first" + tag)
                    .storeDoubleImm(R10, oneAt, 1)
                    .mapInsert(mapFd, keyOffset, oneAt)
                    .jumpIfEqual(R0, 0, inserted)
                    .mapLookup(mapFd, keyOffset) // another CPU put the key in first: add to it here
                    .jumpIfNotEqual(R0, 0, "add" + tag)
                    .jump(full);
        }

        /**
         * {@code (*bpf_map_lookup_elem(map, &0))++} in a per-CPU array of u64, its u32 key written at stack +
         * {@code keyOffset}: this CPU's own slot, which no other CPU writes. Falls through; on to {@code none} when
         * the map gives no slot.
         */
        public Program addOneAtZero(int mapFd, int keyOffset, String none) {
            return mov64Imm(R1, 0)
                    .storeWord(R10, keyOffset, R1)
                    .mapLookup(mapFd, keyOffset)
                    .jumpIfEqual(R0, 0, none)
                    .loadDouble(R1, R0, 0)
                    .add64Imm(R1, 1)
                    .storeDouble(R0, 0, R1);
        }

        /** bpf_get_current_comm(stack + stackOffset, size): the calling task's name, NUL-padded. */
        public Program currentComm(int stackOffset, int size) {
            return currentComm(R10, stackOffset, size);
        }

        /** bpf_get_current_comm(base + offset, size): into a map's value, say. */
        public Program currentComm(int base, int offset, int size) {
            return mov64Reg(R1, base).add64Imm(R1, offset).mov64Imm(R2, size).call(FN_GET_CURRENT_COMM);
        }

        /** return r0 (BPF_EXIT_INSN). */
        public Program exit() {
            return add(JMP | EXIT, 0, 0, 0, 0);
        }

        public int size() {
            return insns.size();
        }

        /** The instructions as the kernel reads them. */
        public byte[] bytes() {
            for (Map.Entry<Integer, String> j : jumpsTo.entrySet()) {
                Integer target = labels.get(j.getValue());
                if (target == null) {
                    throw new IllegalStateException("no label " + j.getValue());
                }
                insns.get(j.getKey())[3] = target - j.getKey() - 1;
            }
            ByteBuffer b = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.nativeOrder());
            for (long[] i : insns) {
                b.put((byte) i[0]);
                int regs = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                        ? ((int) i[2] << 4) | (int) i[1]
                        : ((int) i[1] << 4) | (int) i[2];
                b.put((byte) regs);
                b.putShort((short) i[3]);
                b.putInt((int) i[4]);
            }
            return b.array();
        }
    }
}
