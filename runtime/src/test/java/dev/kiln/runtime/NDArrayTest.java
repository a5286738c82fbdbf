package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dsl.DType;
import org.junit.jupiter.api.Test;

class NDArrayTest {
  @Test
  void zerosUsesTheStorageOfEachDtype() {
    assertEquals(float[].class, NDArray.zeros(DType.F32, 2, 3).storage().getClass());
    assertEquals(double[].class, NDArray.zeros(DType.F64, 2).storage().getClass());
    assertEquals(int[].class, NDArray.zeros(DType.I32, 2).storage().getClass());
    assertEquals(long[].class, NDArray.zeros(DType.I64, 2).storage().getClass());
    assertEquals(boolean[].class, NDArray.zeros(DType.BOOL, 2).storage().getClass());
    assertEquals(short[].class, NDArray.zeros(DType.I16, 2).storage().getClass());
    assertEquals(short[].class, NDArray.zeros(DType.F16, 2).storage().getClass());
    assertEquals(short[].class, NDArray.zeros(DType.BF16, 2).storage().getClass());
    assertEquals(byte[].class, NDArray.zeros(DType.I8, 2).storage().getClass());
    assertEquals(byte[].class, NDArray.zeros(DType.U8, 2).storage().getClass());
    NDArray z = NDArray.zeros(DType.F32, 2, 3);
    assertEquals(6, z.size());
    assertEquals(2, z.rank());
    assertEquals(3, z.dim(1));
    assertArrayEquals(new int[] {2, 3}, z.shape());
  }

  @Test
  void ofWrapsWithoutCopyingAndChecksTheSize() {
    float[] data = {1, 2, 3, 4, 5, 6};
    NDArray a = NDArray.of(data, 2, 3);
    assertSame(data, a.floats());
    data[5] = 60;
    assertEquals(60f, a.getFloat(1, 2));
    assertEquals(2f, a.getFloat(0, 1));
    var e = assertThrows(IllegalArgumentException.class, () -> NDArray.of(new float[5], 2, 3));
    assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NDArray.of(new double[3], 2));
    assertThrows(IllegalArgumentException.class, () -> NDArray.of(new int[3], 2));
    assertThrows(IllegalArgumentException.class, () -> NDArray.of(new long[3], 2));
    assertThrows(IllegalArgumentException.class, () -> NDArray.of(new boolean[3], 2));
    assertEquals(DType.I64, NDArray.of(new long[] {1, 2}, 2).dtype());
  }

  @Test
  void shapeIsACopy() {
    NDArray a = NDArray.zeros(DType.F32, 2, 3);
    a.shape()[0] = 99;
    assertEquals(2, a.dim(0));
  }

  @Test
  void wrongTypedAccessorNamesBothDtypes() {
    NDArray a = NDArray.zeros(DType.F64, 2);
    var e = assertThrows(IllegalStateException.class, a::floats);
    assertEquals("this array is f64, not f32: f64[2]", e.getMessage());
    assertThrows(IllegalStateException.class, a::ints);
    assertThrows(IllegalStateException.class, a::longs);
    assertThrows(IllegalStateException.class, a::bools);
    assertThrows(IllegalStateException.class, () -> NDArray.zeros(DType.F32, 1).doubles());
  }

  @Test
  void scalarsAndValues() {
    NDArray s = NDArray.scalar(2.5f);
    assertEquals(0, s.rank());
    assertEquals(1, s.size());
    assertEquals(2.5f, s.floatValue());
    assertEquals(2.5f, s.getFloat());
    assertThrows(IllegalStateException.class, () -> NDArray.zeros(DType.F32, 2).floatValue());
    assertThrows(IndexOutOfBoundsException.class, () -> NDArray.zeros(DType.F32, 2).getFloat(2));
    assertThrows(IllegalArgumentException.class, () -> NDArray.zeros(DType.F32, 2).getFloat(0, 0));
  }

  @Test
  void getDoubleReadsEveryNumericDtype() {
    assertEquals(3.0, NDArray.of(new int[] {3}, 1).getDouble(0));
    assertEquals(-4.0, NDArray.of(new long[] {-4}, 1).getDouble(0));
    assertEquals(1.0, NDArray.of(new boolean[] {true}, 1).getDouble(0));
    assertEquals(0.25, NDArray.of(new double[] {0.25}, 1).getDouble(0));
    NDArray u8 = NDArray.zeros(DType.U8, 1);
    ((byte[]) u8.storage())[0] = (byte) 200;
    assertEquals(200.0, u8.getDouble(0));
    NDArray f16 = NDArray.zeros(DType.F16, 1);
    f16.shorts()[0] = Float.floatToFloat16(1.5f);
    assertEquals(1.5, f16.getDouble(0));
    NDArray bf16 = NDArray.zeros(DType.BF16, 1);
    bf16.shorts()[0] = (short) (Float.floatToIntBits(-2f) >>> 16);
    assertEquals(-2.0, bf16.getDouble(0));
    assertEquals(200f, u8.getFloat(0));
  }

  @Test
  void copyIsDeep() {
    NDArray a = NDArray.of(new float[] {1, 2}, 2);
    NDArray b = a.copy();
    assertEquals(a, b);
    b.floats()[0] = 9;
    assertEquals(1f, a.getFloat(0));
    assertNotEquals(a, b);
  }

  @Test
  void rowsAndGatherRows() {
    NDArray a = NDArray.of(new float[] {0, 1, 10, 11, 20, 21, 30, 31}, 4, 2);
    NDArray r = a.rows(1, 3);
    assertEquals(NDArray.of(new float[] {10, 11, 20, 21}, 2, 2), r);
    r.floats()[0] = -1;
    assertEquals(10f, a.getFloat(1, 0));
    assertEquals(0, a.rows(2, 2).dim(0));
    assertThrows(IndexOutOfBoundsException.class, () -> a.rows(3, 5));
    NDArray g = NDArray.gatherRows(a, new int[] {3, 0, 3});
    assertEquals(NDArray.of(new float[] {30, 31, 0, 1, 30, 31}, 3, 2), g);
    assertThrows(IndexOutOfBoundsException.class, () -> NDArray.gatherRows(a, new int[] {4}));
    NDArray labels = NDArray.of(new int[] {7, 8, 9}, 3);
    assertEquals(NDArray.of(new int[] {9, 7}, 2), NDArray.gatherRows(labels, new int[] {2, 0}));
  }

  @Test
  void equalsAndHashCodeUseDtypeShapeAndContents() {
    NDArray a = NDArray.of(new float[] {1, 2, 3, 4}, 2, 2);
    NDArray b = NDArray.of(new float[] {1, 2, 3, 4}, 2, 2);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, NDArray.of(new float[] {1, 2, 3, 4}, 4));
    assertNotEquals(a, NDArray.of(new double[] {1, 2, 3, 4}, 2, 2));
    assertNotEquals(a, NDArray.of(new float[] {1, 2, 3, 5}, 2, 2));
  }

  @Test
  void toStringIsShort() {
    assertEquals("f32[2, 2] [1.0, 2.0, 3.0, 4.0]", NDArray.of(new float[] {1, 2, 3, 4}, 2, 2).toString());
    String big = NDArray.zeros(DType.F32, 100, 10).toString();
    assertTrue(big.startsWith("f32[100, 10] [0.0, 0.0"), big);
    assertTrue(big.length() < 60, big);
    assertEquals("i32[2] [1, 2]", NDArray.of(new int[] {1, 2}, 2).toString());
  }
}
