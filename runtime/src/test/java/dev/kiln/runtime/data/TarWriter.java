package dev.kiln.runtime.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small ustar archives for tests, the way npm does (with an optional pax long name). */
final class TarWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  TarWriter file(String name, byte[] data) {
    entry(name, '0', data);
    return this;
  }

  TarWriter file(String name, String text) {
    return file(name, text.getBytes(StandardCharsets.UTF_8));
  }

  TarWriter dir(String name) {
    entry(name, '5', new byte[0]);
    return this;
  }

  /** A pax extended header giving {@code longName} to the next entry. */
  TarWriter paxFile(String longName, byte[] data) {
    String rec = " path=" + longName + "\n";
    int len = rec.length();
    len += String.valueOf(len + String.valueOf(len).length()).length();
    entry("PaxHeader/x", 'x', (len + rec).getBytes(StandardCharsets.UTF_8));
    entry("placeholder-name", '0', data);
    return this;
  }

  TarWriter symlink(String name) {
    entry(name, '2', new byte[0]);
    return this;
  }

  private void entry(String name, char type, byte[] data) {
    byte[] h = new byte[512];
    put(h, 0, name, 100);
    put(h, 100, "0000644", 8);
    put(h, 108, "0000000", 8);
    put(h, 116, "0000000", 8);
    put(h, 124, String.format("%011o", data.length), 12);
    put(h, 136, "00000000000", 12);
    h[156] = (byte) type;
    put(h, 257, "ustar", 6);
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) h[i] = ' ';
    long sum = 0;
    for (byte b : h) sum += b & 0xff;
    put(h, 148, String.format("%06o", sum), 7);
    out.writeBytes(h);
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
  }

  private static void put(byte[] h, int off, String s, int max) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, Math.min(b.length, max));
  }

  byte[] tar() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    copy.writeBytes(new byte[1024]);
    return copy.toByteArray();
  }

  Path writeTgz(Path file) throws IOException {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
      o.write(tar());
    }
    return file;
  }
}
