package io.rstwatch.ebpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

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
    static final int STX = 0x03;
    static final int JMP = 0x05;
    static final int ALU64 = 0x07;
    // sizes
    static final int W = 0x00;
    static final int DW = 0x18;
    // modes
    static final int IMM = 0x00;
    static final int MEM = 0x60;
    // operations
    static final int ADD = 0x00;
    static final int MOV = 0xb0;
    static final int JEQ = 0x10;
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

    /** bpf_map_lookup_elem(map, key): a pointer to the value, or NULL. */
    public static final int FN_MAP_LOOKUP_ELEM = 1;

    private Insn() {}

    /** A program under construction: instructions appended in order, then {@link #bytes()}. */
    public static final class Program {
        private final List<long[]> insns = new ArrayList<>();

        private Program add(int code, int dst, int src, int off, int imm) {
            insns.add(new long[] {code, dst, src, off, imm});
            return this;
        }

        /** dst = imm (BPF_MOV64_IMM). */
        public Program mov64Imm(int dst, int imm) {
            return add(ALU64 | MOV | K, dst, 0, 0, imm);
        }

        /** dst = src (BPF_MOV64_REG). */
        public Program mov64Reg(int dst, int src) {
            return add(ALU64 | MOV | X, dst, src, 0, 0);
        }

        /** dst += imm (BPF_ALU64_IMM(BPF_ADD)). */
        public Program add64Imm(int dst, int imm) {
            return add(ALU64 | ADD | K, dst, 0, 0, imm);
        }

        /** *(u32 *)(dst + off) = src (BPF_STX_MEM(BPF_W)). */
        public Program storeWord(int dst, int off, int src) {
            return add(STX | MEM | W, dst, src, off, 0);
        }

        /** *(u64 *)(dst + off) = src (BPF_STX_MEM(BPF_DW)). */
        public Program storeDouble(int dst, int off, int src) {
            return add(STX | MEM | DW, dst, src, off, 0);
        }

        /** dst = *(u64 *)(src + off) (BPF_LDX_MEM(BPF_DW)). */
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

        /** if dst == imm, skip {@code off} instructions (BPF_JMP_IMM(BPF_JEQ)). */
        public Program jumpIfEqual(int dst, int imm, int off) {
            return add(JMP | JEQ | K, dst, 0, off, imm);
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
