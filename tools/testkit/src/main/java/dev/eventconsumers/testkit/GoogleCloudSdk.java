package dev.eventconsumers.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the Google Cloud CLI's SDK root, where its emulators' launchers live ({@code platform/...}): the
 * {@code CLOUDSDK_ROOT_DIR} variable, then what the {@code gcloud} on the {@code PATH} says its root is (Homebrew,
 * snap and archive installs live anywhere), then the folders Debian's and Google's installers use.
 */
public final class GoogleCloudSdk {
    /** The command that installs both emulators on Debian and Ubuntu (Google's apt repository). */
    public static final String INSTALL_HINT = "apt-get install google-cloud-cli-firestore-emulator "
            + "google-cloud-cli-pubsub-emulator, or gcloud components install cloud-firestore-emulator pubsub-emulator";

    private static volatile List<Path> roots;

    private GoogleCloudSdk() {
    }

    /**
     * @param relative a launcher's path below the SDK root, e.g. {@code platform/pubsub-emulator/bin/cloud-pubsub-emulator}
     * @return the launcher, if an SDK with it is installed
     */
    public static Optional<Path> launcher(String relative) {
        for (Path root : roots()) {
            Path script = root.resolve(relative);
            if (Files.isExecutable(script)) {
                return Optional.of(script);
            }
        }
        return Optional.empty();
    }

    /** @return where SDK roots were looked for, in order, for messages */
    public static List<Path> roots() {
        if (roots == null) {
            List<Path> found = new ArrayList<>();
            String configured = System.getenv("CLOUDSDK_ROOT_DIR");
            if (configured != null && !configured.isBlank()) {
                found.add(Path.of(configured));
            }
            gcloudRoot().ifPresent(found::add);
            for (String fixed : List.of("/usr/lib/google-cloud-sdk", "/usr/share/google-cloud-sdk",
                                        "/opt/homebrew/share/google-cloud-sdk", "/usr/local/share/google-cloud-sdk",
                                        "/snap/google-cloud-cli/current",
                                        System.getProperty("user.home") + "/google-cloud-sdk")) {
                Path path = Path.of(fixed);
                if (!found.contains(path)) {
                    found.add(path);
                }
            }
            roots = List.copyOf(found);
        }
        return roots;
    }

    /** @return what {@code gcloud info} says its installation root is, when a gcloud is on the PATH */
    private static Optional<Path> gcloudRoot() {
        try {
            Process gcloud = new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)")
                    .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(gcloud.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!gcloud.waitFor(20, TimeUnit.SECONDS)) {
                gcloud.destroyForcibly();
                return Optional.empty();
            }
            return gcloud.exitValue() == 0 && !out.isEmpty() ? Optional.of(Path.of(out)) : Optional.empty();
        } catch (IOException noGcloud) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
