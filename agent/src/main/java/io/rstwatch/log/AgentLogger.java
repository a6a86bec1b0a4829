package io.rstwatch.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An slf4j logger that writes through {@link AgentLog}; also used by pcap4j inside the agent. */
final class AgentLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    /** Libraries' INFO chatter ("Pcap4J successfully loaded...") is only shown at log=debug. */
    private final boolean ours;

    AgentLogger(String name) {
        this.name = name;
        this.ours = name.startsWith("io.rstwatch.");
    }

    @Override
    public boolean isTraceEnabled() {
        return AgentLog.enabled(LogLevel.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return AgentLog.enabled(LogLevel.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return AgentLog.enabled(ours ? LogLevel.INFO : LogLevel.DEBUG);
    }

    @Override
    public boolean isWarnEnabled() {
        return AgentLog.enabled(LogLevel.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return AgentLog.enabled(LogLevel.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        LogLevel at = LogLevel.valueOf(level.name());
        if (at == LogLevel.INFO && !ours) {
            at = LogLevel.DEBUG;
        }
        AgentLog.write(at, MessageFormatter.basicArrayFormat(pattern, args), t);
    }
}
