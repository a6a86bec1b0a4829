package io.rstwatch.examples.isolated;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application that ships its own slf4j 1.7 (with slf4j-simple), byte-buddy 1.14 and JNA 5.14 — all different
 * from the agent's — and uses each of them. It prints one line per library saying which version answered, and
 * then waits until stdin closes, so a test can read the agent's MBeans meanwhile.
 */
public final class IsolatedApp {
    /** The C library, through the application's own JNA. */
    public interface CLibrary extends Library {
        int getpid();
    }

    public static void main(String[] args) throws Exception {
        Logger log = LoggerFactory.getLogger(IsolatedApp.class);
        log.info("logging through the application's own slf4j binding");
        System.out.println(
                "slf4j binding: " + LoggerFactory.getILoggerFactory().getClass().getName());

        String greeting = new ByteBuddy()
                .subclass(Object.class)
                .method(ElementMatchers.named("toString"))
                .intercept(FixedValue.value("made by byte-buddy"))
                .make()
                .load(IsolatedApp.class.getClassLoader())
                .getLoaded()
                .getDeclaredConstructor()
                .newInstance()
                .toString();
        System.out.println("byte-buddy: " + greeting + " " + version(ByteBuddy.class));

        CLibrary c = Native.load("c", CLibrary.class);
        boolean samePid = c.getpid() == ProcessHandle.current().pid();
        System.out.println("jna: " + Native.VERSION + " getpid matches " + samePid);
        System.out.println("ready");
        waitForStdinToClose();
    }

    private static String version(Class<?> type) {
        String location =
                type.getProtectionDomain().getCodeSource().getLocation().getPath();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static void waitForStdinToClose() throws IOException {
        while (System.in.read() >= 0) {
            // the test closes stdin to end the application
        }
    }
}
