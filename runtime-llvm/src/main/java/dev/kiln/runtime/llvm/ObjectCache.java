package dev.kiln.runtime.llvm;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Compiled object files on disk, so a second start skips parsing, O3 and codegen.
 *
 * <p>A file {@code <key>.o} is the ELF object followed by a 40-byte trailer: the SHA-256 of the
 * object and the magic {@code KILNOBJ1}. ELF tools ignore trailing bytes, so {@code objdump -d}
 * still works on it, and the checksum catches truncation and bit rot that the object loader
 * would not. The key hashes everything the machine code depends on (see {@link #key}). Writes go
 * to a temporary file in the same folder and are renamed into place, so a reader never sees half a
 * file. Every I/O problem is logged in one line and treated as a miss: the cache only ever saves
 * time, it never fails a compile.
 */
final class ObjectCache {
  private static final System.Logger LOG = System.getLogger(ObjectCache.class.getName());
  private static final byte[] MAGIC = "KILNOBJ1".getBytes(StandardCharsets.US_ASCII);
  private static final int TRAILER = 32 + MAGIC.length;
  /** Bump when the file layout or the meaning of a key changes. */
  private static final String FORMAT = "kiln-llvm-object-cache-1";

  private final Path dir;
  private final java.util.concurrent.atomic.AtomicLong rejected = new java.util.concurrent.atomic.AtomicLong();

  ObjectCache(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  /** Files found corrupt or unloadable so far. */
  long rejected() {
    return rejected.get();
  }

  /** SHA-256 over the IR text and everything else the object depends on, as 64 hex digits. */
  static String key(String irText, LlvmNatives.Host host, String passes) {
    MessageDigest md = sha256();
    for (String part : new String[] {FORMAT, host.llvmVersion(), host.triple(), host.cpu(), host.features(), passes, irText}) {
      md.update(part.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  Path file(String key) {
    return dir.resolve(key + ".o");
  }

  /** The cached object, or null when absent or corrupt (a corrupt file is logged and deleted). */
  byte[] load(String key) {
    Path f = file(key);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    byte[] all;
    try {
      all = Files.readAllBytes(f);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Ignoring unreadable LLVM cache file " + f + " (" + e + "); recompiling.");
      return null;
    }
    String problem = null;
    byte[] object = null;
    if (all.length <= TRAILER) {
      problem = "it is truncated to " + all.length + " bytes";
    } else if (!Arrays.equals(all, all.length - MAGIC.length, all.length, MAGIC, 0, MAGIC.length)) {
      problem = "its trailer is not " + new String(MAGIC, StandardCharsets.US_ASCII);
    } else {
      object = Arrays.copyOf(all, all.length - TRAILER);
      byte[] expected = Arrays.copyOfRange(all, object.length, object.length + 32);
      if (!MessageDigest.isEqual(expected, sha256().digest(object))) {
        problem = "its checksum does not match";
      }
    }
    if (problem != null) {
      LOG.log(Level.WARNING, "Ignoring corrupt LLVM cache file " + f + " (" + problem + "); recompiling.");
      rejected.incrementAndGet();
      delete(f);
      return null;
    }
    return object;
  }

  /** Writes the object atomically; a failure is logged, never thrown. */
  void store(String key, byte[] object) {
    Path target = file(key);
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, key, ".tmp");
      byte[] all = Arrays.copyOf(object, object.length + TRAILER);
      System.arraycopy(sha256().digest(object), 0, all, object.length, 32);
      System.arraycopy(MAGIC, 0, all, object.length + 32, MAGIC.length);
      Files.write(tmp, all);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(Level.WARNING, "Could not write LLVM cache file " + target + " (" + e + "); continuing without it.");
      if (tmp != null) {
        delete(tmp);
      }
    }
  }

  /** Removes a file that failed to load so it is rewritten by the recompile. */
  void evict(String key) {
    rejected.incrementAndGet();
    delete(file(key));
  }

  private static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException ignored) {
      // A stale file is harmless: the next store replaces it.
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
