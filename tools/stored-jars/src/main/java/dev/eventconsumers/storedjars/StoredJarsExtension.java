package dev.eventconsumers.storedjars;

import com.google.cloud.tools.jib.api.buildplan.ContainerBuildPlan;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.LayerObject;
import com.google.cloud.tools.jib.maven.extension.JibMavenPluginExtension;
import com.google.cloud.tools.jib.maven.extension.MavenData;
import com.google.cloud.tools.jib.plugins.extension.ExtensionLogger;
import com.google.cloud.tools.jib.plugins.extension.JibPluginExtensionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts every jar of the image (the libraries and the service's own jar) into its layer as {@link StoredJars} wrote
 * it, at the same path, with the same permissions, time and owner; nothing else changes. The stored copies live in
 * {@code target/stored-jars/} under their path in the image. Jib's builds stay reproducible: the same jars give the
 * same stored jars, so the image that trains the AOT cache, the image with the cache and the pushed image carry
 * byte-identical jars, which is what the cache's class-path check (size and time) needs.
 *
 * <p>Used in {@code services/pom.xml}: a dependency of the Jib plugin, named in its {@code pluginExtensions}.
 */
public final class StoredJarsExtension implements JibMavenPluginExtension<Void> {

    @Override
    public Optional<Class<Void>> getExtraConfigType() {
        return Optional.empty();
    }

    @Override
    public ContainerBuildPlan extendContainerBuildPlan(ContainerBuildPlan plan, Map<String, String> properties,
            Optional<Void> config, MavenData maven, ExtensionLogger logger) throws JibPluginExtensionException {
        Path storedRoot = Path.of(maven.getMavenProject().getBuild().getDirectory(), "stored-jars");
        List<LayerObject> layers = new ArrayList<>();
        int jars = 0;
        long deflated = 0;
        long stored = 0;
        for (LayerObject layer : plan.getLayers()) {
            if (!(layer instanceof FileEntriesLayer files)) {
                layers.add(layer);
                continue;
            }
            List<FileEntry> entries = new ArrayList<>(files.getEntries().size());
            for (FileEntry entry : files.getEntries()) {
                Path source = entry.getSourceFile();
                if (!source.getFileName().toString().endsWith(".jar") || !Files.isRegularFile(source)) {
                    entries.add(entry);
                    continue;
                }
                Path copy = storedRoot.resolve(entry.getExtractionPath().toString().substring(1));
                try {
                    StoredJars.store(source, copy);
                    deflated += Files.size(source);
                    stored += Files.size(copy);
                } catch (IOException e) {
                    throw new JibPluginExtensionException(getClass(),
                            "could not rewrite " + source + " with stored entries: " + e.getMessage(), e);
                }
                jars++;
                entries.add(new FileEntry(copy, entry.getExtractionPath(), entry.getPermissions(),
                        entry.getModificationTime(), entry.getOwnership()));
            }
            layers.add(files.toBuilder().setEntries(entries).build());
        }
        logger.log(ExtensionLogger.LogLevel.LIFECYCLE, String.format(
                "stored-jars: %d jars in the image with stored entries (%.1f MiB deflated, %.1f MiB stored;"
                        + " the layers' gzip compresses them)", jars, deflated / 1048576.0, stored / 1048576.0));
        return plan.toBuilder().setLayers(layers).build();
    }
}
