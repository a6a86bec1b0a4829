package io.rstwatch.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.rstwatch.instrument.bridge.ConnectHook;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instruments the JDK's TCP connect paths: java.net.Socket.connect (JDBC drivers, Apache HttpClient, OkHttp)
 * and sun.nio.ch.SocketChannelImpl connect/blockingConnect/finishConnect (java.net.http.HttpClient, Netty NIO),
 * plus java.net.http's HttpClientImpl.send, to name the caller of connects that client makes on its own threads.
 *
 * <p>The inlined advice can only see classes of java.base, so the bridge class is renamed into java.net and
 * defined there through a private lookup (the agent opens java.net to itself with its Instrumentation): nothing
 * is appended to the bootstrap class path, so no CDS warning.
 */
public final class ConnectInstrumentation {
    static final String BRIDGE = "java.net.RstwatchConnectHook";
    private static final String SOCKET = "java/net/Socket";
    private static final String CHANNEL_IMPL = "sun/nio/ch/SocketChannelImpl";
    private static final String HTTP_CLIENT = "jdk/internal/net/http/HttpClientImpl";
    private static final Logger LOG = LoggerFactory.getLogger(ConnectInstrumentation.class);
    private static final String BRIDGE_SOURCE = ConnectHook.class.getName().replace('.', '/');

    private ConnectInstrumentation() {
    }

    /** Installs the advice and points the bridge at {@code sink}; returns null, or why it could not. */
    public static String install(Instrumentation inst, Consumer<Object[]> sink) {
        if (inst == null) {
            return "no Instrumentation (not started as an agent)";
        }
        try {
            Class<?> bridge = defineBridge(inst);
            bridge.getField("sink").set(null, sink);
            TypePool advicePool = TypePool.Default.of(new RemappingLocator());
            AsmVisitorWrapper socket = advice(advicePool, ConnectAdvice.SocketConnect.class)
                    .on(named("connect").and(takesArguments(SocketAddress.class, int.class)));
            AsmVisitorWrapper channel = new AsmVisitorWrapper.Compound(
                    advice(advicePool, ConnectAdvice.ChannelConnect.class)
                            .on(named("connect").and(takesArguments(1)).and(takesArgument(0, SocketAddress.class))),
                    advice(advicePool, ConnectAdvice.BlockingConnect.class)
                            .on(named("blockingConnect").and(takesArguments(2))),
                    advice(advicePool, ConnectAdvice.FinishConnect.class)
                            .on(named("finishConnect").and(takesArguments(0))));
            AsmVisitorWrapper http = advice(advicePool, ConnectAdvice.HttpSend.class)
                    .on(named("send").and(takesArguments(2)));
            AsmVisitorWrapper serverSocket = advice(advicePool, ConnectAdvice.ServerSocketBind.class)
                    .on(named("bind").and(takesArguments(SocketAddress.class, int.class)));
            AsmVisitorWrapper serverChannel = advice(advicePool, ConnectAdvice.ChannelBind.class)
                    .on(named("bind").and(takesArguments(SocketAddress.class, int.class)));
            Map<String, AsmVisitorWrapper> byClass = Map.of(SOCKET, socket, CHANNEL_IMPL, channel, HTTP_CLIENT, http,
                    "java/net/ServerSocket", serverSocket, "sun/nio/ch/ServerSocketChannelImpl", serverChannel);
            inst.addTransformer(new Transformer(byClass), true);
            // Those already loaded are rewritten now; the others when they load.
            java.util.List<Class<?>> loaded = new java.util.ArrayList<>();
            for (Class<?> c : inst.getAllLoadedClasses()) {
                if (byClass.containsKey(c.getName().replace('.', '/')) && isJdk(c.getClassLoader())) {
                    loaded.add(c);
                }
            }
            inst.retransformClasses(loaded.toArray(new Class<?>[0]));
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError
                | java.lang.instrument.UnmodifiableClassException e) {
            return e.toString();
        }
    }

    /** Only the JDK's own classes (boot or platform loader) are rewritten, never an application's look-alike. */
    static boolean isJdk(ClassLoader loader) {
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    private static Advice advice(TypePool pool, Class<?> adviceClass) {
        return Advice.to(pool.describe(adviceClass.getName()).resolve(), new RemappingLocator());
    }

    /**
     * Rewrites the two JDK classes with the advice inlined, method bodies only (no new members: classes that are
     * already loaded can only be retransformed so). Byte Buddy's AgentBuilder would do the same, but creating it
     * touches sun.misc.Unsafe, which JDK 24+ reports on the application's stderr.
     */
    private static final class Transformer implements ClassFileTransformer {
        private final Map<String, AsmVisitorWrapper> byClass;

        Transformer(Map<String, AsmVisitorWrapper> byClass) {
            this.byClass = byClass;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                ProtectionDomain domain, byte[] classFile) {
            AsmVisitorWrapper visitor = className == null || !isJdk(loader) ? null : byClass.get(className);
            if (visitor == null) {
                return null;
            }
            try {
                String name = className.replace('/', '.');
                ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                        loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader()
                                : ClassFileLocator.ForClassLoader.of(loader));
                return new ByteBuddy()
                        .with(TypeValidation.DISABLED)
                        .with(Implementation.Context.Disabled.Factory.INSTANCE)
                        .with(InstrumentedType.Factory.Default.FROZEN)
                        .redefine(TypePool.Default.of(locator).describe(name).resolve(), locator)
                        .visit(visitor)
                        .make()
                        .getBytes();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("cannot instrument {}: connect failures through it are not counted", className, e);
                return null;
            }
        }
    }

    /** Defines (once per JVM) the bridge class in java.net, where the JDK's connect code can see it. */
    private static Class<?> defineBridge(Instrumentation inst) throws ReflectiveOperationException {
        try {
            return Class.forName(BRIDGE, false, null);
        } catch (ClassNotFoundException notYet) {
            Module agent = ConnectInstrumentation.class.getModule();
            inst.redefineModule(Socket.class.getModule(), Set.of(), Map.of(), Map.of("java.net", Set.of(agent)),
                    Set.of(), Map.of());
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Socket.class, MethodHandles.lookup());
            try {
                return lookup.defineClass(remap(read(BRIDGE_SOURCE)));
            } catch (IllegalAccessException | IOException e) {
                throw new IllegalStateException("cannot define " + BRIDGE, e);
            }
        }
    }

    static byte[] read(String internalName) throws IOException {
        try (InputStream in = ConnectInstrumentation.class.getClassLoader()
                .getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException("no class file for " + internalName);
            }
            return in.readAllBytes();
        }
    }

    /** Renames every reference to the bridge's source class to its java.net name. */
    static byte[] remap(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, new SimpleRemapper(BRIDGE_SOURCE, BRIDGE.replace('.', '/'))), 0);
        return writer.toByteArray();
    }

    /**
     * Serves the advice classes with the bridge renamed, so the inlined code names java.net's copy; everything
     * else (the annotations Byte Buddy reads) from the agent's loader.
     */
    private static final class RemappingLocator implements ClassFileLocator {
        private final ClassFileLocator agent =
                ClassFileLocator.ForClassLoader.of(ConnectInstrumentation.class.getClassLoader());

        @Override
        public Resolution locate(String name) throws IOException {
            if (!name.startsWith(ConnectAdvice.class.getName())) {
                return agent.locate(name);
            }
            return new Resolution.Explicit(remap(read(name.replace('.', '/'))));
        }

        @Override
        public void close() {
        }
    }
}
