package io.rstwatch.instrument;

import java.util.Locale;

/**
 * Why a host name did not resolve, from the words the system's resolver gave the JDK (getaddrinfo's gai_strerror,
 * glibc's or musl's, at the end of an UnknownHostException's message).
 */
enum NameFailure {
    /** The name does not exist (NXDOMAIN), or has no address (EAI_NONAME, EAI_NODATA). */
    NOT_KNOWN("not known"),
    /** The resolver did not answer in time, or its server failed (SERVFAIL): EAI_AGAIN. */
    TEMPORARY("temporary failure"),
    /** Anything else, or a failure whose reason was not seen (answered from the JVM's cache since before). */
    OTHER("other");

    /** The short word shown before the resolver's sentence. */
    final String word;

    NameFailure(String word) {
        this.word = word;
    }

    /** The reason in a look-up's failure. */
    static NameFailure of(Throwable thrown) {
        String m = String.valueOf(thrown.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("name or service not known") // glibc EAI_NONAME
                || m.contains("no address associated") // glibc EAI_NODATA
                || m.contains("name does not resolve") // musl EAI_NONAME
                || m.contains("name has no usable address")) { // musl EAI_NODATA
            return NOT_KNOWN;
        }
        if (m.contains("temporary failure")) { // glibc and musl EAI_AGAIN
            return TEMPORARY;
        }
        return OTHER;
    }

    /** "not known: db.invalid: Name or service not known", the word and what the resolver said. */
    String explain(Throwable thrown) {
        String m = thrown.getMessage();
        return m == null || m.isEmpty() ? word : word + ": " + m;
    }
}
