package dev.kiln.processor.eval;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.RegionBuilder;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.processor.Annotations;
import dev.kiln.processor.SourceOrigin;
import dev.kiln.processor.eval.Call.FieldRole;
import dev.kiln.processor.eval.Value.BoolValue;
import dev.kiln.processor.eval.Value.DTypeValue;
import dev.kiln.processor.eval.Value.DimValue;
import dev.kiln.processor.eval.Value.EnumValue;
import dev.kiln.processor.eval.Value.ModelValue;
import dev.kiln.processor.eval.Value.ScalarValue;
import dev.kiln.processor.eval.Value.StringValue;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
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
 */
public final class Evaluator {
  private static final int MAX_LOOP_ITERATIONS = 10_000;
  private static final int MAX_CALL_DEPTH = 64;
  private static final String OPS = "dev.kiln.dsl.Ops";
  private static final String DIM = "dev.kiln.dsl.Dim";
  private static final String DTYPE = "dev.kiln.dsl.DType";

  /** Marks a memoized field or method whose evaluation failed (its error is already reported). */
  private static final Object FAILED = new Object();

  private final Trees trees;
  private final Elements elements;
  private final SourcePositions positions;
  /**
   * Where DSL calls add nodes: the model's graph, or while a lambda of cond/whileLoop/scan is
   * evaluated, the builder of the region it fills ({@link #region}; null at the top level).
   */
  private GraphBuilder b;
  private RegionBuilder region;
  /** The model's own graph: field values are always built here, wherever they are first read. */
  private final GraphBuilder modelGraph;
  private final ModelSources sources;
  private final Instance root;
  /** Values of static fields, each evaluated once. */
  private final Map<Object, Object> memo = new HashMap<>();
  private final Set<Object> inProgress = new HashSet<>();
  private int depth;

  /**
   * Where an expression is being evaluated: its class; the model object whose code it is (null in
   * a static constant of another class); locals; the field being initialized (its name qualified
   * by the object's path) and that field's role; whether a constructor is running, which alone may
   * assign fields.
   */
  private record Ctx(ClassScope cls, Instance self, Env env, String fieldName, FieldRole role, boolean constructing) {
    Ctx with(Env e) {
      return new Ctx(cls, self, e, fieldName, role, constructing);
    }
  }

  /** An element of one model object, for cycle detection. */
  private record Key(Instance instance, Object element) {}

  /** Local variables of one block; a null value is declared but not yet assigned. */
  private static final class Env {
    final Env parent;
    final Map<String, Value> vars = new HashMap<>();

    Env(Env parent) {
      this.parent = parent;
    }

    Env find(String name) {
      for (Env e = this; e != null; e = e.parent) {
        if (e.vars.containsKey(name)) {
          return e;
        }
      }
      return null;
    }
  }

  public Evaluator(Trees trees, Elements elements, GraphBuilder b, TypeElement modelType, CompilationUnitTree unit) {
    this(trees, elements, b, modelType, unit, new ModelSources(trees, elements, null));
  }

  public Evaluator(Trees trees, Elements elements, GraphBuilder b, TypeElement modelType, CompilationUnitTree unit,
      ModelSources sources) {
    this.trees = trees;
    this.elements = elements;
    this.positions = trees.getSourcePositions();
    this.b = b;
    this.modelGraph = b;
    this.sources = sources;
    ClassSource source = sources.of(modelType).orElseGet(() -> new ClassSource.Local(modelType, unit, trees));
    this.root = new Instance(new ClassScope(modelType, unit, elements), source, "");
  }

  // ---- entry points -------------------------------------------------------------------------

  /** Evaluates an {@code @Input} or {@code @Param} field of the model into its leaf node. */
  public TensorValue evaluateLeafField(VariableElement field, VariableTree tree, boolean input) {
    return (TensorValue) evaluateField(field);
  }

  /**
   * Evaluates one instance field of the model (an {@code @Input}, a {@code @Param}, a layer or any
   * other) once: the value its constructor assigned, else its initializer's.
   */
  public Value evaluateField(VariableElement field) {
    return instanceField(root, field, root.source.field(field), rootCtx());
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
    runConstructor(root, List.of(), List.of(), at, rootCtx());
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
    Value v = callOwn(root, method, List.of(), List.of(), tree, rootCtx(), method.getSimpleName().toString());
    return asTensor(v, tree);
  }

  private Ctx rootCtx() {
    return new Ctx(root.cls, root, new Env(null), null, FieldRole.OTHER, false);
  }

  private TensorValue asTensor(Value v, Tree at) {
    return switch (v) {
      case TensorValue t -> t;
      case ScalarValue s -> new TensorValue(Emit.scalar(b, DType.F32, s.value()));
      default -> throw new EvalError(at, root.cls.unit, "a @Model method must compute a tensor, got " + v.describe());
    };
  }

  private static String methodName(MethodInvocationTree call) {
    return switch (call.getMethodSelect()) {
      case IdentifierTree id -> id.getName().toString();
      case MemberSelectTree sel -> sel.getIdentifier().toString();
      default -> "";
    };
  }

  // ---- statements ---------------------------------------------------------------------------

  /** Executes a statement; returns the returned value when it executed a return, else null. */
  private Value exec(StatementTree s, Ctx c) {
    switch (s) {
      case BlockTree block -> {
        Ctx inner = c.with(new Env(c.env()));
        for (StatementTree st : block.getStatements()) {
          Value r = exec(st, inner);
          if (r != null) {
            return r;
          }
        }
        return null;
      }
      case ReturnTree ret -> {
        if (ret.getExpression() == null) {
          throw error(ret, c, "a @Model method must return a tensor; model code may use 'return <expression>;'");
        }
        return eval(ret.getExpression(), c);
      }
      case VariableTree local -> {
        String name = local.getName().toString();
        Value v = local.getInitializer() == null ? null : eval(local.getInitializer(), c);
        if (v != null && local.getType() instanceof PrimitiveTypeTree p) {
          Value converted = ConstOps.convert(v, p.getPrimitiveTypeKind());
          if (converted == null) {
            throw error(local.getInitializer(), c, "local variable '" + name + "' of type "
                + p + " cannot hold " + v.describe());
          }
          v = converted;
        }
        c.env().vars.put(name, v);
        return null;
      }
      case ExpressionStatementTree es -> {
        Value v = eval(es.getExpression(), c);
        if (v instanceof TensorValue t && t.node().op().name().startsWith("Assign") && t.node().attrs().has("variable")) {
          // A graph runs only what a fetch depends on: a write whose result is dropped never runs.
          throw error(es, c, "the result of " + Unsupported.shortText(es.getExpression()) + " is discarded, so the"
              + " write would never run: an entry point runs only what its result depends on; return the"
              + " write's result or compute the result from it");
        }
        return null;
      }
      case IfTree ifTree -> {
        boolean cond = condition(ifTree.getCondition(), c, "an if");
        StatementTree branch = cond ? ifTree.getThenStatement() : ifTree.getElseStatement();
        return branch == null ? null : exec(branch, c.with(new Env(c.env())));
      }
      case ForLoopTree loop -> {
        return execFor(loop, c);
      }
      default -> {
        if (s.getKind() == Tree.Kind.EMPTY_STATEMENT) {
          return null;
        }
        throw error(s, c, Unsupported.message(s));
      }
    }
  }

