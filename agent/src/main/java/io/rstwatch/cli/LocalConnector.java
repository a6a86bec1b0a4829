package io.rstwatch.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.net.InetAddress;
import java.rmi.server.RemoteObject;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.remote.JMXConnector;
import javax.management.remote.rmi.RMIConnector;
import javax.management.remote.rmi.RMIServer;

/**
 * The one JMX address {@code report} follows: the local connector's own, {@code service:jmx:rmi://127.0.0.1/stub/
 * BASE64}, whose serialized RMI stub points at a loopback port. The target JVM hands the address back through the
 * attach API, so it is the target's to choose: a {@code jndi/ldap} or remote address would have this process, often
 * root, fetch and deserialise data from wherever the target says. So the address must have that form, the stub is
 * read under a filter that admits its three classes only, its endpoint must be a loopback address, and everything
 * read over the connection afterwards passes {@link #RESPONSES}, this process's serialization filter.
 */
final class LocalConnector {
    private static final Pattern FORM =
            Pattern.compile("service:jmx:rmi://(?:127\\.0\\.0\\.1|localhost|\\[::1\\])?/stub/([A-Za-z0-9+/]+=*)");
    private static final Pattern ENDPOINT = Pattern.compile("endpoint:\\[([0-9a-fA-F.:]+):(\\d+)\\]");
    private static final int MAX_ADDRESS = 8192;

    private static final ObjectInputFilter STUB = ObjectInputFilter.Config.createFilter("maxdepth=4;maxrefs=16;"
            + "maxbytes=4096;maxarray=0;javax.management.remote.rmi.RMIServerImpl_Stub;java.rmi.server.RemoteStub;"
            + "java.rmi.server.RemoteObject;!*");

    /**
     * What a JMX client needs to read the rstwatch MBeans, and nothing else: strings, numbers, the open types,
     * JMX's and RMI's own classes and exceptions, a few collections. Bounded in depth, references and size.
     */
    static final String RESPONSES = "maxdepth=40;maxrefs=1000000;maxbytes=268435456;maxarray=1000000;"
            + "java.lang.*;java.util.ArrayList;java.util.Arrays$ArrayList;java.util.HashMap;java.util.LinkedHashMap;"
            + "java.util.TreeMap;java.util.HashSet;java.util.Collections$*;java.util.CollSer;java.util.ImmutableCollections$*;"
            + "java.util.Map$Entry;java.util.KeyValueHolder;java.util.Date;java.math.BigDecimal;"
            + "java.math.BigInteger;java.io.IOException;java.net.*Exception;javax.management.**;java.rmi.**;"
            + "javax.security.auth.Subject;!*";

    private LocalConnector() {}

    /** Connects to the address a target JVM offered, if it is the local connector's; else an IOException. */
    static JMXConnector connect(String address) throws IOException {
        RMIConnector connector = new RMIConnector(stub(address), null);
        connector.connect();
        return connector;
    }

    /**
     * This process's serialization filter, set once before the first connection; false when one was set already
     * (by {@code -Djdk.serialFilter}), which then stays in force.
     */
    static boolean filterResponses() {
        try {
            ObjectInputFilter.Config.setSerialFilter(ObjectInputFilter.Config.createFilter(RESPONSES));
            return true;
        } catch (IllegalStateException setAlready) {
            return false;
        }
    }

    /** The stub of a local connector address; an IOException that says why for any other address. */
    static RMIServer stub(String address) throws IOException {
        Matcher m = FORM.matcher(address == null ? "" : address);
        if (address == null || address.length() > MAX_ADDRESS || !m.matches()) {
            throw refused(address, "it is not the local connector's own form, service:jmx:rmi://127.0.0.1/stub/...");
        }
        Object stub;
        try (ObjectInputStream in = new ObjectInputStream(
                new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))))) {
            in.setObjectInputFilter(STUB);
            stub = in.readObject();
        } catch (IOException | ClassNotFoundException | IllegalArgumentException e) {
            throw refused(address, "its stub is not a plain JMX RMI stub (" + e + ")");
        }
        if (!(stub instanceof RMIServer) || !(stub instanceof RemoteObject)) {
            throw refused(address, "its stub is not a JMX RMI stub");
        }
        Matcher endpoint = ENDPOINT.matcher(((RemoteObject) stub).getRef().remoteToString());
        if (!endpoint.find() || !isLoopbackLiteral(endpoint.group(1))) {
            throw refused(address, "its stub points away from this host's loopback");
        }
        return (RMIServer) stub;
    }

    private static boolean isLoopbackLiteral(String host) {
        try {
            // digits, dots and colons only (see ENDPOINT): a literal, never a name to resolve
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static IOException refused(String address, String why) {
        String shown = address == null
                ? "none"
                : Printable.clean(address.length() > 120 ? address.substring(0, 120) + "..." : address);
        return new IOException("the JVM offered the JMX address " + shown + ", and " + why + "; rstwatch follows no"
                + " other address, since a jndi, ldap or remote one could make it deserialise data from elsewhere");
    }
}
