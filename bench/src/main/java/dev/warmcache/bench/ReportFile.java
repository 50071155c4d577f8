package dev.warmcache.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where every benchmark program's figures end: a file for docs/, the console, and the exit. */
final class ReportFile {

  private ReportFile() {}

  /**
   * Writes {@code report} to {@code file}, prints it, and ends the program: DynamoDB Local and the
   * twin leave non-daemon threads behind, and the results are safe by now.
   */
  static void finish(Path file, CharSequence report) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, report, StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(report);
    System.out.println("written to " + file.toAbsolutePath());
    System.exit(0);
  }
}
