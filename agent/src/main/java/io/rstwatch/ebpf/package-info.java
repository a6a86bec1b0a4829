/**
 * The in-kernel source, assembled in Java: programs written here as eBPF instructions, loaded with {@code bpf(2)}
 * through JNA, attached to raw tracepoints, counting in maps the agent reads. No clang at build time, no bpftool
 * or libbpf at run time: the kernel's verifier is the only other party.
 */
package io.rstwatch.ebpf;
