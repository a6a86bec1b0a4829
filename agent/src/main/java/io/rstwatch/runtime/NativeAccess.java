package io.rstwatch.runtime;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * On JDK 24 and later, loading a JNI library from code without native access prints a warning on the
 * application's stderr (JEP 472), and all unnamed modules share one switch, which is the application's to set.
 * So JNA is put in a named module of its own ({@code com.sun.jna}, in a module layer mapped to the agent's class
 * loader) and native access is granted to that module alone. The public way to grant it is itself a restricted
 * method (and would warn), so the agent uses its Instrumentation to reach the JDK's internal one. Must run before
 * any JNA class is loaded. The command line needs none of this: its manifest says Enable-Native-Access.
 */
final class NativeAccess {
    static final String JNA_MODULE = "com.sun.jna";
    private static final Set<String> JNA_PACKAGES =
            Set.of("com.sun.jna", "com.sun.jna.ptr", "com.sun.jna.win32", "com.sun.jna.internal");

    private NativeAccess() {}

    /** Returns null when done, else what went wrong (JNA then stays in the unnamed module and may warn). */
    static String isolateJna(ClassLoader agentLoader, Instrumentation inst) {
        try {
            ModuleDescriptor.Builder builder =
                    ModuleDescriptor.newOpenModule(JNA_MODULE).requires("java.logging");
            if (ModuleLayer.boot().findModule("java.desktop").isPresent()) {
                builder.requires("java.desktop"); // JNA's AWT helpers name AWT types
            }
            for (String p : JNA_PACKAGES) {
                builder.exports(p);
            }
            ModuleDescriptor descriptor = builder.packages(JNA_PACKAGES).build();
            Configuration cf = ModuleLayer.boot()
                    .configuration()
                    .resolve(new SingleModuleFinder(descriptor), ModuleFinder.of(), Set.of(JNA_MODULE));
            ModuleLayer.Controller controller =
                    ModuleLayer.defineModules(cf, List.of(ModuleLayer.boot()), name -> agentLoader);
            Module jna = controller.layer().findModule(JNA_MODULE).orElseThrow();
            // JNA reflects on and binds natives for pcap4j's and the agent's classes, in the loader's unnamed module.
            controller.addReads(jna, agentLoader.getUnnamedModule());
            if (Runtime.version().feature() >= 22) {
                Module agent = NativeAccess.class.getModule();
                inst.redefineModule(
                        Object.class.getModule(),
                        Set.of(),
                        Map.of(),
                        Map.of("java.lang", Set.of(agent)),
                        Set.of(),
                        Map.of());
                Method grant = Module.class.getDeclaredMethod("implAddEnableNativeAccess");
                grant.setAccessible(true);
                grant.invoke(jna);
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return e.toString();
        }
    }

    /** Finds just the one module, whose classes the agent's loader already knows how to find. */
    private static final class SingleModuleFinder implements ModuleFinder {
        private final ModuleReference reference;

        SingleModuleFinder(ModuleDescriptor descriptor) {
            this.reference = new ModuleReference(descriptor, URI.create("rstwatch:" + descriptor.name())) {
                @Override
                public ModuleReader open() {
                    return new ModuleReader() {
                        @Override
                        public Optional<URI> find(String name) {
                            return Optional.empty();
                        }

                        @Override
                        public Stream<String> list() {
                            return Stream.empty();
                        }

                        @Override
                        public void close() throws IOException {}
                    };
                }
            };
        }

        @Override
        public Optional<ModuleReference> find(String name) {
            return reference.descriptor().name().equals(name) ? Optional.of(reference) : Optional.empty();
        }

        @Override
        public Set<ModuleReference> findAll() {
            return Set.of(reference);
        }
    }
}
