package io.rstwatch.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.Requirements;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BtfTest {
    /** Little BTF files built here, the layout linux/btf.h gives. */
    private static final class Builder {
        private final ByteArrayOutputStream types = new ByteArrayOutputStream();
        private final String strings;

        Builder(String strings) {
            this.strings = strings;
        }

        Builder u32(int... values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.nativeOrder());
            for (int v : values) {
                b.putInt(v);
            }
            types.writeBytes(b.array());
            return this;
        }

        int str(String s) {
            return strings.indexOf("\0" + s + "\0") + 1;
        }

        byte[] bytes() {
            byte[] t = types.toByteArray();
            byte[] s = strings.getBytes(StandardCharsets.US_ASCII);
            ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.nativeOrder());
            b.putShort((short) Btf.MAGIC).put((byte) 1).put((byte) 0).putInt(24);
            b.putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
            b.put(t).put(s);
            return b.array();
        }
    }

    private static int info(int kind, int vlen, boolean kindFlag) {
        return (kindFlag ? 0x80000000 : 0) | kind << 24 | vlen;
    }

    @Test
    void membersAreFoundThroughAnonymousUnionsAndBitfieldEncodedOffsets() throws IOException {
        Builder f = new Builder("\0int\0outer\0a\0b\0c\0");
        f.u32(f.str("int"), info(Btf.KIND_INT, 0, false), 4, 32); // [1] int, and its encoding word
        f.u32(0, info(Btf.KIND_UNION, 2, false), 4); // [2] an anonymous union { int b; int c; }
        f.u32(f.str("b"), 1, 0).u32(f.str("c"), 1, 0);
        f.u32(0, info(7, 0, false), 0); // [3] a FWD: nothing follows it
        f.u32(f.str("outer"), info(Btf.KIND_STRUCT, 2, true), 12); // [4] struct outer, kind_flag offsets
        f.u32(f.str("a"), 1, 32 << 24 | 0).u32(0, 2, 0 << 24 | 64);
        Btf btf = Btf.parse(f.bytes());
        assertEquals(OptionalInt.of(0), btf.offset("outer", "a"));
        assertEquals(OptionalInt.of(8), btf.offset("outer", "c"), "inside the anonymous union at bit 64");
        assertEquals(OptionalInt.empty(), btf.offset("outer", "missing"));
        assertEquals(OptionalInt.empty(), btf.offset("nope", "a"));
    }

    @Test
    void aKindThisReaderDoesNotKnowIsRefusedRatherThanMisread() {
        Builder f = new Builder("\0");
        f.u32(0, info(31, 0, false), 0);
        IOException e = assertThrows(IOException.class, () -> Btf.parse(f.bytes()));
        assertTrue(e.getMessage().contains("kind 31"), e.getMessage());
        assertThrows(IOException.class, () -> Btf.parse(new byte[] {1, 2, 3}));
    }

    /** This kernel's (x86-64): struct sock_common's address and port fields, stable since long before BTF. */
    @Test
    void theKernelsSocketFieldsAreWhereTheKernelPutsThem() throws IOException {
        Requirements.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "the kernel's BTF");
        Btf btf = Btf.ofKernel();
        assertEquals(OptionalInt.of(0), btf.offset("sock_common", "skc_daddr"));
        assertEquals(OptionalInt.of(4), btf.offset("sock_common", "skc_rcv_saddr"));
        assertEquals(OptionalInt.of(12), btf.offset("sock_common", "skc_dport"));
        assertEquals(OptionalInt.of(14), btf.offset("sock_common", "skc_num"));
        assertEquals(OptionalInt.of(16), btf.offset("sock_common", "skc_family"));
        assertEquals(OptionalInt.of(0), btf.offset("sock", "__sk_common"));
        assertTrue(btf.offset("sock", "sk_err").isPresent());
    }
}
