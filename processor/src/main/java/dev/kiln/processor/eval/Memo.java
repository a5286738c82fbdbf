package dev.kiln.processor.eval;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Bookkeeping of what is evaluated once (field values, static constants, zero-argument methods):
 * a remembered failure, so a failed member used again stays silent, and keys for cycle detection.
 */
final class Memo {
  private Memo() {}

  /** Marks a memoized field or method whose evaluation failed (its error is already reported). */
  static final Object FAILED = new Object();

  /** An element of one model object, for cycle detection. */
  record Key(Instance instance, Object element) {}

  /**
   * The value remembered in {@code stored}, or null when nothing is; a remembered failure throws
   * an error that is already reported.
   */
  static Value recall(Object stored) {
    if (stored == FAILED) {
      throw EvalError.alreadyReported();
    }
    return (Value) stored;
  }

  /** Evaluates {@code value} and keeps it under {@code key}, or remembers that it failed. */
  static <K> Value keep(Map<K, Object> map, K key, Supplier<Value> value) {
    try {
      Value v = value.get();
      map.put(key, v);
      return v;
    } catch (EvalError e) {
      map.put(key, FAILED);
      throw e;
    }
  }
}
