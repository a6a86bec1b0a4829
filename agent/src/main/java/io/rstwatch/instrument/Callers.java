package io.rstwatch.instrument;

import java.security.CodeSource;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Finds the code behind a connect: the first frame outside the JDK and the agent, and — when that frame is in
 * a library — the first frame beyond it in other code (the application's call into the library). Connects
 * made by the agent itself or by JMX/RMI tooling are not the application's: for them, {@link #find} is null.
 */
public final class Callers {
    private static final int MAX_FRAMES = 64;
    private final ClassLoader agentLoader;
    private final StackWalker walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** The code that connected, and the library it went through ("" when the call came straight from it). */
    public static final class Caller {
        final String frame;
        final String library;
        /** Made once: every failure of a connect storm hands the same text on. */
        private final String text;

        Caller(String frame, String library) {
            this.frame = frame;
            this.library = library;
            this.text = library.isEmpty() ? frame : frame + " via " + library;
        }

        /** "com.example.Poller.poll(Poller.java:42)". */
        public String frame() {
            return frame;
        }

        /** The library frame between the caller and the JDK, or "". */
        public String library() {
            return library;
        }

        @Override
        public String toString() {
            return text;
        }

        /** The same code by the same route: each thread finds its own Caller, a storm's threads the same one. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Caller && ((Caller) o).text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }

    Callers(ClassLoader agentLoader) {
        this.agentLoader = agentLoader;
    }

    /** The caller of the connect on this thread, or null when it is not the application's. */
    Caller find() {
        return walker.walk(this::callerIn);
    }

    /**
     * Reads the stack from the top and stops at the answer: the walker fetches frames as they are asked for. The
     * frames are counted here rather than with {@code limit}, whose iterator buffers through three more stream
     * classes per walk, for the JIT to compile and the GC to collect.
     */
    private Caller callerIn(Stream<StackWalker.StackFrame> stack) {
        Iterator<StackWalker.StackFrame> frames = stack.iterator();
        StackWalker.StackFrame first = null;
        boolean recorder = true; // the top frames are the agent's recorder itself
        for (int read = 0; read < MAX_FRAMES && frames.hasNext(); read++) {
            StackWalker.StackFrame f = frames.next();
            Class<?> c = f.getDeclaringClass();
            String n = c.getName();
            if (recorder && c.getClassLoader() == agentLoader) {
                continue;
            }
            recorder = false;
            if (c.getClassLoader() == agentLoader
                    || n.startsWith("sun.rmi.")
                    || n.startsWith("javax.management.remote.")
                    || n.startsWith("com.sun.jmx.")) {
                return null;
            }
            if (ConnectInstrumentation.isJdk(c.getClassLoader())) {
                continue;
            }
            if (first == null) {
                first = f;
            } else if (!sameCode(first.getDeclaringClass(), c)) {
                return new Caller(render(f), render(first));
            }
        }
        if (first != null) {
            return new Caller(render(first), "");
        }
        // JDK code alone (an HttpClient selector thread): name the thread instead.
        return new Caller("thread " + Thread.currentThread().getName(), "");
    }

    private static boolean sameCode(Class<?> a, Class<?> b) {
        CodeSource x = a.getProtectionDomain().getCodeSource();
        CodeSource y = b.getProtectionDomain().getCodeSource();
        return x != null
                && y != null
                && x.getLocation() != null
                && x.getLocation().equals(y.getLocation());
    }

    static String render(StackWalker.StackFrame f) {
        String file = f.getFileName();
        return f.getClassName() + "." + f.getMethodName() + "("
                + (file == null ? "Unknown Source" : file + (f.getLineNumber() > 0 ? ":" + f.getLineNumber() : ""))
                + ")";
    }
}
