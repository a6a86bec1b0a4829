package io.rstwatch.testlibs.channel;

import java.net.ConnectException;

/** Named as Netty's is (the agent matches the end of the name): the exception its native transports report. */
public final class AbstractChannel {
    private AbstractChannel() {}

    public static final class AnnotatedConnectException extends ConnectException {
        private static final long serialVersionUID = 1L;

        public AnnotatedConnectException(String message) {
            super(message);
        }
    }
}
