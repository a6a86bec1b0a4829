package io.rstwatch.instrument;

import java.io.EOFException;
import java.net.SocketException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Why a TLS handshake failed, from what JSSE made of it: the alert, whether the peer sent it, and the exception the
 * application is handed (with its causes).
 */
enum TlsFailure {
    /** The peer's certificate (or one of its chain) has expired. */
    EXPIRED("expired"),
    /** The peer's certificate is not valid yet (a clock, or a certificate issued ahead). */
    NOT_YET_VALID("not yet valid"),
    /** No trusted chain to the peer's certificate (PKIX): self-signed, an unknown CA, a missing intermediate. */
    UNTRUSTED("untrusted"),
    /** The certificate is valid, but not for the name or address connected to. */
    HOSTNAME_MISMATCH("hostname mismatch"),
    /** No protocol version or cipher suite in common, or no TLS at all on the other end (a plain port). */
    PROTOCOL("protocol or cipher mismatch"),
    /** The peer sent a fatal alert (it rejected this side: a client certificate it wants, say). */
    PEER_ALERT("peer's alert"),
    /** The peer closed the connection during the handshake. */
    PEER_CLOSED("peer closed"),
    OTHER("other");

    /** The short word shown before the sentence. */
    final String word;

    TlsFailure(String word) {
        this.word = word;
    }

    /**
     * The reason, {@code alert} being the alert's name (HANDSHAKE_FAILURE, ...), {@code fromPeer} whether the peer
     * sent it, {@code thrown} the exception the application gets.
     */
    static TlsFailure of(String alert, boolean fromPeer, Throwable thrown) {
        for (Throwable t = thrown; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || reason(t, "EXPIRED")) {
                return EXPIRED;
            }
            if (t instanceof CertificateNotYetValidException || reason(t, "NOT_YET_VALID")) {
                return NOT_YET_VALID;
            }
        }
        for (Throwable t = thrown; t != null && t.getCause() != t; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.startsWith("No subject alternative") || m.startsWith("No name matching")) {
                return HOSTNAME_MISMATCH;
            }
            if (t instanceof CertPathBuilderException
                    || t instanceof CertPathValidatorException
                    || m.contains("PKIX path")
                    || m.contains("unable to find valid certification path")) {
                return UNTRUSTED;
            }
        }
        if (fromPeer) {
            return PEER_ALERT;
        }
        for (Throwable t = thrown; t != null && t.getCause() != t; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof EOFException
                    || t instanceof SocketException
                    || m.contains("Remote host terminated the handshake")) {
                return PEER_CLOSED;
            }
            if (m.contains("Unsupported or unrecognized SSL message") // an SSLSocket's words for a plain port
                    || m.contains("Unrecognized SSL message") // an SSLEngine's
                    || m.contains("No appropriate protocol")
                    || m.contains("protocol is disabled")
                    || m.contains("no cipher suites in common")
                    || m.contains("No negotiable cipher suite")) {
                return PROTOCOL;
            }
        }
        return "PROTOCOL_VERSION".equals(alert) || "INSUFFICIENT_SECURITY".equals(alert) ? PROTOCOL : OTHER;
    }

    private static boolean reason(Throwable t, String basicReason) {
        return t instanceof CertPathValidatorException
                && basicReason.equals(String.valueOf(((CertPathValidatorException) t).getReason())
                        .toUpperCase(Locale.ROOT));
    }

    /**
     * "untrusted: PKIX path building failed: ..." : the word and the deepest message that says more than its cause;
     * the peer's alert named as JSSE names it.
     */
    String explain(String alert, Throwable thrown) {
        if (this == PEER_ALERT) {
            return word + ": " + alert.toLowerCase(Locale.ROOT);
        }
        String message = null;
        for (Throwable t = thrown; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isEmpty()) {
                message = t.getMessage();
                if (t.getCause() == null || !message.equals(String.valueOf(t.getCause()))) {
                    break; // says more than "java.io.EOFException: ..." of its cause
                }
            }
        }
        return message == null ? word : word + ": " + message;
    }
}
