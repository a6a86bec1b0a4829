package io.rstwatch.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.rstwatch.common.AgentContext;
import io.rstwatch.common.Part;
import io.rstwatch.config.OptionKeys;
import io.rstwatch.instrument.bridge.ConnectHook;
import io.rstwatch.instrument.bridge.LibraryHook;
import io.rstwatch.jmx.ConnectsMXBean;
import io.rstwatch.jmx.MBeans;
import io.rstwatch.jmx.ObjectNames;
import io.rstwatch.listeners.ListenBacklogs;
import io.rstwatch.ports.PortRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.URI;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.SimpleRemapper;
import net.bytebuddy.pool.TypePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-JVM connects part. Instruments the JDK's TCP connect paths: java.net.Socket.connect (JDBC drivers,
 * Apache HttpClient, OkHttp) and sun.nio.ch.SocketChannelImpl connect/blockingConnect/finishConnect
 * (java.net.http.HttpClient, Netty NIO), the server sockets' bind (this JVM's listen backlogs), and the
 * constructors of java.net.SocketException (the failures of Netty's native transports, which connect through JNI),
 * InetAddress's look-up in the name service (why a name did not resolve; a connect to a name that did not
 * resolve fails at its connect, as an unresolved address), InetSocketAddress's constructor (such an address, made)
 * and InetAddress.getAllByName (a name looked up with no connect after it: a driver's, a library's resolver).
 * Where connects run on a library's own threads, the places that start them tell {@link Origins} who asked:
 * SocketChannelImpl's client constructor, HttpClientImpl.sendAsync, DefaultProxySelector.select (OkHttp), Netty's
 * Bootstrap.doResolveAndConnect and Netty's native socket (io.netty.channel.unix.Socket; shaded copies too).
 * That native socket's connect and finishConnect are rewritten too: a failure names the socket that failed, a
 * return times the connect. Netty's io_uring transport reports a failed connect in
 * AbstractIoUringChannel$AbstractUringUnsafe.connectComplete; those three are the library classes rewritten.
 *
 * <p>The inlined advice can only see classes of java.base, so the bridge class is renamed into jdk.internal.misc
 * (see {@link ConnectHook} for why there) and defined through a private lookup: the agent opens that package to
 * its own module only, with its Instrumentation. Nothing is appended to the bootstrap class path, so no CDS
 * warning. The Instrumentation is used here, during start, and kept nowhere: nothing the application or a plugin
 * can reach leads to it.
 */
public final class ConnectInstrumentation implements Part {
    static final String BRIDGE = "jdk.internal.misc.RstwatchConnectHook";
    static final String LIBRARY_BRIDGE = ConnectAdvice.LIBRARY_HOOK;
    /** A class of the bridge's package, for a private lookup there. */
    private static final String BRIDGE_PACKAGE_ANCHOR = "jdk.internal.misc.VM";

    private static final String SOCKET = "java/net/Socket";
    private static final String CHANNEL_IMPL = "sun/nio/ch/SocketChannelImpl";
    private static final String HTTP_CLIENT = "jdk/internal/net/http/HttpClientImpl";
    private static final String SERVER_SOCKET = "java/net/ServerSocket";
    private static final String PROXY_SELECTOR = "sun/net/spi/DefaultProxySelector";
    private static final String SOCKET_EXCEPTION = "java/net/SocketException";
    private static final String SERVER_CHANNEL_IMPL = "sun/nio/ch/ServerSocketChannelImpl";
    private static final String INET_ADDRESS = "java/net/InetAddress";
    private static final String INET_SOCKET_ADDRESS = "java/net/InetSocketAddress";
    private static final String TLS_CONTEXT = "sun/security/ssl/TransportContext";
    private static final Logger LOG = LoggerFactory.getLogger(ConnectInstrumentation.class);
    /** Netty's classes, found by the end of their names: gRPC and others ship relocated copies. */
    private static final String NATIVE_SOCKET = "io/netty/channel/unix/Socket";

