package dev.kiln.board;

import dev.kiln.summaries.RunReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A log directory of TensorBoard event files, read by {@link RunReader}: every directory holding
 * event files is a run. The directory is read again whenever the page asks for the run list, so a
 * training run in progress shows its new points on reload. A run's graph is a
 * {@code <Model>.graph.json} in its directory when there is one (it has the entry points), else the
 * graph the run logged.
 */
public final class LogdirSource implements RunSource {
  private final Path logdir;
  private volatile Map<String, RunReader.Run> runs = Map.of();

  public LogdirSource(Path logdir) {
    if (!Files.isDirectory(logdir)) {
      throw new IllegalArgumentException("Kiln Board: --logdir expects a directory, but " + logdir
          + " is not one");
    }
    this.logdir = logdir;
    reload();
  }

  private void reload() {
    Map<String, RunReader.Run> fresh = new LinkedHashMap<>();
    try {
      for (RunReader.Run r : RunReader.read(logdir)) {
        fresh.put(r.name(), r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Kiln Board could not read " + logdir + ": " + e.getMessage(), e);
    }
    runs = fresh;
  }

  @Override
  public List<String> runs() {
    reload();
    return List.copyOf(runs.keySet());
  }

  private Optional<RunReader.Run> run(String name) {
    return Optional.ofNullable(runs.get(name));
  }

  @Override
  public Map<String, List<Scalar>> scalars(String run) {
    return run(run).map(r -> map(r.scalars(), p -> new Scalar(p.step(), p.wallTime(), p.value()))).orElse(Map.of());
  }

  @Override
  public Map<String, List<Histogram>> histograms(String run) {
    return run(run).map(r -> map(r.histograms(), p -> new Histogram(p.step(), p.histogram().min(),
        p.histogram().max(), p.histogram().bucketLimits(), p.histogram().bucketCounts()))).orElse(Map.of());
  }

  @Override
  public Map<String, List<Image>> images(String run) {
    return run(run).map(r -> map(r.images(), p -> new Image(p.step(), p.png()))).orElse(Map.of());
  }

  @Override
  public Optional<String> graphJson(String run) {
    Optional<RunReader.Run> r = run(run);
    if (r.isEmpty()) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(r.get().dir())) {
      Optional<Path> json = files.filter(f -> f.getFileName().toString().endsWith(ModelGraphSource.SUFFIX))
          .sorted().findFirst();
      if (json.isPresent()) {
        return Optional.of(Files.readString(json.get()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return r.get().graph().map(GraphDefJson::of);
  }

  private static <A, B> Map<String, List<B>> map(Map<String, List<A>> byTag, Function<A, B> f) {
    Map<String, List<B>> out = new LinkedHashMap<>();
    byTag.forEach((tag, points) -> out.put(tag, points.stream().map(f).toList()));
    return out;
  }
}
