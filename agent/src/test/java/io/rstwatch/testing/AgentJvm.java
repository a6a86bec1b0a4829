package io.rstwatch.testing;

import io.rstwatch.cli.AttachedJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A child JVM running an application with {@code -javaagent:rstwatch-agent.jar}, read from outside through the
 * attach API the way a collector or JConsole reads it. Close it to stop the child.
 *
 * <p>The kernel's TCP counters, and so the failed-connection alert, are per network namespace, and on a busy host
 * other processes fail connects too. A test that judges them runs its JVM in a namespace of its own
 * ({@link Builder#isolatedIn}). A child in the host's namespace has the alert's thresholds set out of reach (as
 * system properties, which a test's agent options override): its stderr and its plugins' events then carry no
 * alert that some other process on the host raised.
 */
public final class AgentJvm implements AutoCloseable {
    private final Process process;
    private final Capture stdout;
    private final Capture stderr;
    private AttachedJvm attached;
    /** Where the child's remote JMX is read instead of attaching, or null. */
    private final JMXServiceURL remote;
    /** The network namespace of the test's own that the child runs in, or null for the host's. */
    private final TestHost box;

    private JMXConnector remoteConnector;

    private AgentJvm(Process process, JMXServiceURL remote, TestHost box) {
        this.process = process;
        this.remote = remote;
        this.box = box;
        this.stdout = new Capture(process.getInputStream());
        this.stderr = new Capture(process.getErrorStream());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The finished agent jar, as the build made it. */
    public static Path agentJar() {
        String path = System.getProperty("rstwatch.agent.jar");
        if (path == null) {
            throw new IllegalStateException(
                    "system property rstwatch.agent.jar is not set; run the tests with mvn verify");
        }
        return Paths.get(path);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public String stdout() {
        return stdout.text();
    }

    public String stderr() {
        return stderr.text();
    }

    /** The child's MBean server, attached on first use. */
    public synchronized MBeanServerConnection jmx() throws IOException {
        if (remote != null) {
            if (remoteConnector == null) {
                remoteConnector = JMXConnectorFactory.connect(remote);
            }
            return remoteConnector.getMBeanServerConnection();
        }
        if (attached == null) {
            attached = AttachedJvm.attach(pid());
        }
        return attached.connection();
    }

    /** Waits until the MBean exists and returns its attribute. */
    public Object attribute(String objectName, String attribute, Duration timeout) throws Exception {
        return awaitAttribute(objectName, attribute, v -> true, timeout);
    }

    /** Polls an attribute until the condition holds; fails with the last value seen. */
    public Object awaitAttribute(String objectName, String attribute, Predicate<Object> condition, Duration timeout)
            throws Exception {
        ObjectName name = new ObjectName(objectName);
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = null;
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the child JVM exited with " + process.exitValue() + "; stderr:\n" + stderr());
            }
            try {
                MBeanServerConnection c = jmx();
                if (c.isRegistered(name)) {
                    last = c.getAttribute(name, attribute);
                    if (condition.test(last)) {
                        return last;
                    }
                }
            } catch (IOException e) {
                lastError = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting on " + objectName + " " + attribute + "; last value " + last
                + (lastError == null ? "" : "; last error " + lastError) + "; child stderr:\n" + stderr());
    }

    /**
     * Refuses one connect on loopback to a fresh closed port and waits until capture counted it: the capture
     * thread handles packets in order, so everything sent before it has been counted (or double-counted) by then.
     */
    public void awaitCaptureCaughtUp(Duration timeout) throws Exception {
        int marker = Loopback.closedPort();
        refuse(marker, 1);
        awaitAttribute("rstwatch:type=Port,scope=local,port=" + marker, "RefusedTotal", v -> (Long) v >= 1, timeout);
    }

    /** Refuses {@code times} connects to 127.0.0.1:{@code port} in the child's network namespace. */
    public void refuse(int port, int times) {
        if (box == null) {
            Loopback.refuse(port, times);
        } else {
            box.refuse(port, times);
        }
    }

    /**
     * Waits until every part of the agent has started: the Agent's Status has the clause of the last one, the
     * connect instrumentation (counted, or why not).
     */
    /** Waits until the agent counts this JVM's connects: its connect advice is in (the Agent's Status says so). */
    public void awaitConnectsCounted(Duration timeout) throws Exception {
        awaitAttribute(
                "rstwatch:type=Agent",
                "Status",
                s -> ((String) s).contains("connect failures in this JVM counted"),
                timeout);
    }

    public void awaitAgentStarted(Duration timeout) throws Exception {
        awaitAttribute(
                "rstwatch:type=Agent", "Status", v -> ((String) v).contains("connect failures in this JVM"), timeout);
    }

    /** Waits until the child's stderr holds a line containing {@code text}. */
    public void awaitStderr(String text, Duration timeout) throws InterruptedException {
        Await.until("a line with '" + text + "' on the child's stderr", timeout, () -> stderr().lines()
                .anyMatch(l -> l.contains(text)));
    }

    /** Waits for the child to exit by itself. */
    public int waitFor(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child JVM did not exit within " + timeout + "; stderr:\n" + stderr());
        }
        stdout.join();
        stderr.join();
        return process.exitValue();
    }

    /** Writes one line to the child's stdin. */
    public void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Waits until the child's stdout holds {@code count} lines starting with {@code prefix}. */
    public void awaitStdout(String prefix, int count, Duration timeout) throws InterruptedException {
        try {
            Await.until(
                    count + " lines starting with '" + prefix + "' on the child's stdout",
                    timeout,
                    () -> stdout().lines().filter(l -> l.startsWith(prefix)).count() >= count);
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "\nchild stdout:\n" + stdout() + "\nchild stderr:\n" + stderr() + "\n" + threads(),
                    e);
        }
    }

    /**
     * The child's threads and where each is, through JMX: what a test that waits in vain for an answer needs to
     * tell a stuck application (and who holds it) from one that answered otherwise.
     */
    public String threads() {
        if (!process.isAlive()) {
            return "the child JVM exited with " + process.exitValue();
        }
        try {
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                    jmx(), ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            StringBuilder out = new StringBuilder("child threads:\n");
            for (ThreadInfo t : threads.dumpAllThreads(true, true)) {
                out.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
                if (t.getLockName() != null) {
                    out.append(" on ").append(t.getLockName());
                }
                if (t.getLockOwnerName() != null) {
                    out.append(" held by \"").append(t.getLockOwnerName()).append('"');
                }
                out.append('\n');
                StackTraceElement[] stack = t.getStackTrace();
                for (int i = 0; i < Math.min(stack.length, 40); i++) {
                    out.append("    at ").append(stack[i]).append('\n');
                }
            }
            return out.toString();
        } catch (IOException | RuntimeException e) {
            return "no thread dump: " + e;
        }
    }

    /** Closes stdin, which the test apps take as "exit now". */
    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    @Override
    public void close() throws Exception {
        if (remoteConnector != null) {
            try {
                remoteConnector.close();
            } catch (IOException ignored) {
                // the child may already be gone
            }
        }
        if (attached != null) {
            try {
                attached.close();
            } catch (IOException ignored) {
                // the child may already be gone
            }
        }
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        stdout.join();
        stderr.join();
    }

    /** Failed connects a second that no test's host reaches: the alert of a child in the host's namespace. */
    private static final int UNREACHED_ALERT = 1_000_000;

    public static final class Builder {
        private Path javaHome = Jdks.current();
        private String agentOptions;
        private boolean withAgent = true;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> appArgs = new ArrayList<>();
        private String classpath;
        private String mainClass;
        private Path jar;
        private final List<String> wrapper = new ArrayList<>();
        private JMXServiceURL remote;
        private TestHost box;

        public Builder javaHome(Path home) {
            this.javaHome = home;
            return this;
        }

        /** Text after "=" in -javaagent:rstwatch-agent.jar=...; null for none. */
        public Builder agentOptions(String options) {
            this.agentOptions = options;
            return this;
        }

        public Builder withoutAgent() {
            this.withAgent = false;
            return this;
        }

        public Builder jvmArgs(String... args) {
            jvmArgs.addAll(Arrays.asList(args));
            return this;
        }

        /**
         * Remote JMX on 127.0.0.1:{@code port} (registry and RMI on the same port, no authentication, no TLS), as
         * collectors that connect over JMX (Zabbix's Java gateway, Datadog's JMXFetch) expect.
         */
        public Builder remoteJmx(int port) {
            return jvmArgs(
                    "-Dcom.sun.management.jmxremote.port=" + port,
                    "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                    "-Djava.rmi.server.hostname=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.authenticate=false",
                    "-Dcom.sun.management.jmxremote.ssl=false");
        }

        /**
         * A child in another network namespace (run under {@code ip netns exec}), whose attach connector on its own
         * 127.0.0.1 this JVM cannot reach: it serves remote JMX on {@code host:port}, an address of its namespace
         * this one routes to, and {@link #jmx()} reads it there.
         */
        public Builder jmxAt(String host, int port) {
            jvmArgs(
                    "-Dcom.sun.management.jmxremote.port=" + port,
                    "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                    "-Dcom.sun.management.jmxremote.host=" + host,
                    "-Djava.rmi.server.hostname=" + host,
                    "-Dcom.sun.management.jmxremote.authenticate=false",
                    "-Dcom.sun.management.jmxremote.ssl=false");
            try {
                remote = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + host + ":" + port + "/jmxrmi");
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
            return this;
        }

        /**
         * The child in {@code box}, a network namespace of the test's own where AttemptFails and the alert count
         * only what the test does; read through remote JMX on {@code jmxPort} of the box's address. The alert keeps
         * its real thresholds there.
         */
        public Builder isolatedIn(TestHost box, int jmxPort) {
            this.box = box;
            wrapper(box.command());
            return jmxAt(box.address(), jmxPort);
        }

        /** A command the java command runs under, e.g. setpriv to drop capabilities. */
        public Builder wrapper(String... command) {
            wrapper.addAll(Arrays.asList(command));
            return this;
        }

        public Builder classpath(String cp) {
            this.classpath = cp;
            return this;
        }

        /**
         * A main class; unless {@link #classpath} says otherwise, the child's class path is just the folder or jar
         * the class came from, so that it holds nothing of the agent's, as in a real application.
         */
        public Builder main(Class<?> main, String... args) {
            this.mainClass = main.getName();
            if (classpath == null) {
                try {
                    classpath = Paths.get(main.getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI())
                            .toString();
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException(e);
                }
            }
            appArgs.addAll(Arrays.asList(args));
            return this;
        }

        /** An executable jar, run with -jar. */
        public Builder jar(Path executableJar, String... args) {
            this.jar = executableJar;
            appArgs.addAll(Arrays.asList(args));
            return this;
        }

        public List<String> command() {
            List<String> cmd = new ArrayList<>(wrapper);
            cmd.add(javaHome.resolve("bin/java").toString());
            if (withAgent) {
                cmd.add("-javaagent:" + agentJar() + (agentOptions == null ? "" : "=" + agentOptions));
            }
            if (withAgent && box == null) {
                cmd.add("-Drstwatch.alert.warn=" + UNREACHED_ALERT);
                cmd.add("-Drstwatch.alert.critical=" + 2 * UNREACHED_ALERT);
            }
            cmd.addAll(jvmArgs);
            if (jar != null) {
                cmd.add("-jar");
                cmd.add(jar.toString());
            } else {
                cmd.add("-cp");
                cmd.add(classpath);
                cmd.add(mainClass);
            }
            cmd.addAll(appArgs);
            return cmd;
        }

        public AgentJvm start() throws IOException {
            if (!Files.isRegularFile(agentJar())) {
                throw new IllegalStateException("no agent jar at " + agentJar() + "; run mvn verify");
            }
            ProcessBuilder pb = new ProcessBuilder(command());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            return new AgentJvm(pb.start(), remote, box);
        }
    }

    /** Drains a stream on its own thread so the child never blocks on a full pipe. */
    private static final class Capture {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Thread thread;

        Capture(InputStream in) {
            thread = new Thread(
                    () -> {
                        byte[] buf = new byte[8192];
                        try (in) {
                            for (int n; (n = in.read(buf)) > 0; ) {
                                synchronized (buffer) {
                                    buffer.write(buf, 0, n);
                                }
                            }
                        } catch (IOException ignored) {
                            // child gone
                        }
                    },
                    "child-output");
            thread.setDaemon(true);
            thread.start();
        }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }

        void join() throws InterruptedException {
            thread.join(5000);
        }
    }
}
