package io.rstwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Base64;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which JMX addresses report follows (the local connector's form only), and what it prints of a target's text. */
class LocalConnectorTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "service:jmx:rmi:///jndi/ldap://127.0.0.1:1389/cn=x",
                "service:jmx:rmi:///jndi/rmi://127.0.0.1:1099/jmxrmi",
                "service:jmx:iiop://127.0.0.1/stub/rO0ABQ==",
                "service:jmx:rmi://192.0.2.1/stub/rO0ABQ==",
                "service:jmx:rmi://127.0.0.1/stub/not*base64",
                "service:jmx:jmxmp://127.0.0.1:9999",
                ""
            })
    void anyOtherFormIsRefusedWithoutConnecting(String address) {
        IOException e = assertThrows(IOException.class, () -> LocalConnector.stub(address));
        assertTrue(e.getMessage().contains("rstwatch follows no other address"), e.getMessage());
    }

    @Test
    void aStubOfAnyOtherClassIsNeverDeserialised() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new HashMap<>());
        }
        String address =
                "service:jmx:rmi://127.0.0.1/stub/" + Base64.getEncoder().encodeToString(bytes.toByteArray());
        IOException e = assertThrows(IOException.class, () -> LocalConnector.stub(address));
        assertTrue(e.getMessage().contains("REJECTED"), e.getMessage());
    }

    @Test
    void controlCharactersAndBidiOverridesArePrintedAsQuestionMarks() {
        assertEquals("a?[31mred??b?c?", Printable.clean("a\u001b[31mred\r\nb\u202Ec\u009b"));
        String plain = "java -jar app.jar --port=8080 é ü 日本";
        assertTrue(plain == Printable.clean(plain), "clean text is returned as it is");
    }
}
