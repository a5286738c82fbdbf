package dev.kiln.summaries;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * TFRecord framing: each record is {@code uint64 length, uint32 masked_crc32c(length),
 * byte[length] data, uint32 masked_crc32c(data)}, little-endian.
 */
public final class TfRecordWriter {
  private TfRecordWriter() {}

  /** The framed bytes of one record, ready to be written with a single write call. */
  public static byte[] frame(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(data.length);
    b.putInt(Crc32c.masked(b.array(), 0, 8));
    b.put(data);
    b.putInt(Crc32c.masked(data, 0, data.length));
    return b.array();
  }

  /** Appends one framed record to {@code out}. */
  public static void write(java.io.OutputStream out, byte[] data) throws IOException {
    out.write(frame(data));
  }
}
