package dev.eventconsumers.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a path of the repository from wherever a test runs: its module's folder or the repository root. */
final class RepositoryPath {
    private RepositoryPath() {
    }

    /**
     * @param relative a path relative to the repository root, e.g. {@code cloudevents/samples}
     * @return that path under the nearest folder, from the working directory up, that has it
     * @throws IllegalStateException when no folder above has it
     */
    static Path find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + relative + " above " + Path.of("").toAbsolutePath());
    }
}
