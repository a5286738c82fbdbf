package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path dir;

  /** weights f32[3, 2], bias f32[2], step i64[], mask bool[3], half f16[2], codes u8[2]. */
  private static ModelState model(long seed) {
    ModelState s = new ModelState("Tiny");
    NDArray w = s.add("weights", DType.F32, 3, 2);
    NDArray b = s.add("bias", DType.F32, 2);
    NDArray step = s.add("step", DType.I64);
    NDArray mask = s.add("mask", DType.BOOL, 3);
    NDArray half = s.add("half", DType.F16, 2);
    NDArray codes = s.add("codes", DType.U8, 2);
    if (seed != 0) {
      SplittableRandom r = new SplittableRandom(seed);
      Initializers.fill(w, "randomNormal", new double[] {0, 1}, r);
      Initializers.fill(b, "randomUniform", new double[] {-1, 1}, r);
      step.longs()[0] = seed * 1000;
      mask.bools()[1] = true;
      half.shorts()[0] = Float.floatToFloat16(0.5f + seed);
      codes.bytes()[1] = (byte) 250;
    }
    return s;
  }

  private static Map<String, NDArray> snapshot(ModelState s) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    s.variables().forEach((k, v) -> m.put(k, v.copy()));
    return m;
  }

  /** Asserts that restoring {@code file} fails with exactly {@code message} and changes nothing. */
  private static void assertRestoreFails(Path file, String message) {
    ModelState s = model(3);
    Map<String, NDArray> before = snapshot(s);
    Executable restore = () -> s.restore(file);
    var e = assertThrows(CheckpointException.class, restore);
    assertEquals(message, e.getMessage());
    assertEquals(before, snapshot(s));
  }

  private static void writeRaw(Path file, String json, byte[] data) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    Files.write(file, b.array());
  }

  @Test
  void roundTripGivesIdenticalValuesInANewState() {
    Path file = dir.resolve("tiny.safetensors");
    ModelState a = model(7);
    a.save(file);
    ModelState b = model(0);
    b.restore(file);
    assertEquals(snapshot(a), snapshot(b));
    assertEquals(List.of("weights", "bias", "step", "mask", "half", "codes"), new ArrayList<>(b.variables().keySet()));
  }

  @Test
  void fileIsStandardSafetensors() throws IOException {
    Path file = dir.resolve("tiny.safetensors");
    ModelState a = model(7);
    a.save(file);
    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8, "header padded to 8 bytes");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{\"weights\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]}"), header);
    assertTrue(header.contains("\"step\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[32,40]}"), header);
    assertTrue(header.contains("\"__metadata__\":{\"format\":\"kiln\",\"model\":\"Tiny\"}"), header);
    float w0 = ByteBuffer.wrap(bytes, 8 + (int) n, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    assertEquals(a.get("weights").getFloat(0, 0), w0);
    assertEquals(8 + n + 24 + 8 + 8 + 3 + 4 + 2, bytes.length);
  }

  @Test
  void readerIsRobustToWhitespaceAndKeyOrder() throws IOException {
    Path file = dir.resolve("hand.safetensors");
    ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(3f);
    writeRaw(file, """
        {
          "__metadata__" : { "format" : "pt" },
          "b" : { "data_offsets" : [ 8 , 12 ], "shape" : [ 1 ], "dtype" : "F32" },
          "a" : {"shape":[2],"dtype":"F32","data_offsets":[0,8]}
        }  \t""", data.array());
    ModelState s = new ModelState("M");
    s.add("a", DType.F32, 2);
    s.add("b", DType.F32, 1);
    s.restore(file);
    assertArrayEquals(new float[] {1.5f, -2f}, s.get("a").floats());
    assertEquals(3f, s.get("b").getFloat(0));
  }

  @Test
  void saveIsAtomicAndReplacesTheOldFile() throws IOException {
    Path file = dir.resolve("m.safetensors");
    model(1).save(file);
    ModelState second = model(2);
    second.save(file);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
    ModelState restored = model(0);
    restored.restore(file);
    assertEquals(snapshot(second), snapshot(restored));
  }

  @Test
  void saveFailureIsAClearError() throws IOException {
    Path blocker = dir.resolve("not-a-folder");
    Files.writeString(blocker, "x");
    var e = assertThrows(UncheckedIOException.class, () -> model(1).save(blocker.resolve("m.safetensors")));
    assertTrue(e.getMessage().startsWith("cannot write checkpoint " + blocker.resolve("m.safetensors") + ": "),
        e.getMessage());
  }

  @Test
  void truncatedData() throws IOException {
    Path file = dir.resolve("m.safetensors");
    model(1).save(file);
    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    long data = bytes.length - 8 - n;
    assertRestoreFails(file, "checkpoint " + file + " is truncated: header says " + data
        + " bytes of data, file has " + (data - 3));
  }

  @Test
  void truncatedHeader() throws IOException {
    Path file = dir.resolve("m.safetensors");
    model(1).save(file);
    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Files.write(file, Arrays.copyOf(bytes, 20));
    assertRestoreFails(file, "checkpoint " + file + " is truncated: header length says " + n
        + " bytes of JSON, file has 12 after the length");
    Files.write(file, new byte[] {1, 2, 3});
    assertRestoreFails(file, "checkpoint " + file
        + " is truncated: it has 3 bytes, fewer than the 8-byte header length");
  }

  @Test
  void garbageHeader() throws IOException {
    Path file = dir.resolve("m.safetensors");
    writeRaw(file, "not json!!", new byte[0]);
    assertRestoreFails(file, "checkpoint " + file
        + " has a malformed header: expected a value at character 0, found 'n'");
    writeRaw(file, "{\"weights\":{\"dtype\":\"F32\",\"shape\":[3,2]", new byte[0]);
    assertRestoreFails(file, "checkpoint " + file
        + " has a malformed header: expected ',' or '}' at character 39, found the end of the text");
    writeRaw(file, "[1,2]", new byte[0]);
    assertRestoreFails(file, "checkpoint " + file + " has a malformed header: it is not a JSON object");
    writeRaw(file, "{\"weights\":{\"dtype\":\"Q4\",\"shape\":[3,2],\"data_offsets\":[0,24]}}", new byte[24]);
    assertRestoreFails(file, "checkpoint " + file
        + " has a malformed header: tensor 'weights' has unknown dtype 'Q4'");
    Files.writeString(file, "this is a text file, not a checkpoint");
    long asLength = ByteBuffer.wrap("this is ".getBytes(StandardCharsets.US_ASCII)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertRestoreFails(file, "checkpoint " + file
        + " is not a safetensors file: its header length is " + asLength + " bytes");
  }

  @Test
  void wrongShape() {
    Path file = dir.resolve("m.safetensors");
    ModelState other = model(1);
    ModelState wide = new ModelState("Wide");
    other.variables().forEach((k, v) -> wide.add(k, v.dtype(), k.equals("weights") ? new int[] {3, 5} : v.shape()));
    wide.save(file);
    assertRestoreFails(file, "checkpoint " + file + ": tensor 'weights' has shape [3, 5], the model expects [3, 2]");
  }

  @Test
  void wrongDtype() {
    Path file = dir.resolve("m.safetensors");
    ModelState other = new ModelState("Other");
    model(1).variables().forEach((k, v) -> other.add(k, k.equals("bias") ? DType.F64 : v.dtype(), v.shape()));
    other.save(file);
    assertRestoreFails(file, "checkpoint " + file + ": tensor 'bias' has dtype F64, the model expects F32");
  }

  @Test
  void missingTensor() {
    Path file = dir.resolve("m.safetensors");
    ModelState other = new ModelState("Other");
    model(1).variables().forEach((k, v) -> {
      if (!k.equals("bias")) other.add(k, v.dtype(), v.shape());
    });
    other.save(file);
    assertRestoreFails(file, "checkpoint " + file + " is missing tensor 'bias'");
  }

  @Test
  void extraTensor() {
    Path file = dir.resolve("m.safetensors");
    ModelState other = model(1);
    other.add("gamma", DType.F32, 4);
    other.save(file);
    assertRestoreFails(file, "checkpoint " + file + " has tensor 'gamma', which the model does not have");
  }

  @Test
  void wrongByteLength() throws IOException {
    Path file = dir.resolve("m.safetensors");
    writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[8]);
    ModelState s = new ModelState("M");
    NDArray a = s.add("a", DType.F32, 2);
    a.floats()[0] = 4;
    var e = assertThrows(CheckpointException.class, () -> s.restore(file));
    assertEquals("checkpoint " + file + ": tensor 'a' has 4 bytes of data, its shape f32[2] needs 8", e.getMessage());
    assertEquals(4f, a.getFloat(0));
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("nope.safetensors");
    assertRestoreFails(file, "checkpoint " + file + " cannot be read: no such file or folder (" + file + ")");
  }

  @Test
  void modelStateBookkeeping() {
    ModelState s = new ModelState("M");
    NDArray w = s.add("w", DType.F32, 2);
    assertEquals(w, s.get("w"));
    var dup = assertThrows(IllegalArgumentException.class, () -> s.add("w", DType.F32, 2));
    assertEquals("model M already has a variable 'w'", dup.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.get("v"));
    assertThrows(UnsupportedOperationException.class, () -> s.variables().remove("w"));
    assertEquals("w", s.variables().firstEntry().getKey());
  }
}
