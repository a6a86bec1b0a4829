package io.rstwatch.ebpf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.EbpfGrant;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The narrowest grant for the in-kernel source, as docs/capture.md gives it: CAP_BPF with CAP_PERFMON, nothing
 * else, loads and attaches the programs; CAP_NET_RAW alone (the packet socket's grant) does not, and says why.
 */
class EbpfGrantIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static String run(String caps) throws Exception {
        try (AgentJvm jvm = AgentJvm.builder()
                .withoutAgent()
                .classpath(System.getProperty("java.class.path")) // the ebpf package and JNA, not as an agent
                .wrapper("setpriv", "--bounding-set=-all," + caps, "--inh-caps=-all," + caps, "--")
                .main(EbpfGrant.class)
                .start()) {
            jvm.awaitStdout("", 1, WAIT);
            return jvm.stdout();
        }
    }

    @Test
    void capBpfWithCapPerfmonIsEnoughAndCapNetRawIsNot() throws Exception {
        Requirements.require(Shell.available("setpriv"), "setpriv (util-linux)");
        Requirements.require(Requirements.isRoot(), "root, to hand the child these capabilities alone");
        String granted = run("+bpf,+perfmon");
        assertTrue(granted.startsWith("attached"), granted);
        String packetOnly = run("+net_raw");
        assertTrue(packetOnly.startsWith("refused: ") && packetOnly.contains("EPERM"), packetOnly);
    }
}
