package dev.kiln.summaries;

import dev.kiln.summaries.proto.Event;
import dev.kiln.summaries.proto.GraphDef;
import dev.kiln.summaries.proto.HistogramProto;
import dev.kiln.summaries.proto.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads a log directory the way TensorBoard does, for Kiln Board: every directory under it that
 * holds event files ({@code events.out.tfevents.*}) is a run, named by its path relative to the
 * log directory ({@code "."} for the log directory itself). A run's files are read in name order
 * (their names start with the creation time); within a tag points are sorted by step (stable, so
 * equal steps keep file order). Damaged files contribute their good records and one warning.
 */
public final class RunReader {
  private RunReader() {}

  /** One point of a scalar curve. */
  public record ScalarPoint(long step, double wallTime, float value) {}

  /**
   * A histogram in TensorBoard's layout: {@code bucketCounts[i]} values lie in
   * ({@code bucketLimits[i-1]}, {@code bucketLimits[i]}]; the first bucket starts at
   * {@code -Double.MAX_VALUE}.
   */
  public record Histogram(double min, double max, double count, double sum, double sumSquares,
      double[] bucketLimits, double[] bucketCounts) {
    static Histogram of(HistogramProto h) {
      return new Histogram(h.getMin(), h.getMax(), h.getNum(), h.getSum(), h.getSumSquares(),
          h.getBucketLimitList().stream().mapToDouble(Double::doubleValue).toArray(),
          h.getBucketList().stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  public record HistogramPoint(long step, double wallTime, Histogram histogram) {}

  /** One image: PNG bytes ({@code colorspace} 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
  public record ImagePoint(long step, double wallTime, int width, int height, int colorspace, byte[] png) {}

  /**
   * Everything one run recorded.
   *
   * @param name path relative to the log directory, '/'-separated; "." for the log directory
   * @param scalars tag to its points, tags in order of first appearance
   * @param histograms tag to its points
   * @param images tag to its points (an image summary of several images has one tag per image,
   *     {@code <tag>/image/<i>})
   * @param graph the last graph the run wrote, if any
   * @param warnings one line per damaged event file
   */
  public record Run(String name, Path dir, List<Path> files,
      Map<String, List<ScalarPoint>> scalars,
      Map<String, List<HistogramPoint>> histograms,
      Map<String, List<ImagePoint>> images,
      Optional<GraphDef> graph,
      List<String> warnings) {}

  /** Every run under {@code logdir}, sorted by name; warnings are printed to stderr, one line each. */
  public static List<Run> read(Path logdir) throws IOException {
    return read(logdir, System.err::println);
  }

  /** Every run under {@code logdir}, sorted by name; each warning line also goes to {@code warn}. */
  public static List<Run> read(Path logdir, Consumer<String> warn) throws IOException {
    List<Path> dirs;
    try (Stream<Path> s = Files.walk(logdir)) {
      dirs = s.filter(Files::isRegularFile).filter(RunReader::isEventFile)
          .map(Path::getParent).distinct().sorted().toList();
    }
    List<Run> runs = new ArrayList<>();
    for (Path d : dirs) {
      String rel = logdir.relativize(d).toString().replace('\\', '/');
      runs.add(readRun(d, rel.isEmpty() ? "." : rel, warn));
    }
    runs.sort(Comparator.comparing(Run::name));
    return runs;
  }

  /** The run whose event files lie directly in {@code dir}. */
  public static Run readRun(Path dir, String name, Consumer<String> warn) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).filter(RunReader::isEventFile).sorted().toList();
    }
    Map<String, List<ScalarPoint>> scalars = new LinkedHashMap<>();
    Map<String, List<HistogramPoint>> histograms = new LinkedHashMap<>();
    Map<String, List<ImagePoint>> images = new LinkedHashMap<>();
    GraphDef graph = null;
    List<String> warnings = new ArrayList<>();
    for (Path f : files) {
      EventFileReader.Result r = EventFileReader.read(f);
      if (r.warning() != null) {
        warnings.add(r.warning());
        warn.accept(r.warning());
      }
      for (Event e : r.events()) {
        if (e.hasGraphDef()) {
          try {
            graph = GraphDef.parseFrom(e.getGraphDef());
          } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            String w = "warning: event file " + f + ": the graph at step " + e.getStep()
                + " is not a GraphDef; skipped";
            warnings.add(w);
            warn.accept(w);
          }
        }
        if (!e.hasSummary()) {
          continue;
        }
        for (Summary.Value v : e.getSummary().getValueList()) {
          switch (v.getValueCase()) {
            case SIMPLE_VALUE -> scalars.computeIfAbsent(v.getTag(), t -> new ArrayList<>())
                .add(new ScalarPoint(e.getStep(), e.getWallTime(), v.getSimpleValue()));
            case HISTO -> histograms.computeIfAbsent(v.getTag(), t -> new ArrayList<>())
                .add(new HistogramPoint(e.getStep(), e.getWallTime(), Histogram.of(v.getHisto())));
            case IMAGE -> images.computeIfAbsent(v.getTag(), t -> new ArrayList<>())
                .add(new ImagePoint(e.getStep(), e.getWallTime(), v.getImage().getWidth(),
                    v.getImage().getHeight(), v.getImage().getColorspace(),
                    v.getImage().getEncodedImageString().toByteArray()));
            default -> { } // kinds Kiln does not show (audio, tensors) are left out
          }
        }
      }
    }
    scalars.values().forEach(l -> l.sort(Comparator.comparingLong(ScalarPoint::step)));
    histograms.values().forEach(l -> l.sort(Comparator.comparingLong(HistogramPoint::step)));
    images.values().forEach(l -> l.sort(Comparator.comparingLong(ImagePoint::step)));
    return new Run(name, dir, files, freeze(scalars), freeze(histograms), freeze(images),
        Optional.ofNullable(graph), List.copyOf(warnings));
  }

  static boolean isEventFile(Path p) {
    return p.getFileName().toString().startsWith(EventFileWriter.FILE_PREFIX);
  }

  private static <T> Map<String, List<T>> freeze(Map<String, List<T>> m) {
    Map<String, List<T>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return java.util.Collections.unmodifiableMap(out);
  }
}
