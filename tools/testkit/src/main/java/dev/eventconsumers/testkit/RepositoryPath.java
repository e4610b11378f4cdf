package dev.eventconsumers.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
        Path workingDirectory = Path.of("").toAbsolutePath();
        return lookUp(workingDirectory, relative)
                .orElseThrow(() -> new IllegalStateException("no " + relative + " above " + workingDirectory));
    }

    /**
     * @param start    the folder to start from
     * @param relative a path relative to the repository root
     * @return that path under the nearest folder, from {@code start} up, that has it
     */
    static Optional<Path> lookUp(Path start, String relative) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
