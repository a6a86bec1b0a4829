package io.rstwatch.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstwatch.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The subscription against this host's kernel: yes at first, then no once nothing is queued (the empty socket's
 * EAGAIN told from a failure, which would answer yes every time and read the interfaces at every refresh). That a
 * change is seen is {@code HostChangesIT}'s, on a link of its own.
 */
class InterfaceChangesTest {
    @Test
    void saysYesFirstThenNoOnceTheKernelHasNothingMoreToSay() throws Exception {
        InterfaceChanges changes = new InterfaceChanges();
        assertTrue(changes.happened(), "the first question subscribes, and is answered yes");
        // Another process may change this host's addresses meanwhile: ask until a quiet moment.
        Await.until("a question answered no", Duration.ofSeconds(20), () -> !changes.happened());
    }
}
