package io.rstwatch.testapps;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * What hostile code in the same JVM can reach by reflection alone (no --add-opens): a breadth-first walk over
 * every field it can make accessible, from the roots it is given, through the static fields of every class it
 * meets and of every rstwatch class a class loader it meets will load. It reports the first path to the agent's
 * Instrumentation. The agent's class loader is no goal in itself: a JVM offers too many ways to it (a library's
 * thread subclass, a stack walk during a callback), so the walk goes through it, into every static field of
 * every agent class.
 */
public final class Reach {
    private static final int LIMIT = 2_000_000;

    private final Map<Object, String> seen = new IdentityHashMap<>();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final List<String> classNames;
    private int blocked;
    private boolean agentLoaderReached;

    private Reach(List<String> classNames) {
        this.classNames = classNames;
    }

    /** Every rstwatch class name in the agent jar, its isolated ones (inst/*.classdata) included. */
    public static List<String> agentClassNames(String agentJar) throws Exception {
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(agentJar)) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String n = e.nextElement().getName();
                if (n.startsWith("inst/")) {
                    n = n.substring("inst/".length());
                }
                if (n.startsWith("io/rstwatch/") && (n.endsWith(".classdata") || n.endsWith(".class"))) {
                    names.add(n.substring(0, n.lastIndexOf('.')).replace('/', '.'));
                }
            }
        }
        return names;
    }

    /** "instrumentation via PATH", or "nothing in N objects (M fields closed; the agent's loader reached: yes)". */
    public static String from(Map<String, Object> roots, List<String> classNames) {
        Reach r = new Reach(classNames);
        for (Map.Entry<String, Object> root : roots.entrySet()) {
            r.add(root.getValue(), root.getKey());
        }
        return r.walk();
    }

    private void add(Object o, String path) {
        if (o != null && !seen.containsKey(o) && seen.size() < LIMIT) {
            seen.put(o, path);
            queue.add(o);
        }
    }

    private String walk() {
        while (!queue.isEmpty()) {
            Object o = queue.poll();
            String path = seen.get(o);
            if (o instanceof Instrumentation) {
                return "instrumentation via " + path;
            }
            if (o instanceof Class<?>) {
                Class<?> c = (Class<?>) o;
                add(c.getClassLoader(), path + ".getClassLoader()");
                fields(c, null, path);
                continue;
            }
            if (o instanceof ClassLoader) {
                ClassLoader loader = (ClassLoader) o;
                agentLoaderReached |= "rstwatch".equals(loader.getName());
                for (String name : classNames) {
                    try {
                        add(Class.forName(name, false, loader), path + ".loadClass(" + name + ")");
                    } catch (Throwable notThere) {
                        // not visible from this loader
                    }
                }
                add(loader.getParent(), path + ".getParent()");
            }
            if (o instanceof Thread) {
                add(((Thread) o).getContextClassLoader(), path + ".getContextClassLoader()");
            }
            if (o.getClass().isArray()) {
                if (!o.getClass().getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(o); i++) {
                        add(Array.get(o, i), path + "[" + i + "]");
                    }
                }
                continue;
            }
            add(o.getClass(), path + ".getClass()");
            for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
                fields(c, o, path);
            }
        }
        return "nothing in " + seen.size() + " objects (" + blocked + " fields closed; the agent's loader reached: "
                + (agentLoaderReached ? "yes" : "no") + ")";
    }

    /** The instance fields of {@code o} declared by {@code c}, or its static fields when {@code o} is null. */
    private void fields(Class<?> c, Object o, String path) {
        Field[] fields;
        try {
            fields = c.getDeclaredFields();
        } catch (Throwable e) {
            return;
        }
        for (Field f : fields) {
            if (f.getType().isPrimitive() || Modifier.isStatic(f.getModifiers()) != (o == null)) {
                continue;
            }
            try {
                f.setAccessible(true);
                add(f.get(o), path + (o == null ? " " + c.getName() + "." : ".") + f.getName());
            } catch (Throwable closed) {
                blocked++;
            }
        }
    }
}
