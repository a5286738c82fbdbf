package dev.kiln.summaries;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads TFRecord framing (see {@link TfRecordWriter}) and keeps every record it can trust. A
 * record whose data CRC fails is skipped and reading goes on (its length was intact); a length
 * whose CRC fails, or a file that ends inside a record, stops reading there. Either way the
 * result says what was skipped, in one sentence.
 */
public final class TfRecordReader {
  private TfRecordReader() {}

  /**
   * @param records the records that passed their checks, in file order
   * @param problem null when the whole input was good; otherwise one sentence saying what was
   *     skipped
   */
  public record Result(List<byte[]> records, String problem) {}

  public static Result read(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> records = new ArrayList<>();
    int badData = 0;
    String stop = null;
    while (b.hasRemaining()) {
      int start = b.position();
      if (b.remaining() < 12) {
        stop = "it ends inside a record header at byte " + start;
        break;
      }
      long length = b.getLong();
      int lengthCrc = b.getInt();
      if (lengthCrc != Crc32c.masked(file, start, 8)) {
        stop = "the length of the record at byte " + start + " fails its CRC";
        break;
      }
      if (length < 0 || length > b.remaining() - 4L) {
        stop = "it ends inside the record at byte " + start + " (" + length + " bytes of data expected)";
        break;
      }
      byte[] data = new byte[(int) length];
      b.get(data);
      int dataCrc = b.getInt();
      if (dataCrc != Crc32c.masked(data, 0, data.length)) {
        badData++;
        continue;
      }
      records.add(data);
    }
    List<String> parts = new ArrayList<>();
    if (badData > 0) {
      parts.add(badData + (badData == 1 ? " record fails its" : " records fail their") + " data CRC");
    }
    if (stop != null) {
      parts.add(stop);
    }
    return new Result(records, parts.isEmpty() ? null : String.join(" and ", parts));
  }
}
