package io.rstwatch.examples.portnames;

import io.rstwatch.plugin.PluginContext;
import io.rstwatch.plugin.RstwatchPlugin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Names ports from properties: {@code 7211 = collector-component}. The entries come from the plugin's own
 * settings file (rstwatch-port-names.properties beside the jar) and, when it sets {@code file=PATH}, from that
 * file too, for a list shared by many hosts; the settings file wins where both name a port.
 */
public final class PortNamesPlugin implements RstwatchPlugin {
    private final Map<Integer, String> names = new HashMap<>();

    @Override
    public void start(PluginContext context) throws IOException {
        String shared = context.settings().get("file");
        if (shared != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(context.directory().resolve(Path.of(shared)))) {
                p.load(in);
            }
            add(p.stringPropertyNames(), p::getProperty, context);
        }
        add(context.settings().keySet(), context.settings()::get, context);
        context.log(names.size() + " port names");
    }

    private void add(Iterable<String> keys, java.util.function.Function<String, String> value, PluginContext context) {
        for (String key : keys) {
            if (key.equals("file")) {
                continue;
            }
            try {
                int port = Integer.parseInt(key.trim());
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                names.put(port, value.apply(key).trim());
            } catch (NumberFormatException e) {
                context.log("ignoring '" + key + "': keys are port numbers 1-65535, as in 7211 = collector-component");
            }
        }
    }

    @Override
    public String portName(int port) {
        return names.get(port);
    }
}
