package io.rstwatch.ebpf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The kernel's own description of its types (BTF, /sys/kernel/btf/vmlinux), read for one thing: where a member
 * of a struct lies, so that a program reads {@code sk->__sk_common.skc_dport} at this kernel's offset, not at one
 * compiled in. The layout is linux/btf.h's:
 *
 * <pre>
 *  header:  magic 0xEB9F (u16) | version (u8) | flags (u8) | hdr_len (u32)
 *           type_off | type_len | str_off | str_len (u32 each, from the end of the header)
 *  type:    name_off (u32) | info (u32: vlen 0-15, kind 24-28, kind_flag 31) | size or type (u32)
 *           then by kind: STRUCT, UNION  vlen x { name_off, type, offset (bits; with kind_flag: size 24-31) }
 *                         ENUM           vlen x { name_off, val }
 *                         FUNC_PROTO     vlen x { name_off, type }
 *                         DATASEC        vlen x { type, offset, size }
 *                         ENUM64         vlen x { name_off, lo32, hi32 }
 *                         INT, VAR, DECL_TAG  one u32;   ARRAY  { type, index_type, nelems }
 * </pre>
 *
 * Ids count from 1 in file order (0 is void). Only structs and unions are kept, their names and members, and the
 * ids of the typedefs that name tracepoints ({@code btf_trace_<tracepoint>}), which a BTF-typed tracepoint
 * program attaches by.
 */
public final class Btf {
    static final int MAGIC = 0xEB9F;
    /** The prefix of the typedef the kernel declares for each tracepoint's arguments. */
    private static final String TRACEPOINT_TYPEDEF = "btf_trace_";
    // header
    private static final int HDR_LEN = 4;
    private static final int TYPE_OFF = HDR_LEN + 4;
    private static final int TYPE_LEN = TYPE_OFF + 4;
    private static final int STR_OFF = TYPE_LEN + 4;
    // kinds
    static final int KIND_INT = 1;
    static final int KIND_ARRAY = 3;
    static final int KIND_STRUCT = 4;
    static final int KIND_UNION = 5;
    static final int KIND_ENUM = 6;
    static final int KIND_TYPEDEF = 8;
    static final int KIND_FUNC_PROTO = 13;
    static final int KIND_VAR = 14;
    static final int KIND_DATASEC = 15;
    static final int KIND_DECL_TAG = 17;
    static final int KIND_ENUM64 = 19;

    /** A member: its name ("" when anonymous), its type's id, and its offset in bits. */
    record Member(String name, int type, int bitOffset) {}

    /** A struct or union. */
    record Composite(String name, List<Member> members) {}

    /** By type id; null for ids of other kinds. */
    private final Composite[] composites;

    private final Map<String, Integer> structsByName;
    private final Map<String, Integer> tracepointsByName;

    private Btf(Composite[] composites, Map<String, Integer> structsByName, Map<String, Integer> tracepointsByName) {
        this.composites = composites;
        this.structsByName = structsByName;
        this.tracepointsByName = tracepointsByName;
    }

