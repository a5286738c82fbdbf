package dev.kiln.processor.eval;

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
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
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
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.processor.SourceOrigin;
import dev.kiln.processor.eval.Call.FieldRole;
import dev.kiln.processor.eval.Value.BoolValue;
import dev.kiln.processor.eval.Value.DTypeValue;
import dev.kiln.processor.eval.Value.DimValue;
import dev.kiln.processor.eval.Value.ScalarValue;
import dev.kiln.processor.eval.Value.StringValue;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * Evaluates the field initializers and method bodies of one {@code @Model} class symbolically,
 * adding graph nodes through a {@link GraphBuilder}. Names are resolved syntactically, in order:
 * locals, the model's own fields and methods, the DSL, {@code static final} constants.
 * Anything outside the model language is an {@link EvalError} at its tree.
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
  private final GraphBuilder b;
  private final ClassScope model;
  private final Map<Object, Object> memo = new HashMap<>();
  private final Set<Object> inProgress = new HashSet<>();
  private int depth;

  /** Where an expression is being evaluated: its class, locals and the field being initialized. */
  private record Ctx(ClassScope cls, Env env, String fieldName, FieldRole role) {
    boolean inModel(ClassScope model) {
      return cls == model;
    }

    Ctx with(Env e) {
      return new Ctx(cls, e, fieldName, role);
    }
  }

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
    this.trees = trees;
    this.elements = elements;
    this.positions = trees.getSourcePositions();
    this.b = b;
    this.model = new ClassScope(modelType, unit, elements);
  }

  // ---- entry points -------------------------------------------------------------------------

  /** Evaluates an {@code @Input} or {@code @Param} field's initializer into its leaf node. */
  public TensorValue evaluateLeafField(VariableElement field, VariableTree tree, boolean input) {
    String expected = input ? "placeholder" : "variable";
    ExpressionTree init = tree.getInitializer();
    if (!(init instanceof MethodInvocationTree call) || !methodName(call).equals(expected)) {
      throw new EvalError(init, model.unit, "@" + (input ? "Input" : "Param") + " field '"
          + field.getSimpleName() + "' must be initialized with " + expected + "(...), got '"
          + Unsupported.shortText(init) + "'");
    }
    String name = field.getSimpleName().toString();
    Ctx ctx = new Ctx(model, new Env(null), name, input ? FieldRole.INPUT : FieldRole.PARAM);
    try {
      Value v = eval(init, ctx);
      TensorValue t = (TensorValue) v;
      memo.put(field, t);
      return t;
    } catch (EvalError e) {
      memo.put(field, FAILED);
      throw e;
    }
  }

  /** Evaluates a zero-argument method of the model (a @Fetch or @Loss) in its own name scope. */
  public TensorValue evaluateEntry(ExecutableElement method) {
    MethodTree tree = trees.getTree(method);
    Value v = callOwn(method, List.of(), List.of(), tree, new Ctx(model, new Env(null), null, FieldRole.OTHER));
    return asTensor(v, tree);
  }

  private TensorValue asTensor(Value v, Tree at) {
    return switch (v) {
      case TensorValue t -> t;
      case ScalarValue s -> new TensorValue(Emit.scalar(b, DType.F32, s.value()));
      default -> throw new EvalError(at, model.unit, "a @Model method must compute a tensor, got " + v.describe());
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
        eval(es.getExpression(), c);
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

  /** The value of a field: a constant, or its initializer evaluated once (memoized). */
  private Value readField(VariableElement f, Tree at, Ctx c) {
    Object constant = f.getConstantValue();
    if (constant != null) {
      return ConstOps.ofConstant(constant);
    }
    if (memo.containsKey(f)) {
      Object v = memo.get(f);
      if (v == FAILED) {
        throw EvalError.alreadyReported();
      }
      return (Value) v;
    }
    TypeElement owner = (TypeElement) f.getEnclosingElement();
    boolean own = owner.equals(model.type);
    boolean staticFinal = f.getModifiers().containsAll(Set.of(Modifier.STATIC, Modifier.FINAL));
    if (owner.getQualifiedName().contentEquals(OPS) || owner.getQualifiedName().contentEquals(DTYPE)) {
      return readStatic(owner, f.getSimpleName().toString(), at, c);
    }
    if (f.getKind() == ElementKind.ENUM_CONSTANT || (!own && !staticFinal)) {
      throw error(at, c, Unsupported.message("reading field " + owner.getSimpleName() + "."
          + f.getSimpleName(), "model code may read the model's own fields and static final constants"));
    }
    TreePath path = trees.getPath(f);
    if (path == null || !(path.getLeaf() instanceof VariableTree decl) || decl.getInitializer() == null) {
      throw error(at, c, "field " + owner.getSimpleName() + "." + f.getSimpleName()
          + " has no initializer Kiln can read at build time; model code may use fields with an initializer"
          + " and static final constants");
    }
    if (!inProgress.add(f)) {
      throw error(at, c, "field '" + f.getSimpleName() + "' is defined in terms of itself");
    }
    ClassScope scope = own ? model : new ClassScope(owner, path.getCompilationUnit(), elements);
    Ctx fieldCtx = new Ctx(scope, new Env(null), f.getSimpleName().toString(), FieldRole.OTHER);
    boolean scoped = own && !f.getModifiers().contains(Modifier.STATIC);
    if (scoped) {
      b.pushScope(f.getSimpleName().toString());
    }
    try {
      Value v = eval(decl.getInitializer(), fieldCtx);
      if (decl.getType() instanceof PrimitiveTypeTree p) {
        Value converted = ConstOps.convert(v, p.getPrimitiveTypeKind());
        v = converted == null ? v : converted;
      }
      memo.put(f, v);
      return v;
    } catch (EvalError e) {
      memo.put(f, FAILED);
      throw e;
    } finally {
      inProgress.remove(f);
      if (scoped) {
        b.popScope();
      }
    }
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
    if (target instanceof IdentifierTree id) {
      Env env = c.env().find(id.getName().toString());
      if (env != null) {
        env.vars.put(id.getName().toString(), v);
        return;
      }
    }
    throw error(target, c, Unsupported.message("an assignment to '" + Unsupported.shortText(target) + "'",
        "model code may assign only its own local variables"));
  }

  // ---- calls --------------------------------------------------------------------------------

  private Value invoke(MethodInvocationTree call, Ctx c) {
    List<? extends ExpressionTree> argTrees = call.getArguments();
    ExpressionTree select = call.getMethodSelect();
    if (select instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (c.inModel(model) && !model.methods(name).isEmpty()) {
        return callOwn(name, argTrees, call, c);
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
    if (isThis(recv) && c.inModel(model)) {
      return callOwn(name, argTrees, call, c);
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
        args.add(eval(a, c));
      }
      return dsl(name, name, args, argTrees, call, c);
    }
    if (owner.equals(model.type) && c.inModel(model)) {
      return callOwn(name, argTrees, call, c);
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
    Object previous = b.setOrigin(SourceOrigin.of(call, c.cls().unit, positions));
    int before = b.graph().size();
    try {
      Value v = op.apply(new Call(written, opName, args, argTrees, call, c.cls().unit, b, c.fieldName(), c.role()));
      if (!c.inModel(model) && b.graph().size() != before) {
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

  private Value callOwn(String name, List<? extends ExpressionTree> argTrees, MethodInvocationTree call, Ctx c) {
    if (model.methods(name).isEmpty()) {
      throw error(call, c, "unknown method '" + name + "' of " + model.type.getSimpleName());
    }
    List<ExecutableElement> candidates = model.methods(name).stream()
        .filter(m -> m.getParameters().size() == argTrees.size()).toList();
    if (candidates.isEmpty()) {
      throw error(call, c, "method '" + name + "' of " + model.type.getSimpleName() + " takes "
          + model.methods(name).getFirst().getParameters().size() + " arguments, got " + argTrees.size());
    }
    if (candidates.size() > 1) {
      throw error(call, c, Unsupported.message("a call to the overloaded method '" + name + "'",
          "model methods called from model code must have distinct names or numbers of parameters"));
    }
    List<Value> args = new ArrayList<>();
    for (ExpressionTree a : argTrees) {
      args.add(eval(a, c));
    }
    return callOwn(candidates.getFirst(), args, argTrees, call, c);
  }

  private Value callOwn(ExecutableElement m, List<Value> args, List<? extends Tree> argTrees, Tree call, Ctx c) {
    boolean memoized = args.isEmpty();
    if (memoized && memo.containsKey(m)) {
      Object v = memo.get(m);
      if (v == FAILED) {
        throw EvalError.alreadyReported();
      }
      return (Value) v;
    }
    String name = m.getSimpleName().toString();
    if (memoized && !inProgress.add(m)) {
      throw error(call, c, Unsupported.message("the recursive call of '" + name + "()'",
          "a method's graph is built once at build time, so model code may not recurse"));
    }
    if (depth >= MAX_CALL_DEPTH) {
      throw error(call, c, "calls in a @Model are expanded at build time and may nest at most "
          + MAX_CALL_DEPTH + " deep, but the call of '" + name + "' goes deeper");
    }
    MethodTree tree = trees.getTree(m);
    if (tree == null || tree.getBody() == null) {
      throw error(call, c, "method '" + name + "' has no body Kiln can evaluate");
    }
    Env env = new Env(null);
    for (int i = 0; i < args.size(); i++) {
      env.vars.put(m.getParameters().get(i).getSimpleName().toString(), args.get(i));
    }
    depth++;
    b.pushScope(name);
    try {
      Value result = exec(tree.getBody(), new Ctx(model, env, null, FieldRole.OTHER));
      if (result == null) {
        throw error(tree, c, "method '" + name + "' ends without returning a value");
      }
      if (memoized) {
        memo.put(m, result);
      }
      return result;
    } catch (EvalError e) {
      if (memoized) {
        memo.put(m, FAILED);
      }
      throw e;
    } finally {
      b.popScope();
      depth--;
      if (memoized) {
        inProgress.remove(m);
      }
    }
  }

  private static EvalError error(Tree at, Ctx c, String message) {
    return new EvalError(at, c.cls().unit, message);
  }
}
