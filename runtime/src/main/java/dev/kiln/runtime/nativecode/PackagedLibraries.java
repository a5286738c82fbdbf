package dev.kiln.runtime.nativecode;

import dev.kiln.runtime.NativeCode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the ahead-of-time library a model's jar packages for this host and loads it, touching no
 * LLVM class. Libraries sit beside the generated class as {@code <Model>.<target>.so}; the best
 * target this CPU runs wins ({@link HostCpu}). {@code dlopen} needs a file, so the resource is
 * copied to {@code $KILN_CACHE/aot} (else {@code ~/.cache/kiln/aot}) under the SHA-256 of its bytes,
 * written to a temporary file and renamed into place, so processes sharing the folder never see half
 * a file and a changed library never reuses a stale one.
 */
public final class PackagedLibraries {
  private static final System.Logger LOG = System.getLogger(PackagedLibraries.class.getName());
  /** Loaded libraries by content hash: each is opened, and logged, once per process. */
  private static final Map<String, AotLibrary> LOADED = new ConcurrentHashMap<>();
  /** The same by resource URL, so creating another instance of a model reads nothing. */
  private static final Map<String, AotLibrary> BY_URL = new ConcurrentHashMap<>();

  private PackagedLibraries() {}

  /** The library for this host beside {@code model}, whose IR resource is {@code irResource}; null if none. */
  public static NativeCode.Packaged find(Class<?> model, String irResource) {
    return find(model, irResource, HostCpu.targets());
  }

  /** As {@link #find(Class, String)}, for a host running {@code targets} (best first). */
  static NativeCode.Packaged find(Class<?> model, String irResource, List<AotTarget> targets) {
    String base = irResource.endsWith(".ll") ? irResource.substring(0, irResource.length() - 3) : irResource;
    for (AotTarget t : targets) {
      String resource = base + "." + t.id() + ".so";
      URL url = model.getResource(resource);
      if (url != null) {
        String name = model.getPackageName().replace('.', '/') + "/" + resource;
        return () -> module(load(name, url, t));
      }
    }
    return null;
  }

  private static NativeCode.Module module(AotLibrary library) {
    return symbol -> {
      NativeEntry e = library.entry(symbol);
      return e;
    };
  }

  private static AotLibrary load(String name, URL url, AotTarget target) {
    AotLibrary known = BY_URL.get(url.toString());
    if (known != null) {
      return known;
    }
    byte[] bytes;
    try (InputStream in = url.openStream()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new NativeCodeException("reading the ahead-of-time library " + name + " failed: " + e.getMessage() + ".", e);
    }
    String hash = sha256(bytes);
    AotLibrary library = LOADED.computeIfAbsent(hash, h -> {
      Path file = extract(name, bytes, h);
      AotLibrary opened = AotLibrary.open(name, file, ParallelFor.defaultPool());
      LOG.log(Level.INFO, "Kiln runs native code from the ahead-of-time library " + name + " ("
          + file + "): this CPU has " + target.features() + ", so " + target.id() + " is the best packaged target.");
      return opened;
    });
    BY_URL.put(url.toString(), library);
    return library;
  }

  /** The library's file in the cache, written if absent or different. */
  private static Path extract(String name, byte[] bytes, String hash) {
    Path dir = cacheDir();
    Path file = dir.resolve(hash + ".so");
    try {
      if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), bytes)) {
        return file;
      }
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, hash, ".tmp");
      try {
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return file;
    } catch (IOException | UnsupportedOperationException e) {
      throw new NativeCodeException("copying the ahead-of-time library " + name + " to " + file + " failed: " + e
          + "; set KILN_CACHE to a writable folder.", e);
    }
  }

  /** {@code $KILN_CACHE/aot} when that variable is set, else {@code ~/.cache/kiln/aot}. */
  static Path cacheDir() {
    String root = System.getenv("KILN_CACHE");
    return root != null && !root.isBlank()
        ? Path.of(root, "aot")
        : Path.of(System.getProperty("user.home"), ".cache", "kiln", "aot");
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
