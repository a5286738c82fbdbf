package dev.kiln.codegen.llvm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** Module-wide pieces shared by the functions: external declarations and constant globals. */
final class Module {
  private final TreeSet<String> declarations = new TreeSet<>();
  private final Map<Object, String> globalNames = new LinkedHashMap<>();
  private final StringBuilder globals = new StringBuilder();

  /** Declares an external function or intrinsic (once), e.g. {@code declare float @tanhf(float)}. */
  void declare(String declaration) {
    declarations.add(declaration);
  }

  /** A call of a libm function or intrinsic {@code name} on {@code args} of type {@code type}. */
  String call(LlvmFunction f, String type, String name, String... args) {
    StringBuilder params = new StringBuilder();
    StringBuilder values = new StringBuilder();
    for (String a : args) {
      params.append(params.isEmpty() ? "" : ", ").append(type);
      values.append(values.isEmpty() ? "" : ", ").append(type).append(' ').append(a);
    }
    declare("declare " + type + " @" + name + "(" + params + ")");
    return f.let("call", "call " + type + " @" + name + "(" + values + ")");
  }

  /** The global for {@code key}, defined by {@code definition} (given the name) on first use. */
  String global(Object key, String hint, java.util.function.Function<String, String> definition) {
    String existing = globalNames.get(key);
    if (existing != null) {
      return existing;
    }
    String name = "@" + LlvmFunction.sanitize(hint);
    String base = name;
    for (int k = 2; globalNames.containsValue(name); k++) {
      name = base + "." + k;
    }
    globalNames.put(key, name);
    globals.append(definition.apply(name)).append('\n');
    return name;
  }

  String globalsText() {
    return globals.toString();
  }

  String declarationsText() {
    return String.join("\n", declarations) + (declarations.isEmpty() ? "" : "\n");
  }
}
