package io.rstwatch.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.common.ProcFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AttachedJvmTest {
    private static String status(String caught) {
        return "Name:\tjava\nState:\tS (sleeping)\nSigPnd:\t0000000000000000\nSigBlk:\t0000000000000000\n"
                + "SigIgn:\t0000000000000000\nSigCgt:\t" + caught + "\nCapInh:\t0000000000000000\n";
    }

    @Test
    void readsSigquitFromTheCaughtSignalsMask() {
        assertTrue(AttachedJvm.catchesQuit(status("2000000181005ccf")), "a JVM's mask");
        assertTrue(AttachedJvm.catchesQuit(status("0000000000000004")), "SIGQUIT alone");
        assertFalse(AttachedJvm.catchesQuit(status("0000000000000002")), "SIGINT alone");
        assertFalse(AttachedJvm.catchesQuit(status("0000000000000000")), "nothing caught");
        assertFalse(AttachedJvm.catchesQuit(status("not hex")));
        assertFalse(AttachedJvm.catchesQuit("Name:\tjava\n"), "no SigCgt line");
    }

    /** The JVM running this test catches SIGQUIT (its thread dump and attach signal); this process's status says so. */
    @Test
    void thisJvmCatchesSigquit() throws Exception {
        assertTrue(AttachedJvm.catchesQuit(ProcFiles.read(Path.of("/proc/self/status"))));
    }
}
