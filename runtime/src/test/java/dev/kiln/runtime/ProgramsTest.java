package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProgramsTest {
  @Test
  void aBodyThatSucceedsRunsOnce() {
    AtomicInteger runs = new AtomicInteger();
    Programs.run("Demo", runs::incrementAndGet);
    assertEquals(1, runs.get());
  }

  @Test
  void anUnexpectedFailureIsABugAndKeepsItsCause() {
    Exception bug = new CloneNotSupportedException("internal");
    var e = assertThrows(IllegalStateException.class, () -> Programs.run("Demo", () -> {
      throw bug;
    }));
    assertEquals("Demo failed", e.getMessage());
    assertSame(bug, e.getCause());
  }
}
