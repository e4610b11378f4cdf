package dev.eventconsumers.storedjars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ContainerBuildPlan;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.maven.extension.MavenData;
import com.google.cloud.tools.jib.plugins.extension.JibPluginExtensionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Build;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredJarsExtensionTest {

    @TempDir
    Path dir;

    final List<String> log = new ArrayList<>();

    @Test
    void everyJarIsReplacedByItsStoredCopyAndNothingElseChanges() throws Exception {
        Path config = Files.writeString(dir.resolve("application.yaml"), "server.port: 8080\n");
        Instant time = Instant.ofEpochSecond(1);
        FileEntry library = new FileEntry(StoredJarsTest.deflatedJar(), AbsoluteUnixPath.get("/app/libs/junit.jar"),
                FilePermissions.fromOctalString("644"), time, "0:0");
        FileEntry resource = new FileEntry(config, AbsoluteUnixPath.get("/app/resources/application.yaml"),
                FilePermissions.fromOctalString("644"), time, "0:0");
        ContainerBuildPlan plan = ContainerBuildPlan.builder()
                .addLayer(FileEntriesLayer.builder().setName("dependencies").addEntry(library).build())
                .addLayer(FileEntriesLayer.builder().setName("resources").addEntry(resource).build())
                .build();

        ContainerBuildPlan extended = new StoredJarsExtension()
                .extendContainerBuildPlan(plan, Map.of(), Optional.empty(), maven(), (level, message) -> log.add(message));

        FileEntriesLayer dependencies = (FileEntriesLayer) extended.getLayers().get(0);
        assertEquals("dependencies", dependencies.getName());
        FileEntry stored = dependencies.getEntries().get(0);
        assertEquals(dir.resolve("target/stored-jars/app/libs/junit.jar"), stored.getSourceFile());
        assertEquals(library.getExtractionPath(), stored.getExtractionPath());
        assertEquals(library.getPermissions(), stored.getPermissions());
        assertEquals(library.getModificationTime(), stored.getModificationTime());
        assertEquals(library.getOwnership(), stored.getOwnership());
        try (ZipFile jar = new ZipFile(stored.getSourceFile().toFile())) {
            assertTrue(jar.stream().allMatch(e -> e.getMethod() == ZipEntry.STORED));
        }

        FileEntriesLayer resources = (FileEntriesLayer) extended.getLayers().get(1);
        assertEquals(List.of(resource), resources.getEntries());
        assertEquals(2, extended.getLayers().size());
        assertTrue(log.get(0).startsWith("stored-jars: 1 jars in the image with stored entries"), log.toString());
    }

    @Test
    void aJarThatCannotBeReadFailsTheBuildNamingIt() throws Exception {
        Path damaged = Files.write(dir.resolve("damaged.jar"), new byte[] {'P', 'K', 3, 4, 0});
        ContainerBuildPlan plan = ContainerBuildPlan.builder()
                .addLayer(FileEntriesLayer.builder().setName("dependencies")
                        .addEntry(damaged, AbsoluteUnixPath.get("/app/libs/damaged.jar")).build())
                .build();

        JibPluginExtensionException e = assertThrows(JibPluginExtensionException.class, () -> new StoredJarsExtension()
                .extendContainerBuildPlan(plan, Map.of(), Optional.empty(), maven(), (level, message) -> { }));
        assertTrue(e.getMessage().contains(damaged.toString()), e.getMessage());
    }

    @Test
    void jibFindsTheExtensionAsAService() {
        assertSame(StoredJarsExtension.class, ServiceLoader
                .load(com.google.cloud.tools.jib.maven.extension.JibMavenPluginExtension.class)
                .findFirst().orElseThrow().getClass());
    }

    MavenData maven() {
        MavenProject project = new MavenProject();
        Build build = new Build();
        build.setDirectory(dir.resolve("target").toString());
        project.getModel().setBuild(build);
        return new MavenData() {
            @Override
            public MavenProject getMavenProject() {
                return project;
            }

            @Override
            public MavenSession getMavenSession() {
                throw new UnsupportedOperationException("not used by the extension");
            }
        };
    }
}
