package io.rstwatch.examples.collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rstwatch.testing.AgentJvm;
import io.rstwatch.testing.Loopback;
import io.rstwatch.testing.Requirements;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Zabbix template against Debian's real zabbix-java-gateway: the discovery rules find the demo's port 7211 and
 * its own failing endpoint 127.0.0.1:7211, and every item and item prototype key of the template answers with a
 * value, as the Zabbix server would ask.
 */
class ZabbixIT {
    private static final Path GATEWAY = Paths.get("/usr/sbin/zabbix-java-gateway.jar");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @SuppressWarnings("unchecked")
    void discoveryAndEveryTemplateKeyAnswerThroughTheJavaGateway() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (CAP_NET_RAW) for packet capture");
        Requirements.require(Files.isReadable(GATEWAY), "Debian's zabbix-java-gateway");
        Map<String, Object> export =
                YAML.readValue(Paths.get(System.getProperty("zabbix.template")).toFile(), Map.class);
        Map<String, Object> template = ((List<Map<String, Object>>)
                        ((Map<String, Object>) export.get("zabbix_export")).get("templates"))
                .get(0);
        List<String> itemKeys = new ArrayList<>();
        for (Map<String, Object> item : (List<Map<String, Object>>) template.get("items")) {
            assertEquals("JMX", item.get("type"));
            itemKeys.add((String) item.get("key"));
        }
        List<Map<String, Object>> rules = (List<Map<String, Object>>) template.get("discovery_rules");
        Map<String, Object> rule = rules.get(0);
        assertEquals("jmx.discovery[beans,\"rstwatch:type=Port,*\"]", rule.get("key"));
        Map<String, Object> endpointRule = rules.get(1);
        assertEquals("jmx.discovery[beans,\"rstwatch:type=Endpoint,*\"]", endpointRule.get("key"));
        String endpointTemplate = (String) rule.get("jmx_endpoint");

