package io.rstwatch.testplugins;

import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;

/** Restores the interrupt flag in every call, as the standard idiom for a caught InterruptedException does. */
public final class InterruptingPlugin implements RstwatchPlugin {
    @Override
    public void onEvent(RstwatchEvent event) {
        Thread.currentThread().interrupt();
    }
}
