package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectFilesTest {

  @Test
  void missingLambdaJarSaysHowToBuildIt(@TempDir Path root) {
    MissingProjectFileException e =
        assertThrows(
            MissingProjectFileException.class,
            () -> ProjectFiles.at(root).require(ProjectFiles.READER_JAR));
    assertTrue(e.getMessage().startsWith(ProjectFiles.READER_JAR + " is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("mvn -B -DskipTests package"), e.getMessage());
  }

  @Test
  void malformedJsonNamesTheFileAndPosition(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("events"));
    Files.writeString(root.resolve(ProjectFiles.CACHE_MISS_RULE), "{\n  \"source\": [\"x\",]\n}");
    MalformedProjectFileException e =
        assertThrows(
            MalformedProjectFileException.class,
            () -> ProjectFiles.at(root).json(ProjectFiles.CACHE_MISS_RULE));
    assertTrue(
        e.getMessage().startsWith(ProjectFiles.CACHE_MISS_RULE + " is not valid JSON"),
        e.getMessage());
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void patternFileWithAnUnknownTopLevelFieldIsRejected(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("events"));
    Files.writeString(
        root.resolve(ProjectFiles.FORCE_REFRESH_RULE),
        "{\"source\":[\"warmcache.admin\"],\"detailType\":[\"ForceRefresh\"]}");
    MalformedProjectFileException e =
        assertThrows(
            MalformedProjectFileException.class,
            () ->
                EventPatternFile.rulePattern(
                    ProjectFiles.at(root), ProjectFiles.FORCE_REFRESH_RULE));
    assertEquals(
        ProjectFiles.FORCE_REFRESH_RULE
            + ": 'detailType' is not a field of an EventBridge event pattern",
        e.getMessage());
  }

  @Test
  void locateFindsTheRepositoryRootFromTheModuleDirectory() {
    ProjectFiles files = ProjectFiles.locate();
    assertTrue(Files.isRegularFile(files.root().resolve("cdk.json")));
    assertTrue(Files.isDirectory(files.root().resolve("cdk")));
  }
}
