package io.rstwatch.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testapps.Connector;
import io.rstwatch.testing.AgentCommand;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Jdks;
import io.rstwatch.testing.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS servers of the test's own on loopback, with certificates the test makes (keytool): self-signed, expired,
 * for another name, valid; and a plain port. A JVM with the agent, trusting the test's CA, shakes hands with each
 * (SSLSocket and java.net.http's SSLEngine): each failure counted with its reason and caller, the valid server's
 * certificate's end of validity kept.
 */
class TlsFailuresIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static final List<ServerSocket> SERVERS = new ArrayList<>();
    private static int selfSigned;
    private static int expired;
    private static int otherName;
    private static int valid;
    private static int plain;
    private static X509Certificate validCertificate;

    static Stream<Path> jdks() {
        return Jdks.all().stream();
    }

    @BeforeAll
    static void serversWithCertificatesOfTheirOwn() throws Exception {
        keytool(
                "-genkeypair",
                "-keystore",
                "ca.p12",
                "-alias",
                "ca",
                "-dname",
                "CN=rstwatch test CA",
                "-validity",
                "60",
                "-ext",
                "bc:c");
        keytool("-exportcert", "-keystore", "ca.p12", "-alias", "ca", "-rfc", "-file", "ca.pem");
        keytool("-importcert", "-keystore", "trust.p12", "-alias", "ca", "-file", "ca.pem", "-noprompt");
        keytool(
                "-genkeypair",
                "-keystore",
                "self.p12",
                "-alias",
                "leaf",
                "-dname",
                "CN=localhost",
                "-validity",
                "30",
                "-ext",
                "san=ip:127.0.0.1");
        signed("expired", "san=ip:127.0.0.1", "-startdate", "-60d", "-validity", "30");
        signed("other", "san=dns:other.example", "-validity", "30");
        signed("valid", "san=ip:127.0.0.1", "-validity", "30");
        selfSigned = serve("self.p12");
        expired = serve("expired.p12");
        otherName = serve("other.p12");
        valid = serve("valid.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("valid.p12"))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        validCertificate = (X509Certificate) ks.getCertificate("leaf");
        ServerSocket text = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SERVERS.add(text);
        plain = text.getLocalPort();
        daemon(() -> {
            while (true) {
                try (Socket s = text.accept()) {
                    s.getInputStream().read(new byte[512]);
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        });
    }

    @AfterAll
    static void stop() throws IOException {
        for (ServerSocket s : SERVERS) {
            s.close();
        }
    }

    /** A key pair in NAME.p12 whose certificate the test CA signs, with extension {@code san} and {@code validity}. */
    private static void signed(String name, String san, String... validity) throws IOException {
        String store = name + ".p12";
        keytool("-genkeypair", "-keystore", store, "-alias", "leaf", "-dname", "CN=localhost");
        keytool("-certreq", "-keystore", store, "-alias", "leaf", "-file", name + ".csr");
        List<String> gencert = new ArrayList<>(List.of(
                "-gencert",
                "-keystore",
                "ca.p12",
                "-alias",
                "ca",
                "-infile",
                name + ".csr",
                "-outfile",
                name + ".pem",
                "-rfc",
                "-ext",
                san));
        gencert.addAll(List.of(validity));
        keytool(gencert.toArray(new String[0]));
        keytool("-importcert", "-keystore", store, "-alias", "ca", "-file", "ca.pem", "-noprompt");
        keytool("-importcert", "-keystore", store, "-alias", "leaf", "-file", name + ".pem", "-noprompt");
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                "bash",
                "-c",
                "cd \"$0\" && exec \"$@\"",
                dir.toString(),
                Jdks.current().resolve("bin/keytool").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
        if (List.of(args).contains("-genkeypair")) {
            cmd.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1"));
        }
        Shell.run(cmd.toArray(new String[0]));
    }

    /** A TLS server on loopback with the key in {@code store}: shakes hands, answers 200 to one request, closes. */
    private static int serve(String store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(store))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SERVERS.add(server);
        daemon(() -> {
            while (true) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(5000);
                    try {
                        s.startHandshake();
                        s.getInputStream().read(new byte[4096]);
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException handshakeOrRead) {
                        // the client refused the certificate: what the test wants
                    }
                }
            }
        });
        return server.getLocalPort();
    }

    private interface Loop {
        void run() throws IOException;
    }

    private static void daemon(Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException closed) {
                // the server was closed: the test is over
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static String endpoint(int port) {
        return "rstwatch:type=Endpoint,host=127.0.0.1,port=" + port;
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void eachHandshakeFailureIsCountedWithItsReasonAndTheValidCertificatesEndIsKept(Path jdk) throws Exception {
        try (AgentJvm jvm = AgentJvm.builder()
                .javaHome(jdk)
                .agentOptions("capture=off")
                .jvmArgs(
                        "-Djavax.net.ssl.trustStore=" + dir.resolve("trust.p12"),
                        "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                        "-Djavax.net.ssl.trustStoreType=PKCS12")
                .main(Connector.class)
                .start()) {
            jvm.awaitStdout("ready", 1, WAIT);
            jvm.awaitConnectsCounted(WAIT);
            jvm.send("tls 127.0.0.1 " + selfSigned);
            jvm.send("tls 127.0.0.1 " + expired);
            jvm.send("https 127.0.0.1 " + otherName);
            jvm.send("https 127.0.0.1 " + plain);
            jvm.awaitStdout("done", 4, WAIT);
            jvm.send("https 127.0.0.1 " + valid);
            jvm.awaitStdout("connected?!", 1, WAIT);

            Map<Integer, String[]> expected = Map.of(
                    selfSigned, new String[] {"untrusted: ", "Connector.viaTls("},
                    expired, new String[] {"expired: ", "Connector.viaTls("},
                    otherName, new String[] {"hostname mismatch: ", "Connector.viaHttps("},
                    plain, new String[] {"protocol or cipher mismatch: ", "Connector.viaHttps("});
            for (Map.Entry<Integer, String[]> e : expected.entrySet()) {
                String name = endpoint(e.getKey());
                jvm.awaitAttribute(name, "TlsFailedTotal", n -> (Long) n >= 1L, WAIT);
                String why = (String) jvm.attribute(name, "TlsFailure", WAIT);
                assertTrue(why.startsWith(e.getValue()[0]), e.getValue()[0] + " expected: " + why);
                assertEquals(0L, jvm.attribute(name, "FailedTotal", WAIT), "the connect itself succeeded");
                TabularData callers = (TabularData) jvm.attribute(name, "Callers", WAIT);
                assertTrue(
                        callers.values().stream()
                                .anyMatch(r -> ((String) ((CompositeData) r).get("key")).contains(e.getValue()[1])),
                        name + ": " + callers);
            }
            assertEquals(-1.0, jvm.attribute(endpoint(selfSigned), "CertificateDaysLeft", WAIT), "none completed");

            String notAfter = (String)
                    jvm.awaitAttribute(endpoint(valid), "CertificateNotAfter", v -> !((String) v).isEmpty(), WAIT);
            assertEquals(validCertificate.getNotAfter().toInstant(), Instant.parse(notAfter));
            double daysLeft = (Double) jvm.attribute(endpoint(valid), "CertificateDaysLeft", WAIT);
            assertTrue(daysLeft > 29 && daysLeft <= 30, "a certificate valid for 30 days from now: " + daysLeft);
            assertEquals(0L, jvm.attribute(endpoint(valid), "TlsFailedTotal", WAIT));
            long total = (Long) jvm.attribute("rstwatch:type=Connects", "TlsFailedTotal", WAIT);
            assertTrue(total >= 4, "every failed handshake: " + total);

            // report: why each handshake failed, and when the valid server's certificate ends.
            String[] r = AgentCommand.run(Jdks.current(), "report", Long.toString(jvm.pid()));
            assertEquals("0", r[0], r[2]);
            assertTrue(r[1].contains("\n    127.0.0.1:" + selfSigned + ": TLS untrusted: "), r[1]);
            assertTrue(r[1].contains("\n    127.0.0.1:" + expired + ": TLS expired: "), r[1]);
            assertTrue(
                    Pattern.compile("\n +127\\.0\\.0\\.1:" + valid + " +\\d+( +\\d+(\\.\\d\\d)?){3} +"
                                    + Pattern.quote(notAfter) + " +(29|30)\\.\\d\n")
                            .matcher(r[1])
                            .find(),
                    r[1]);
        }
    }
}
