package dev.kiln.processor;

import dev.kiln.compiler.model.GeneratedFile;
import dev.kiln.runtime.AotCompiler;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import javax.lang.model.element.TypeElement;

/**
 * {@code -Akiln.aot=x86-64-v3,x86-64-v4}: each model's LLVM IR compiled ahead of time into one
 * shared library per CPU target, {@code <Model>.<target>.so} beside the class, which the runtime
 * loads with no LLVM on the class path. The compiler is an {@link AotCompiler} found on the
 * processor path ({@code kiln-runtime-llvm} provides it), so this module never links LLVM.
 */
final class AheadOfTime {
  static final String OPTION = "kiln.aot";

  private final List<String> targets; // empty: the option is off
  private final ClassLoader services;
  private final Diagnostics diagnostics;
  private final FileWriter writer;
  private AotCompiler compiler;
  private String unusable; // why AOT cannot run at all, once known
  private boolean reported;

  /** @param services where to look for the {@link AotCompiler}: the processor path */
  AheadOfTime(String option, ClassLoader services, Diagnostics diagnostics, FileWriter writer) {
    this.targets = option == null ? List.of()
        : Arrays.stream(option.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    this.services = services;
    this.diagnostics = diagnostics;
    this.writer = writer;
  }

  /** Compiles {@code ir} (the model's {@code <Model>.ll}) for every target and writes the libraries. */
  void write(GeneratedFile ir, TypeElement model) throws IOException {
    if (targets.isEmpty() || !ready()) {
      if (unusable != null && !reported) {
        diagnostics.error(model, unusable); // once: it is the same for every model
        reported = true;
      }
      return;
    }
    String simple = model.getSimpleName().toString();
    for (String target : targets) {
      byte[] library;
      try {
        library = compiler.compile(simple, ir.content(), target);
      } catch (RuntimeException | LinkageError e) {
        diagnostics.error(model, "Kiln could not compile " + simple + " ahead of time for " + target + ": "
            + (e.getMessage() == null ? e.toString() : e.getMessage().strip()));
        continue;
      }
      writer.writeBinaryResource(ir.packageName(), simple + "." + target + ".so", library, model);
    }
  }

  /** Finds the compiler and checks the option's targets against it, once. */
  private boolean ready() {
    if (compiler != null || unusable != null) {
      return compiler != null;
    }
    AotCompiler found;
    try {
      found = ServiceLoader.load(AotCompiler.class, services).findFirst().orElse(null);
    } catch (ServiceConfigurationError | LinkageError e) {
      unusable = "-A" + OPTION + " is set but the ahead-of-time compiler on the processor path does not load ("
          + e.getMessage() + "); put " + AotCompiler.ARTIFACT + " with its LLVM natives on annotationProcessorPaths";
      return false;
    }
    if (found == null) {
      unusable = "-A" + OPTION + " is set but no ahead-of-time compiler is on the processor path; add "
          + AotCompiler.ARTIFACT + " to annotationProcessorPaths beside dev.kiln:kiln-processor";
      return false;
    }
    for (String t : targets) {
      if (!found.targets().contains(t)) {
        unusable = "-A" + OPTION + " names unknown target '" + t + "'; the known targets are "
            + String.join(", ", found.targets());
        return false;
      }
    }
    compiler = found;
    return true;
  }
}
