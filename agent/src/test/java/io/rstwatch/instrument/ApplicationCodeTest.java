package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rstwatch.instrument.ApplicationCode.Kind;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application's classes told from its libraries' by name: shaded copies, glue, one-jar applications. */
class ApplicationCodeTest {
    private final ApplicationCode app = new ApplicationCode("com.example.");
    private final ApplicationCode unknownApp = new ApplicationCode(null);

    @Test
    void librariesAreKnownByTheirRootsAlsoWhereAShadedJarMovedThem() {
        assertEquals(Kind.LIBRARY, app.kind("org.postgresql.core.PGStream"));
        assertEquals(Kind.LIBRARY, app.kind("com.zaxxer.hikari.pool.HikariPool"));
        assertEquals(Kind.LIBRARY, app.kind("io.grpc.netty.shaded.io.netty.channel.epoll.Native"));
        // The application's own jar, with Jedis relocated under its packages: still Jedis.
        assertEquals(Kind.LIBRARY, app.kind("com.example.shaded.redis.clients.jedis.Jedis"));
        assertEquals(Kind.LIBRARY, unknownApp.kind("reactor.netty.tcp.TcpClient"));
    }

    @Test
    void aOneSegmentRootCountsOnlyAtTheStartSoTheApplicationMayNameAPackageSo() {
        assertEquals(Kind.APPLICATION, app.kind("com.example.reactor.Handler"));
        assertEquals(Kind.APPLICATION, app.kind("com.example.kotlin.Orders"));
        assertEquals(Kind.LIBRARY, app.kind("kotlin.coroutines.jvm.internal.BaseContinuationImpl"));
    }

    @Test
    void proxiesAndGeneratedSubclassesAreGlue() {
        assertEquals(Kind.GLUE, app.kind("com.example.orders.OrderService$$SpringCGLIB$$0"));
        assertEquals(Kind.GLUE, app.kind("jdk.proxy2.$Proxy12"));
        assertEquals(Kind.GLUE, app.kind("com.example.Order$HibernateProxy$a1b2"));
    }

    @Test
    void codeOfNeitherIsUnknown() {
        assertEquals(Kind.UNKNOWN, app.kind("net.acme.sdk.Client"));
        assertEquals(Kind.UNKNOWN, unknownApp.kind("com.example.Main"));
    }

    @Test
    void theApplicationsPackagesAreTheOrganisationsOfItsMainClass() {
        assertEquals("com.example.", ApplicationCode.prefixOf("com.example.boot.Main"));
        assertEquals("com.example.", ApplicationCode.prefixOf("com.example.Main"));
        assertEquals("io.github.alice.", ApplicationCode.prefixOf("io.github.alice.tool.Main"));
        assertNull(ApplicationCode.prefixOf("Main"), "no package");
        assertNull(ApplicationCode.prefixOf("org.springframework.boot.loader.launch.JarLauncher"), "a launcher");
    }

    @Test
    void theMainClassOfAJarIsSpringBootsStartClassElseItsMainClass(@TempDir Path dir) throws Exception {
        Path boot =
                jar(dir.resolve("boot.jar"), "org.springframework.boot.loader.launch.JarLauncher", "com.acme.Orders");
        Path plain = jar(dir.resolve("plain.jar"), "com.acme.Main", null);
        assertEquals("com.acme.Orders", ApplicationCode.mainClass(boot + " --server.port=8080"));
        assertEquals("com.acme.Main", ApplicationCode.mainClass(plain.toString()));
        assertEquals("com.acme.Main", ApplicationCode.mainClass("com.acme.Main arg1 arg2"));
        assertEquals("", ApplicationCode.mainClass(dir.resolve("gone.jar").toString()));
        assertEquals("", ApplicationCode.mainClass(""));
    }

    private static Path jar(Path path, String mainClass, String startClass) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        if (startClass != null) {
            manifest.getMainAttributes().putValue("Start-Class", startClass);
        }
        try (OutputStream out = Files.newOutputStream(path);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return path;
    }
}
