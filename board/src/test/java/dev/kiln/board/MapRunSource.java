package dev.kiln.board;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link RunSource} held in memory: one run, filled by a test. */
final class MapRunSource implements RunSource {
  final String run;
  final Map<String, List<Scalar>> scalars = new LinkedHashMap<>();
  final Map<String, List<Histogram>> histograms = new LinkedHashMap<>();
  final Map<String, List<Image>> images = new LinkedHashMap<>();
  String graph;

  MapRunSource(String run) {
    this.run = run;
  }

  @Override
  public List<String> runs() {
    return List.of(run);
  }

  @Override
  public Map<String, List<Scalar>> scalars(String r) {
    return r.equals(run) ? scalars : Map.of();
  }

  @Override
  public Map<String, List<Histogram>> histograms(String r) {
    return r.equals(run) ? histograms : Map.of();
  }

  @Override
  public Map<String, List<Image>> images(String r) {
    return r.equals(run) ? images : Map.of();
  }

  @Override
  public Optional<String> graphJson(String r) {
    return r.equals(run) ? Optional.ofNullable(graph) : Optional.empty();
  }
}
