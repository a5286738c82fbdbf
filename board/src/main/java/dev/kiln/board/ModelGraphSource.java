package dev.kiln.board;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The graphs of compiled models without any training run: every {@code <Model>.graph.json} the
 * processor put in a model jar, or one such file. Each model is a run named by its class.
 */
public final class ModelGraphSource implements RunSource {
  static final String SUFFIX = ".graph.json";

  private final Map<String, String> graphs;

  ModelGraphSource(Map<String, String> graphs) {
    this.graphs = Collections.unmodifiableMap(new LinkedHashMap<>(graphs));
  }

  /**
   * Reads a model jar or a {@code .graph.json} file; throws {@link IllegalArgumentException} with
   * one sentence when it is neither or holds no graph.
   */
  public static ModelGraphSource open(Path path) {
    String file = path.getFileName() == null ? "" : path.getFileName().toString();
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("Kiln Board: --model expects a model jar or a "
          + SUFFIX + " file, but " + path + " is not a file");
    }
    Map<String, String> graphs = new LinkedHashMap<>();
    try {
      if (file.endsWith(SUFFIX)) {
        graphs.put(file.substring(0, file.length() - SUFFIX.length()), Files.readString(path));
      } else if (file.endsWith(".jar")) {
        try (JarFile jar = new JarFile(path.toFile())) {
          for (JarEntry e : Collections.list(jar.entries())) {
            if (!e.isDirectory() && e.getName().endsWith(SUFFIX)) {
              String name = e.getName().substring(0, e.getName().length() - SUFFIX.length()).replace('/', '.');
              graphs.put(name, new String(jar.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8));
            }
          }
        }
      } else {
        throw new IllegalArgumentException("Kiln Board: --model expects a model jar or a " + SUFFIX
            + " file, but found " + file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Kiln Board could not read " + path + ": " + e.getMessage(), e);
    }
    if (graphs.isEmpty()) {
      throw new IllegalArgumentException("Kiln Board: " + path + " holds no " + SUFFIX
          + " graph resource; is it a jar built with the Kiln processor?");
    }
    return new ModelGraphSource(graphs);
  }

  @Override
  public List<String> runs() {
    return List.copyOf(graphs.keySet());
  }

  @Override
  public Map<String, List<Scalar>> scalars(String run) {
    return Map.of();
  }

  @Override
  public Map<String, List<Histogram>> histograms(String run) {
    return Map.of();
  }

  @Override
  public Map<String, List<Image>> images(String run) {
    return Map.of();
  }

  @Override
  public Optional<String> graphJson(String run) {
    return Optional.ofNullable(graphs.get(run));
  }
}