    private static final String BOOTSTRAP = "io/netty/bootstrap/Bootstrap";

    private static final String RING_UNSAFE = "io/netty/channel/uring/AbstractIoUringChannel$AbstractUringUnsafe";

    /** The bridges' sources and their names in java.base. */
    private static final Map<String, String> BRIDGES = Map.of(
            ConnectHook.class.getName().replace('.', '/'),
            BRIDGE.replace('.', '/'),
            LibraryHook.class.getName().replace('.', '/'),
            LIBRARY_BRIDGE.replace('.', '/'));

    private final PortRegistry ports;
    private final ListenBacklogs backlogs;
    /** Until start: then used once and dropped, since this part stays reachable (its status) from the MBeans. */
    private Instrumentation inst;

    private volatile String status = "connect instrumentation not started";

    /** {@code inst} is null for the command line: then nothing is instrumented. */
    public ConnectInstrumentation(PortRegistry ports, ListenBacklogs backlogs, Instrumentation inst) {
        this.ports = ports;
        this.backlogs = backlogs;
        this.inst = inst;
    }

    @Override
    public String name() {
        return "connect instrumentation";
    }

    /** Off the application's main thread, like everything here; a failure leaves the other parts running. */
    @Override
    public void start(AgentContext context) {
        Instrumentation inst = this.inst;
        this.inst = null;
        if (inst == null) {
            status = "no in-JVM connects (standalone)";
            return;
        }
        ConnectRecorder recorder = new ConnectRecorder(
                ConnectInstrumentation.class.getClassLoader(),
                new ConnectEvents(ports, context.events()),
                backlogs,
                context.options().get(OptionKeys.PORTS_IDLE),
                context.options().get(OptionKeys.RATE_WINDOW));
        MBeans.register(ObjectNames.CONNECTS, new ConnectsView(recorder), ConnectsMXBean.class);
        EndpointMBeans endpoints =
                new EndpointMBeans(recorder, context.options().get(OptionKeys.RATE_WINDOW));
        context.sampler().every("refreshing the Endpoint MBeans", 1, TimeUnit.SECONDS, endpoints::everySecond);
        String problem = install(inst, recorder);
        status = problem == null
                ? "connect failures in this JVM counted"
                : "connect failures in this JVM not counted: " + problem;
        if (problem != null) {
            LOG.warn(
                    "cannot instrument the JDK's connect methods ({}); in-JVM connect failures are not"
                            + " counted, the rest keeps working",
                    problem);
        }
    }

    @Override
    public String status() {
        return status;
    }

