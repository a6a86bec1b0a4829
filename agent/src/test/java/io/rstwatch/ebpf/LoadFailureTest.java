package io.rstwatch.ebpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class LoadFailureTest {
    @Test
    void permissionProblemsSayWhatToGrant() {
        IOException e = new IOException("loading the program rstwatch_syn failed: errno 1 (EPERM: not permitted;"
                + " root or CAP_BPF with CAP_PERFMON is needed)");
        assertTrue(LoadFailure.isPermission(e));
        String why = LoadFailure.explain(e);
        assertTrue(why.startsWith("no permission to load eBPF programs"), why);
        assertTrue(why.contains("CAP_BPF") && why.contains("--cap-add BPF"), why);
        IOException verifier = new IOException("loading the program rstwatch_state failed: errno 13 (EACCES)");
        assertTrue(!LoadFailure.isPermission(verifier));
        assertEquals(verifier.getMessage(), LoadFailure.explain(verifier));
    }

    @Test
    void releasesFrom610SeeTheRefusalsOfClosedPorts() {
        assertArrayEquals(new int[] {6, 18}, LoadFailure.version("6.18.0-1-cloud-amd64"));
        assertArrayEquals(new int[] {5, 15}, LoadFailure.version("5.15.167.4-microsoft-standard-WSL2"));
        assertArrayEquals(new int[] {0, 0}, LoadFailure.version("weird"));
        assertNull(LoadFailure.missedBy("6.10.0"));
        assertNull(LoadFailure.missedBy("7.0.1"));
        String why = LoadFailure.missedBy("6.9.12");
        assertTrue(why != null && why.startsWith("Linux 6.9 is older than 6.10"), why);
        assertTrue(LoadFailure.missedBy("5.15.0-91-generic").startsWith("Linux 5.15 "));
        assertTrue(LoadFailure.missedBy("99999999999999.1") == null, "no overflow");
    }
}
