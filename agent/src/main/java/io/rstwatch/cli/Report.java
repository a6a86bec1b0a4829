package io.rstwatch.cli;

import io.rstwatch.jmx.AgentMXBean;
import io.rstwatch.jmx.ObjectNames;
import java.io.PrintStream;
import java.util.Map;
import javax.management.JMX;
import javax.management.MBeanServerConnection;

/**
 * {@code report PID}: reads the rstwatch MBeans of a running JVM through the attach API and prints the answer:
 * the agent's status, the alert, the busiest ports with their diagnoses, this JVM's failing callers and why, its
 * connect times and certificates, listeners.
 */
final class Report {
    private Report() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length != 1 || !args[0].matches("\\d+")) {
            err.println("usage: java -jar rstwatch-agent.jar report PID");
            return 2;
        }
        if (!LocalConnector.filterResponses()) {
            err.println("rstwatch: note: a serialization filter was set already (jdk.serialFilter); report reads the"
                    + " target under that one, not its own");
        }
        try (AttachedJvm jvm = AttachedJvm.attach(Long.parseLong(args[0]))) {
            MBeanServerConnection c = jvm.connection();
            if (!c.isRegistered(ObjectNames.AGENT)) {
                err.println("rstwatch: JVM " + args[0] + " has no rstwatch agent: start it with"
                        + " -javaagent:rstwatch-agent.jar, or load it with: java -jar rstwatch-agent.jar attach "
                        + args[0]);
                return 1;
            }
            Answer answer = new Answer(c);
            out.println("JVM " + args[0] + ": "
                    + JMX.newMXBeanProxy(c, ObjectNames.AGENT, AgentMXBean.class)
                            .getStatus());
            out.println();
            out.print(answer.header());
            out.println();
            out.print(answer.ports(true));
            out.println();
            Map<String, Answer.EndpointDetail> endpoints = answer.endpoints();
            out.print(answer.callers(endpoints));
            out.println();
            out.print(answer.connectTimes(endpoints));
            out.println();
            out.print(answer.listeners());
        }
        return 0;
    }
}
