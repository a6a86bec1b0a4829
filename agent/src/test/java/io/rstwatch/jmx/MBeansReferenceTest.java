package io.rstwatch.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * docs/mbeans.md is what {@code java -jar rstwatch-agent.jar mbeans} prints, from the MXBean interfaces and their
 * descriptions: an attribute added, renamed or described anew is in the manual, or this fails.
 */
class MBeansReferenceTest {
    @Test
    void theManualsReferenceIsWhatMbeansPrints() throws Exception {
        Path doc = Paths.get(System.getProperty("basedir", "."))
                .toAbsolutePath()
                .getParent()
                .resolve("docs/mbeans.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int start = text.indexOf("### ");
        assertTrue(start >= 0, doc + " has no reference");
        assertEquals(
                Catalog.markdown(),
                text.substring(start),
                "docs/mbeans.md differs from `java -jar rstwatch-agent.jar mbeans`: paste its output below the intro");
    }

    @Test
    void everyAttributeIsDescribed() {
        for (Catalog.Entry e : Catalog.ALL) {
            assertFalse(e.description().isBlank(), e.name());
            for (Catalog.Attribute a : e.attributes()) {
                assertFalse(a.description().isBlank(), e.name() + " " + a.name() + " has no @Description");
            }
        }
    }
}
