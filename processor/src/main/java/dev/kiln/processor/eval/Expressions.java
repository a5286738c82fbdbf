package dev.kiln.processor.eval;

import static dev.kiln.processor.eval.Ctx.error;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import dev.kiln.processor.eval.Value.BoolValue;
import dev.kiln.processor.eval.Value.ScalarValue;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.VariableElement;

/**
 * Evaluates expressions of model code: literals, Java operators folded on compile-time values
 * ({@link ConstOps}), casts, assignments and compile-time arrays; names, calls and {@code new} go to
 * their own classes.
 */
final class Expressions {
  private final Evaluator ev;

  Expressions(Evaluator ev) {
    this.ev = ev;
  }

  Value eval(ExpressionTree t, Ctx c) {
    return switch (t) {
      case ParenthesizedTree p -> eval(p.getExpression(), c);
      case LiteralTree lit -> literal(lit, c);
      case IdentifierTree id -> ev.names.identifier(id, c);
      case MemberSelectTree sel -> ev.names.select(sel, c);
      case MethodInvocationTree call -> ev.invocations.invoke(call, c);
      case ConditionalExpressionTree cond ->
          eval(ev.statements.condition(cond.getCondition(), c, "a ?: expression") ? cond.getTrueExpression() : cond.getFalseExpression(), c);
      case BinaryTree bin -> binary(bin, c);
      case UnaryTree un -> unary(un, c);
      case TypeCastTree cast -> cast(cast, c);
      case AssignmentTree as -> assign(as, c);
      case CompoundAssignmentTree as -> compoundAssign(as, c);
      case ArrayAccessTree acc -> arrayElement(acc, c);
      case NewArrayTree array -> newArray(array, c);
      case NewClassTree nc -> ev.layers.newLayer(nc, c);
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

  private Value binary(BinaryTree bin, Ctx c) {
    Tree.Kind op = bin.getKind();
    Value l = eval(bin.getLeftOperand(), c);
    if ((op == Tree.Kind.CONDITIONAL_AND || op == Tree.Kind.CONDITIONAL_OR) && l instanceof BoolValue(boolean lb)
        && lb == (op == Tree.Kind.CONDITIONAL_OR)) {
      return l; // short circuit, as Java does
    }
    Value r = eval(bin.getRightOperand(), c);
    Value result = fold(op, l, r, bin, c);
    if (result == null) {
      boolean tensors = isTensor(l) || isTensor(r);
      throw error(bin, c, Unsupported.message("the operator " + operator(bin) + " on " + l.describe()
          + " and " + r.describe(), tensors
              ? "model code may combine tensors with DSL ops such as plus, times, less or equal"
              : "model code may use Java operators on compile-time numbers, booleans and strings"));
    }
    return result;
  }

  /** {@code l op r} folded at build time (null when unsupported); a division by zero is an error at {@code at}. */
  private static Value fold(Tree.Kind op, Value l, Value r, Tree at, Ctx c) {
    try {
      return ConstOps.binary(op, l, r);
    } catch (ArithmeticException e) {
      throw error(at, c, "division by zero in a compile-time expression");
    }
  }

  static boolean isTensor(Value v) {
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

  Value cast(TypeCastTree cast, Ctx c) {
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
    Optional<VariableElement> field = ev.fields.assignedField(as.getVariable(), c);
    if (field.isPresent()) {
      return ev.fields.assignField(field.get(), as, c);
    }
    Value v = eval(as.getExpression(), c);
    store(as.getVariable(), v, c);
    return v;
  }

  private Value compoundAssign(CompoundAssignmentTree as, Ctx c) {
    Value old = eval(as.getVariable(), c);
    Value r = eval(as.getExpression(), c);
    Value result = fold(ConstOps.operatorOf(as.getKind()), old, r, as, c);
    if (result == null) {
      throw error(as, c, Unsupported.message("'" + Unsupported.shortText(as) + "' on " + old.describe(),
          "model code may use compound assignments on compile-time numbers, and DSL ops on tensors"));
    }
    result = ConstOps.narrowTo(result, old);
    store(as.getVariable(), result, c);
    return result;
  }

  private void store(ExpressionTree target, Value v, Ctx c) {
    Optional<VariableElement> field = ev.fields.assignedField(target, c);
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
}
