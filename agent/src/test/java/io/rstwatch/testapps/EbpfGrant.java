package io.rstwatch.testapps;

import io.rstwatch.ebpf.ConnectErrors;

/**
 * Loads and attaches the connect-error programs with whatever privileges it was started with, and says in one line
 * whether the kernel took them ("attached") or why not ("refused: ...").
 */
public final class EbpfGrant {
    public static void main(String[] args) {
        try (ConnectErrors errors = ConnectErrors.attach(ConnectErrors.namespaceOfThisProcess())) {
            System.out.println("attached");
        } catch (Exception | LinkageError e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