    /** Installs the advice and points the bridge at {@code recorder}; returns null, or why it could not. */
    static String install(Instrumentation inst, ConnectRecorder recorder) {
        try {
            MethodHandles.Lookup bridgePackage = openBridgePackage(inst);
            MethodHandle[] handles = recorder.handles();
            MethodHandle[] libraryHandles = recorder.libraryHandles();
            if (!installBridge(bridgePackage, ConnectHook.class, handles)
                    || !installBridge(bridgePackage, LibraryHook.class, libraryHandles)) {
                return "the bridge was installed already";
            }
            ClassFileLocator jdk = new JdkClassFiles();
            ClassFileLocator adviceFiles = new RemappingLocator(jdk);
            TypePool advicePool = TypePool.Default.of(adviceFiles);
            AsmVisitorWrapper socket = advice(advicePool, adviceFiles, ConnectAdvice.SocketConnect.class)
                    .on(named("connect").and(takesArguments(SocketAddress.class, int.class)));
            AsmVisitorWrapper channel = new AsmVisitorWrapper.Compound(
                    advice(advicePool, adviceFiles, ConnectAdvice.ChannelConnect.class)
                            .on(named("connect").and(takesArguments(1)).and(takesArgument(0, SocketAddress.class))),
                    advice(advicePool, adviceFiles, ConnectAdvice.BlockingConnect.class)
                            .on(named("blockingConnect").and(takesArguments(2))),
                    advice(advicePool, adviceFiles, ConnectAdvice.FinishConnect.class)
                            .on(named("finishConnect").and(takesArguments(0))),
                    advice(advicePool, adviceFiles, ConnectAdvice.ChannelMade.class)
                            .on(isConstructor().and(takesArguments(2)).and(takesArgument(1, ProtocolFamily.class))));
            AsmVisitorWrapper http = advice(advicePool, adviceFiles, ConnectAdvice.HttpAsk.class)
                    .on(named("sendAsync").and(takesArguments(4)));
            AsmVisitorWrapper proxy = advice(advicePool, adviceFiles, ConnectAdvice.ProxyAsk.class)
                    .on(named("select").and(takesArguments(URI.class)));
            AsmVisitorWrapper nativeSocket = new AsmVisitorWrapper.Compound(
                    advice(advicePool, adviceFiles, ConnectAdvice.NativeSocketMade.class)
                            .on(isConstructor()),
                    advice(advicePool, adviceFiles, ConnectAdvice.NativeSocketConnect.class)
                            .on(named("connect").and(takesArguments(SocketAddress.class))),
                    advice(advicePool, adviceFiles, ConnectAdvice.NativeSocketFinish.class)
                            .on(named("finishConnect").and(takesArguments(0))));
            AsmVisitorWrapper ringUnsafe = advice(advicePool, adviceFiles, ConnectAdvice.RingConnectComplete.class)
                    .on(named("connectComplete").and(takesArguments(byte.class, int.class, int.class, long.class)));
            AsmVisitorWrapper bootstrap = advice(advicePool, adviceFiles, ConnectAdvice.NettyAsk.class)
                    .on(named("doResolveAndConnect").and(takesArguments(SocketAddress.class, SocketAddress.class)));
            Map<String, AsmVisitorWrapper> librarySuffixes =
                    Map.of(NATIVE_SOCKET, nativeSocket, RING_UNSAFE, ringUnsafe, BOOTSTRAP, bootstrap);
            AsmVisitorWrapper serverSocket = advice(advicePool, adviceFiles, ConnectAdvice.ServerSocketBind.class)
                    .on(named("bind").and(takesArguments(SocketAddress.class, int.class)));
            AsmVisitorWrapper serverChannel = advice(advicePool, adviceFiles, ConnectAdvice.ChannelBind.class)
                    .on(named("bind").and(takesArguments(SocketAddress.class, int.class)));
            AsmVisitorWrapper socketException = advice(advicePool, adviceFiles, ConnectAdvice.SocketExceptionMade.class)
                    .on(isConstructor());
            AsmVisitorWrapper resolver = new AsmVisitorWrapper.Compound(
                    advice(advicePool, adviceFiles, ConnectAdvice.ResolverLookup.class)
                            .on(named("getAddressesFromNameService").and(takesArgument(0, String.class))),
                    advice(advicePool, adviceFiles, ConnectAdvice.NameLookup.class)
                            .on(named("getAllByName").and(takesArguments(String.class))));
            AsmVisitorWrapper address = advice(advicePool, adviceFiles, ConnectAdvice.AddressMade.class)
                    .on(isConstructor().and(takesArguments(String.class, int.class)));
            AsmVisitorWrapper tls = new AsmVisitorWrapper.Compound(
                    advice(advicePool, adviceFiles, ConnectAdvice.TlsFatal.class)
                            .on(named("fatal").and(takesArguments(4)).and(takesArgument(2, boolean.class))),
                    advice(advicePool, adviceFiles, ConnectAdvice.TlsDone.class)
                            .on(named("finishHandshake").and(takesArguments(0))));
            try {
                recorder.readTlsWith(TlsContexts.open(inst));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("TLS handshakes not read ({}): this JDK's JSSE has other fields", e.toString());
            }
            Map<String, AsmVisitorWrapper> byClass = Map.of(
                    SOCKET_EXCEPTION,
                    socketException,
                    SOCKET,
                    socket,
                    CHANNEL_IMPL,
                    channel,
                    HTTP_CLIENT,
                    http,
                    SERVER_SOCKET,
                    serverSocket,
                    SERVER_CHANNEL_IMPL,
                    serverChannel,
                    PROXY_SELECTOR,
                    proxy,
                    INET_ADDRESS,
                    resolver,
                    INET_SOCKET_ADDRESS,
                    address,
                    TLS_CONTEXT,
                    tls);
            Transformer transformer = new Transformer(byClass, librarySuffixes, jdk);
            inst.addTransformer(transformer, true);
            // Those already loaded are rewritten now; the others when they load.
            List<Class<?>> loaded = new ArrayList<>();
            for (Class<?> c : inst.getAllLoadedClasses()) {
                if (transformer.visitorFor(c.getClassLoader(), c.getName().replace('.', '/')) != null
                        && inst.isModifiableClass(c)) {
                    loaded.add(c);
                }
            }
            inst.retransformClasses(loaded.toArray(new Class<?>[0]));
            loadNow(byClass.keySet());
            warmUp();
            return null;
        } catch (Throwable e) {
            return e.toString();
        }
    }

