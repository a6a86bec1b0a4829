package io.rstwatch.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ListenBacklogsTest {
    @Test
    void theBacklogAskedForIsKeptAndZeroOrLessMeansTheJdkDefault() {
        ListenBacklogs backlogs = new ListenBacklogs();
        backlogs.bound(8080, 128);
        backlogs.bound(8081, 0);
        backlogs.bound(8082, -1);
        assertEquals(128, backlogs.backlog(8080));
        assertEquals(ListenBacklogs.JDK_DEFAULT_BACKLOG, backlogs.backlog(8081));
        assertEquals(ListenBacklogs.JDK_DEFAULT_BACKLOG, backlogs.backlog(8082));
        assertEquals(0, backlogs.backlog(9999), "unknown");
    }

    @Test
    void boundedTheOldestPortGoesFirst() {
        ListenBacklogs backlogs = new ListenBacklogs();
        for (int port = 1; port <= ListenBacklogs.MAX_PORTS + 1; port++) {
            backlogs.bound(port, 10);
        }
        assertEquals(0, backlogs.backlog(1));
        assertEquals(10, backlogs.backlog(2));
        assertEquals(10, backlogs.backlog(ListenBacklogs.MAX_PORTS + 1));
    }
}
