package dev.kiln.processor.eval;

import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import dev.kiln.processor.eval.Value.BoolValue;
import dev.kiln.processor.eval.Value.DTypeValue;
import dev.kiln.processor.eval.Value.DimValue;
import dev.kiln.processor.eval.Value.NumberValue;
import dev.kiln.processor.eval.Value.StringValue;
import javax.lang.model.type.TypeKind;

/** Java's operators and conversions on compile-time constants, with Java's numeric promotion. */
final class ConstOps {
  private ConstOps() {}

  private enum Kind { INT, LONG, FLOAT, DOUBLE }

  private static Kind kind(Number n) {
    return switch (n) {
      case Integer i -> Kind.INT;
      case Long l -> Kind.LONG;
      case Float f -> Kind.FLOAT;
      default -> Kind.DOUBLE;
    };
  }

  private static Kind promote(Number a, Number b) {
    Kind ka = kind(a);
    Kind kb = kind(b);
    return ka.ordinal() >= kb.ordinal() ? ka : kb;
  }

  static NumberValue number(Kind k, Number n) {
    return new NumberValue(switch (k) {
      case INT -> n.intValue();
      case LONG -> n.longValue();
      case FLOAT -> n.floatValue();
      case DOUBLE -> n.doubleValue();
    });
  }

  /** The value converted to a primitive type, or null when that conversion has no meaning here. */
  static Value convert(Value v, TypeKind to) {
    if (v instanceof NumberValue n) {
      return switch (to) {
        case INT, SHORT, BYTE, CHAR -> number(Kind.INT, n.value());
        case LONG -> number(Kind.LONG, n.value());
        case FLOAT -> number(Kind.FLOAT, n.value());
        case DOUBLE -> number(Kind.DOUBLE, n.value());
        default -> null;
      };
    }
    return v instanceof BoolValue && to == TypeKind.BOOLEAN ? v : null;
  }

  /** A value converted to a declared primitive type (int to float ...); other values unchanged. */
  static Value convertTo(VariableTree decl, Value v) {
    if (decl.getType() instanceof PrimitiveTypeTree p) {
      Value converted = convert(v, p.getPrimitiveTypeKind());
      return converted == null ? v : converted;
    }
    return v;
  }

  /** {@code l op r} for a binary operator kind, or null when the operands do not support it. */
  static Value binary(Tree.Kind op, Value l, Value r) {
    if (op == Tree.Kind.PLUS && (l instanceof StringValue || r instanceof StringValue)) {
      return new StringValue(text(l) + text(r));
    }
    if (l instanceof NumberValue(Number a) && r instanceof NumberValue(Number b)) {
      return numeric(op, a, b);
    }
    if (l instanceof BoolValue(boolean a) && r instanceof BoolValue(boolean b)) {
      return switch (op) {
        case AND, CONDITIONAL_AND -> new BoolValue(a & b);
        case OR, CONDITIONAL_OR -> new BoolValue(a | b);
        case XOR, NOT_EQUAL_TO -> new BoolValue(a ^ b);
        case EQUAL_TO -> new BoolValue(a == b);
        default -> null;
      };
    }
    if ((l instanceof DTypeValue || l instanceof DimValue || l instanceof Value.EnumValue) && l.getClass() == r.getClass()) {
      return switch (op) {
        case EQUAL_TO -> new BoolValue(l.equals(r));
        case NOT_EQUAL_TO -> new BoolValue(!l.equals(r));
        default -> null;
      };
    }
    return null;
  }

  private static String text(Value v) {
    return switch (v) {
      case StringValue s -> s.value();
      case NumberValue n -> n.value().toString();
      case BoolValue b -> Boolean.toString(b.value());
      case DTypeValue d -> d.dtype().name();
      case DimValue d -> d.symbol();
      default -> v.describe();
    };
  }

  private static Value numeric(Tree.Kind op, Number a, Number b) {
    Kind k = promote(a, b);
    boolean integral = k == Kind.INT || k == Kind.LONG;
    switch (op) {
      case LESS_THAN: return new BoolValue(compare(k, a, b) < 0);
      case LESS_THAN_EQUAL: return new BoolValue(compare(k, a, b) <= 0);
      case GREATER_THAN: return new BoolValue(compare(k, a, b) > 0);
      case GREATER_THAN_EQUAL: return new BoolValue(compare(k, a, b) >= 0);
      case EQUAL_TO: return new BoolValue(compare(k, a, b) == 0);
      case NOT_EQUAL_TO: return new BoolValue(compare(k, a, b) != 0);
      default: break;
    }
    if (integral) {
      long x = a.longValue();
      long y = b.longValue();
      Long result = switch (op) {
        case PLUS -> x + y;
        case MINUS -> x - y;
        case MULTIPLY -> x * y;
        case DIVIDE -> x / y; // ArithmeticException on zero, reported by the caller
        case REMAINDER -> x % y;
        case AND -> x & y;
        case OR -> x | y;
        case XOR -> x ^ y;
        case LEFT_SHIFT -> k == Kind.INT ? (long) (a.intValue() << y) : x << y;
        case RIGHT_SHIFT -> k == Kind.INT ? (long) (a.intValue() >> y) : x >> y;
        case UNSIGNED_RIGHT_SHIFT -> k == Kind.INT ? (long) (a.intValue() >>> y) : x >>> y;
        default -> null;
      };
      return result == null ? null : number(k, k == Kind.INT ? (Number) (int) (long) result : result);
    }
    double x = a.doubleValue();
    double y = b.doubleValue();
    Double result = switch (op) {
      case PLUS -> x + y;
      case MINUS -> x - y;
      case MULTIPLY -> x * y;
      case DIVIDE -> x / y;
      case REMAINDER -> x % y;
      default -> null;
    };
    return result == null ? null : number(k, k == Kind.FLOAT ? (Number) (float) (double) result : result);
  }

