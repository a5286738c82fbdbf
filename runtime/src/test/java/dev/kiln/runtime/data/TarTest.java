package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarTest {
  @TempDir Path dir;

  @Test
  void extractsFilesFoldersAndLongNames() throws IOException {
    byte[] big = new byte[1300];
    for (int i = 0; i < big.length; i++) big[i] = (byte) i;
    String longName = "package/" + "deep/".repeat(30) + "file.txt";
    Path tgz = new TarWriter()
        .dir("package/")
        .file("package/package.json", "{\"name\":\"x\"}")
        .file("package/src/digits/0.json", big)
        .paxFile(longName, "long".getBytes())
        .symlink("package/link")
        .writeTgz(dir.resolve("x.tgz"));
    Path out = dir.resolve("out");
    Tar.extractTgz(tgz, out);
    assertEquals("{\"name\":\"x\"}", Files.readString(out.resolve("package/package.json")));
    assertArrayEquals(big, Files.readAllBytes(out.resolve("package/src/digits/0.json")));
    assertEquals("long", Files.readString(out.resolve(longName)));
    assertFalse(Files.exists(out.resolve("placeholder-name")));
    assertFalse(Files.exists(out.resolve("package/link")));
  }

  @Test
  void rejectsEntriesOutsideTheFolder() {
    byte[] tar = new TarWriter().file("../evil.txt", "x").tar();
    var e = assertThrows(IOException.class,
        () -> Tar.extract(new ByteArrayInputStream(tar), dir.resolve("out"), "evil.tar"));
    assertEquals("evil.tar holds an entry outside its folder: ../evil.txt", e.getMessage());
    assertFalse(Files.exists(dir.resolve("evil.txt")));
  }

  @Test
  void truncatedOrCorruptArchivesAreErrors() throws IOException {
    byte[] tar = new TarWriter().file("a.txt", new byte[2000]).tar();
    var e = assertThrows(IOException.class,
        () -> Tar.extract(new ByteArrayInputStream(Arrays.copyOf(tar, 1000)), dir.resolve("t"), "t.tar"));
    assertEquals("t.tar is truncated inside an entry", e.getMessage());
    byte[] bad = tar.clone();
    bad[0] = 'b';
    var c = assertThrows(IOException.class,
        () -> Tar.extract(new ByteArrayInputStream(bad), dir.resolve("c"), "c.tar"));
    assertEquals("c.tar has a corrupt tar header (checksum mismatch)", c.getMessage());
    Path notGzip = dir.resolve("plain.tgz");
    Files.write(notGzip, tar);
    var g = assertThrows(IOException.class, () -> Tar.extractTgz(notGzip, dir.resolve("g")));
    assertTrue(g.getMessage().startsWith(notGzip + " is not a gzip file"), g.getMessage());
  }
}
