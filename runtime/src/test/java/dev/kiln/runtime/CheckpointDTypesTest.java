package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.dsl.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints of the 16- and 8-bit dtypes: f16/bf16 bit patterns and narrow integers round-trip. */
class CheckpointDTypesTest {
  @TempDir Path dir;

  @Test
  void narrowDTypesRoundTripBitForBit() throws Exception {
    ModelState a = new ModelState("M");
    NDArray h = a.add("h", DType.F16, 2, 3);
    NDArray bf = a.add("bf", DType.BF16, 3);
    NDArray s = a.add("s", DType.I16, 2);
    NDArray i8 = a.add("i8", DType.I8, 2);
    NDArray u8 = a.add("u8", DType.U8, 2);
    Initializers.fill(h, "randomNormal", new double[] {0, 100}, new SplittableRandom(1));
    h.shorts()[0] = Float.floatToFloat16(65504f);
    h.shorts()[1] = Float.floatToFloat16(Float.NaN);
    h.shorts()[2] = Float.floatToFloat16(-0f);
    bf.shorts()[0] = BFloat16.fromFloat(3.14159f);
    bf.shorts()[1] = BFloat16.fromFloat(Float.NEGATIVE_INFINITY);
    bf.shorts()[2] = BFloat16.fromFloat(1e-30f);
    s.shorts()[0] = Short.MIN_VALUE;
    i8.bytes()[1] = -7;
    u8.bytes()[0] = (byte) 200;
    Path file = dir.resolve("m.safetensors");
    a.save(file);

    // The header names the safetensors dtypes, the data is little-endian 16-bit words.
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    for (String name : new String[] {"\"F16\"", "\"BF16\"", "\"I16\"", "\"I8\"", "\"U8\""}) {
      assertEquals(true, header.contains(name), header);
    }

    ModelState b = new ModelState("M");
    b.add("h", DType.F16, 2, 3);
    b.add("bf", DType.BF16, 3);
    b.add("s", DType.I16, 2);
    b.add("i8", DType.I8, 2);
    b.add("u8", DType.U8, 2);
    b.restore(file);
    assertArrayEquals(h.shorts(), b.get("h").shorts());
    assertArrayEquals(bf.shorts(), b.get("bf").shorts());
    assertArrayEquals(s.shorts(), b.get("s").shorts());
    assertArrayEquals(i8.bytes(), b.get("i8").bytes());
    assertArrayEquals(u8.bytes(), b.get("u8").bytes());
    assertEquals(65504.0, b.get("h").elementAsDouble(0));
    assertEquals(200.0, b.get("u8").elementAsDouble(0));
    assertEquals((double) 3.140625f, b.get("bf").elementAsDouble(0));
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertEquals((short) 0x3f80, BFloat16.fromFloat(1f + 0x1p-8f)); // a tie: down to even
    assertEquals((short) 0x3f82, BFloat16.fromFloat(1f + 0x3p-8f)); // a tie: up to even
    assertEquals((short) 0x3f81, BFloat16.fromFloat(1f + 0x1.8p-8f)); // above the tie: up
    assertEquals(Float.POSITIVE_INFINITY, BFloat16.toFloat(BFloat16.fromFloat(Float.MAX_VALUE)));
    assertEquals(true, Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(Float.NaN))));
  }
}
