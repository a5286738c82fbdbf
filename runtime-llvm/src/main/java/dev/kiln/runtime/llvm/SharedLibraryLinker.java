package dev.kiln.runtime.llvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Links one object file into an ELF shared library with the {@code lld} the bytedeco LLVM natives
 * jar ships (run as {@code ld.lld}), else the system's {@code cc}. Undefined symbols (libc, libm)
 * are left to bind at load time against the JVM process, which always has both; {@code -z now}
 * binds them all when the library is opened, so a missing one fails the load, never a later call.
 *
 * <p>The jar's {@code lld} needs {@code libLLVM.so.<major>.<minor>} beside it (its run path is
 * {@code $ORIGIN}) but the jar ships only {@code libLLVM.so}; so it is copied to
 * {@code <kiln cache>/lld-<version>/} next to a link to the {@code libLLVM.so} this process loaded.
 */
final class SharedLibraryLinker {
  private static volatile Path lld;

  private SharedLibraryLinker() {}

  /** The bytes of the shared library {@code soname} made from {@code object}. */
  static byte[] link(String soname, byte[] object) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("kiln-aot");
      Path in = dir.resolve("module.o");
      Path out = dir.resolve("module.so");
      Files.write(in, object);
      List<String> flags = List.of("-z", "now", "-z", "noexecstack", "-Bsymbolic", "-soname", soname);
      List<String> command = new ArrayList<>();
      String lldProblem = null;
      try {
        command.addAll(List.of(lld().toString(), "-flavor", "gnu", "-shared"));
        command.addAll(flags);
      } catch (IOException | RuntimeException e) {
        lldProblem = "the bundled lld could not be set up (" + e.getMessage() + ")";
        String cc = onPath("cc");
        if (cc == null) {
          throw new LlvmException("linking the ahead-of-time library " + soname + " failed: " + lldProblem
              + " and no cc is on the PATH.");
        }
        command.addAll(List.of(cc, "-shared", "-nostdlib"));
        flags.forEach(f -> command.add("-Wl," + f));
      }
      command.addAll(List.of("-o", out.toString(), in.toString()));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      int status = p.waitFor();
      if (status != 0 || !Files.isRegularFile(out)) {
        throw new LlvmException("linking the ahead-of-time library " + soname + " with " + command.getFirst()
            + " failed (exit status " + status + "): " + output.lines().findFirst().orElse("no output") + ".");
      }
      return Files.readAllBytes(out);
    } catch (IOException e) {
      throw new LlvmException("linking the ahead-of-time library " + soname + " failed: " + e + ".", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlvmException("linking the ahead-of-time library " + soname + " was interrupted.", e);
    } finally {
      deleteTree(dir);
    }
  }

  /** The bundled {@code lld}, set up once per process. */
  static Path lld() throws IOException {
    Path p = lld;
    if (p == null) {
      synchronized (SharedLibraryLinker.class) {
        if (lld == null) {
          lld = setUpLld();
        }
        p = lld;
      }
    }
    return p;
  }

  private static Path setUpLld() throws IOException {
    LlvmNatives.Host host = LlvmNatives.host(); // loads libLLVM.so into this process
    Path libLlvm = loadedLibrary("libLLVM.so");
    if (libLlvm == null) {
      throw new IOException("libLLVM.so is not mapped into this process");
    }
    String[] version = host.llvmVersion().split("\\.");
    Path dir = kilnCache().resolve("lld-" + host.llvmVersion());
    Files.createDirectories(dir);
    Path exe = dir.resolve("lld");
    String resource = "/org/bytedeco/llvm/linux-x86_64/lld"; // the one platform kiln-runtime-llvm ships
    try (InputStream in = org.bytedeco.llvm.global.LLVM.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("the LLVM natives jar has no " + resource);
      }
      byte[] bytes = in.readAllBytes();
      if (!Files.isRegularFile(exe) || Files.size(exe) != bytes.length || !Files.isExecutable(exe)) {
        Path tmp = Files.createTempFile(dir, "lld", ".tmp");
        Files.write(tmp, bytes);
        if (!tmp.toFile().setExecutable(true)) {
          throw new IOException("cannot make " + tmp + " executable");
        }
        Files.move(tmp, exe, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    // Replaced every time: the libLLVM.so this process loaded may have moved since the last build.
    Path link = dir.resolve("libLLVM.so." + version[0] + "." + version[1]);
    Path tmpLink = dir.resolve(link.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.deleteIfExists(tmpLink);
    Files.createSymbolicLink(tmpLink, libLlvm);
    Files.move(tmpLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return exe;
  }

  /** The file of a shared library this process has mapped, by file name, from {@code /proc/self/maps}. */
  static Path loadedLibrary(String fileName) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      int slash = line.indexOf('/');
      if (slash >= 0 && line.endsWith("/" + fileName)) {
        return Path.of(line.substring(slash));
      }
    }
    return null;
  }

  /** {@code $KILN_CACHE} when set, else {@code ~/.cache/kiln}. */
  private static Path kilnCache() {
    String root = System.getenv("KILN_CACHE");
    return root != null && !root.isBlank() ? Path.of(root) : Path.of(System.getProperty("user.home"), ".cache", "kiln");
  }

  private static String onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(d.isEmpty() ? "." : d, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // A leftover temporary folder is harmless.
    }
  }
}
