package io.rstwatch.testplugins;

import io.rstwatch.plugin.AlertChange;
import io.rstwatch.plugin.ConnectFailure;
import io.rstwatch.plugin.ConnectionReset;
import io.rstwatch.plugin.RefusedConnection;
import io.rstwatch.plugin.RstwatchEvent;
import io.rstwatch.plugin.RstwatchPlugin;

/**
 * A plugin as built against plugin API 1, whose switch over the four kinds of then had no default branch: for any
 * other kind, the code the compiler made throws (MatchException since Java 21, IncompatibleClassChangeError before).
 * Written with instanceof, as the test sources target Java 17 (no pattern switch there).
 */
public final class ApiOnePlugin implements RstwatchPlugin {
    @Override
    public void onEvent(RstwatchEvent event) {
        if (!(event instanceof RefusedConnection
                || event instanceof ConnectionReset
                || event instanceof ConnectFailure
                || event instanceof AlertChange)) {
            throw new IncompatibleClassChangeError(); // what the exhaustive switch does
        }
    }
}
