package io.rstwatch.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.instrument.Instrumentation;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's package structure, as docs/architecture.md draws it, checked on the compiled main classes. From
 * the bottom up:
 * <ol>
 * <li>foundation: {@code common} (context, parts, /proc, time), {@code config}, {@code log}, {@code jmx} (the
 *     published contract: MXBean interfaces, rows, ObjectNames), {@code decode} (bytes to header fields);</li>
 * <li>{@code host}: what is true of this machine (addresses, interfaces, the ephemeral range, service names, where a
 *     packet comes from);</li>
 * <li>{@code ports}: the Port as a service;</li>
 * <li>{@code listeners}: who listens where (implements the ports' lookup);</li>
 * <li>the sources {@code capture}, {@code kernel}, {@code instrument}, which feed ports and never use each
 *     other; {@code kernel} is a pure source of counters and rates, and uses no ports;</li>
 * <li>{@code alert}: the failed-connection alert, its level, its notification and its sentence, from the kernel's
 *     counters and the ports;</li>
 * <li>{@code plugins}, then the composition root {@code runtime}, then {@code cli};</li>
 * <li>{@code bootstrap} stands apart: on the application's class path, it uses no other package of ours.</li>
 * </ol>
 */
class ArchitectureTest {
    private static final String ROOT = "io.rstwatch";
    private static final List<String> SOURCES = List.of("capture", "kernel", "instrument");
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(ROOT);
    }

    private static String pkg(String name) {
        return ROOT + "." + name + "..";
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void layersOnlyReachDown() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                // ebpf is a library of kernel mechanics (bpf(2), BTF, programs and their counts), as decode is of
                // packets: the parts that feed the ports with what it counts sit above it.
                .layer("Foundation")
                .definedBy(pkg("common"), pkg("config"), pkg("log"), pkg("jmx"), pkg("decode"), pkg("ebpf"))
                .layer("Host")
                .definedBy(pkg("host"))
                .layer("Ports")
                .definedBy(pkg("ports"))
                .layer("Listeners")
                .definedBy(pkg("listeners"))
                .layer("Sources")
                .definedBy(pkg("capture"), pkg("kernel"), pkg("instrument"))
                .layer("Alert")
                .definedBy(pkg("alert"))
                .layer("Plugins")
                .definedBy(pkg("plugins"))
                .layer("Root")
                .definedBy(pkg("runtime"))
                .layer("Cli")
                .definedBy(pkg("cli"))
                .layer("Bootstrap")
                .definedBy(pkg("bootstrap"))
                .whereLayer("Bootstrap")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Root")
                .mayOnlyBeAccessedByLayers("Cli")
                .whereLayer("Plugins")
                .mayOnlyBeAccessedByLayers("Root")
                .whereLayer("Alert")
                .mayOnlyBeAccessedByLayers("Root")
                .whereLayer("Sources")
                .mayOnlyBeAccessedByLayers("Alert", "Root")
                .whereLayer("Listeners")
                .mayOnlyBeAccessedByLayers("Sources", "Root")
                .whereLayer("Ports")
                .mayOnlyBeAccessedByLayers("Listeners", "Sources", "Alert", "Root")
                .whereLayer("Host")
                .mayOnlyBeAccessedByLayers("Ports", "Listeners", "Sources", "Root")
                .check(classes);
    }

    @Test
    void theKernelIsAPureSourceOfCountersAndRates() {
        noClasses()
                .that()
                .resideInAPackage(pkg("kernel"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(pkg("ports"), pkg("alert"), pkg("jmx"))
                .check(classes);
    }

    @Test
    void sourcesNeverUseEachOther() {
        for (String source : SOURCES) {
            String[] others = SOURCES.stream()
                    .filter(s -> !s.equals(source))
                    .map(ArchitectureTest::pkg)
                    .toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage(pkg(source))
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others)
                    .check(classes);
        }
    }

    @Test
    void theBootstrapUsesNothingOfOursButItself() {
        // It finds the runtime and the command line by name, in the agent's own class loader.
        classes()
                .that()
                .resideInAPackage(pkg("bootstrap"))
                .should()
                .onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + "..").or(resideInAPackage(pkg("bootstrap"))))
                .check(classes);
    }

    @Test
    void theConnectBridgeSeesOnlyTheJdk() {
        // Renamed into jdk.internal.misc and defined in java.base: anything else it named could not be resolved there.
        classes()
                .that()
                .resideInAPackage(pkg("instrument.bridge"))
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", pkg("instrument.bridge"))
                .check(classes);
    }

    @Test
    void noObjectOfTheAgentKeepsTheInstrumentation() {
        // Whatever the application or a plugin reaches by reflection must not lead to it: it is passed as an
        // argument while the agent starts. Only the bootstrap's starting task (its thread ends) and the connect
        // part, until its start takes it (HostileCodeIT walks every reachable field to check the result), hold it.
        noFields()
                .that()
                .areDeclaredInClassesThat(resideOutsideOfPackage(pkg("bootstrap")))
                .and()
                .areDeclaredInClassesThat()
                .doNotHaveFullyQualifiedName(ROOT + ".instrument.ConnectInstrumentation")
                .should()
                .haveRawType(Instrumentation.class)
                .check(classes);
        noClasses()
                .that()
                .resideOutsideOfPackages(pkg("bootstrap"), pkg("runtime"), pkg("instrument"))
                .should()
                .dependOnClassesThat()
                .areAssignableTo(Instrumentation.class)
                .check(classes);
    }

    @Test
    void mxBeanInterfacesHaveGettersOnly() {
        // Read-only by design: a method that is no getter would become a JMX operation (or a writable attribute).
        methods()
                .that()
                .areDeclaredInClassesThat()
                .haveSimpleNameEndingWith("MXBean")
                .should()
                .haveNameMatching("(get|is)[A-Z].*")
                .andShould()
                .haveRawParameterTypes(new Class<?>[0])
                .check(classes);
    }
}
