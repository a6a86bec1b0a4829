package io.rstwatch.plugins;

/**
 * The parent of every plugin jar's class loader: the JDK (platform loader) and the io.rstwatch.plugin API, nothing
 * else of the agent's, so a plugin cannot reach the agent's internals or its copies of third-party libraries.
 */
final class PluginApiLoader extends ClassLoader {
    private static final String API = "io.rstwatch.plugin.";
    private final ClassLoader agentLoader;

    PluginApiLoader(ClassLoader agentLoader) {
        super("rstwatch-plugin-api", ClassLoader.getPlatformClassLoader());
        this.agentLoader = agentLoader;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(API) && name.indexOf('.', API.length()) < 0) {
            return agentLoader.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }
}
