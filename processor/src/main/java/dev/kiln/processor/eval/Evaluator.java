package dev.kiln.processor.eval;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.Trees;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.processor.Annotations;
import dev.kiln.processor.eval.Call.FieldRole;
import dev.kiln.processor.eval.Value.ModelValue;
import dev.kiln.processor.eval.Value.ScalarValue;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Evaluates the field initializers and method bodies of one {@code @Model} class symbolically,
 * adding graph nodes through a {@link GraphBuilder}. Names are resolved syntactically, in order:
 * locals, the model's own fields and methods, the DSL, {@code static final} constants.
 * Anything outside the model language is an {@link EvalError} at its tree.
 *
 * <p>Layers: a field whose type is another {@code @Model} class ({@code Dense hidden = new
 * Dense(784, 256, RELU);}) holds an {@link Instance} built by running that class's constructor on
 * the compile-time arguments. Its variables are named under the field's path ({@code
 * hidden/weights}) and a call of its methods ({@code hidden.apply(x)}) is inlined in the name
 * scope {@code hidden}. A layer from another jar is evaluated from the source its jar ships
 * ({@link ModelSources}); an error in that code is reported at the use in this compilation.
 *
 * <p>This class is the coordinator: it holds what one model's evaluation shares and the entry
 * points {@link ModelReader} calls; each kind of code has its own class: {@link Statements},
 * {@link Expressions}, {@link Names}, {@link InstanceFields}, {@link Layers}, {@link Invocations},
 * {@link MethodCalls}, {@link Lambdas}, and {@link GraphTarget} says where DSL calls build.
 */
public final class Evaluator {
  static final int MAX_CALL_DEPTH = 64;

  final Trees trees;
  final Elements elements;
  final SourcePositions positions;
  final ModelSources sources;
  final GraphTarget target;
  final Instance root;
  /** How deep layer constructions and method calls nest, counted together (at most MAX_CALL_DEPTH). */
  int depth;

  final Statements statements = new Statements(this);
  final Expressions expressions = new Expressions(this);
  final Names names = new Names(this);
  final InstanceFields fields = new InstanceFields(this);
  final Layers layers = new Layers(this);
  final Invocations invocations = new Invocations(this);
  final MethodCalls calls = new MethodCalls(this);
  final Lambdas lambdas = new Lambdas(this);

  public Evaluator(Trees trees, Elements elements, GraphBuilder b, TypeElement modelType, CompilationUnitTree unit) {
    this(trees, elements, b, modelType, unit, new ModelSources(trees, elements, null));
  }

  public Evaluator(Trees trees, Elements elements, GraphBuilder b, TypeElement modelType, CompilationUnitTree unit,
      ModelSources sources) {
    this.trees = trees;
    this.elements = elements;
    this.positions = trees.getSourcePositions();
    this.target = new GraphTarget(b);
    this.sources = sources;
    ClassSource source = sources.of(modelType).orElseGet(() -> new ClassSource.Local(modelType, unit, trees));
    this.root = new Instance(new ClassScope(modelType, unit, elements), source, "");
  }

  // ---- entry points -------------------------------------------------------------------------

  /**
   * Evaluates one instance field of the model (an {@code @Input}, a {@code @Param}, a layer or any
   * other) once: the value its constructor assigned, else its initializer's.
   */
  public Value evaluateField(VariableElement field) {
    return fields.instanceField(root, field, root.source.field(field), rootCtx());
  }

  /**
   * Runs the model's constructor without parameters (javac's implicit one when none is declared),
   * which may assign fields, e.g. layers: {@code hidden = new Dense(784, 256, RELU);}.
   */
  public void constructRoot() {
    TypeElement type = root.cls.type;
    Tree at = trees.getTree(type);
    boolean noArg = ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .anyMatch(k -> k.getParameters().isEmpty());
    if (!noArg) {
      throw new EvalError(at, root.cls.unit, "@Model class '" + type.getSimpleName() + "' has @Fetch or"
          + " @Loss methods, so Kiln compiles it on its own and needs a constructor without parameters,"
          + " found only constructors with parameters; a layer used by other models declares no @Fetch or @Loss");
    }
    layers.runConstructor(root, List.of(), List.of(), at, rootCtx());
  }

  /**
   * The trainable variables of the model and of its layers, in field declaration order, a layer's
   * at the position of its field; a layer held by two fields counts once.
   */
  public List<Node> params() {
    List<Node> out = new ArrayList<>();
    collectParams(root, out, Collections.newSetFromMap(new IdentityHashMap<>()));
    return out;
  }

  private void collectParams(Instance inst, List<Node> out, Set<Instance> seen) {
    if (!seen.add(inst)) {
      return;
    }
    for (VariableElement f : ElementFilter.fieldsIn(inst.cls.type.getEnclosedElements())) {
      Object v = inst.fields.get(f);
      if (v instanceof TensorValue t && Annotations.isVariable(f)) {
        out.add(t.node());
      } else if (v instanceof ModelValue m) {
        collectParams(m.instance(), out, seen);
      }
    }
  }

  /** Evaluates a zero-argument method of the model (a @Fetch or @Loss) in its own name scope. */
  public TensorValue evaluateEntry(ExecutableElement method) {
    MethodTree tree = root.source.method(method);
    Value v = calls.callOwn(root, method, List.of(), List.of(), tree, rootCtx(), method.getSimpleName().toString());
    return asTensor(v, tree);
  }

  private Ctx rootCtx() {
    return new Ctx(root.cls, root, new Env(null), null, FieldRole.OTHER, false);
  }

  private TensorValue asTensor(Value v, Tree at) {
    return switch (v) {
      case TensorValue t -> t;
      case ScalarValue s -> new TensorValue(Emit.scalar(target.builder(), DType.F32, s.value()));
      default -> throw new EvalError(at, root.cls.unit, "a @Model method must compute a tensor, got " + v.describe());
    };
  }

  // ---- what the parts call on one another ---------------------------------------------------

  Value eval(ExpressionTree t, Ctx c) {
    return expressions.eval(t, c);
  }

  Value exec(StatementTree s, Ctx c) {
    return statements.exec(s, c);
  }

  /** The arguments {@code trees}, evaluated left to right as Java does. */
  List<Value> evalAll(List<? extends ExpressionTree> trees, Ctx c) {
    List<Value> out = new ArrayList<>();
    for (ExpressionTree a : trees) {
      out.add(eval(a, c));
    }
    return out;
  }
}