  private static int compare(Kind k, Number a, Number b) {
    return k == Kind.INT || k == Kind.LONG
        ? Long.compare(a.longValue(), b.longValue())
        : Double.compare(a.doubleValue(), b.doubleValue());
  }

  /** {@code op v} for a unary operator, or null when unsupported. */
  static Value unary(Tree.Kind op, Value v) {
    if (v instanceof BoolValue(boolean b)) {
      return op == Tree.Kind.LOGICAL_COMPLEMENT ? new BoolValue(!b) : null;
    }
    if (!(v instanceof NumberValue(Number n))) {
      return null;
    }
    Kind k = kind(n);
    return switch (op) {
      case UNARY_PLUS -> v;
      case UNARY_MINUS -> k == Kind.INT || k == Kind.LONG ? number(k, -n.longValue()) : number(k, -n.doubleValue());
      case BITWISE_COMPLEMENT -> k == Kind.INT || k == Kind.LONG ? number(k, ~n.longValue()) : null;
      case PREFIX_INCREMENT, POSTFIX_INCREMENT -> numeric(Tree.Kind.PLUS, n, 1);
      case PREFIX_DECREMENT, POSTFIX_DECREMENT -> numeric(Tree.Kind.MINUS, n, 1);
      default -> null;
    };
  }

  /** The binary operator a compound assignment applies ({@code +=} is PLUS). */
  static Tree.Kind operatorOf(Tree.Kind compound) {
    return switch (compound) {
      case PLUS_ASSIGNMENT -> Tree.Kind.PLUS;
      case MINUS_ASSIGNMENT -> Tree.Kind.MINUS;
      case MULTIPLY_ASSIGNMENT -> Tree.Kind.MULTIPLY;
      case DIVIDE_ASSIGNMENT -> Tree.Kind.DIVIDE;
      case REMAINDER_ASSIGNMENT -> Tree.Kind.REMAINDER;
      case AND_ASSIGNMENT -> Tree.Kind.AND;
      case OR_ASSIGNMENT -> Tree.Kind.OR;
      case XOR_ASSIGNMENT -> Tree.Kind.XOR;
      case LEFT_SHIFT_ASSIGNMENT -> Tree.Kind.LEFT_SHIFT;
      case RIGHT_SHIFT_ASSIGNMENT -> Tree.Kind.RIGHT_SHIFT;
      case UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> Tree.Kind.UNSIGNED_RIGHT_SHIFT;
      default -> throw new IllegalArgumentException(compound.toString());
    };
  }

  /** A compound assignment's result converted back to the variable's kind, as Java does. */
  static Value narrowTo(Value result, Value old) {
    if (old instanceof NumberValue(Number o) && result instanceof NumberValue(Number n)) {
      return number(kind(o), n);
    }
    return result;
  }

  /** {@code java.lang.Math.name(args)} on constants, or null when not supported. */
  static Value math(String name, java.util.List<Value> args) {
    if (!args.stream().allMatch(NumberValue.class::isInstance)) {
      return null;
    }
    Number a = args.isEmpty() ? null : ((NumberValue) args.get(0)).value();
    Number b = args.size() < 2 ? null : ((NumberValue) args.get(1)).value();
    return switch (name + "/" + args.size()) {
      case "abs/1" -> kind(a) == Kind.INT || kind(a) == Kind.LONG ? number(kind(a), Math.abs(a.longValue())) : number(kind(a), Math.abs(a.doubleValue()));
      case "max/2" -> promoteResult(a, b, Math.max(a.doubleValue(), b.doubleValue()), Math.max(a.longValue(), b.longValue()));
      case "min/2" -> promoteResult(a, b, Math.min(a.doubleValue(), b.doubleValue()), Math.min(a.longValue(), b.longValue()));
      case "sqrt/1" -> new NumberValue(Math.sqrt(a.doubleValue()));
      case "exp/1" -> new NumberValue(Math.exp(a.doubleValue()));
      case "log/1" -> new NumberValue(Math.log(a.doubleValue()));
      case "pow/2" -> new NumberValue(Math.pow(a.doubleValue(), b.doubleValue()));
      case "floor/1" -> new NumberValue(Math.floor(a.doubleValue()));
      case "ceil/1" -> new NumberValue(Math.ceil(a.doubleValue()));
      default -> null;
    };
  }

  private static Value promoteResult(Number a, Number b, double asDouble, long asLong) {
    Kind k = promote(a, b);
    return k == Kind.INT || k == Kind.LONG ? number(k, asLong) : number(k, asDouble);
  }

  /** A constant from {@code VariableElement.getConstantValue()} as a value. */
  static Value ofConstant(Object constant) {
    return switch (constant) {
      case Integer i -> new NumberValue(i);
      case Long l -> new NumberValue(l);
      case Float f -> new NumberValue(f);
      case Double d -> new NumberValue(d);
      case Short s -> new NumberValue(s.intValue());
      case Byte b -> new NumberValue(b.intValue());
      case Character c -> new NumberValue((int) c);
      case Boolean b -> new BoolValue(b);
      case String s -> new StringValue(s);
      default -> throw new IllegalArgumentException("constant " + constant);
    };
  }
}
