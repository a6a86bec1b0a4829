package io.rstwatch.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.jmx.PluginRow;
import io.rstwatch.plugin.RefusedConnection;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.Scope;
import io.rstwatch.testing.Await;
import io.rstwatch.testplugins.InterruptingPlugin;
import io.rstwatch.testplugins.UnprintablePlugin;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin's worker thread outlives what its plugin does to it, and never ends without saying so. */
class PluginJarTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Loads the plugin API from the test's class path and nothing else: the plugin's own classes from its jar. */
    private static final ClassLoader API = new ClassLoader(null) {
        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.startsWith("io.rstwatch.plugin.")) {
                return PluginJarTest.class.getClassLoader().loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }
    };

    private static RstwatchEvent event() {
        InetSocketAddress service = new InetSocketAddress("127.0.0.1", 7211);
        return new RefusedConnection(
                Instant.now(), Scope.LOCAL, service, new InetSocketAddress("127.0.0.1", 41838), "lo", true);
    }

    private static PluginRow offerUntil(PluginJar jar, long delivered) throws InterruptedException {
        PluginRow[] row = new PluginRow[1];
        Await.until(delivered + " events delivered", WAIT, () -> {
            jar.offer(event(), System.nanoTime());
            row[0] = jar.row();
            return row[0].delivered() >= delivered;
        });
        return row[0];
    }

    @Test
    void aPluginThatRestoresTheInterruptFlagKeepsGettingEvents(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("interrupting.jar");
        PluginsIT.pluginJar(file, InterruptingPlugin.class, InterruptingPlugin.class.getName());
        PluginJar jar = new PluginJar(file, API);
        jar.start();
        PluginRow row = offerUntil(jar, 50);
        assertEquals("running", row.state());
        assertEquals(0, row.failures());
        assertFalse(jar.disabled());
    }

    @Test
    void anExceptionWhoseToStringThrowsIsCountedAndTheWorkerCarriesOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("unprintable.jar");
        PluginsIT.pluginJar(
                file, UnprintablePlugin.class, UnprintablePlugin.class.getName(), UnprintablePlugin.Unprintable.class);
        PluginJar jar = new PluginJar(file, API);
        jar.start();
        Await.until("the plugin disabled after its failures in a row", WAIT, () -> {
            jar.offer(event(), System.nanoTime());
            return jar.disabled();
        });
        PluginRow row = jar.row();
        assertTrue(
                row.state()
                        .startsWith("disabled: failed 5 calls in a row, the last with UnprintablePlugin.onEvent: "
                                + UnprintablePlugin.Unprintable.class.getName() + " (its toString() threw"),
                row.state());
        assertEquals(5, row.failures());
    }
}
