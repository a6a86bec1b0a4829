package io.rstwatch.testplugins;

import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;

/** Fails every call: the agent must disable it and carry on. */
public final class ThrowingPlugin implements RstwatchPlugin {
    @Override
    public void onEvent(RstwatchEvent event) {
        throw new IllegalStateException("boom");
    }
}
