package dev.kiln.runtime;

import dev.kiln.dsl.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of
 * UTF-8 JSON ({@code {"name":{"dtype":"F32","shape":[784,10],"data_offsets":[begin,end]}, …,
 * "__metadata__":{…}}}), then the raw little-endian data.
 */
public final class Safetensors {
  private Safetensors() {}

  /** Header lengths above this are treated as corruption rather than read into memory. */
  static final long MAX_HEADER = 100L << 20;

  /** One tensor entry of a header. */
  public record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    public long byteLength() {
      return end - begin;
    }
  }

  /** A parsed header: entries in file order, the metadata, and where the data starts. */
  public record Header(List<Entry> entries, Map<String, String> metadata, long dataStart, long dataLength) {
    public Entry entry(String name) {
      for (Entry e : entries) if (e.name().equals(name)) return e;
      return null;
    }
  }

  /** The safetensors name of a dtype (they coincide with the enum names). */
  public static String dtypeName(DType dtype) {
    return dtype.name();
  }

  /**
   * Writes {@code tensors} to {@code file} atomically: a temporary file in the same folder is
   * written, forced to disk and renamed over {@code file}.
   *
   * @throws UncheckedIOException when the file cannot be written, naming it
   */
  public static void write(Path file, SequencedMap<String, NDArray> tensors, Map<String, String> metadata) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writeTo(ch, tensors, metadata);
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write checkpoint " + target + ": " + describe(e), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort; the original error matters more
        }
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException notSupported) {
      // some platforms cannot open or sync folders; the rename itself is still atomic
    }
  }

  static String describe(IOException e) {
    String kind = switch (e) {
      case java.nio.file.NoSuchFileException x -> "no such file or folder";
      case java.nio.file.AccessDeniedException x -> "access denied";
      case java.nio.file.FileAlreadyExistsException x -> "a file is in the way";
      default -> e.getClass().getSimpleName();
    };
    return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
  }

  private static void writeTo(FileChannel ch, SequencedMap<String, NDArray> tensors, Map<String, String> metadata)
      throws IOException {
    StringBuilder json = new StringBuilder("{");
    long offset = 0;
    boolean first = true;
    for (var e : tensors.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        throw new IllegalArgumentException("a tensor cannot be named __metadata__");
      }
      NDArray a = e.getValue();
      long bytes = (long) a.size() * a.dtype().byteSize();
      if (!first) json.append(',');
      first = false;
      Json.writeString(json, e.getKey());
      json.append(":{\"dtype\":\"").append(dtypeName(a.dtype())).append("\",\"shape\":[");
      int[] s = a.shape();
      for (int i = 0; i < s.length; i++) {
        if (i > 0) json.append(',');
        json.append(s[i]);
      }
      json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
      offset += bytes;
    }
    if (metadata != null && !metadata.isEmpty()) {
      if (!first) json.append(',');
      json.append("\"__metadata__\":{");
      boolean f = true;
      for (var m : metadata.entrySet()) {
        if (!f) json.append(',');
        f = false;
        Json.writeString(json, m.getKey());
        json.append(':');
        Json.writeString(json, m.getValue());
      }
      json.append('}');
    }
    json.append('}');
    byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (header.length + 7) & ~7; // pad with spaces so the data starts 8-byte aligned
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(header);
    while (head.hasRemaining()) head.put((byte) ' ');
    writeFully(ch, head.flip());
    for (NDArray a : tensors.values()) writeFully(ch, encode(a));
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) ch.write(b);
  }

  /** The little-endian bytes of a tensor. */
  static ByteBuffer encode(NDArray a) {
    long bytes = (long) a.size() * a.dtype().byteSize();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensor " + a.shapeString() + " is too large to write (over 2 GiB)");
    }
    ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    switch (a.storage()) {
      case float[] x -> b.asFloatBuffer().put(x);
      case double[] x -> b.asDoubleBuffer().put(x);
      case int[] x -> b.asIntBuffer().put(x);
      case long[] x -> b.asLongBuffer().put(x);
      case short[] x -> b.asShortBuffer().put(x);
      case byte[] x -> b.put(x).flip();
      case boolean[] x -> {
        for (boolean v : x) b.put((byte) (v ? 1 : 0));
        b.flip();
      }
      default -> throw new AssertionError(a.storage().getClass());
    }
    b.position(0).limit((int) bytes);
    return b;
  }

  /** Fills {@code into} from little-endian bytes (exactly its byte length). */
  static void decode(ByteBuffer b, NDArray into) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    switch (into.storage()) {
      case float[] x -> b.asFloatBuffer().get(x);
      case double[] x -> b.asDoubleBuffer().get(x);
      case int[] x -> b.asIntBuffer().get(x);
      case long[] x -> b.asLongBuffer().get(x);
      case short[] x -> b.asShortBuffer().get(x);
      case byte[] x -> b.get(x);
      case boolean[] x -> {
        for (int i = 0; i < x.length; i++) x[i] = b.get() != 0;
      }
      default -> throw new AssertionError(into.storage().getClass());
    }
  }

  /**
   * Reads and validates the header of an open file: the length prefix, the JSON, every entry's
   * dtype, shape and offsets, and that the data the header describes is all there.
   */
  public static Header readHeader(Path file, FileChannel ch) {
    String where = "checkpoint " + file;
    try {
      long fileSize = ch.size();
      if (fileSize < 8) {
        throw new CheckpointException(
            where + " is truncated: it has " + fileSize + " bytes, fewer than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long n = lenBuf.flip().getLong();
      if (n < 2 || n > MAX_HEADER) {
        throw new CheckpointException(
            where + " is not a safetensors file: its header length is " + Long.toUnsignedString(n) + " bytes");
      }
      if (8 + n > fileSize) {
        throw new CheckpointException(
            where + " is truncated: header length says " + n + " bytes of JSON, file has " + (fileSize - 8)
                + " after the length");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) n);
      readFully(ch, hb, 8);
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().decode(hb.flip()).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new CheckpointException(where + " has a malformed header: it is not valid UTF-8");
      }
      Object root;
      try {
        root = Json.parse(text);
      } catch (Json.ParseException e) {
        throw new CheckpointException(where + " has a malformed header: " + e.getMessage());
      }
      if (!(root instanceof Map<?, ?> map)) {
        throw new CheckpointException(where + " has a malformed header: it is not a JSON object");
      }
      long dataLength = fileSize - 8 - n;
      List<Entry> entries = new ArrayList<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      long needed = 0;
      for (var e : map.entrySet()) {
        String name = (String) e.getKey();
        if (name.equals("__metadata__")) {
          if (!(e.getValue() instanceof Map<?, ?> meta)) {
            throw new CheckpointException(where + " has a malformed header: __metadata__ is not an object");
          }
          for (var m : meta.entrySet()) {
            if (!(m.getValue() instanceof String v)) {
              throw new CheckpointException(
                  where + " has a malformed header: metadata '" + m.getKey() + "' is not a string");
            }
            metadata.put((String) m.getKey(), v);
          }
          continue;
        }
        Entry entry = entry(where, name, e.getValue());
        needed = Math.max(needed, entry.end());
        entries.add(entry);
      }
      if (needed > dataLength) {
        throw new CheckpointException(
            where + " is truncated: header says " + needed + " bytes of data, file has " + dataLength);
      }
      return new Header(List.copyOf(entries), Map.copyOf(metadata), 8 + n, dataLength);
    } catch (IOException e) {
      throw new CheckpointException(where + " cannot be read: " + describe(e), e);
    }
  }

  private static Entry entry(String where, String name, Object value) {
    String bad = where + " has a malformed header: tensor '" + name + "' ";
    if (!(value instanceof Map<?, ?> m)) throw new CheckpointException(bad + "is not an object");
    if (!(m.get("dtype") instanceof String dt)) throw new CheckpointException(bad + "has no dtype string");
    DType dtype;
    try {
      dtype = DType.valueOf(dt);
    } catch (IllegalArgumentException x) {
      throw new CheckpointException(bad + "has unknown dtype '" + dt + "'");
    }
    if (!(m.get("shape") instanceof List<?> sl)) throw new CheckpointException(bad + "has no shape array");
    int[] shape = new int[sl.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(sl.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw new CheckpointException(bad + "has an invalid shape " + sl);
      }
      shape[i] = (int) (long) d;
    }
    if (!(m.get("data_offsets") instanceof List<?> ol) || ol.size() != 2
        || !(ol.get(0) instanceof Long begin) || !(ol.get(1) instanceof Long end)
        || begin < 0 || end < begin) {
      throw new CheckpointException(bad + "has invalid data_offsets " + m.get("data_offsets"));
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long p = position;
    while (b.hasRemaining()) {
      int r = ch.read(b, p);
      if (r < 0) throw new java.io.EOFException("unexpected end of file at byte " + p);
      p += r;
    }
  }

  /**
   * Reads the tensors of {@code file} into new arrays, checking each against {@code expected}
   * (name, dtype, shape) first; no tensor is read until the whole header checks out.
   *
   * @return new arrays, in {@code expected}'s order
   * @throws CheckpointException describing the first problem found
   */
  public static SequencedMap<String, NDArray> read(Path file, SequencedMap<String, NDArray> expected) {
    String where = "checkpoint " + file;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Header h = readHeader(file, ch);
      for (String name : expected.keySet()) {
        Entry e = h.entry(name);
        if (e == null) throw new CheckpointException(where + " is missing tensor '" + name + "'");
        NDArray want = expected.get(name);
        if (e.dtype() != want.dtype()) {
          throw new CheckpointException(
              where + ": tensor '" + name + "' has dtype " + dtypeName(e.dtype()) + ", the model expects "
                  + dtypeName(want.dtype()));
        }
        if (!Arrays.equals(e.shape(), want.shape())) {
          throw new CheckpointException(
              where + ": tensor '" + name + "' has shape " + Arrays.toString(e.shape())
                  + ", the model expects " + Arrays.toString(want.shape()));
        }
        long bytes = (long) want.size() * want.dtype().byteSize();
        if (e.byteLength() != bytes) {
          throw new CheckpointException(
              where + ": tensor '" + name + "' has " + e.byteLength() + " bytes of data, its shape "
                  + want.shapeString() + " needs " + bytes);
        }
      }
      for (Entry e : h.entries()) {
        if (!expected.containsKey(e.name())) {
          throw new CheckpointException(
              where + " has tensor '" + e.name() + "', which the model does not have");
        }
      }
      SequencedMap<String, NDArray> out = new LinkedHashMap<>();
      for (var x : expected.entrySet()) {
        Entry e = h.entry(x.getKey());
        NDArray a = NDArray.zeros(x.getValue().dtype(), x.getValue().shape());
        ByteBuffer b = ByteBuffer.allocate((int) e.byteLength());
        readFully(ch, b, h.dataStart() + e.begin());
        decode(b.flip(), a);
        out.put(x.getKey(), a);
      }
      return out;
    } catch (IOException e) {
      throw new CheckpointException(where + " cannot be read: " + describe(e), e);
    }
  }
}
