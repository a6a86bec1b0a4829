package io.rstwatch.plugins;

import io.rstwatch.common.Version;
import io.rstwatch.config.ConfigFiles;
import io.rstwatch.log.AgentLog;
import io.rstwatch.log.LogLevel;
import io.rstwatch.plugin.RstwatchPlugin;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * What a plugin jar holds, found without running any of it but its constructors: whether another user could
 * change it or its settings, its plugin classes in a class loader of their own above the plugin API's, and its
 * settings from {@code NAME.properties} beside {@code NAME.jar}. {@link PluginJar} runs what this finds.
 */
final class PluginLoader {
    /** Why the jar cannot be used, as the end of a sentence that begins "plugin X.jar is disabled: it ...". */
    static final class Refused extends Exception {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    private final Path jar;
    private final String name;
    private final ClassLoader apiLoader;

    PluginLoader(Path jar, ClassLoader apiLoader) {
        this.jar = jar;
        String file = jar.getFileName().toString();
        this.name = file.substring(0, file.length() - ".jar".length());
        this.apiLoader = apiLoader;
    }

    /** NAME of NAME.jar. */
    String name() {
        return name;
    }

    /**
     * The jar's plugins, made in a class loader of their own, which becomes this thread's context class loader
     * (so that their ServiceLoader calls find their classes, and they are handed no other).
     *
     * @throws Refused when another user could change the jar or its settings, it cannot be loaded, or it has none
     */
    List<RstwatchPlugin> plugins() throws Refused {
        String refused = changeableByOthers();
        if (refused != null) {
            throw new Refused(refused);
        }
        List<RstwatchPlugin> plugins = new ArrayList<>();
        try {
            URLClassLoader loader = new URLClassLoader(
                    "rstwatch-plugin-" + name, new URL[] {jar.toUri().toURL()}, apiLoader);
            Thread.currentThread().setContextClassLoader(loader);
            for (RstwatchPlugin p : ServiceLoader.load(RstwatchPlugin.class, loader)) {
                if (p.getClass().getClassLoader() == loader) {
                    plugins.add(p);
                }
            }
        } catch (Throwable t) {
            throw new Refused("could not be loaded: " + AgentLog.describe(t)
                    + " (it must be a jar built against rstwatch-plugin-api " + Version.get() + ")");
        }
        if (plugins.isEmpty()) {
            throw new Refused("has no plugin: add META-INF/services/" + RstwatchPlugin.class.getName()
                    + " naming the implementing class");
        }
        return plugins;
    }

    /** Why the jar or its settings file must not be used (another user could change it), or null. */
    private String changeableByOthers() {
        String jarProblem = ConfigFiles.othersCanChange(jar);
        if (jarProblem != null) {
            return "could be changed by another user, so it is not loaded (" + jarProblem + ")";
        }
        Path file = settingsFile();
        String fileProblem = Files.exists(file) ? ConfigFiles.othersCanChange(file) : null;
        return fileProblem == null
                ? null
                : "has a settings file " + file + " that another user could change, so it is not loaded (" + fileProblem
                        + ")";
    }

    private Path settingsFile() {
        return jar.resolveSibling(name + ".properties");
    }

    /** NAME.properties beside NAME.jar; empty when there is none. */
    Map<String, String> settings() {
        Path file = settingsFile();
        Map<String, String> out = new TreeMap<>();
        if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Collections.unmodifiableMap(out); // no settings
        }
        try {
            Properties p = ConfigFiles.read(file);
            for (String key : p.stringPropertyNames()) {
                out.put(key, p.getProperty(key));
            }
        } catch (IOException | RuntimeException e) {
            AgentLog.write(
                    LogLevel.WARN,
                    "cannot read " + file + " (" + ConfigFiles.why(e) + "); plugin " + name
                            + " starts without settings: make it a regular file of at most 1 MiB",
                    null);
        }
        return Collections.unmodifiableMap(out);
    }
}