  private Value execFor(ForLoopTree loop, Ctx c) {
    Ctx loopCtx = c.with(new Env(c.env()));
    for (StatementTree init : loop.getInitializer()) {
      exec(init, loopCtx);
    }
    if (loop.getCondition() == null) {
      throw error(loop, c, Unsupported.message("a for loop without a condition",
          "model code may use a for loop whose condition is a compile-time boolean"));
    }
    for (int i = 0; condition(loop.getCondition(), loopCtx, "a for loop"); i++) {
      if (i == MAX_LOOP_ITERATIONS) {
        throw error(loop, c, "a for loop in a @Model is unrolled at build time and may run at most "
            + MAX_LOOP_ITERATIONS + " iterations, but this one ran longer");
      }
      Value r = exec(loop.getStatement(), loopCtx.with(new Env(loopCtx.env())));
      if (r != null) {
        return r;
      }
      for (ExpressionStatementTree update : loop.getUpdate()) {
        exec(update, loopCtx);
      }
    }
    return null;
  }

  private boolean condition(ExpressionTree cond, Ctx c, String what) {
    Value v = eval(cond, c);
    if (v instanceof BoolValue(boolean bool)) {
      return bool;
    }
    throw error(cond, c, "the condition of " + what + " in a @Model must be a compile-time boolean,"
        + " got " + v.describe() + "; a tensor's value is unknown at build time");
  }

  // ---- expressions --------------------------------------------------------------------------

  private Value eval(ExpressionTree t, Ctx c) {
    return switch (t) {
      case ParenthesizedTree p -> eval(p.getExpression(), c);
      case LiteralTree lit -> literal(lit, c);
      case IdentifierTree id -> identifier(id, c);
      case MemberSelectTree sel -> select(sel, c);
      case MethodInvocationTree call -> invoke(call, c);
      case ConditionalExpressionTree cond ->
          eval(condition(cond.getCondition(), c, "a ?: expression") ? cond.getTrueExpression() : cond.getFalseExpression(), c);
      case BinaryTree bin -> binary(bin, c);
      case UnaryTree un -> unary(un, c);
      case TypeCastTree cast -> cast(cast, c);
      case AssignmentTree as -> assign(as, c);
      case CompoundAssignmentTree as -> compoundAssign(as, c);
      case ArrayAccessTree acc -> arrayElement(acc, c);
      case NewArrayTree array -> newArray(array, c);
      case NewClassTree nc -> newLayer(nc, c);
      default -> throw error(t, c, Unsupported.message(t));
    };
  }

  private Value literal(LiteralTree lit, Ctx c) {
    Object v = lit.getValue();
    if (v == null) {
      throw error(lit, c, Unsupported.message(lit));
    }
    return ConstOps.ofConstant(v);
  }

  private Value identifier(IdentifierTree id, Ctx c) {
    String name = id.getName().toString();
    if (name.equals("this") || name.equals("super")) {
      throw error(id, c, Unsupported.message("'" + name + "' as a value", Unsupported.GENERAL));
    }
    Env env = c.env().find(name);
    if (env != null) {
      Value v = env.vars.get(name);
      if (v == null) {
        throw error(id, c, "local variable '" + name + "' is read before it is assigned a value");
      }
      return v;
    }
    Optional<VariableElement> field = c.cls().field(name);
    if (field.isPresent()) {
      return readField(field.get(), id, c);
    }
    Optional<TypeElement> owner = c.cls().staticImportOwner(name);
    if (owner.isPresent()) {
      return readStatic(owner.get(), name, id, c);
    }
    throw error(id, c, "unknown name '" + name + "': model code may use local variables, fields of "
        + c.cls().type.getSimpleName() + ", DSL constants (import static dev.kiln.dsl.Ops.*) and"
        + " static final constants");
  }

  private Value select(MemberSelectTree sel, Ctx c) {
    String name = sel.getIdentifier().toString();
    if (isThis(sel.getExpression())) {
      Optional<VariableElement> field = c.cls().field(name);
      if (field.isPresent()) {
        return readField(field.get(), sel, c);
      }
      throw error(sel, c, "unknown field '" + name + "' of " + c.cls().type.getSimpleName());
    }
    Optional<TypeElement> type = typeOf(sel.getExpression(), c);
    if (type.isPresent()) {
      return readStatic(type.get(), name, sel, c);
    }
    Value receiver = eval(sel.getExpression(), c);
    if (receiver instanceof ModelValue(Instance layer)) {
      Optional<VariableElement> field = layer.cls.field(name)
          .filter(f -> !f.getModifiers().contains(Modifier.STATIC));
      if (field.isEmpty()) {
        throw error(sel, c, layer.describe() + " has no field '" + name + "'");
      }
      try {
        return instanceField(layer, field.get(), sel, c);
      } catch (EvalError e) {
        throw fromShipped(e, sel, c);
      }
    }
    if (receiver instanceof Value.ArrayValue array && name.equals("length")) {
      return new Value.NumberValue(array.elements().size());
    }
    throw error(sel, c, Unsupported.message("reading '" + name + "' of " + receiver.describe(), Unsupported.GENERAL));
  }

  private static boolean isThis(ExpressionTree t) {
    return t instanceof IdentifierTree id && id.getName().contentEquals("this");
  }

