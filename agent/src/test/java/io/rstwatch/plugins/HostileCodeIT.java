package io.rstwatch.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.HostileApp;
import io.rstwatch.testapps.Idle;
import io.rstwatch.testapps.Reach;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Await;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security rows "the application's code" and "a plugin": each turns on the agent by reflection, looking for its
 * Instrumentation and trying to replace or feed the connect bridge. Neither gets anywhere, what a plugin is
 * handed (its context, events, thread) names no loader of the agent's, and the agent keeps counting.
 */
class HostileCodeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aHostileApplicationReachesNothingAndTheAgentKeepsCounting() throws Exception {
        int closed = Loopback.closedPort();
        String portMBean = "rstwatch:type=Port,scope=local,port=" + closed;
        try (AgentJvm jvm = AgentJvm.builder()
                .main(HostileApp.class, AgentJvm.agentJar().toString(), String.valueOf(closed))
                .start()) {
            jvm.awaitStdout("connect refused", 1, WAIT);
            String out = jvm.stdout();
            assertTrue(out.contains("bridge in exported java.net: no"), out);
            assertTrue(out.contains("bridge field connectFailed: denied (InaccessibleObjectException)"), out);
            assertTrue(out.contains("bridge method install: denied (IllegalAccessException)"), out);
            assertTrue(out.contains("bridge method connectFailed: denied (IllegalAccessException)"), out);
            assertTrue(out.contains("library hook field made: denied (InaccessibleObjectException)"), out);
            assertTrue(out.contains("library hook hints given: 7000"), out);
            assertFalse(out.contains("ALLOWED"), out);
            assertTrue(out.contains("reach: nothing in "), out);
            if (Requirements.isRoot()) { // capture runs: the walk went through the agent's loader, every static
                assertTrue(out.contains("the agent's loader reached: yes"), out);
            }

            // Still counting: the application's refused connect, in the Connects table and on the wire.
            jvm.awaitAttribute(portMBean, "JvmFailuresTotal", v -> (Long) v >= 1, WAIT);
            if (Requirements.isRoot()) {
                jvm.awaitAttribute(portMBean, "RefusedTotal", v -> (Long) v >= 1, WAIT);
            }
            // The forged hints counted no failure: the one refused connect is all there is.
            assertEquals(1L, jvm.attribute("rstwatch:type=Connects", "FailedTotal", WAIT));
            CompositeData[] rows = (CompositeData[]) jvm.attribute("rstwatch:type=Connects", "Endpoints", WAIT);
            assertTrue(
                    List.of(rows).stream().anyMatch(r -> ((String) r.get("endpoint")).endsWith(":" + closed)),
                    "the connect is in Connects");
            assertEquals("", jvm.stderr().replaceAll("(?m)^\\[rstwatch\\] INFO .*\\n", ""));
        }
    }

    @Test
    void aHostilePluginIsHandedNothingOfTheAgents(@TempDir Path dir) throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture: events for the plugin");
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path found = dir.resolve("found.txt");
        PluginsIT.pluginJar(
                plugins.resolve("hostile.jar"),
                io.rstwatch.testplugins.HostilePlugin.class,
                "io.rstwatch.testplugins.HostilePlugin",
                Reach.class);
        Files.writeString(plugins.resolve("hostile.properties"), "out=" + found + "\nagentJar=" + AgentJvm.agentJar());
        int closed = Loopback.closedPort();
        String portMBean = "rstwatch:type=Port,scope=local,port=" + closed;
        try (AgentJvm jvm = AgentJvm.builder()
                .agentOptions("plugins=" + plugins)
                .main(Idle.class)
                .start()) {
            jvm.awaitAttribute("rstwatch:type=Capture", "Active", Boolean.TRUE::equals, WAIT);
            jvm.awaitAgentStarted(WAIT);
            Loopback.refuse(closed, 1);
            Await.until(
                    "the plugin's findings",
                    WAIT,
                    () -> Files.exists(found) && Files.readString(found).endsWith("\n"));
            String report = Files.readString(found);
            assertTrue(report.contains("context loader: rstwatch-plugin-api\n"), report);
            assertTrue(report.contains("event loader: rstwatch-plugin-api\n"), report);
            assertTrue(report.contains("thread context loader: rstwatch-plugin-hostile\n"), report);
            assertTrue(report.contains("reach: nothing in "), report);
            assertTrue(report.contains("the agent's loader reached: yes"), report);
            assertTrue(report.contains("replace bridge: denied (InaccessibleObjectException)"), report);

            Loopback.refuse(closed, 2);
            jvm.awaitAttribute(portMBean, "RefusedTotal", v -> (Long) v == 3, WAIT);
        }
    }
}
