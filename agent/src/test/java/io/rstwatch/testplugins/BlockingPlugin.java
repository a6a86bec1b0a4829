package io.rstwatch.testplugins;

import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;

/** Never returns from its first event: its queue fills and the agent must drop, count, and not slow down. */
public final class BlockingPlugin implements RstwatchPlugin {
    @Override
    public void onEvent(RstwatchEvent event) throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
    }
}