  /** The type an expression names, when it names one (not a local or a field). */
  private Optional<TypeElement> typeOf(ExpressionTree t, Ctx c) {
    if (t instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (c.env().find(name) != null || c.cls().field(name).isPresent()) {
        return Optional.empty();
      }
      return c.cls().type(name);
    }
    if (t instanceof MemberSelectTree sel) {
      Optional<TypeElement> outer = typeOf(sel.getExpression(), c);
      if (outer.isPresent()) {
        for (var e : outer.get().getEnclosedElements()) {
          if (e instanceof TypeElement nested && nested.getSimpleName().contentEquals(sel.getIdentifier())) {
            return Optional.of(nested);
          }
        }
        return Optional.empty();
      }
      return isPackageLike(sel.getExpression()) ? c.cls().typeNamed(sel.toString()) : Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean isPackageLike(ExpressionTree t) {
    return t instanceof IdentifierTree
        || (t instanceof MemberSelectTree s && isPackageLike(s.getExpression()));
  }

  /** A static member {@code owner.name} read as a value. */
  private Value readStatic(TypeElement owner, String name, Tree at, Ctx c) {
    String q = owner.getQualifiedName().toString();
    if (q.equals(OPS)) {
      return DslTable.constant(name).orElseThrow(() -> error(at, c, "unknown DSL constant '" + name
          + "'; the DSL's constants are " + String.join(", ", DslTable.opsConstants())));
    }
    if (q.equals(DTYPE)) {
      try {
        return new DTypeValue(DType.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw error(at, c, "unknown dtype '" + name + "'");
      }
    }
    Optional<VariableElement> field = ClassScope.staticField(owner, name);
    if (field.isEmpty()) {
      throw error(at, c, "unknown name '" + owner.getSimpleName() + "." + name + "': " + owner.getSimpleName()
          + " has no static field of that name");
    }
    return readField(field.get(), at, c);
  }

  /** The value of a field: a constant, an enum constant, or its value evaluated once (memoized). */
  private Value readField(VariableElement f, Tree at, Ctx c) {
    Object constant = f.getConstantValue();
    if (constant != null) {
      return ConstOps.ofConstant(constant);
    }
    TypeElement owner = (TypeElement) f.getEnclosingElement();
    if (f.getKind() == ElementKind.ENUM_CONSTANT) {
      return new EnumValue(owner.getQualifiedName().toString(), f.getSimpleName().toString());
    }
    boolean isStatic = f.getModifiers().contains(Modifier.STATIC);
    boolean own = c.self() != null && owner.equals(c.self().cls.type);
    if (own && !isStatic) {
      return instanceField(c.self(), f, at, c);
    }
    if (memo.containsKey(f)) {
      Object v = memo.get(f);
      if (v == FAILED) {
        throw EvalError.alreadyReported();
      }
      return (Value) v;
    }
    boolean staticFinal = isStatic && f.getModifiers().contains(Modifier.FINAL);
    if (owner.getQualifiedName().contentEquals(OPS) || owner.getQualifiedName().contentEquals(DTYPE)) {
      return readStatic(owner, f.getSimpleName().toString(), at, c);
    }
    if (!own && !staticFinal) {
      throw error(at, c, Unsupported.message("reading field " + owner.getSimpleName() + "."
          + f.getSimpleName(), "model code may read the model's own fields and static final constants"));
    }
    Optional<ClassSource> source = sources.of(owner);
    VariableTree decl = source.map(src -> src.field(f)).orElse(null);
    if (decl == null || decl.getInitializer() == null) {
      throw error(at, c, "field " + owner.getSimpleName() + "." + f.getSimpleName()
          + " has no initializer Kiln can read at build time; model code may use fields with an initializer"
          + " and static final constants");
    }
    if (!inProgress.add(f)) {
      throw error(at, c, "field '" + f.getSimpleName() + "' is defined in terms of itself");
    }
    ClassScope scope = own ? c.self().cls : new ClassScope(owner, source.get().unit, elements);
    Ctx fieldCtx = new Ctx(scope, own ? c.self() : null, new Env(null), f.getSimpleName().toString(), FieldRole.OTHER, false);
    try {
      Value v = inGraph(modelGraph, null, () -> convertTo(decl, eval(decl.getInitializer(), fieldCtx)));
      memo.put(f, v);
      return v;
    } catch (EvalError e) {
      memo.put(f, FAILED);
      throw e;
    } finally {
      inProgress.remove(f);
    }
  }

  /** A value converted to a declared primitive type (int to float ...); other values unchanged. */
  private static Value convertTo(VariableTree decl, Value v) {
    if (decl.getType() instanceof PrimitiveTypeTree p) {
      Value converted = ConstOps.convert(v, p.getPrimitiveTypeKind());
      return converted == null ? v : converted;
    }
    return v;
  }

  // ---- model objects: fields, constructors, layers -----------------------------------------

  /**
   * The value of an instance field of a model object: what its constructor assigned, else its
   * initializer evaluated once. {@code at} is where it is read, for errors.
   */
  private Value instanceField(Instance inst, VariableElement f, Tree at, Ctx c) {
    Object known = inst.fields.get(f);
    if (known == FAILED) {
      throw EvalError.alreadyReported();
    }
    if (known != null) {
      return (Value) known;
    }
    VariableTree decl = inst.source.field(f);
    String name = f.getSimpleName().toString();
    if (decl == null || decl.getInitializer() == null) {
      Tree where = decl != null ? decl : at;
      CompilationUnitTree unit = decl != null ? inst.source.unit : c.cls().unit;
      boolean param = Annotations.has(f, Annotations.PARAM);
      throw new EvalError(where, unit, (param ? "@Param field '" : isLayerField(f) ? "layer field '" : "field '")
          + name + "' of " + inst.cls.type.getSimpleName() + (c.constructing() && c.self() == inst
              ? " is read before the constructor assigns it"
              : " has no value: model code may use fields with an initializer or assigned by the constructor")
          + (param ? "; initialize it with variable(...)" : isLayerField(f)
              ? "; create the layer with new " + typeOf(f).map(TypeElement::getSimpleName).orElse(null) + "(...)" : ""));
    }
    Key key = new Key(inst, f);
    if (!inProgress.add(key)) {
      throw new EvalError(at, c.cls().unit, "field '" + name + "' is defined in terms of itself");
    }
    try {
      // Built in the model's graph even when first read inside a lambda, so every reader can use it.
      Value v = inGraph(modelGraph, null,
          () -> fieldValue(inst, f, decl, decl.getInitializer(), new Env(null), false));
      inst.fields.put(f, v);
      return v;
    } catch (EvalError e) {
      inst.fields.put(f, FAILED);
      throw e;
    } finally {
      inProgress.remove(key);
    }
  }

  /**
   * Evaluates the value of field {@code f} of {@code inst}: its initializer or the right side of a
   * constructor's assignment. A variable is named by the field's path ({@code hidden/weights}); any
   * other node built here is named under that path, whoever read the field first.
   */
  private Value fieldValue(Instance inst, VariableElement f, VariableTree decl, ExpressionTree expr, Env env,
      boolean constructing) {
    boolean input = Annotations.has(f, Annotations.INPUT);
    boolean param = Annotations.has(f, Annotations.PARAM);
    boolean state = Annotations.has(f, Annotations.STATE);
    String name = f.getSimpleName().toString();
    if (input || param || state) {
      String expected = input ? "placeholder" : "variable";
      if (!(expr instanceof MethodInvocationTree call) || !(methodName(call).equals(expected)
          || input && methodName(call).equals("sparsePlaceholder"))) {
        throw new EvalError(expr, inst.source.unit, "@" + (input ? "Input" : param ? "Param" : "State") + " field '"
            + name + "' must be initialized with " + expected + "(...), got '" + Unsupported.shortText(expr) + "'");
      }
    }
    FieldRole role = input ? FieldRole.INPUT : param ? FieldRole.PARAM : state ? FieldRole.STATE : FieldRole.OTHER;
    Ctx ctx = new Ctx(inst.cls, inst, env, inst.qualify(name), role, constructing);
    List<String> saved = b.clearScopes();
    if (role == FieldRole.OTHER) {
      b.pushScope(inst.qualify(name));
    }
    try {
      Value v = convertTo(decl, eval(expr, ctx));
      if (isLayerField(f) && !(v instanceof ModelValue)) {
        throw new EvalError(expr, inst.source.unit, "layer field '" + name + "' must hold a layer (new "
            + typeOf(f).map(TypeElement::getSimpleName).orElse(null) + "(...)), got " + v.describe());
      }
      return v;
    } finally {
      b.restoreScopes(saved);
    }
  }

  /** Whether a field's type is a {@code @Model} class: it holds a layer. */
  private static boolean isLayerField(VariableElement f) {
    return typeOf(f).filter(t -> Annotations.has(t, Annotations.MODEL)).isPresent();
  }

  private static Optional<TypeElement> typeOf(VariableElement f) {
    return f.asType() instanceof DeclaredType d && d.asElement() instanceof TypeElement t
        ? Optional.of(t) : Optional.empty();
  }

  /** {@code new Layer(args)}: builds a layer object as the value of the field being initialized. */
  private Value newLayer(NewClassTree nc, Ctx c) {
    ExpressionTree ident = nc.getIdentifier();
    Optional<TypeElement> type = typeOf(ident, c);
    if (type.isEmpty() || !Annotations.has(type.get(), Annotations.MODEL)) {
      throw error(nc, c, Unsupported.message(nc));
    }
    String simple = type.get().getSimpleName().toString();
    if (nc.getClassBody() != null || nc.getEnclosingExpression() != null) {
      throw error(nc, c, Unsupported.message("an anonymous or inner-class creation of layer " + simple,
          "create the layer itself, e.g. new " + simple + "(...)"));
    }
    if (c.self() == null || c.fieldName() == null || c.role() != FieldRole.OTHER) {
      throw error(nc, c, Unsupported.message("creating layer " + simple + " here",
          "a layer is created once, as the value of a field of a @Model: its initializer ("
              + simple + " layer = new " + simple + "(...);) or an assignment in its constructor"));
    }
    List<Value> args = new ArrayList<>();
    for (ExpressionTree a : nc.getArguments()) {
      args.add(eval(a, c));
    }
    try {
      return new ModelValue(construct(type.get(), args, nc.getArguments(), nc, c, c.fieldName()));
    } catch (EvalError e) {
      throw fromShipped(e, nc, c);
    }
  }

  /** Builds an object of the @Model class {@code type} at {@code path}: its constructor, then its fields. */
  private Instance construct(TypeElement type, List<Value> args, List<? extends Tree> argTrees, Tree at, Ctx c,
      String path) {
    String qualified = type.getQualifiedName().toString();
    ClassSource source = sources.of(type).orElseThrow(() -> error(at, c, "layer " + qualified
        + " was compiled without Kiln's processor; its jar must be built with kiln-processor on"
        + " annotationProcessorPaths"));
    if (type.getSuperclass() instanceof DeclaredType sup
        && !((TypeElement) sup.asElement()).getQualifiedName().contentEquals("java.lang.Object")) {
      throw error(at, c, Unsupported.message("layer " + type.getSimpleName() + " extends "
          + sup.asElement().getSimpleName(), "a @Model layer extends no other class; hold shared parts in layer fields"));
    }
    for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
      if (Annotations.has(f, Annotations.INPUT)) {
        throw error(at, c, "layer " + type.getSimpleName() + " declares @Input field '" + f.getSimpleName()
            + "'; a layer takes its inputs as arguments of its methods, and only the model being compiled has @Input fields");
      }
    }
    if (depth >= MAX_CALL_DEPTH) {
      throw error(at, c, "layers in a @Model are built at build time and may nest at most " + MAX_CALL_DEPTH
          + " deep, but layer " + type.getSimpleName() + " goes deeper");
    }
    Instance inst = new Instance(new ClassScope(type, source.unit, elements), source, path);
    depth++;
    try {
      runConstructor(inst, args, argTrees, at, c);
      // Variables and sub-layers are built now, in declaration order, so names and order are stable.
      for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
        if (!f.getModifiers().contains(Modifier.STATIC)
            && (Annotations.isVariable(f) || isLayerField(f))) {
          instanceField(inst, f, at, c);
        }
      }
    } finally {
      depth--;
    }
    return inst;
  }

  /** Runs the constructor of {@code inst}'s class that takes {@code args}, assigning its fields. */
  private void runConstructor(Instance inst, List<Value> args, List<? extends Tree> argTrees, Tree at, Ctx c) {
    TypeElement type = inst.cls.type;
    List<ExecutableElement> all = ElementFilter.constructorsIn(type.getEnclosedElements());
    List<ExecutableElement> matching = all.stream().filter(k -> k.getParameters().size() == args.size()).toList();
    if (matching.isEmpty()) {
      throw error(at, c, type.getSimpleName() + " has no constructor taking " + args.size() + " argument"
          + (args.size() == 1 ? "" : "s") + "; its constructors take " + all.stream()
              .map(k -> Integer.toString(k.getParameters().size())).distinct().toList());
    }
    if (matching.size() > 1) {
      throw error(at, c, Unsupported.message("a call of an overloaded constructor of " + type.getSimpleName(),
          "a layer's constructors must differ in their number of parameters"));
    }
    ExecutableElement k = matching.getFirst();
    MethodTree tree = inst.source.method(k);
    Env env = new Env(null);
    for (int i = 0; i < args.size(); i++) {
      VariableElement p = k.getParameters().get(i);
      Value v = args.get(i);
      if (p.asType().getKind().isPrimitive()) {
        Value converted = ConstOps.convert(v, p.asType().getKind());
        if (converted == null) {
          throw error(i < argTrees.size() ? argTrees.get(i) : at, c, "argument " + (i + 1) + " of new "
              + type.getSimpleName() + "(...) must be a compile-time " + p.asType() + ", got " + v.describe());
        }
        v = converted;
      }
      env.vars.put(parameterName(k, tree, i), v);
    }
    if (tree == null || tree.getBody() == null) {
      if (k.getParameters().isEmpty()) {
        return; // the implicit constructor of a shipped class: nothing to run
      }
      throw error(at, c, "the constructor of " + type.getSimpleName() + " has no body Kiln can evaluate");
    }
    Ctx ctx = new Ctx(inst.cls, inst, env, null, FieldRole.OTHER, true);
    List<String> saved = b.clearScopes();
    if (!inst.isRoot()) {
      b.pushScope(inst.path);
    }
    try {
      for (StatementTree st : tree.getBody().getStatements()) {
        if (st instanceof ExpressionStatementTree es && es.getExpression() instanceof MethodInvocationTree call
            && call.getMethodSelect() instanceof IdentifierTree id
            && (id.getName().contentEquals("super") || id.getName().contentEquals("this"))) {
          List<Value> delegated = new ArrayList<>();
          for (ExpressionTree a : call.getArguments()) {
            delegated.add(eval(a, ctx));
          }
          if (id.getName().contentEquals("this")) {
            runConstructor(inst, delegated, call.getArguments(), call, ctx);
          } else if (!delegated.isEmpty()) {
            throw error(call, ctx, Unsupported.message("a super(...) call with arguments",
                "a @Model layer extends no other class"));
          }
          continue;
        }
        if (exec(st, ctx) != null) {
          return;
        }
      }
    } finally {
      b.restoreScopes(saved);
    }
  }

  /** The field a constructor assigns with {@code this.f = ...} or {@code f = ...}, if any. */
  private Optional<VariableElement> assignedField(ExpressionTree target, Ctx c) {
    if (!c.constructing() || c.self() == null) {
      return Optional.empty();
    }
    String name;
    if (target instanceof MemberSelectTree sel && isThis(sel.getExpression())) {
      name = sel.getIdentifier().toString();
    } else if (target instanceof IdentifierTree id && c.env().find(id.getName().toString()) == null) {
      name = id.getName().toString();
    } else {
      return Optional.empty();
    }
    return c.cls().field(name).filter(f -> !f.getModifiers().contains(Modifier.STATIC)
        && f.getEnclosingElement().equals(c.self().cls.type));
  }

  /** A constructor's {@code f = expr}: a variable or layer field is assigned once. */
  private Value assignField(VariableElement f, AssignmentTree as, Ctx c) {
    Instance inst = c.self();
    boolean once = Annotations.isVariable(f) || Annotations.has(f, Annotations.INPUT) || isLayerField(f);
    if (once && inst.fields.containsKey(f)) {
      throw error(as, c, "field '" + f.getSimpleName() + "' is assigned twice; each variable and layer of a"
          + " @Model is created once");
    }
    VariableTree decl = inst.source.field(f);
    try {
      Value v = fieldValue(inst, f, decl, as.getExpression(), c.env(), true);
      inst.fields.put(f, v);
      return v;
    } catch (EvalError e) {
      inst.fields.put(f, FAILED);
      throw e;
    }
  }

  /**
   * An error inside a layer read from its jar's shipped source, restated at the use in this
   * compilation (javac can only point at files it compiles), saying where in the layer it arose.
   */
  private EvalError fromShipped(EvalError e, Tree at, Ctx c) {
    if (!e.isNew() || e.unit() == null || isShipped(c.cls().unit) || !isShipped(e.unit())) {
      return e;
    }
    long pos = positions.getStartPosition(e.unit(), e.tree());
    String uri = e.unit().getSourceFile().toUri().getPath();
    String file = uri.substring(uri.lastIndexOf('/') + 1);
    String pkg = e.unit().getPackageName() == null ? "" : e.unit().getPackageName() + ".";
    return new EvalError(at, c.cls().unit, "in " + pkg + file.replace(".java", "") + " (" + file + ":"
        + (pos < 0 ? "?" : e.unit().getLineMap().getLineNumber(pos)) + "): " + e.getMessage());
  }

  private static boolean isShipped(CompilationUnitTree unit) {
    return unit != null && "kiln-shipped".equals(unit.getSourceFile().toUri().getScheme());
  }

  private Value binary(BinaryTree bin, Ctx c) {
    Tree.Kind op = bin.getKind();
    Value l = eval(bin.getLeftOperand(), c);
    if ((op == Tree.Kind.CONDITIONAL_AND || op == Tree.Kind.CONDITIONAL_OR) && l instanceof BoolValue(boolean lb)
        && lb == (op == Tree.Kind.CONDITIONAL_OR)) {
      return l; // short circuit, as Java does
    }
    Value r = eval(bin.getRightOperand(), c);
    Value result;
    try {
      result = ConstOps.binary(op, l, r);
    } catch (ArithmeticException e) {
      throw error(bin, c, "division by zero in a compile-time expression");
    }
    if (result == null) {
      boolean tensors = isTensor(l) || isTensor(r);
      throw error(bin, c, Unsupported.message("the operator " + operator(bin) + " on " + l.describe()
          + " and " + r.describe(), tensors
              ? "model code may combine tensors with DSL ops such as plus, times, less or equal"
              : "model code may use Java operators on compile-time numbers, booleans and strings"));
    }
    return result;
  }

  private static boolean isTensor(Value v) {
    return v instanceof TensorValue || v instanceof ScalarValue;
  }

  private static String operator(BinaryTree bin) {
    String text = bin.toString();
    String left = bin.getLeftOperand().toString();
    String rest = text.startsWith(left) ? text.substring(left.length()).trim() : text;
    int space = rest.indexOf(' ');
    return "'" + (space < 0 ? rest : rest.substring(0, space)) + "'";
  }

  private Value unary(UnaryTree un, Ctx c) {
    Tree.Kind op = un.getKind();
    boolean increment = op == Tree.Kind.PREFIX_INCREMENT || op == Tree.Kind.POSTFIX_INCREMENT
        || op == Tree.Kind.PREFIX_DECREMENT || op == Tree.Kind.POSTFIX_DECREMENT;
    Value v = eval(un.getExpression(), c);
    Value result = ConstOps.unary(op, v);
    if (result == null) {
      throw error(un, c, Unsupported.message("the operator in '" + Unsupported.shortText(un) + "' on " + v.describe(),
          isTensor(v) ? "model code may use DSL ops such as neg on tensors"
              : "model code may use Java operators on compile-time numbers and booleans"));
    }
    if (!increment) {
      return result;
    }
    result = ConstOps.narrowTo(result, v);
    store(un.getExpression(), result, c);
    return op == Tree.Kind.POSTFIX_INCREMENT || op == Tree.Kind.POSTFIX_DECREMENT ? v : result;
  }

  private Value cast(TypeCastTree cast, Ctx c) {
    Value v = eval(cast.getExpression(), c);
    if (cast.getType() instanceof PrimitiveTypeTree p) {
      Value converted = ConstOps.convert(v, p.getPrimitiveTypeKind());
      if (converted != null) {
        return converted;
      }
    } else if (isTensor(v) && cast.getType().toString().matches("(dev\\.kiln\\.dsl\\.)?Tensor")) {
      return v;
    }
    throw error(cast, c, Unsupported.message("the cast of " + v.describe() + " to " + cast.getType(),
        "model code may cast compile-time numbers to int, long, float or double, and tensors with cast(x, dtype)"));
  }

  private Value assign(AssignmentTree as, Ctx c) {
    Optional<VariableElement> field = assignedField(as.getVariable(), c);
    if (field.isPresent()) {
      return assignField(field.get(), as, c);
    }
    Value v = eval(as.getExpression(), c);
    store(as.getVariable(), v, c);
    return v;
  }

  private Value compoundAssign(CompoundAssignmentTree as, Ctx c) {
    Value old = eval(as.getVariable(), c);
    Value r = eval(as.getExpression(), c);
    Value result;
    try {
      result = ConstOps.binary(ConstOps.operatorOf(as.getKind()), old, r);
    } catch (ArithmeticException e) {
      throw error(as, c, "division by zero in a compile-time expression");
    }
    if (result == null) {
      throw error(as, c, Unsupported.message("'" + Unsupported.shortText(as) + "' on " + old.describe(),
          "model code may use compound assignments on compile-time numbers, and DSL ops on tensors"));
    }
    result = ConstOps.narrowTo(result, old);
    store(as.getVariable(), result, c);
    return result;
  }

  private void store(ExpressionTree target, Value v, Ctx c) {
    Optional<VariableElement> field = assignedField(target, c);
    if (field.isPresent()) {
      c.self().fields.put(field.get(), v);
      return;
    }
    if (target instanceof IdentifierTree id) {
      Env env = c.env().find(id.getName().toString());
      if (env != null) {
        env.vars.put(id.getName().toString(), v);
        return;
      }
    }
    throw error(target, c, Unsupported.message("an assignment to '" + Unsupported.shortText(target) + "'",
        "model code may assign only its own local variables, and a constructor the fields of its object"));
  }

  // ---- calls --------------------------------------------------------------------------------

  private Value invoke(MethodInvocationTree call, Ctx c) {
    List<? extends ExpressionTree> argTrees = call.getArguments();
    ExpressionTree select = call.getMethodSelect();
    if (select instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (c.self() != null && !c.cls().methods(name).isEmpty()) {
        return callOwn(c.self(), name, argTrees, call, c, name);
      }
      Optional<TypeElement> owner = c.cls().staticImportOwner(name);
      if (owner.isPresent()) {
        return callStatic(owner.get(), name, call, c);
      }
      throw error(call, c, "unknown method '" + name + "': model code may call DSL ops (import static"
          + " dev.kiln.dsl.Ops.*) and methods of " + c.cls().type.getSimpleName());
    }
    if (!(select instanceof MemberSelectTree sel)) {
      throw error(call, c, Unsupported.message(call));
    }
    String name = sel.getIdentifier().toString();
    ExpressionTree recv = sel.getExpression();
    if (isThis(recv) && c.self() != null) {
      return callOwn(c.self(), name, argTrees, call, c, name);
    }
    Optional<TypeElement> type = typeOf(recv, c);
    if (type.isPresent()) {
      return callStatic(type.get(), name, call, c);
    }
    if (recv instanceof MemberSelectTree recvSel && typeOf(recvSel.getExpression(), c).isPresent()
        && !(tryConstant(recvSel, c) instanceof TensorValue)) {
      throw error(call, c, foreignCall(recvSel + "." + name));
    }
    Value receiver = eval(recv, c);
    if (receiver instanceof ModelValue(Instance layer)) {
      return callLayer(layer, name, argTrees, call, c);
    }
    if (isTensor(receiver)) {
      Optional<String> op = DslTable.fluent(name);
      if (op.isEmpty()) {
        throw error(call, c, "Tensor has no method '" + name + "'; its methods are "
            + String.join(", ", DslTable.tensorMethods()));
      }
      List<Value> args = new ArrayList<>();
      args.add(receiver);
      List<Tree> trees = new ArrayList<>();
      trees.add(recv);
      for (ExpressionTree a : argTrees) {
        args.add(eval(a, c));
        trees.add(a);
      }
      return dsl(name, op.get(), args, trees, call, c);
    }
    throw error(call, c, Unsupported.message("a call to " + name + "(...) on " + receiver.describe(),
        "model code may call DSL ops (Ops and Tensor methods) and the model's own methods"));
  }

  /** The value of a static field read as a call receiver, or null when it is not readable. */
  private Value tryConstant(MemberSelectTree sel, Ctx c) {
    try {
      return select(sel, c);
    } catch (EvalError e) {
      return null;
    }
  }

  private static String foreignCall(String what) {
    return Unsupported.message("a call to " + what + "(...)",
        "model code may call DSL ops (Ops and Tensor methods), the model's own methods and java.lang.Math on constants");
  }

  private Value callStatic(TypeElement owner, String name, MethodInvocationTree call, Ctx c) {
    String q = owner.getQualifiedName().toString();
    List<? extends ExpressionTree> argTrees = call.getArguments();
    if (q.equals(OPS)) {
      Optional<DslTable.Op> op = DslTable.op(name);
      if (op.isEmpty()) {
        throw error(call, c, "unknown DSL op '" + name + "'");
      }
      List<Value> args = new ArrayList<>();
      for (ExpressionTree a : argTrees) {
        args.add(!ControlFlowCalls.takesLambdas(name) ? eval(a, c)
            : a instanceof LambdaExpressionTree lam ? lambda(lam, c)
            : a instanceof MemberReferenceTree ref ? methodReference(ref, c) : eval(a, c));
      }
      return dsl(name, name, args, argTrees, call, c);
    }
    if (c.self() != null && owner.equals(c.self().cls.type)) {
      return callOwn(c.self(), name, argTrees, call, c, name);
    }
    if (q.equals(DIM) && name.equals("named") && argTrees.size() == 1) {
      Value v = eval(argTrees.get(0), c);
      if (v instanceof StringValue(String s) && !s.isBlank()) {
        return new DimValue(s);
      }
      throw error(argTrees.get(0), c, "Dim.named expects a compile-time, non-blank string, got " + v.describe());
    }
    if (q.equals("java.lang.Math") || q.equals("java.lang.StrictMath")) {
      List<Value> args = new ArrayList<>();
      for (ExpressionTree a : argTrees) {
        args.add(eval(a, c));
      }
      Value v = ConstOps.math(name, args);
      if (v != null) {
        return v;
      }
      throw error(call, c, Unsupported.message("Math." + name + " on " + args.stream().map(Value::describe).toList(),
          "model code may use Math.abs, max, min, sqrt, exp, log, pow, floor and ceil on compile-time numbers"));
    }
    throw error(call, c, foreignCall(owner.getSimpleName() + "." + name));
  }

  private Value dsl(String written, String opName, List<Value> args, List<? extends Tree> argTrees,
      MethodInvocationTree call, Ctx c) {
    DslTable.Op op = DslTable.op(opName).orElseThrow();
    if (region != null) {
      args = captured(args, call, c);
      if (opName.startsWith("assign")) {
        throw error(call, c, Unsupported.message(written + "(...) inside a cond, whileLoop or scan lambda",
            "write variables outside run-time control flow, e.g. assign the result of the whileLoop"));
      }
    }
    Object previous = b.setOrigin(SourceOrigin.of(call, c.cls().unit, positions));
    int before = b.graph().size();
    try {
      Value v = op.apply(new Call(written, opName, args, argTrees, call, c.cls().unit, b, c.fieldName(), c.role()));
      if (c.self() == null && b.graph().size() != before) {
        throw error(call, c, "a constant outside the @Model class may not build tensors; model code may"
            + " use tensors only in the model's own fields and methods");
      }
      return v;
    } catch (ShapeError e) {
      throw error(call, c, e.getMessage());
    } finally {
      b.setOrigin(previous);
    }
  }

  /**
   * {@code layer.m(args)}: a call of a layer's method, inlined in the name scope of the layer's path
   * relative to the caller ({@code hidden/MatMul}).
   */
  private Value callLayer(Instance layer, String name, List<? extends ExpressionTree> argTrees,
      MethodInvocationTree call, Ctx c) {
    if (layer.cls.methods(name).isEmpty()) {
      throw error(call, c, layer.describe() + " has no method '" + name + "'; its methods are "
          + ElementFilter.methodsIn(layer.cls.type.getEnclosedElements()).stream()
              .filter(m -> !m.getModifiers().contains(Modifier.PRIVATE))
              .map(m -> m.getSimpleName().toString()).distinct().toList());
    }
    String prefix = c.self() == null || c.self().isRoot() ? "" : c.self().path + "/";
    String scope = layer.path.startsWith(prefix) ? layer.path.substring(prefix.length()) : layer.path;
    try {
      return callOwn(layer, name, argTrees, call, c, scope);
    } catch (EvalError e) {
      throw fromShipped(e, call, c);
    }
  }

  private Value callOwn(Instance self, String name, List<? extends ExpressionTree> argTrees, MethodInvocationTree call,
      Ctx c, String scope) {
    ClassScope cls = self.cls;
    if (cls.methods(name).isEmpty()) {
      throw error(call, c, "unknown method '" + name + "' of " + cls.type.getSimpleName());
    }
    List<ExecutableElement> candidates = cls.methods(name).stream()
        .filter(m -> m.getParameters().size() == argTrees.size()).toList();
    if (candidates.isEmpty()) {
      throw error(call, c, "method '" + name + "' of " + cls.type.getSimpleName() + " takes "
          + cls.methods(name).getFirst().getParameters().size() + " arguments, got " + argTrees.size());
    }
    if (candidates.size() > 1) {
      throw error(call, c, Unsupported.message("a call to the overloaded method '" + name + "'",
          "model methods called from model code must have distinct names or numbers of parameters"));
    }
    List<Value> args = new ArrayList<>();
    for (ExpressionTree a : argTrees) {
      args.add(eval(a, c));
    }
    return callOwn(self, candidates.getFirst(), args, argTrees, call, c, scope);
  }

  private Value callOwn(Instance self, ExecutableElement m, List<Value> args, List<? extends Tree> argTrees,
      Tree call, Ctx c, String scope) {
    boolean memoized = args.isEmpty();
    if (memoized && self.calls.containsKey(m)) {
      Object v = self.calls.get(m);
      if (v == FAILED) {
        throw EvalError.alreadyReported();
      }
      return (Value) v;
    }
    String name = m.getSimpleName().toString();
    Key key = new Key(self, m);
    if (memoized && !inProgress.add(key)) {
      throw error(call, c, Unsupported.message("the recursive call of '" + name + "()'",
          "a method's graph is built once at build time, so model code may not recurse"));
    }
    if (depth >= MAX_CALL_DEPTH) {
      throw error(call, c, "calls in a @Model are expanded at build time and may nest at most "
          + MAX_CALL_DEPTH + " deep, but the call of '" + name + "' goes deeper");
    }
    MethodTree tree = self.source.method(m);
    if (tree == null || tree.getBody() == null) {
      throw error(call, c, "method '" + name + "' has no body Kiln can evaluate");
    }
    Env env = new Env(null);
    for (int i = 0; i < args.size(); i++) {
      env.vars.put(parameterName(m, tree, i), args.get(i));
    }
    depth++;
    b.pushScope(scope);
    try {
      Value result = exec(tree.getBody(), new Ctx(self.cls, self, env, null, FieldRole.OTHER, false));
      if (result == null) {
        throw new EvalError(tree, self.cls.unit, "method '" + name + "' ends without returning a value");
      }
      if (memoized && region == null) {
        // A result built inside a region belongs to that region alone: never reuse it elsewhere.
        self.calls.put(m, result);
      }
      return result;
    } catch (EvalError e) {
      if (memoized) {
        self.calls.put(m, FAILED);
      }
      throw e;
    } finally {
      b.popScope();
      depth--;
      if (memoized) {
        inProgress.remove(key);
      }
    }
  }

  // ---- lambdas of run-time control flow -----------------------------------------------------

  /**
   * A lambda written as an argument of cond, whileLoop or scan: applied by {@link ControlFlowCalls}
   * once per region, with its parameters bound in a scope of their own inside the enclosing
   * method's locals, and every DSL call of its body building into the region.
   */
  private Value lambda(LambdaExpressionTree lam, Ctx c) {
    // A null region applies the lambda in place, in the caller's graph (an explicit scope).
    return new Value.FunctionValue(lam.getBody(), lam.getParameters().size(), region,
        (r, args) -> r == null ? applyLambda(lam, args, c) : inGraph(r.builder(), r, () -> applyLambda(lam, args, c)));
  }

  private Value applyLambda(LambdaExpressionTree lam, List<Value> args, Ctx c) {
    Env env = new Env(c.env());
    for (int i = 0; i < args.size(); i++) {
      env.vars.put(lam.getParameters().get(i).getName().toString(), args.get(i));
    }
    Ctx inner = c.with(env);
    if (lam.getBody() instanceof ExpressionTree e) {
      return eval(e, inner);
    }
    Value v = exec((StatementTree) lam.getBody(), inner);
    if (v == null) {
      throw error(lam, c, "the lambda ends without returning a value; it must return a tensor");
    }
    return v;
  }

  /** {@code this::cell} as a body: a call of the model's own method with the region's values. */
  private Value methodReference(MemberReferenceTree ref, Ctx c) {
    String name = ref.getName().toString();
    List<ExecutableElement> methods = c.self() == null || !isThis(ref.getQualifierExpression())
        ? List.of() : c.cls().methods(name);
    if (methods.size() != 1 || ref.getMode() != MemberReferenceTree.ReferenceMode.INVOKE) {
      throw error(ref, c, Unsupported.message("the method reference '" + Unsupported.shortText(ref) + "'",
          "a body of cond, whileLoop or scan may be a lambda or this::method naming one method of the model"));
    }
    ExecutableElement m = methods.getFirst();
    Instance self = c.self();
    return new Value.FunctionValue(ref, m.getParameters().size(), region, (r, args) -> r == null
        ? callOwn(self, m, args, List.of(), ref, c, name)
        : inGraph(r.builder(), r, () -> callOwn(self, m, args, List.of(), ref, c, name)));
  }

  /** Runs {@code f} with DSL calls building into {@code graph} (a region's, or the model's with null). */
  private <T> T inGraph(GraphBuilder graph, RegionBuilder r, java.util.function.Supplier<T> f) {
    GraphBuilder savedB = b;
    RegionBuilder savedRegion = region;
    b = graph;
    region = r;
    try {
      return f.get();
    } finally {
      b = savedB;
      region = savedRegion;
    }
  }

  /** Arguments of a DSL call inside a region: tensors of enclosing graphs become captured reads. */
  private List<Value> captured(List<Value> args, Tree at, Ctx c) {
    List<Value> out = new ArrayList<>();
    for (Value v : args) {
      out.add(captured(v, at, c));
    }
    return out;
  }

  private Value captured(Value v, Tree at, Ctx c) {
    return switch (v) {
      case TensorValue(Node n) -> {
        try {
          yield new TensorValue(region.read(n));
        } catch (IllegalArgumentException e) {
          throw error(at, c, "tensor " + n.name() + " was computed inside another cond, whileLoop or scan lambda"
              + " and cannot be read here; return it from that lambda instead");
        }
      }
      case Value.ArrayValue(List<Value> elements) -> new Value.ArrayValue(captured(elements, at, c));
      case Value.SparseValue(Node i, Node values, Node shape) -> new Value.SparseValue(
          region.read(i), region.read(values), region.read(shape)); // @Input placeholders: always readable
      default -> v;
    };
  }

  // ---- arrays -------------------------------------------------------------------------------

  /** {@code parts[i]}: an element of a compile-time array at a compile-time int index. */
  private Value arrayElement(ArrayAccessTree acc, Ctx c) {
    Value array = eval(acc.getExpression(), c);
    Value index = eval(acc.getIndex(), c);
    if (!(array instanceof Value.ArrayValue(List<Value> elements))) {
      throw error(acc, c, Unsupported.message("indexing " + array.describe(),
          "model code may index arrays built at compile time, such as the parts of split(...)"));
    }
    if (!(index instanceof Value.NumberValue n) || !n.isIntegral()) {
      throw error(acc.getIndex(), c, "an array index in a @Model must be a compile-time int, got "
          + index.describe());
    }
    long i = n.value().longValue();
    if (i < 0 || i >= elements.size()) {
      throw error(acc, c, "index " + i + " is out of range for " + array.describe());
    }
    return elements.get((int) i);
  }

  /** {@code new int[] {0, 1}} or {@code new Tensor[] {a, b}}: an array of evaluated elements. */
  private Value newArray(NewArrayTree array, Ctx c) {
    if (array.getInitializers() == null || !array.getDimensions().isEmpty()) {
      throw error(array, c, Unsupported.message("an array created without its elements ('"
          + Unsupported.shortText(array) + "')", "model code may write an array with its elements,"
          + " such as new int[] {0, 1}"));
    }
    List<Value> elements = new ArrayList<>();
    for (ExpressionTree e : array.getInitializers()) {
      elements.add(eval(e, c));
    }
    return new Value.ArrayValue(elements);
  }

  /** A parameter's name as written: a class file compiled without -parameters knows only arg0, arg1... */
  private static String parameterName(ExecutableElement m, MethodTree tree, int i) {
    return tree != null ? tree.getParameters().get(i).getName().toString()
        : m.getParameters().get(i).getSimpleName().toString();
  }

  private static EvalError error(Tree at, Ctx c, String message) {
    return new EvalError(at, c.cls().unit, message);
  }
}
