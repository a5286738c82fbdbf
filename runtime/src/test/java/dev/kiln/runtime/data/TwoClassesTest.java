package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.NDArray;
import org.junit.jupiter.api.Test;

class TwoClassesTest {
  @Test
  void keepsTheTwoClassesInOrderWithBinaryLabels() {
    // four examples of classes 2, 0, 1, 2; one feature each = its index
    Dataset d = new Dataset(NDArray.of(new float[] {0, 1, 2, 3}, 4, 1),
        NDArray.of(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}, 4, 3));
    Dataset two = TwoClasses.of(d, 0, 2);
    assertEquals(3, two.size());
    assertArrayEquals(new float[] {0, 1, 3}, two.images().floats());
    assertArrayEquals(new float[] {1, 0, 1}, two.labels().floats());
    assertEquals(1, two.classes());
    var e = assertThrows(IllegalArgumentException.class, () -> TwoClasses.of(d, 1, 1));
    assertEquals("two different classes of 0..2 are needed, got 1 and 1", e.getMessage());
  }
}
