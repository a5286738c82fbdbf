package dev.kiln.summaries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TfRecordTest {
  @Test
  void crc32cMatchesTheStandardCheckValues() {
    byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, Crc32c.crc(digits, 0, digits.length));
    // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, and of 0xff.
    assertEquals(0x8A9136AA, Crc32c.crc(new byte[32], 0, 32));
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xff);
    assertEquals(0x62A8AB43, Crc32c.crc(ones, 0, 32));
  }

  @Test
  void maskRotatesAndAddsTheConstant() {
    int crc = 0xE3069283;
    int masked = Crc32c.mask(crc);
    assertNotEquals(crc, masked);
    int unmasked = Integer.rotateLeft(masked - 0xa282ead8, 15);
    assertEquals(crc, unmasked);
    assertEquals((Integer.rotateRight(crc, 15) + 0xa282ead8), masked);
  }

  @Test
  void frameIsLengthCrcDataCrcLittleEndian() {
    byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
    byte[] f = TfRecordWriter.frame(data);
    assertEquals(5 + 16, f.length);
    ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(5L, b.getLong());
    assertEquals(Crc32c.masked(f, 0, 8), b.getInt());
    byte[] d = new byte[5];
    b.get(d);
    assertArrayEquals(data, d);
    assertEquals(Crc32c.mask(Crc32c.crc(data, 0, 5)), b.getInt());
  }

  @Test
  void roundTripKeepsEveryRecordInOrder() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> texts = List.of("a", "", "third record", "x".repeat(10_000));
    for (String t : texts) {
      TfRecordWriter.write(out, t.getBytes(StandardCharsets.UTF_8));
    }
    TfRecordReader.Result r = TfRecordReader.read(out.toByteArray());
    assertNull(r.problem());
    assertEquals(texts, r.records().stream().map(x -> new String(x, StandardCharsets.UTF_8)).toList());
  }

  @Test
  void aRecordWithBadDataIsSkippedAndTheRestKept() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecordWriter.write(out, "one".getBytes(StandardCharsets.UTF_8));
    TfRecordWriter.write(out, "two".getBytes(StandardCharsets.UTF_8));
    TfRecordWriter.write(out, "three".getBytes(StandardCharsets.UTF_8));
    byte[] file = out.toByteArray();
    file[19 + 12] ^= 1; // first data byte of the second record
    TfRecordReader.Result r = TfRecordReader.read(file);
    assertEquals(List.of("one", "three"),
        r.records().stream().map(x -> new String(x, StandardCharsets.UTF_8)).toList());
    assertEquals("1 record fails its data CRC", r.problem());
  }

  @Test
  void aTruncatedTailStopsReadingAfterTheGoodRecords() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecordWriter.write(out, "one".getBytes(StandardCharsets.UTF_8));
    TfRecordWriter.write(out, "two".getBytes(StandardCharsets.UTF_8));
    byte[] file = out.toByteArray();
    for (int cut = 20; cut < file.length; cut++) {
      TfRecordReader.Result r = TfRecordReader.read(Arrays.copyOf(file, cut));
      assertEquals(1, r.records().size(), "cut at " + cut);
      assertTrue(r.problem().startsWith("it ends inside"), r.problem());
    }
  }

  @Test
  void aCorruptLengthStopsReading() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecordWriter.write(out, "one".getBytes(StandardCharsets.UTF_8));
    TfRecordWriter.write(out, "two".getBytes(StandardCharsets.UTF_8));
    byte[] file = out.toByteArray();
    file[19] ^= 4; // length of the second record
    TfRecordReader.Result r = TfRecordReader.read(file);
    assertEquals(1, r.records().size());
    assertEquals("the length of the record at byte 19 fails its CRC", r.problem());
  }
}
