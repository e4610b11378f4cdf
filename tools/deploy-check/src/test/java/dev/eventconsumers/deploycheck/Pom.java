package dev.eventconsumers.deploycheck;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A POM read as DOM, and the few ways the rules walk it: direct children by name, and their trimmed text. */
final class Pom {
    private Pom() {
    }

    /** @return the {@code project} element of the POM in that file */
    static Element parse(Path pom) throws IOException {
        return parse(Files.readString(pom));
    }

    /** @return the {@code project} element of that POM text */
    static Element parse(String xml) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalArgumentException("not a POM: " + e.getMessage(), e);
        }
    }

    /** @return the first direct child of that name, or null */
    static Element child(Element parent, String name) {
        List<Element> all = children(parent, name);
        return all.isEmpty() ? null : all.getFirst();
    }

    /** @return the direct children of that name, in document order */
    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    /** @return the element's trimmed text, or null for no element */
    static String text(Element e) {
        return e == null ? null : e.getTextContent().trim();
    }

    /** @return the trimmed text of the first direct child of that name, or "" without one */
    static String childText(Element parent, String name) {
        Element child = child(parent, name);
        return child == null ? "" : text(child);
    }
}
