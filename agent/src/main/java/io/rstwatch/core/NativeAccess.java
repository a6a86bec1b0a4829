package io.rstwatch.core;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;

/**
 * On JDK 24 and later, loading a JNI library from a module without native access prints a warning on the
 * application's stderr (JEP 472). JNA is such a loader, so before it runs we grant native access to the agent's
 * own class loader only: the application's modules are left as they are.
 */
final class NativeAccess {
    private NativeAccess() {
    }

    /** Returns null when done or not needed, else the reason it could not be done. */
    static String enableFor(ClassLoader agentLoader, Instrumentation inst) {
        if (Runtime.version().feature() < 22) {
            return null;
        }
        Module target = agentLoader.getUnnamedModule();
        try {
            Method isEnabled = Module.class.getMethod("isNativeAccessEnabled");
            if ((Boolean) isEnabled.invoke(target)) {
                return null;
            }
            if (inst == null) {
                return "no instrumentation to grant native access";
            }
            Module javaBase = Object.class.getModule();
            inst.redefineModule(javaBase, Set.of(), Map.of(), Map.of("java.lang", Set.of(target)), Set.of(), Map.of());
            Method enable = Module.class.getDeclaredMethod("implAddEnableNativeAccess");
            enable.setAccessible(true);
            enable.invoke(target);
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return e.toString();
        }
    }
}
