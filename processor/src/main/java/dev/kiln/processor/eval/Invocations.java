package dev.kiln.processor.eval;

import static dev.kiln.processor.eval.Ctx.error;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.processor.SourceOrigin;
import dev.kiln.processor.eval.Value.DimValue;
import dev.kiln.processor.eval.Value.ModelValue;
import dev.kiln.processor.eval.Value.StringValue;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.TypeElement;

/**
 * What a method invocation in model code calls: the model's or a layer's method, a DSL op
 * ({@code Ops} or a {@code Tensor} method, applied through {@link DslTable} at the call's source
 * position), {@code Dim.named} or {@code java.lang.Math} on constants.
 */
final class Invocations {
  private static final String DIM = "dev.kiln.dsl.Dim";

  private final Evaluator ev;

  Invocations(Evaluator ev) {
    this.ev = ev;
  }

  Value invoke(MethodInvocationTree call, Ctx c) {
    List<? extends ExpressionTree> argTrees = call.getArguments();
    ExpressionTree select = call.getMethodSelect();
    if (select instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (c.self() != null && !c.cls().methods(name).isEmpty()) {
        return ev.calls.callOwn(c.self(), name, argTrees, call, c, name);
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
    if (Names.isThis(recv) && c.self() != null) {
      return ev.calls.callOwn(c.self(), name, argTrees, call, c, name);
    }
    Optional<TypeElement> type = ev.names.typeOf(recv, c);
    if (type.isPresent()) {
      return callStatic(type.get(), name, call, c);
    }
    if (recv instanceof MemberSelectTree recvSel && ev.names.typeOf(recvSel.getExpression(), c).isPresent()
        && !(tryConstant(recvSel, c) instanceof TensorValue)) {
      throw error(call, c, foreignCall(recvSel + "." + name));
    }
    Value receiver = ev.eval(recv, c);
    if (receiver instanceof ModelValue(Instance layer)) {
      return ev.calls.callLayer(layer, name, argTrees, call, c);
    }
    if (Expressions.isTensor(receiver)) {
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
        args.add(ev.eval(a, c));
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
      return ev.names.select(sel, c);
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
    if (q.equals(Names.OPS)) {
      Optional<DslTable.Op> op = DslTable.op(name);
      if (op.isEmpty()) {
        throw error(call, c, "unknown DSL op '" + name + "'");
      }
      List<Value> args = new ArrayList<>();
      for (ExpressionTree a : argTrees) {
        args.add(!ControlFlowCalls.takesLambdas(name) ? ev.eval(a, c)
            : a instanceof LambdaExpressionTree lam ? ev.lambdas.lambda(lam, c)
            : a instanceof MemberReferenceTree ref ? ev.lambdas.methodReference(ref, c) : ev.eval(a, c));
      }
      return dsl(name, name, args, argTrees, call, c);
    }
    if (c.self() != null && owner.equals(c.self().cls.type)) {
      return ev.calls.callOwn(c.self(), name, argTrees, call, c, name);
    }
    if (q.equals(DIM) && name.equals("named") && argTrees.size() == 1) {
      Value v = ev.eval(argTrees.get(0), c);
      if (v instanceof StringValue(String s) && !s.isBlank()) {
        return new DimValue(s);
      }
      throw error(argTrees.get(0), c, "Dim.named expects a compile-time, non-blank string, got " + v.describe());
    }
    if (q.equals("java.lang.Math") || q.equals("java.lang.StrictMath")) {
      List<Value> args = ev.evalAll(argTrees, c);
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
    if (ev.target.region() != null) {
      args = ev.lambdas.captured(args, call, c);
      if (opName.startsWith("assign")) {
        throw error(call, c, Unsupported.message(written + "(...) inside a cond, whileLoop or scan lambda",
            "write variables outside run-time control flow, e.g. assign the result of the whileLoop"));
      }
      if (opName.endsWith("Summary")) {
        throw error(call, c, Unsupported.message(written + "(...) inside a cond, whileLoop or scan lambda",
            "summarize a tensor outside run-time control flow, e.g. the result of the whileLoop"));
      }
    }
    GraphBuilder b = ev.target.builder();
    Object previous = b.setOrigin(SourceOrigin.of(call, c.cls().unit, ev.positions));
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
}
