package io.rstwatch.testapps;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * An application that turns on the agent riding in it, by reflection only: it tries to replace or feed the
 * connect bridge, and searches everything it can reach for the agent's Instrumentation or class loader. It
 * prints one line per attempt ("bridge ...", "reach ..."), then connects once to the closed port given, so the
 * test sees the agent still counting.
 */
public final class HostileApp {
    public static void main(String[] args) throws Exception {
        String agentJar = args[0];
        int closedPort = Integer.parseInt(args[1]);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long deadline = System.nanoTime() + 60_000_000_000L;
        ObjectName agent = new ObjectName("rstwatch:type=Agent");
        while (!instrumented(server, agent) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // With capture running, JNA's cleaner thread (a Thread subclass of the agent's loader) is a way in: the walk
        // then goes through the agent's loader into every static field of every agent class.
        while (System.nanoTime() < deadline
                && capturing(server)
                && Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals("JNA Cleaner"))) {
            Thread.sleep(20);
        }
        Class<?> hook = Class.forName("jdk.internal.misc.RstwatchConnectHook", false, null);
        System.out.println("bridge in exported java.net: " + exists("java.net.RstwatchConnectHook"));
        for (Field f : hook.getDeclaredFields()) {
            System.out.println("bridge field " + f.getName() + ": "
                    + attempt(() -> {
                        f.setAccessible(true);
                        f.set(null, null);
                    }));
        }
        for (Method m : hook.getDeclaredMethods()) {
            Object[] nulls = new Object[m.getParameterCount()];
            System.out.println("bridge method " + m.getName() + ": " + attempt(() -> m.invoke(null, nulls)));
            System.out.println(
                    "bridge method " + m.getName() + " made accessible: " + attempt(() -> m.setAccessible(true)));
        }

        // The library hook is reachable by design, through a JDK interface: it takes hints, and counts no failure.
        Class<?> library = Class.forName("jdk.internal.misc.RstwatchLibraryHook", false, null);
        for (Field f : library.getDeclaredFields()) {
            System.out.println("library hook field " + f.getName() + ": "
                    + attempt(() -> {
                        f.setAccessible(true);
                        f.set(null, null);
                    }));
        }
        @SuppressWarnings("unchecked")
        BiConsumer<Object, Object> hints = (BiConsumer<Object, Object>) library.getEnumConstants()[0];
        Socket forged = new Socket();
        java.net.InetSocketAddress nowhere = new java.net.InetSocketAddress("127.0.0.1", 9);
        for (int i = 0; i < 1000; i++) {
            hints.accept(forged, null);
            hints.accept(forged, new java.net.ConnectException("Connection refused"));
            hints.accept(null, "not a throwable");
            hints.accept(nowhere, "asked");
            hints.accept(forged, new Object[] {"not an address", "not a time", null}); // the wrong shape
            hints.accept(forged, new Object[] {nowhere, Long.valueOf(System.nanoTime()), Boolean.FALSE});
            hints.accept(forged, Boolean.TRUE); // "connected": a connect time that never was, for its own
        }
        System.out.println("library hook hints given: 7000");

        Map<String, Object> roots = new LinkedHashMap<>();
        roots.put("bridge class", hook);
        roots.put("library hook", hints);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            roots.put("thread " + t.getName(), t);
        }
        for (ObjectName name : server.queryNames(new ObjectName("rstwatch:*"), null)) {
            roots.put("getClassLoaderFor(" + name + ")", server.getClassLoaderFor(name));
        }
        roots.put("application loader", HostileApp.class.getClassLoader());
        List<String> names = Reach.agentClassNames(agentJar);
        System.out.println("reach: " + Reach.from(roots, names));

        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", closedPort), 2000);
        } catch (java.io.IOException expected) {
            System.out.println("connect refused");
        }
        while (System.in.read() >= 0) {
            // wait for the test to close stdin
        }
    }

    private static boolean instrumented(MBeanServer server, ObjectName agent) {
        try {
            return ((String) server.getAttribute(agent, "Status")).contains("connect failures in this JVM counted");
        } catch (Exception notYet) {
            return false;
        }
    }

    private static boolean capturing(MBeanServer server) {
        try {
            return Boolean.TRUE.equals(server.getAttribute(new ObjectName("rstwatch:type=Capture"), "Active"));
        } catch (Exception notYet) {
            return false;
        }
    }

    private interface Attempt {
        void run() throws Throwable;
    }

    private static String attempt(Attempt a) {
        try {
            a.run();
            return "ALLOWED";
        } catch (Throwable t) {
            return "denied (" + t.getClass().getSimpleName() + ")";
        }
    }

    private static String exists(String name) {
        try {
            Class.forName(name, false, null);
            return "yes";
        } catch (ClassNotFoundException e) {
            return "no";
        }
    }
}
