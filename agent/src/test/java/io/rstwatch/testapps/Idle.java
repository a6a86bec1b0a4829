package io.rstwatch.testapps;

import java.io.IOException;

/** Stays alive, doing nothing, until its stdin closes; the test reads the agent's MBeans meanwhile. */
public final class Idle {
    public static void main(String[] args) throws IOException {
        System.out.println("ready");
        while (System.in.read() >= 0) {
            // wait for the test to close stdin
        }
    }
}