    /** This kernel's BTF. */
    public static Btf ofKernel() throws IOException {
        return parse(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
    }

    static Btf parse(byte[] file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.nativeOrder());
        if (file.length < 24 || (b.getShort(0) & 0xffff) != MAGIC) {
            throw new IOException("not BTF in this byte order (no magic 0xEB9F)");
        }
        int hdrLen = b.getInt(HDR_LEN);
        int typeStart = hdrLen + b.getInt(TYPE_OFF);
        int typeEnd = typeStart + b.getInt(TYPE_LEN);
        int strStart = hdrLen + b.getInt(STR_OFF);
        if (typeStart < hdrLen || typeEnd > file.length || strStart > file.length) {
            throw new IOException("BTF sections outside the file");
        }
        List<Composite> byId = new ArrayList<>();
        byId.add(null); // 0: void
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> tracepoints = new HashMap<>();
        int p = typeStart;
        while (p < typeEnd) {
            int nameOff = b.getInt(p);
            int info = b.getInt(p + 4);
            int vlen = info & 0xffff;
            int kind = (info >>> 24) & 0x1f;
            boolean kindFlag = info < 0;
            p += 12;
            Composite c = null;
            if (kind == KIND_STRUCT || kind == KIND_UNION) {
                List<Member> members = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, p += 12) {
                    int offset = b.getInt(p + 8);
                    members.add(new Member(
                            string(file, strStart, b.getInt(p)),
                            b.getInt(p + 4),
                            kindFlag ? offset & 0xffffff : offset));
                }
                c = new Composite(string(file, strStart, nameOff), members);
                if (kind == KIND_STRUCT && !c.name().isEmpty()) {
                    names.putIfAbsent(c.name(), byId.size());
                }
            } else {
                if (kind == KIND_TYPEDEF) {
                    String name = string(file, strStart, nameOff);
                    if (name.startsWith(TRACEPOINT_TYPEDEF)) {
                        tracepoints.putIfAbsent(name.substring(TRACEPOINT_TYPEDEF.length()), byId.size());
                    }
                }
                p += extraBytes(kind, vlen);
            }
            byId.add(c);
        }
        if (p != typeEnd) {
            throw new IOException("BTF types overrun their section: a kind this reader does not know?");
        }
        return new Btf(byId.toArray(new Composite[0]), names, tracepoints);
    }

    /** The bytes that follow a type's 12 of its kind. */
    private static int extraBytes(int kind, int vlen) throws IOException {
        switch (kind) {
            case KIND_INT:
            case KIND_VAR:
            case KIND_DECL_TAG:
                return 4;
            case KIND_ARRAY:
                return 12;
            case KIND_ENUM:
            case KIND_FUNC_PROTO:
                return 8 * vlen;
            case KIND_DATASEC:
            case KIND_ENUM64:
                return 12 * vlen;
            case 2: // PTR
            case 7: // FWD
            case KIND_TYPEDEF:
            case 9: // VOLATILE
            case 10: // CONST
            case 11: // RESTRICT
            case 12: // FUNC
            case 16: // FLOAT
            case 18: // TYPE_TAG
                return 0;
            default:
                throw new IOException("BTF kind " + kind + " is unknown to this reader");
        }
    }

    private static String string(byte[] file, int strStart, int off) {
        int start = strStart + off;
        int end = start;
        while (end < file.length && file[end] != 0) {
            end++;
        }
        return new String(file, start, end - start, StandardCharsets.US_ASCII);
    }

    /** As {@link #offset}, for a member the programs cannot do without: an IOException names the one missing. */
    public int offsetOf(String struct, String member) throws IOException {
        OptionalInt o = offset(struct, member);
        if (o.isEmpty()) {
            throw new IOException("this kernel's BTF has no " + struct + "." + member);
        }
        return o.getAsInt();
    }

    /**
     * The byte offset of {@code member} in {@code struct name}, looking into anonymous unions and structs as C
     * does ({@code skc_dport} lies in one inside {@code sock_common}); empty when there is no such struct or
     * member, or it is a bitfield.
     */
    public OptionalInt offset(String struct, String member) {
        Integer id = structsByName.get(struct);
        if (id == null) {
            return OptionalInt.empty();
        }
        int bits = bitOffset(composites[id], member, 0);
        return bits < 0 || bits % 8 != 0 ? OptionalInt.empty() : OptionalInt.of(bits / 8);
    }

    private int bitOffset(Composite c, String member, int depth) {
        if (depth > 8) {
            return -1;
        }
        for (Member m : c.members()) {
            if (m.name().equals(member)) {
                return m.bitOffset();
            }
            Composite inner = m.name().isEmpty() && m.type() < composites.length ? composites[m.type()] : null;
            if (inner != null) {
                int found = bitOffset(inner, member, depth + 1);
                if (found >= 0) {
                    return m.bitOffset() + found;
                }
            }
        }
        return -1;
    }

    /**
     * The id of the typedef {@code btf_trace_<tracepoint>}: what a BTF-typed tracepoint program names at load
     * time, so that the verifier knows its arguments' types; empty when this kernel has no such tracepoint.
     */
    public OptionalInt tracepoint(String tracepoint) {
        Integer id = tracepointsByName.get(tracepoint);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }
}
