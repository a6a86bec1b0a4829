package io.rstwatch.testplugins;

import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;

/** Throws an exception whose toString() itself throws. */
public final class UnprintablePlugin implements RstwatchPlugin {
    /** An exception that cannot be put into words. */
    public static final class Unprintable extends RuntimeException {
        @Override
        public String toString() {
            throw new IllegalStateException("not today");
        }
    }

    @Override
    public void onEvent(RstwatchEvent event) {
        throw new Unprintable();
    }
}
