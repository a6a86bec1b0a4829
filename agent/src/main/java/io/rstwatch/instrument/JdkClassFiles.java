package io.rstwatch.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * The JDK's class files, read from their modules' image, never through a {@code jrt:} URL. Opening such a URL
 * the first time loads the JDK's URL connection classes on the reading thread, which runs every other agent's
 * transformer there; one that itself reads a class file through a URL (the OpenTelemetry agent's, resolving a
 * type's hierarchy) needs the class being loaded, and the JVM throws ClassCircularityError at both: beside that
 * agent the connect advice failed to install about one start in eight. A module of the JDK's own loaders reads
 * its resources without any URL.
 */
final class JdkClassFiles implements ClassFileLocator {
    /** Package name to its module, for the JDK's modules (boot or platform loader) only. */
    private final Map<String, Module> modules = new HashMap<>();

    JdkClassFiles() {
        for (Module module : ModuleLayer.boot().modules()) {
            if (ConnectInstrumentation.isJdk(module.getClassLoader())) {
                for (String pkg : module.getPackages()) {
                    modules.put(pkg, module);
                }
            }
        }
    }

    @Override
    public Resolution locate(String name) throws IOException {
        int dot = name.lastIndexOf('.');
        Module module = dot < 0 ? null : modules.get(name.substring(0, dot));
        if (module == null) {
            return new Resolution.Illegal(name);
        }
        // A class file is never encapsulated: any module may read another's.
        try (InputStream in = module.getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in == null ? new Resolution.Illegal(name) : new Resolution.Explicit(in.readAllBytes());
        }
    }

    @Override
    public void close() {}
}
