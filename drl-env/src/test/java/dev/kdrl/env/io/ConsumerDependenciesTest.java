package dev.kdrl.env.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What an application that depends on drl-env gets. The parent's dependencyManagement pins do not reach such an
 * application (Maven applies only the application's own management to transitive dependencies), so a version this
 * module needs above what its dependencies bring must be a dependency of the module itself. Jackson 3's databind
 * (the YAML reader's) needs the 2.22 annotations (JsonSerializeAs); jackson-databind 2.18, nearer to the
 * application, brings 2.18's, and an application built without this module declaring them failed to read any YAML
 * profile with NoClassDefFoundError (checked with an application depending on drl-env alone: 2.18.2 resolved
 * before, 2.22 after).
 */
class ConsumerDependenciesTest {

    @Test
    void theAnnotationsJackson3NeedsAreADirectDependency() throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element project = doc.getDocumentElement();
        List<String> direct = new ArrayList<>();
        for (int i = 0; i < project.getChildNodes().getLength(); i++) {
            if (project.getChildNodes().item(i) instanceof Element e && e.getTagName().equals("dependencies")) {
                NodeList deps = e.getElementsByTagName("dependency");
                for (int d = 0; d < deps.getLength(); d++) {
                    Element dep = (Element) deps.item(d);
                    direct.add(text(dep, "groupId") + ":" + text(dep, "artifactId"));
                }
            }
        }
        assertThat(direct).contains("tools.jackson.dataformat:jackson-dataformat-yaml",
                "com.fasterxml.jackson.core:jackson-databind", "com.fasterxml.jackson.core:jackson-annotations");
        // and the version the build runs with is the one Jackson 3 needs
        assertThat(Class.forName("com.fasterxml.jackson.annotation.JsonSerializeAs")).isNotNull();
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagName(tag).item(0).getTextContent().trim();
    }
}
