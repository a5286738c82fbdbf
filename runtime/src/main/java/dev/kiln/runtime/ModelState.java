package dev.kiln.runtime;

import dev.kiln.dsl.DType;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/** The variables of one model instance, in declaration order, with checkpoint save and restore. */
public final class ModelState {
  private final String modelName;
  private final SequencedMap<String, NDArray> variables = new LinkedHashMap<>();

  public ModelState(String modelName) {
    this.modelName = modelName;
  }

  public String modelName() {
    return modelName;
  }

  /** Creates a variable filled with zeros and returns it. */
  public NDArray add(String name, DType dtype, int... shape) {
    if (variables.containsKey(name)) {
      throw new IllegalArgumentException("model " + modelName + " already has a variable '" + name + "'");
    }
    if (name.equals("__metadata__")) {
      throw new IllegalArgumentException("a variable cannot be named __metadata__");
    }
    NDArray a = NDArray.zeros(dtype, shape);
    variables.put(name, a);
    return a;
  }

  /** The variable called {@code name}. */
  public NDArray get(String name) {
    NDArray a = variables.get(name);
    if (a == null) {
      throw new IllegalArgumentException(
          "model " + modelName + " has no variable '" + name + "'; it has " + variables.keySet());
    }
    return a;
  }

  /** An unmodifiable view of the variables in declaration order. */
  public SequencedMap<String, NDArray> variables() {
    return Collections.unmodifiableSequencedMap(variables);
  }

  /**
   * Writes all variables to {@code file} (safetensors), atomically: readers see the old file or
   * the new one, never a partial write.
   *
   * @throws java.io.UncheckedIOException when the file cannot be written
   */
  public void save(Path file) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "kiln");
    metadata.put("model", String.valueOf(modelName));
    Safetensors.write(file, variables, metadata);
  }

  /**
   * Replaces every variable's value with the one in {@code file}. The whole file is checked (and
   * read) first: names, dtypes, shapes, data lengths, no missing or extra tensors; on any problem
   * nothing changes.
   *
   * @throws CheckpointException naming the file, the tensor and what differs
   */
  public void restore(Path file) {
    SequencedMap<String, NDArray> loaded = Safetensors.read(file, variables);
    for (var e : loaded.entrySet()) variables.get(e.getKey()).copyFrom(e.getValue());
  }
}
