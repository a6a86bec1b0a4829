package io.rstwatch.examples.jsonlines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Idle;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import io.rstwatch.testing.Shell;
import io.rstwatch.testing.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both example plugins, as built, in a plugins directory of a real agent: names on the Port MBean, events in JSON. */
class ExamplePluginsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void needs() {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        Requirements.require(Shell.available("python3"), "python3 (to check the JSON)");
    }

    @Test
    void portNamesFromPropertiesAndEventsAsJsonLines(@TempDir Path dir) throws Exception {
        int port = Loopback.closedPort();
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.copy(Paths.get(System.getProperty("port-names.jar")), plugins.resolve("rstwatch-port-names.jar"));
        Files.copy(
                Paths.get(System.getProperty("example.jar")),
                plugins.resolve("rstwatch-json-lines.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(plugins.resolve("rstwatch-port-names.properties"), port + " = collector-component\n");
        Files.writeString(
                plugins.resolve("rstwatch-json-lines.properties"),
                "file = " + dir.resolve("events.jsonl") + "\nmax.bytes = 5000\n");

        // A host of the test's own: the plugin writes every refusal it is handed, and on a busy machine other
        // processes' refusals on lo would rotate the test's out of the files.
        try (TestHost box = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .isolatedIn(box, 9010)
                        .agentOptions("plugins=" + plugins)
                        .main(Idle.class)
                        .start()) {
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            jvm.refuse(port, 30);
            String mbean = "rstwatch:type=Port,scope=local,port=" + port;
            jvm.awaitAttribute(mbean, "RefusedTotal", v -> (Long) v == 30, WAIT);
            jvm.awaitAttribute(mbean, "Service", "collector-component"::equals, WAIT);
            jvm.closeStdin();
            jvm.waitFor(WAIT);
            String stderr = jvm.stderr();
            assertTrue(stderr.contains("[rstwatch] INFO plugin rstwatch-port-names: 1 port names"), stderr);
            assertTrue(stderr.contains("[rstwatch] INFO plugin rstwatch-json-lines: writing events to "), stderr);
        }

        // 30 refusals at ~205 bytes a line pass max.bytes=5000 once: the first ~24 lines moved to events.jsonl.1.
        Path current = dir.resolve("events.jsonl");
        Path previous = dir.resolve("events.jsonl.1");
        assertTrue(Files.size(current) <= 5000 && Files.size(previous) <= 5000 && Files.size(previous) > 4000);
        String check = "import json,sys\n"
                + "n=0\n"
                + "for f in sys.argv[2:]:\n"
                + "  for line in open(f):\n"
                + "    e=json.loads(line)\n"
                + "    if e['event']=='refused' and e['service_port']==int(sys.argv[1]):\n"
                + "      assert e['scope']=='local' and e['service_address']=='127.0.0.1' and e['interface']=='lo'\n"
                + "      assert e['refused_by_this_host'] is True and e['client_port']>0, e\n"
                + "      n+=1\n"
                + "print(n)\n";
        String out = Shell.run("python3", "-c", check, Integer.toString(port), previous.toString(), current.toString());
        assertEquals("30", out.trim(), "refused events for the port, every line valid JSON");
    }

    @Test
    void beyondMaxPerSecondEventsAreCountedNotWritten(@TempDir Path dir) throws Exception {
        int port = Loopback.closedPort();
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.copy(Paths.get(System.getProperty("example.jar")), plugins.resolve("rstwatch-json-lines.jar"));
        Files.writeString(
                plugins.resolve("rstwatch-json-lines.properties"),
                "file = " + dir.resolve("events.jsonl") + "\nmax.per.second = 10\n");
        // A host of the test's own: other processes' refusals on a busy machine would spend the plugin's budget.
        try (TestHost box = TestHost.create();
                AgentJvm jvm = AgentJvm.builder()
                        .isolatedIn(box, 9010)
                        .agentOptions("plugins=" + plugins)
                        .main(Idle.class)
                        .start()) {
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            jvm.refuse(port, 30);
            jvm.awaitAttribute(
                    "rstwatch:type=Port,scope=local,port=" + port, "RefusedTotal", v -> (Long) v == 30, WAIT);
            jvm.awaitCaptureCaughtUp(WAIT); // every refusal before the marker was offered to the plugin
            jvm.closeStdin();
            jvm.waitFor(WAIT);
        }
        // Every refusal is either a line of its own or counted in a "suppressed" line (written at exit at the latest);
        // other events (resets of the test's own JMX connections) may be counted there too, hence >=.
        String check = "import json,sys\n"
                + "written=suppressed=0\n"
                + "for line in open(sys.argv[2]):\n"
                + "  e=json.loads(line)\n"
                + "  if e['event']=='refused' and e['service_port']==int(sys.argv[1]): written+=1\n"
                + "  if e['event']=='suppressed': suppressed+=e['count']; assert e['max_per_second']==10\n"
                + "print(written, suppressed)\n";
        String[] counts = Shell.run(
                        "python3",
                        "-c",
                        check,
                        Integer.toString(port),
                        dir.resolve("events.jsonl").toString())
                .trim()
                .split(" ");
        int written = Integer.parseInt(counts[0]);
        int suppressed = Integer.parseInt(counts[1]);
        assertTrue(written >= 10 && written < 30, "written " + written);
        assertTrue(written + suppressed >= 30, written + " written + " + suppressed + " suppressed");
    }
}
