package io.rstwatch.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent and its libraries from the {@code inst/} folder of the agent jar, where class files are stored
 * as {@code .classdata}: the application's class loader sees the jar but can neither load nor find these classes,
 * and the agent sees none of the application's (the parent is the platform loader). JNA finds its native library
 * through {@link #getResource}, which answers with {@code jar:} URLs that this loader opens itself.
 *
 * <p>The plugin API ({@code io.rstwatch.plugin}) is defined by a second loader of this class that holds nothing
 * else and knows nothing of the first: the agent loader delegates that package to it, and plugin jars get it as
 * their parent. The agent and its plugins so share the API's types, and nothing a plugin is handed leads to the
 * agent's loader. No static field holds either loader: the application could read it by reflection.
 */
final class AgentClassLoader extends ClassLoader {
    static final String PREFIX = "inst/";
    private static final String CLASS_SUFFIX = ".classdata";
    private static final String API_PACKAGE = "io.rstwatch.plugin.";
    private static final String API_FOLDER = "io/rstwatch/plugin/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final Entries entries = new Entries();
    private final String jarUrl;
    private final ProtectionDomain domain;
    /** Multi-release folders usable on this JDK, newest first ("inst/META-INF/versions/24/"). */
    private final String[] versionPrefixes;

    /** The API's loader for the agent loader; null for the API's loader itself. */
    private final AgentClassLoader api;

    private AgentClassLoader(File file, String name, AgentClassLoader api) throws IOException {
        super(name, ClassLoader.getPlatformClassLoader());
        this.jar = new JarFile(file, false);
        URL url = file.toURI().toURL();
        this.jarUrl = url.toExternalForm();
        this.domain = new ProtectionDomain(new CodeSource(url, (Certificate[]) null), null, this, null);
        this.versionPrefixes = versionPrefixes(jar);
        this.api = api;
    }

    /** The agent's loader for the jar, with the plugin API's loader beside it; create one per JVM. */
    static AgentClassLoader forJar(File file) throws IOException {
        return new AgentClassLoader(file, "rstwatch", new AgentClassLoader(file, "rstwatch-plugin-api", null));
    }

    /** The API's package goes to its own loader; everything else as usual (platform, then this jar). */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (api != null && isApi(name)) {
            return api.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    private static boolean isApi(String className) {
        return className.startsWith(API_PACKAGE) && className.indexOf('.', API_PACKAGE.length()) < 0;
    }

    /** The API's loader defines and finds nothing but the API. */
    private boolean serves(String resource) {
        return api != null || (resource.startsWith(API_FOLDER) && resource.indexOf('/', API_FOLDER.length()) < 0);
    }

    private static String[] versionPrefixes(JarFile jar) {
        int feature = Runtime.version().feature();
        List<Integer> versions = new ArrayList<Integer>();
        String base = PREFIX + "META-INF/versions/";
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (name.startsWith(base)) {
                int slash = name.indexOf('/', base.length());
                if (slash > base.length()) {
                    try {
                        Integer v = Integer.valueOf(name.substring(base.length(), slash));
                        if (v.intValue() <= feature && !versions.contains(v)) {
                            versions.add(v);
                        }
                    } catch (NumberFormatException ignored) {
                        // not a version folder
                    }
                }
            }
        }
        Collections.sort(versions, Collections.reverseOrder());
        String[] prefixes = new String[versions.size()];
        for (int i = 0; i < prefixes.length; i++) {
            prefixes[i] = base + versions.get(i) + "/";
        }
        return prefixes;
    }

    /** Entry name for a resource: classes are stored as .classdata, everything else as is. */
    private static String stored(String resource) {
        if (resource.endsWith(".class")) {
            return resource.substring(0, resource.length() - ".class".length()) + CLASS_SUFFIX;
        }
        return resource;
    }

    private JarEntry find(String resource) {
        if (!serves(resource)) {
            return null;
        }
        String name = stored(resource);
        if (!name.startsWith("META-INF/")) {
            for (String prefix : versionPrefixes) {
                JarEntry e = jar.getJarEntry(prefix + name);
                if (e != null) {
                    return e;
                }
            }
        }
        return jar.getJarEntry(PREFIX + name);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = find(name.replace('.', '/') + ".class");
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        try (InputStream in = jar.getInputStream(entry)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(entry.getSize(), 1024));
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            byte[] bytes = out.toByteArray();
            return defineClass(name, bytes, 0, bytes.length, domain);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    /**
     * A resource of this jar is read straight from it, without a URL connection of the JDK's: see {@link Entries}.
     * The parent holds the JDK alone, whose resources this jar does not have, so looking here first finds what the
     * usual parent-first order would.
     */
    @Override
    public InputStream getResourceAsStream(String name) {
        JarEntry entry = find(name);
        if (entry == null) {
            return super.getResourceAsStream(name);
        }
        try {
            return jar.getInputStream(entry);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected URL findResource(String name) {
        JarEntry entry = find(name);
        return entry == null ? null : url(entry);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null
                ? Collections.<URL>emptyEnumeration()
                : Collections.enumeration(Collections.singletonList(url));
    }

    private URL url(JarEntry entry) {
        try {
            return new URL("jar", "", -1, jarUrl + "!/" + entry.getName(), entries);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    /**
     * Opens this jar's {@code jar:} URLs from the jar file the loader holds, not with the JDK's jar: connection.
     * The agent reads its own files while it starts (slf4j's service lookup, JNA's library, Byte Buddy's class
     * files); loading the JDK's URL connection classes then, for the first time in the JVM, runs every other
     * agent's transformer on that thread, and one that reads a class file through a URL of the same kind needs
     * the class being loaded: the JVM throws ClassCircularityError there and at the agent's read.
     */
    private final class Entries extends URLStreamHandler {
        @Override
        protected URLConnection openConnection(URL url) throws IOException {
            String file = url.getFile();
            int separator = file.indexOf("!/");
            JarEntry entry = separator < 0 ? null : jar.getJarEntry(file.substring(separator + 2));
            if (entry == null) {
                throw new FileNotFoundException(url.toString());
            }
            return new URLConnection(url) {
                @Override
                public void connect() {
                    connected = true;
                }

                @Override
                public InputStream getInputStream() throws IOException {
                    return jar.getInputStream(entry);
                }

                @Override
                public long getContentLengthLong() {
                    return entry.getSize();
                }
            };
        }
    }
}