        int jmxPort = Loopback.closedPort();
        int gatewayPort = Loopback.closedPort(); // the gateway accepts 1024-32767 only, as closedPort gives
        Process gateway = new ProcessBuilder(
                        "java",
                        "-Dzabbix.listenIP=127.0.0.1",
                        "-Dzabbix.listenPort=" + gatewayPort,
                        "-Dzabbix.startPollers=2",
                        "-Dzabbix.timeout=5",
                        "-Dsun.rmi.transport.tcp.responseTimeout=5000",
                        "-jar",
                        GATEWAY.toString())
                .redirectErrorStream(true)
                .redirectOutput(Paths.get("target", "zabbix-java-gateway.log").toFile())
                .start();
        try (AgentJvm jvm = AgentJvm.builder()
                .remoteJmx(jmxPort)
                .jar(Paths.get(System.getProperty("demo.jar")))
                .start()) {
            jvm.awaitAttribute("rstwatch:type=Port,scope=local,port=7211", "RefusedTotal", v -> (Long) v >= 3, WAIT);
            jvm.awaitAttribute(
                    "rstwatch:type=Port,scope=local,port=7211",
                    "Diagnosis",
                    v -> ((String) v).contains("refused/s"),
                    WAIT);
            String endpoint = endpointTemplate
                    .replace("{HOST.CONN}", "127.0.0.1")
                    .replace("{HOST.PORT}", Integer.toString(jmxPort));

            // Low-level discovery, as the server asks for it: the port appears with its scope.
            Map<String, Object> row = discoveredOn7211(gatewayPort, endpoint, rule);
            assertEquals("local", row.get("{#JMXSCOPE}"));
            assertEquals("rstwatch:type=Port,scope=local,port=7211", String.valueOf(row.get("{#JMXOBJ}")));

            List<String> keys = new ArrayList<>(itemKeys);
            for (Map<String, Object> p : (List<Map<String, Object>>) rule.get("item_prototypes")) {
                keys.add(((String) p.get("key")).replace("{#JMXSCOPE}", "local").replace("{#JMXPORT}", "7211"));
            }

            // The demo's own connects to 127.0.0.1:7211, as an Endpoint MBean: discovered, and its prototypes answer.
            jvm.awaitAttribute(
                    "rstwatch:type=Endpoint,host=127.0.0.1,port=7211", "RefusedTotal", v -> (Long) v >= 3, WAIT);
            Map<String, Object> dependency = discoveredOn7211(gatewayPort, endpoint, endpointRule);
            assertEquals("127.0.0.1", dependency.get("{#JMXHOST}"));
            String endpointBean = String.valueOf(dependency.get("{#JMXOBJ}"));
            assertEquals("rstwatch:type=Endpoint,host=127.0.0.1,port=7211", endpointBean);
            for (Map<String, Object> p : (List<Map<String, Object>>) endpointRule.get("item_prototypes")) {
                keys.add(((String) p.get("key")).replace("{#JMXOBJ}", endpointBean));
            }
            assertTrue(
                    keys.contains("jmx[\"rstwatch:type=Port,scope=local,port=7211\",RefusedTotal]"), keys.toString());
            List<String> answers = values(gatewayPort, endpoint, keys);
            assertEquals(keys.size(), answers.size());
            for (int i = 0; i < keys.size(); i++) {
                assertNotNull(answers.get(i), keys.get(i) + " has no value");
                assertFalse(answers.get(i).startsWith("ERROR:"), keys.get(i) + " -> " + answers.get(i));
            }
            String refused =
                    answers.get(keys.indexOf("jmx[\"rstwatch:type=Port,scope=local,port=7211\",RefusedTotal]"));
            assertTrue(Long.parseLong(refused) >= 3, refused);
            String diagnosis = answers.get(keys.indexOf("jmx[\"rstwatch:type=Port,scope=local,port=7211\",Diagnosis]"));
            assertTrue(diagnosis.contains("127.0.0.1:7211 (lo); nothing listens there"), diagnosis);
            assertEquals("true", answers.get(keys.indexOf("jmx[\"rstwatch:type=Capture\",Active]")));
            String endpointRefused =
                    answers.get(keys.indexOf("jmx[\"rstwatch:type=Endpoint,host=127.0.0.1,port=7211\",RefusedTotal]"));
            assertTrue(Long.parseLong(endpointRefused) >= 3, endpointRefused);
        } finally {
            gateway.destroy();
            gateway.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** What a discovery rule finds, as the server asks for it: the row whose {#JMXPORT} is 7211. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> discoveredOn7211(int gatewayPort, String endpoint, Map<String, Object> rule)
            throws Exception {
        List<Map<String, Object>> discovered = (List<Map<String, Object>>) JSON.readValue(
                        values(gatewayPort, endpoint, List.of((String) rule.get("key")))
                                .get(0),
                        Map.class)
                .get("data");
        return discovered.stream()
                .filter(r -> "7211".equals(String.valueOf(r.get("{#JMXPORT}"))))
                .findFirst()
                .orElseThrow(() -> new AssertionError(rule.get("key") + " found nothing on 7211: " + discovered));
    }

    /** One request to the Java gateway, as zabbix_server sends it; each value, or "ERROR: ..." for a failed key. */
    @SuppressWarnings("unchecked")
    private static List<String> values(int gatewayPort, String endpoint, List<String> keys) throws Exception {
        StringBuilder json = new StringBuilder("{\"request\":\"java gateway jmx\",\"jmx_endpoint\":")
                .append(quote(endpoint))
                .append(",\"keys\":[");
        for (int i = 0; i < keys.size(); i++) {
            json.append(i == 0 ? "" : ",").append(quote(keys.get(i)));
        }
        String answer = exchange(gatewayPort, json.append("]}").toString());
        Map<String, Object> response = JSON.readValue(answer, Map.class);
        assertEquals("success", response.get("response"), answer);
        List<String> out = new ArrayList<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) response.get("data")) {
            out.add(v.containsKey("error") ? "ERROR: " + v.get("error") : String.valueOf(v.get("value")));
        }
        return out;
    }

    /** The Zabbix protocol: "ZBXD", flags 1, 4-byte little-endian length, 4 reserved bytes, then the JSON. */
    private static String exchange(int port, String request) throws Exception {
        byte[] body = request.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.setSoTimeout(30000);
                OutputStream out = s.getOutputStream();
                ByteBuffer header = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
                header.put("ZBXD".getBytes(StandardCharsets.US_ASCII))
                        .put((byte) 1)
                        .putInt(body.length)
                        .putInt(0);
                out.write(header.array());
                out.write(body);
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] h = new byte[13];
                in.readFully(h);
                assertEquals("ZBXD", new String(h, 0, 4, StandardCharsets.US_ASCII));
                int length =
                        ByteBuffer.wrap(h, 5, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                byte[] answer = new byte[length];
                in.readFully(answer);
                return new String(answer, StandardCharsets.UTF_8);
            } catch (java.net.ConnectException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200); // the gateway is still starting
            }
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
