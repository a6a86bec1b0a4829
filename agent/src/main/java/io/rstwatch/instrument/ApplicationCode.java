package io.rstwatch.instrument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Tells the application's classes from its libraries' by name, for {@link Callers}: a CodeSource cannot when the
 * application and its libraries are one shaded jar, or Spring Boot's nested jars, and a stack of libraries
 * (Spring Data, Hibernate, HikariCP, a driver) has more than one jar that is not the application's.
 * <ul>
 * <li>The application's packages: those of its main class, as {@code sun.java.command} names it, or as the
 *     {@code Start-Class} (Spring Boot) or {@code Main-Class} of the jar it names; not when that class is a
 *     library's launcher.
 * <li>Libraries: well-known package roots, also where a shaded jar moved them ({@code
 *     io.grpc.netty.shaded.io.netty.}): a root of two segments or more counts at any package boundary (one
 *     segment, such as {@code reactor.}, only at the start: an application may well have a package of that name).
 * <li>Glue, which decides nothing: JDK proxies and the subclasses Spring, Hibernate and Byte Buddy generate.
 * </ul>
 */
final class ApplicationCode {
    /** What a class is, for naming the code behind a connect. */
    enum Kind {
        APPLICATION,
        LIBRARY,
        GLUE,
        /** Neither known as the application's nor as a library's. */
        UNKNOWN
    }

    /** Namespaces of code hosts, under which the third segment names the owner, not the second. */
    private static final List<String> HOSTING = List.of("com.github.", "io.github.", "com.gitlab.", "io.gitlab.");

    /** Package roots of the libraries JVM services connect through, each ending with a dot. */
    static final List<String> LIBRARY_ROOTS = List.of(
            "akka.",
            "ch.qos.",
            "co.elastic.",
            "com.alibaba.",
            "com.amazonaws.",
            "com.couchbase.",
            "com.datastax.",
            "com.fasterxml.",
            "com.google.",
            "com.hazelcast.",
            "com.microsoft.sqlserver.",
            "com.mongodb.",
            "com.mysql.",
            "com.netflix.",
            "com.rabbitmq.",
            "com.squareup.",
            "com.zaxxer.hikari.",
            "dev.failsafe.",
            "feign.",
            "groovy.",
            "io.confluent.",
            "io.dropwizard.",
            "io.github.resilience4j.",
            "io.grpc.",
            "io.ktor.",
            "io.lettuce.",
            "io.micrometer.",
            "io.micronaut.",
            "io.nats.",
            "io.netty.",
            "io.opentelemetry.",
            "io.projectreactor.",
            "io.prometheus.",
            "io.quarkus.",
            "io.r2dbc.",
            "io.undertow.",
            "io.vertx.",
            "jakarta.",
            "javax.",
            "kotlin.",
            "kotlinx.",
            "net.bytebuddy.",
            "okhttp3.",
            "okio.",
            "org.apache.",
            "org.aspectj.",
            "org.asynchttpclient.",
            "org.bson.",
            "org.codehaus.",
            "org.eclipse.",
            "org.elasticsearch.",
            "org.glassfish.",
            "org.h2.",
            "org.hibernate.",
            "org.infinispan.",
            "org.jboss.",
            "org.jdbi.",
            "org.jetbrains.",
            "org.jooq.",
            "org.junit.",
            "org.mariadb.",
            "org.mybatis.",
            "org.neo4j.",
            "org.opensearch.",
            "org.postgresql.",
            "org.redisson.",
            "org.slf4j.",
            "org.springframework.",
            "oracle.jdbc.",
            "reactor.",
            "redis.clients.",
            "retrofit2.",
            "scala.",
            "software.amazon.");

    /** The roots of two segments or more: those that a shaded jar's relocated copy still shows. */
    private static final List<String> RELOCATABLE_ROOTS =
            LIBRARY_ROOTS.stream().filter(r -> r.indexOf('.') < r.length() - 1).toList();

    /** The application's package prefix, ending with a dot; null when not known. */
    private final String application;

    ApplicationCode(String applicationPrefix) {
        this.application = applicationPrefix;
    }

    /** This JVM's: from {@code sun.java.command}, reading the manifest of the jar it names (on the agent's thread). */
    static ApplicationCode ofThisJvm() {
        return new ApplicationCode(prefixOf(mainClass(System.getProperty("sun.java.command", ""))));
    }

    /** Whether the application's packages are known. */
    boolean knowsApplication() {
        return application != null;
    }

    Kind kind(String className) {
        if (className.startsWith("jdk.proxy")
                || className.startsWith("com.sun.proxy.")
                || className.contains("$$")
                || className.contains("$Proxy")
                || className.contains("$HibernateProxy$")
                || className.contains("$ByteBuddy$")) {
            return Kind.GLUE;
        }
        // A library the application's own jar carries under its own packages (shaded) is still a library.
        for (int dot = className.indexOf('.'); dot > 0; dot = className.indexOf('.', dot + 1)) {
            if (startsWithOne(RELOCATABLE_ROOTS, className, dot + 1)) {
                return Kind.LIBRARY;
            }
        }
        if (application != null && className.startsWith(application)) {
            return Kind.APPLICATION;
        }
        return startsWithOne(LIBRARY_ROOTS, className, 0) ? Kind.LIBRARY : Kind.UNKNOWN;
    }

    private static boolean startsWithOne(List<String> roots, String className, int at) {
        for (String root : roots) {
            if (className.startsWith(root, at)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The main class of {@code sun.java.command} ("com.example.Main args", or "app.jar args": then its manifest's
     * Start-Class, else Main-Class), or "" when there is none to read.
     */
    static String mainClass(String command) {
        String first = command.strip().split("\\s+", 2)[0];
        if (!first.endsWith(".jar")) {
            return first;
        }
        Path jar = Path.of(first);
        if (!Files.isRegularFile(jar)) {
            return "";
        }
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return "";
            }
            Attributes main = manifest.getMainAttributes();
            String start = main.getValue("Start-Class");
            String named = start != null ? start : main.getValue(Attributes.Name.MAIN_CLASS);
            return named == null ? "" : named.strip();
        } catch (IOException | RuntimeException e) {
            return ""; // unreadable: the CodeSource and the library roots still decide
        }
    }

    /**
     * The package prefix of a main class: the organisation's, its first two segments (three under a code host's
     * namespace), so that the main class's sibling packages count too ({@code com.example.boot.Main} gives
     * {@code com.example.}); null for a class in no package, or a library's launcher.
     */
    static String prefixOf(String mainClass) {
        int lastDot = mainClass.lastIndexOf('.');
        if (lastDot <= 0 || new ApplicationCode(null).kind(mainClass) != Kind.UNKNOWN) {
            return null;
        }
        String[] segments = mainClass.substring(0, lastDot).split("\\.");
        int n = Math.min(HOSTING.stream().anyMatch(mainClass::startsWith) ? 3 : 2, segments.length);
        return String.join(".", List.of(segments).subList(0, n)) + ".";
    }
}
