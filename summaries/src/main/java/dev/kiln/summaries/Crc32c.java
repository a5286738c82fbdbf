package dev.kiln.summaries;

import java.util.zip.CRC32C;

/** CRC-32C (Castagnoli) with TFRecord's mask, which keeps a CRC of CRC-bearing data well mixed. */
public final class Crc32c {
  private Crc32c() {}

  private static final int MASK_DELTA = 0xa282ead8;

  /** The plain CRC-32C of {@code data[offset, offset + length)}. */
  public static int crc(byte[] data, int offset, int length) {
    CRC32C c = new CRC32C();
    c.update(data, offset, length);
    return (int) c.getValue();
  }

  /** TFRecord's masked CRC: rotate right by 15 bits, then add a constant. */
  public static int masked(byte[] data, int offset, int length) {
    return mask(crc(data, offset, length));
  }

  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }
}
