package io.rstwatch.ebpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Instructions byte for byte as the kernel's macros make them (linux/filter.h), on a little-endian CPU. */
class InsnTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void eachBuilderIsTheKernelsMacro() {
        assertArrayEquals(
                hex("b7 01 0000 00000000"), new Insn.Program().mov64Imm(1, 0).bytes()); // BPF_MOV64_IMM
        assertArrayEquals(
                hex("bf a2 0000 00000000"), new Insn.Program().mov64Reg(2, 10).bytes()); // BPF_MOV64_REG
        assertArrayEquals(
                hex("07 02 0000 fcffffff"), new Insn.Program().add64Imm(2, -4).bytes()); // BPF_ALU64_IMM
        assertArrayEquals(
                hex("63 1a fcff 00000000"),
                new Insn.Program().storeWord(10, -4, 1).bytes());
        assertArrayEquals(
                hex("7b 10 0000 00000000"),
                new Insn.Program().storeDouble(0, 0, 1).bytes());
        assertArrayEquals(
                hex("79 01 0800 00000000"),
                new Insn.Program().loadDouble(1, 0, 8).bytes());
        assertArrayEquals(
                hex("18 11 0000 07000000 00 00 0000 00000000"),
                new Insn.Program().loadMap(1, 7).bytes()); // 2 slots
        assertArrayEquals(hex("85 00 0000 01000000"), new Insn.Program().call(1).bytes());
        assertArrayEquals( // BPF_JMP_IMM(BPF_JEQ) over three instructions
                hex("15 00 0300 00000000"),
                java.util.Arrays.copyOf(
                        new Insn.Program()
                                .jumpIfEqual(0, 0, "x")
                                .exit()
                                .exit()
                                .exit()
                                .label("x")
                                .exit()
                                .bytes(),
                        8));
        assertArrayEquals(hex("95 00 0000 00000000"), new Insn.Program().exit().bytes());
        assertArrayEquals( // BPF_ALU64_IMM(BPF_MUL), the imm sign-extended by the kernel
                hex("27 01 0000 b179379e"),
                new Insn.Program().mul64Imm(1, 0x9E3779B1).bytes());
        assertArrayEquals( // BPF_ALU32_IMM(BPF_SUB, r1, 0)
                hex("14 01 0000 00000000"),
                new Insn.Program().lowHalfOfPointer(1).bytes());
        assertArrayEquals( // BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, r8, r6, 32)
                hex("db 68 2000 f1000000"),
                new Insn.Program().compareAndSwap(8, 32, 6).bytes());
        assertArrayEquals(
                hex("55 00 0000 00000000 95 00 0000 00000000"),
                new Insn.Program().jumpIfNotEqual(0, 0, "x").label("x").exit().bytes()); // BPF_JMP_IMM(BPF_JNE)
        // BPF_JMP32_IMM(BPF_JNE): a namespace inode above 2^31 compares as the u32 it is
        assertArrayEquals(
                hex("56 01 0000 f8ffffef 95 00 0000 00000000"),
                new Insn.Program()
                        .jumpIfNotEqual32(1, (int) 4026531832L, "x")
                        .label("x")
                        .exit()
                        .bytes());
    }

    @Test
    void theCounterIsThirteenInstructionsAndItsJumpLandsOnTheReturn() {
        Insn.Program p = TracepointCounter.program(5);
        assertEquals(13, p.size(), "the map load takes two slots");
        byte[] b = p.bytes();
        int jump = 7 * 8; // after mov, store, mov, add, the map load (2), call
        assertEquals((byte) 0x15, b[jump]);
        int target = jump / 8 + 1 + b[jump + 2];
        assertEquals((byte) 0xb7, b[target * 8], "r0 = 0");
        assertEquals((byte) 0x95, b[(target + 1) * 8], "exit");
    }

    @Test
    void aJumpToALabelCountsTheInstructionsBetween() {
        byte[] b = new Insn.Program()
                .jumpIfEqual(0, 0, "out") // over the two below
                .mov64Imm(1, 1)
                .jump("out") // over nothing
                .label("out")
                .exit()
                .bytes();
        assertArrayEquals(hex("15 00 0200 00000000"), java.util.Arrays.copyOfRange(b, 0, 8));
        assertArrayEquals(hex("05 00 0000 00000000"), java.util.Arrays.copyOfRange(b, 16, 24));
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class,
                () -> new Insn.Program().jump("nowhere").bytes());
    }
}
