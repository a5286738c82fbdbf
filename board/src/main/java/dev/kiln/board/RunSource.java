package dev.kiln.board;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the board shows, independent of where it comes from: a log directory of training runs, or
 * the graph resource of a compiled model jar. Each map is keyed by tag, in display order.
 */
public interface RunSource {

  /** The run names, in display order. */
  List<String> runs();

  /** Each scalar tag of a run and its points in step order. */
  Map<String, List<Scalar>> scalars(String run);

  /** Each histogram tag of a run and one histogram per logged step. */
  Map<String, List<Histogram>> histograms(String run);

  /** Each image tag of a run and one PNG per logged step. */
  Map<String, List<Image>> images(String run);

  /** The run's graph in the {@code GraphExport} JSON format, when it has one. */
  Optional<String> graphJson(String run);

  /** One logged value. */
  record Scalar(long step, double wallTime, double value) {}

  /**
   * A histogram at one step: {@code counts[i]} values fell in bucket i, whose right edge is
   * {@code limits[i]} (the left edge is the previous limit, or {@code min} for the first).
   */
  record Histogram(long step, double min, double max, double[] limits, double[] counts) {}

  /** An encoded PNG logged at one step. */
  record Image(long step, byte[] png) {}
}
