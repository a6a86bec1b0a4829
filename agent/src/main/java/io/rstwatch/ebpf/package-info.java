/**
 * Counting in the kernel, assembled in Java: programs written here as eBPF instructions, loaded with {@code bpf(2)}
 * through JNA, attached to BTF-typed tracepoints, counting in maps read back here. No clang at build time, no bpftool or
 * libbpf at run time: the kernel's verifier is the only other party. A library of kernel mechanics that knows
 * nothing of ports or MBeans; the parts that use what it counts sit above it.
 */
package io.rstwatch.ebpf;
