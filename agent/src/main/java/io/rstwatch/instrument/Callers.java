package io.rstwatch.instrument;

import java.security.CodeSource;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Finds the code behind a connect, and the library it called to make it, reading the stack from the connect down:
 * <ol>
 * <li>the first frame of the application's packages ({@link ApplicationCode}), however many library layers are
 *     above it (a driver under a pool under an ORM under Spring);
 * <li>else the first frame of unknown code that called into a known library, or into code of another jar (its
 *     CodeSource) than the first frame outside the JDK;
 * <li>else the first frame outside the JDK, called directly;
 * <li>else, when only libraries and the JDK are on the stack (an I/O thread of Kafka, Netty, the JDK's
 *     HttpClient), the thread's name and the library frame that connected.
 * </ol>
 * In the last case the connect was started elsewhere: {@link Origins} may know by whom.
 * Connects made by the agent itself or by JMX/RMI tooling are not the application's: for them, {@link #find} is
 * null. A walk stops at its answer; {@link ConnectRecorder} walks again for a thread only when its window passed.
 */
public final class Callers {
    /** Deep enough for Spring's stacks, whose application frame may be 150 frames below the connect. */
    private static final int MAX_FRAMES = 256;

    private final ClassLoader agentLoader;
    private final ApplicationCode code;
    private final StackWalker walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** The code that connected, and the library it went through ("" when the call came straight from it). */
    public static final class Caller {
        final String frame;
        final String library;
        /** No code was found: {@link #frame} names the thread, which only libraries and the JDK were running. */
        final boolean thread;
        /** Made once: every failure of a connect storm hands the same text on. */
        private final String text;

        Caller(String frame, String library) {
            this(frame, library, false);
        }

        private Caller(String frame, String library, boolean thread) {
            this.frame = frame;
            this.library = library;
            this.thread = thread;
            this.text = library.isEmpty() ? frame : frame + " via " + library;
        }

        /** The thread that connected, when no code of the application or of unknown origin was on its stack. */
        static Caller ofThread(String threadName, String library) {
            return new Caller("thread " + threadName, library, true);
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

    Callers(ClassLoader agentLoader, ApplicationCode code) {
        this.agentLoader = agentLoader;
        this.code = code;
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
        StackWalker.StackFrame first = null; // the first frame outside the JDK (glue aside)
        StackWalker.StackFrame firstLibrary = null; // the known library frame nearest the connect
        StackWalker.StackFrame called = null; // the frame just above: what the next frame called
        ApplicationCode.Kind calledKind = null;
        Caller byCode = null; // rule 2's answer, should no frame of the application's packages come
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
            if (ConnectInstrumentation.isJdk(c.getClassLoader()) || Throwable.class.isAssignableFrom(c)) {
                continue; // the JDK, or an exception's constructor reporting a failure (Netty's native ones)
            }
            ApplicationCode.Kind kind = code.kind(n);
            if (kind == ApplicationCode.Kind.GLUE) {
                continue;
            }
            if (kind == ApplicationCode.Kind.APPLICATION) {
                return new Caller(render(f), called == null ? "" : render(called));
            }
            if (kind == ApplicationCode.Kind.LIBRARY) {
                firstLibrary = firstLibrary == null ? f : firstLibrary;
            } else if (byCode == null
                    && called != null
                    && (calledKind == ApplicationCode.Kind.LIBRARY || !sameCode(first.getDeclaringClass(), c))) {
                byCode = new Caller(render(f), render(called));
                if (!code.knowsApplication()) {
                    return byCode;
                }
            }
            first = first == null ? f : first;
            called = f;
            calledKind = kind;
        }
        if (byCode != null) {
            return byCode;
        }
        if (first != null && first != firstLibrary) {
            return new Caller(render(first), "");
        }
        // Libraries and the JDK alone (a Kafka sender, a Netty event loop, an HttpClient selector): the thread.
        return Caller.ofThread(Thread.currentThread().getName(), firstLibrary == null ? "" : render(firstLibrary));
    }

    /** Frames from the agent's recorder down to InetSocketAddress's constructor, with room to spare. */
    private static final int LOOKUP_FRAMES = 16;

    private static final StackWalker NAMES_ONLY = StackWalker.getInstance();

    /**
     * Whether the look-up failing on this thread was made by InetSocketAddress's constructor (an address that stays
     * unresolved, and throws when connected to): read from the top of the stack, the agent's and the JDK's frames.
     */
    static boolean insideAddressConstructor() {
        return NAMES_ONLY.walk(frames -> frames.limit(LOOKUP_FRAMES)
                .anyMatch(f ->
                        f.getMethodName().equals("<init>") && f.getClassName().equals("java.net.InetSocketAddress")));
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
