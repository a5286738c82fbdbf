package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.EntryPoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The peak of live intermediate memory over an entry point's schedule, as the Java backend runs
 * it: each computed node allocates its output when it runs; the buffer is live until its last
 * reader in the schedule has run, and the entry point's results (the output and, for a training
 * step, the gradients) stay live to the end. Fed inputs, variables and constants are not
 * intermediates (the caller or the model instance owns them) and are not counted.
 */
public final class PeakMemory {
  private PeakMemory() {}

  public static long peakBytes(EntryPoint entry, long symbolicSize) {
    List<Node> schedule = entry.schedule();
    Map<Node, Integer> position = new HashMap<>();
    for (int i = 0; i < schedule.size(); i++) {
      position.put(schedule.get(i), i);
    }
    // lastUse[i]: the schedule index after which node i's buffer is free.
    int[] lastUse = new int[schedule.size()];
    for (int i = 0; i < schedule.size(); i++) {
      lastUse[i] = i;
      for (Node in : schedule.get(i).inputs()) {
        Integer p = position.get(in);
        if (p != null) {
          lastUse[p] = Math.max(lastUse[p], i);
        }
      }
    }
    markLive(entry.output(), position, lastUse, schedule.size());
    entry.gradients().values().forEach(g -> markLive(g, position, lastUse, schedule.size()));

    long[] freedAfter = new long[schedule.size() + 1];
    long live = 0;
    long peak = 0;
    for (int i = 0; i < schedule.size(); i++) {
      long bytes = bytes(schedule.get(i), symbolicSize);
      live += bytes;
      peak = Math.max(peak, live);
      freedAfter[lastUse[i]] += bytes;
      live -= freedAfter[i];
    }
    return peak;
  }

  private static void markLive(Node n, Map<Node, Integer> position, int[] lastUse, int end) {
    Integer p = position.get(n);
    if (p != null) {
      lastUse[p] = end;
    }
  }

  /** Bytes a node's output takes when the backend allocates it; 0 for what it does not allocate. */
  static long bytes(Node n, long symbolicSize) {
    return switch (n.op().name()) {
      case "Placeholder", "Variable", "Const", "Arg" -> 0;
      default -> ModelCost.elements(n.shape(), symbolicSize) * n.type().dtype().byteSize();
    };
  }
}
