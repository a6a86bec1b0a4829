package io.rstwatch.testapps;

import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.security.ProtectionDomain;

/**
 * Another agent, whose transformer reads a file through a URL while one of the JDK's URL connection classes
 * loads, the way the OpenTelemetry agent's does when it matches that type against its instrumentation (it lets
 * {@code sun.net.www.protocol} through its filters, for HttpURLConnection). It reads through the protocol of the
 * class being loaded, {@code jrt:} or {@code jar:} (a file of its own jar, which is on the class path): if that
 * class's first load in the JVM is on a thread of rstwatch's, the JVM throws ClassCircularityError there.
 */
public final class UrlReadingAgent {
    /** A file only this agent's jar holds, so that the system loader answers with a jar: URL. */
    public static final String OWN_FILE = "url-reading-agent.txt";

    public static void premain(String args, Instrumentation inst) {
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(
                    Module module,
                    ClassLoader loader,
                    String name,
                    Class<?> redefined,
                    ProtectionDomain domain,
                    byte[] classFile) {
                if ("sun/net/www/protocol/jrt/JavaRuntimeURLConnection".equals(name)) {
                    read(ClassLoader.getSystemResource("java/net/URLConnection.class"));
                } else if ("sun/net/www/protocol/jar/JarURLConnection".equals(name)) {
                    read(ClassLoader.getSystemResource(OWN_FILE));
                }
                return null;
            }
        });
    }

    /** What fails here is the JDK's to report, on whichever thread loads the class; this agent goes on. */
    private static void read(URL url) {
        try (InputStream in = url.openStream()) {
            in.readAllBytes();
        } catch (Throwable e) {
            System.out.println("url-reading agent: " + e);
        }
    }
}
