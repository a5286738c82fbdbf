package dev.kiln.processor.eval;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.Trees;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.processor.Annotations;
import dev.kiln.processor.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Reads one validated {@code @Model} class into a {@link ModelSpec}: its {@code @Input} fields,
 * its constructor, its {@code @Param} and layer fields in declaration order (a layer's variables
 * join the model's params), then its {@code @Fetch} and {@code @Loss} methods. Every error is
 * reported where it occurs; one failed field or method does not stop the others from being
 * checked, but the model yields no spec.
 */
public final class ModelReader {
  private final Trees trees;
  private final Elements elements;
  private final Diagnostics diagnostics;
  private final ModelSources sources;

  public ModelReader(Trees trees, Elements elements, Diagnostics diagnostics) {
    this(trees, elements, diagnostics, new ModelSources(trees, elements, null));
  }

  public ModelReader(Trees trees, Elements elements, Diagnostics diagnostics, ModelSources sources) {
    this.trees = trees;
    this.elements = elements;
    this.diagnostics = diagnostics;
    this.sources = sources;
  }

  public Optional<ModelSpec> read(TypeElement type) {
    int errorsBefore = diagnostics.errorCount();
    CompilationUnitTree unit = trees.getPath(type).getCompilationUnit();
    GraphBuilder b = new GraphBuilder();
    Evaluator ev = new Evaluator(trees, elements, b, type, unit, sources);
    List<Node> inputs = new ArrayList<>();
    List<ModelSpec.Named> fetches = new ArrayList<>();
    List<ModelSpec.Named> losses = new ArrayList<>();

    List<VariableElement> fields = ElementFilter.fieldsIn(type.getEnclosedElements()).stream()
        .filter(f -> !f.getModifiers().contains(Modifier.STATIC)).toList();
    for (VariableElement field : fields) {
      if (Annotations.has(field, Annotations.INPUT)) {
        try {
          switch (ev.evaluateField(field)) {
            case Value.SparseValue(Node i, Node values, Node shape) -> inputs.addAll(List.of(i, values, shape));
            case Value v -> inputs.add(((Value.TensorValue) v).node());
          }
        } catch (EvalError e) {
          report(e);
        }
      }
    }
    try {
      ev.constructRoot();
    } catch (EvalError e) {
      report(e);
    }
    for (VariableElement field : fields) {
      if (Annotations.isVariable(field) || Annotations.isLayer(field)) {
        try {
          ev.evaluateField(field);
        } catch (EvalError e) {
          report(e);
        }
      }
    }
    List<Node> params = ev.params();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      boolean fetch = Annotations.has(method, Annotations.FETCH);
      boolean loss = Annotations.has(method, Annotations.LOSS);
      if (!fetch && !loss) {
        continue;
      }
      String name = method.getSimpleName().toString();
      try {
        Node n = ev.evaluateEntry(method).node();
        if (fetch) {
          fetches.add(new ModelSpec.Named(name, n));
        }
        if (loss) {
          TensorType t = n.type();
          if (!t.dtype().isFloating() || t.rank() != 0) {
            diagnostics.error(method, "@Loss method '" + name + "' must return a floating-point scalar, got " + t
                + (t.rank() != 0 ? "; reduce it, e.g. with reduceMean(...)" : ""));
            continue;
          }
          losses.add(new ModelSpec.Named(name, n));
        }
      } catch (EvalError e) {
        report(e);
      }
    }
    if (diagnostics.errorCount() != errorsBefore) {
      return Optional.empty();
    }
    PackageElement pkg = elements.getPackageOf(type);
    return Optional.of(new ModelSpec(pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString(),
        type.getSimpleName().toString(), b.graph(), inputs, params, fetches, losses, b.summaries()));
  }

  private void report(EvalError e) {
    if (e.isNew()) {
      diagnostics.error(e.tree(), e.unit(), e.getMessage());
    }
  }
}