    /**
     * Loads the classes to instrument that the application has not loaded yet, without initialising them, so
     * that they are rewritten here, on the agent's thread. Otherwise the application's first connect would load
     * java.net.Socket and wait for the rewrite, by Byte Buddy not yet compiled (bench/first-connect). One that cannot be
     * loaded (java.net.http left out of a jlinked runtime) is rewritten if it ever loads.
     */
    private static void loadNow(Set<String> internalNames) {
        for (String name : internalNames) {
            try {
                Class.forName(name.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.debug("{} not loaded now ({}): rewritten when it loads", name, e.toString());
            }
        }
    }

    /**
     * Makes one SocketException here, on the agent's thread: its advice calls through the bridge's handle for the
     * first time, and that first call links the call site. Otherwise the application's first refused connect,
     * whose ConnectException is the first made, would pay for the linking.
     */
    private static void warmUp() {
        new java.net.SocketException("rstwatch: the hook's first call");
    }

    /** Only the JDK's own classes (boot or platform loader) are rewritten, never an application's look-alike. */
    static boolean isJdk(ClassLoader loader) {
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    private static Advice advice(TypePool pool, ClassFileLocator files, Class<?> adviceClass) {
        return Advice.to(pool.describe(adviceClass.getName()).resolve(), files);
    }

    /** Whether {@code internalName} is {@code suffix}, or a relocated copy of it (a shaded jar's). */
    static boolean isNamed(String internalName, String suffix) {
        return internalName.endsWith(suffix)
                && (internalName.length() == suffix.length()
                        || internalName.charAt(internalName.length() - suffix.length() - 1) == '/');
    }

    /**
     * Rewrites the instrumented classes with the advice inlined, method bodies only (no new members: classes
     * that are already loaded can only be retransformed so): the JDK's by name, Netty's by the end of their
     * names, in whatever loader. Byte Buddy's AgentBuilder would do the same, but creating it touches
     * sun.misc.Unsafe, which JDK 24+ reports on the application's stderr.
     */
    private static final class Transformer implements ClassFileTransformer {
        private final Map<String, AsmVisitorWrapper> byClass;
        private final Map<String, AsmVisitorWrapper> bySuffix;
        private final ClassFileLocator jdk;

        Transformer(
                Map<String, AsmVisitorWrapper> byClass, Map<String, AsmVisitorWrapper> bySuffix, ClassFileLocator jdk) {
            this.byClass = byClass;
            this.bySuffix = bySuffix;
            this.jdk = jdk;
        }

        /** The advice for a class, or null when it is none of ours to rewrite. */
        AsmVisitorWrapper visitorFor(ClassLoader loader, String className) {
            if (className == null) {
                return null;
            }
            if (isJdk(loader)) {
                return byClass.get(className);
            }
            for (Map.Entry<String, AsmVisitorWrapper> e : bySuffix.entrySet()) {
                if (isNamed(className, e.getKey())) {
                    return e.getValue();
                }
            }
            return null;
        }

        @Override
        public byte[] transform(
                Module module,
                ClassLoader loader,
                String className,
                Class<?> redefined,
                ProtectionDomain domain,
                byte[] classFile) {
            AsmVisitorWrapper visitor = visitorFor(loader, className);
            if (visitor == null) {
                return null;
            }
            try {
                String name = className.replace('/', '.');
                ClassFileLocator locator = isJdk(loader)
                        ? new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile), jdk)
                        : new ClassFileLocator.Compound(
                                ClassFileLocator.Simple.of(name, classFile),
                                jdk,
                                ClassFileLocator.ForClassLoader.of(loader));
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

    /** A full-privilege lookup in the bridge's package, which the agent opens to its own module, and no other. */
    private static MethodHandles.Lookup openBridgePackage(Instrumentation inst) throws ReflectiveOperationException {
        Class<?> anchor = openToTheAgent(inst, BRIDGE_PACKAGE_ANCHOR);
        return MethodHandles.privateLookupIn(anchor, MethodHandles.lookup());
    }

    /** The JDK class {@code name}, its package opened to the agent's module, and no other. */
    static Class<?> openToTheAgent(Instrumentation inst, String name) throws ClassNotFoundException {
        Class<?> anchor = Class.forName(name, false, null);
        Module agent = ConnectInstrumentation.class.getModule();
        inst.redefineModule(
                anchor.getModule(),
                Set.of(),
                Map.of(),
                Map.of(anchor.getPackageName(), Set.of(agent)),
                Set.of(),
                Map.of());
        return anchor;
    }

    /**
     * Defines (once per JVM) a bridge class in its java.base package, where the JDK's connect code sees it, and
     * hands it the recorder's handles through its package-private install method; false if they were given before.
     */
    private static boolean installBridge(MethodHandles.Lookup bridgePackage, Class<?> source, MethodHandle[] handles)
            throws Throwable {
        String sourceName = source.getName().replace('.', '/');
        String name = BRIDGES.get(sourceName).replace('/', '.');
        Class<?> bridge;
        try {
            bridge = Class.forName(name, false, null);
        } catch (ClassNotFoundException notYet) {
            bridge = bridgePackage.defineClass(remap(read(sourceName)));
        }
        MethodType install =
                MethodType.methodType(boolean.class, Collections.nCopies(handles.length, MethodHandle.class));
        return (boolean) bridgePackage.findStatic(bridge, "install", install).invokeWithArguments((Object[]) handles);
    }

    static byte[] read(String internalName) throws IOException {
        try (InputStream in =
                ConnectInstrumentation.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException("no class file for " + internalName);
            }
            return in.readAllBytes();
        }
    }

    /** Renames every reference to the bridges' source classes to their names in java.base. */
    static byte[] remap(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, new SimpleRemapper(BRIDGES)), 0);
        return writer.toByteArray();
    }

    /**
     * Serves the advice classes with the bridges renamed, so the inlined code names java.base's copies; the JDK's
     * classes from {@code jdk}; everything else (the annotations Byte Buddy reads) from the agent's loader, which
     * reads its jar without a URL too.
     */
    private static final class RemappingLocator implements ClassFileLocator {
        private final ClassFileLocator others;

        RemappingLocator(ClassFileLocator jdk) {
            this.others = new ClassFileLocator.Compound(
                    jdk, ClassFileLocator.ForClassLoader.of(ConnectInstrumentation.class.getClassLoader()));
        }

        @Override
        public Resolution locate(String name) throws IOException {
            if (name.startsWith(ConnectAdvice.class.getName())) {
                return new Resolution.Explicit(remap(read(name.replace('.', '/'))));
            }
            return others.locate(name);
        }

        @Override
        public void close() {}
    }
}
