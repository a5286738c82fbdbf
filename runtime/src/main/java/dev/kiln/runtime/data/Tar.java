package dev.kiln.runtime.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A small reader for (gzipped) tar archives as npm produces them: ustar headers, with pax
 * ({@code x}) and GNU ({@code L}) long names. Regular files and folders are extracted; links and
 * other entries are skipped; names that would land outside the destination are rejected.
 */
public final class Tar {
  private Tar() {}

  /** Extracts a {@code .tgz} into {@code dest} (created if needed). */
  public static void extractTgz(Path tgz, Path dest) throws IOException {
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz)), 1 << 16)) {
      extract(in, dest, tgz.toString());
    } catch (java.util.zip.ZipException e) {
      throw new IOException(tgz + " is not a gzip file: " + e.getMessage(), e);
    }
  }

  /** Extracts an uncompressed tar stream into {@code dest}; {@code what} names it in errors. */
  public static void extract(InputStream in, Path dest, String what) throws IOException {
    Path root = dest.toAbsolutePath().normalize();
    Files.createDirectories(root);
    byte[] header = new byte[512];
    String longName = null;
    while (true) {
      int n = in.readNBytes(header, 0, 512);
      if (n == 0) return; // no end marker, but the last entry was complete
      if (n < 512) throw new EOFException(what + " is truncated inside a tar header");
      if (isZero(header)) return; // end of archive (two zero blocks; the first is enough)
      verifyChecksum(header, what);
      long size = octal(header, 124, 12, what);
      byte type = header[156];
      String name = longName != null ? longName : headerName(header);
      longName = null;
      switch (type) {
        case 'x' -> {
          String path = paxPath(readData(in, size, what));
          if (path != null) longName = path;
          continue;
        }
        case 'L' -> {
          byte[] d = readData(in, size, what);
          int end = 0;
          while (end < d.length && d[end] != 0) end++;
          longName = new String(d, 0, end, StandardCharsets.UTF_8);
          continue;
        }
        default -> { }
      }
      Path target = root.resolve(name).normalize();
      if (!target.startsWith(root) || name.startsWith("/")) {
        throw new IOException(what + " holds an entry outside its folder: " + name);
      }
      if (type == '0' || type == 0 || type == '7') {
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          copy(in, out, size, what);
        }
        skipPadding(in, size, what);
      } else if (type == '5') {
        Files.createDirectories(target);
        skipData(in, size, what);
      } else {
        skipData(in, size, what); // links, devices, global pax headers: not needed here
      }
    }
  }

  private static String headerName(byte[] h) {
    String name = cString(h, 0, 100);
    String magic = cString(h, 257, 6);
    if (magic.startsWith("ustar")) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) name = prefix + "/" + name;
    }
    return name;
  }

  private static String cString(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) end++;
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] h, int off, int len, String what) throws IOException {
    if ((h[off] & 0x80) != 0) { // base-256 (GNU) for large sizes
      long v = h[off] & 0x7f;
      for (int i = off + 1; i < off + len; i++) v = (v << 8) | (h[i] & 0xff);
      return v;
    }
    long v = 0;
    int i = off;
    while (i < off + len && (h[i] == ' ' || h[i] == 0)) i++;
    for (; i < off + len && h[i] != 0 && h[i] != ' '; i++) {
      if (h[i] < '0' || h[i] > '7') {
        throw new IOException(what + " has a corrupt tar header (bad octal number)");
      }
      v = v * 8 + (h[i] - '0');
    }
    return v;
  }

  private static void verifyChecksum(byte[] h, String what) throws IOException {
    long stored = octal(h, 148, 8, what);
    long sum = 0;
    for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    if (sum != stored) throw new IOException(what + " has a corrupt tar header (checksum mismatch)");
  }

  private static String paxPath(byte[] d) {
    String s = new String(d, StandardCharsets.UTF_8);
    int i = 0;
    String path = null;
    while (i < s.length()) {
      int sp = s.indexOf(' ', i);
      if (sp < 0) break;
      int len;
      try {
        len = Integer.parseInt(s.substring(i, sp));
      } catch (NumberFormatException e) {
        break;
      }
      // the length counts bytes; the records npm writes are ASCII
      String rec = s.substring(sp + 1, Math.min(s.length(), i + len)).stripTrailing();
      if (rec.startsWith("path=")) path = rec.substring(5);
      if (len <= 0) break;
      i += len;
    }
    return path;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) if (x != 0) return false;
    return true;
  }

  private static byte[] readData(InputStream in, long size, String what) throws IOException {
    if (size > (1 << 20)) throw new IOException(what + " has an oversized tar extension header");
    byte[] d = in.readNBytes((int) size);
    if (d.length < size) throw new EOFException(what + " is truncated inside an entry");
    skipPadding(in, size, what);
    return d;
  }

  private static void copy(InputStream in, OutputStream out, long size, String what) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) throw new EOFException(what + " is truncated inside an entry");
      out.write(buf, 0, n);
      left -= n;
    }
  }

  private static void skipData(InputStream in, long size, String what) throws IOException {
    skipExactly(in, size, what);
    skipPadding(in, size, what);
  }

  private static void skipPadding(InputStream in, long size, String what) throws IOException {
    long pad = (512 - size % 512) % 512;
    skipExactly(in, pad, what);
  }

  private static void skipExactly(InputStream in, long n, String what) throws IOException {
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new EOFException(what + " is truncated inside an entry");
    }
  }
}
