package dev.kiln.codegen.llvm;

import dev.kiln.codegen.kernel.Size;
import dev.kiln.dsl.DType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The body of one LLVM function under construction: fresh SSA names, structured loops (a phi
 * per index, so the vectorizer sees canonical loops) and ifs, and mutable scalars as entry-block
 * allocas (which O3's mem2reg turns into registers). Tracks the symbolic dimensions it uses, so
 * kernels take exactly those as i64 parameters.
 */
final class LlvmFunction {
  private final StringBuilder allocas = new StringBuilder();
  private final StringBuilder body = new StringBuilder();
  private final Map<String, Integer> counters = new HashMap<>();
  private final Set<String> symbols = new LinkedHashSet<>();
  private final Map<Size, String> sizes = new HashMap<>();
  private final Deque<Loop> loops = new ArrayDeque<>();
  private final Module module;
  private String block = "entry";

  LlvmFunction(Module module) {
    this.module = module;
  }

  Module module() {
    return module;
  }

  /** A loop under construction. */
  record Loop(String index, String head, String latch, String exit, String step) {}

  /** A fresh local name {@code %hint.N} (hint sanitized to LLVM's identifier characters). */
  String fresh(String hint) {
    String h = sanitize(hint);
    int n = counters.merge(h, 1, Integer::sum);
    return "%" + h + (n == 1 && !h.matches(".*\\d") ? "" : "." + n);
  }

  static String sanitize(String s) {
    String r = s.replaceAll("[^A-Za-z0-9._]", "_");
    return r.isEmpty() || Character.isDigit(r.charAt(0)) ? "v" + r : r;
  }

  String freshLabel(String hint) {
    return fresh(hint).substring(1);
  }

  /** Appends one instruction. */
  void emit(String instr) {
    body.append("  ").append(instr).append('\n');
  }

  /** Appends a comment line. */
  void comment(String text) {
    for (String line : text.split("\n")) {
      body.append("  ; ").append(line).append('\n');
    }
  }

  /** {@code %name = rhs}; returns the name. */
  String let(String hint, String rhs) {
    String name = fresh(hint);
    emit(name + " = " + rhs);
    return name;
  }

  /** Starts the basic block {@code name} (the previous one must end in a branch). */
  void label(String name) {
    body.append(name).append(":\n");
    block = name;
  }

  /** The i64 value of a run-time dimension: the function's parameter named after it. */
  String symbol(String symbol) {
    symbols.add(symbol);
    return symbolParam(symbol);
  }

  static String symbolParam(String symbol) {
    return "%dim." + sanitize(symbol);
  }

  Set<String> symbols() {
    return symbols;
  }

  /** An i64 value of {@code size}: a literal, or products computed once where first needed. */
  String size(Size size) {
    if (size.isConstant()) {
      return Long.toString(size.constant());
    }
    String cached = sizes.get(size);
    if (cached != null && loops.isEmpty()) {
      return cached;
    }
    String v = symbol(size.symbols().getFirst());
    for (String s : size.symbols().subList(1, size.symbols().size())) {
      v = let("size", "mul nsw i64 " + v + ", " + symbol(s));
    }
    if (size.constant() != 1) {
      v = let("size", "mul nsw i64 " + v + ", " + size.constant());
    }
    if (loops.isEmpty()) {
      sizes.put(size, v);
    }
    return v;
  }

  /** {@code a * b + c} over i64 values, skipping trivial terms. */
  String madd(String a, String b, String c) {
    String prod = a.equals("0") || b.equals("0") ? "0" : a.equals("1") ? b : b.equals("1") ? a
        : let("idx", "mul nsw i64 " + a + ", " + b);
    if (c == null || c.equals("0")) {
      return prod;
    }
    if (prod.equals("0")) {
      return c;
    }
    return let("idx", "add nsw i64 " + prod + ", " + c);
  }

  /** A mutable scalar of {@code type}: an entry-block alloca, initialized here to {@code init}. */
  String var(String hint, String type, String init) {
    String p = fresh(hint + ".addr");
    allocas.append("  ").append(p).append(" = alloca ").append(type).append('\n');
    emit("store " + type + " " + init + ", ptr " + p);
    return p;
  }

  String load(String type, String ptr) {
    return let("v", "load " + type + ", ptr " + ptr);
  }

  void store(String type, String value, String ptr) {
    emit("store " + type + " " + value + ", ptr " + ptr);
  }

  /** The address of element {@code index} of an array of {@code type} at {@code base}. */
  String gep(String type, String base, String index) {
    return let("p", "getelementptr inbounds " + type + ", ptr " + base + ", i64 " + index);
  }

  /** Opens {@code for (index = from; index < bound; index += step)}; returns its index value. */
  String loop(String hint, String from, String bound, String step) {
    String head = freshLabel(hint + ".head");
    String bodyLabel = freshLabel(hint + ".body");
    String latch = freshLabel(hint + ".latch");
    String exit = freshLabel(hint + ".exit");
    String index = fresh(hint);
    String pre = block;
    emit("br label %" + head);
    label(head);
    emit(index + " = phi i64 [ " + from + ", %" + pre + " ], [ " + index + ".next, %" + latch + " ]");
    String c = let(hint + ".cond", "icmp slt i64 " + index + ", " + bound);
    emit("br i1 " + c + ", label %" + bodyLabel + ", label %" + exit);
    label(bodyLabel);
    loops.push(new Loop(index, head, latch, exit, step));
    return index;
  }

  String loop(String hint, String bound) {
    return loop(hint, "0", bound, "1");
  }

  void endLoop() {
    Loop l = loops.pop();
    emit("br label %" + l.latch());
    label(l.latch());
    emit(l.index() + ".next = add nuw nsw i64 " + l.index() + ", " + l.step());
    emit("br label %" + l.head());
    label(l.exit());
  }

  /** Opens {@code if (cond)}; close with {@link #endIf}. */
  String ifThen(String cond) {
    String then = freshLabel("then");
    String end = freshLabel("endif");
    emit("br i1 " + cond + ", label %" + then + ", label %" + end);
    label(then);
    return end;
  }

  void endIf(String end) {
    emit("br label %" + end);
    label(end);
  }

  /** The element at {@code index} of a {@code t} array, as a compute value. */
  String loadElement(DType t, String base, String index) {
    String v = load(LlvmTypes.storage(t), gep(LlvmTypes.storage(t), base, index));
    return toCompute(t, v);
  }

  /** Stores a compute value {@code v} as element {@code index} of a {@code t} array. */
  void storeElement(DType t, String base, String index, String v) {
    store(LlvmTypes.storage(t), toStorage(t, v), gep(LlvmTypes.storage(t), base, index));
  }

  String toCompute(DType t, String v) {
    return switch (t) {
      case BOOL -> let("b", "icmp ne i8 " + v + ", 0");
      case F16 -> let("f", "fpext half " + let("h", "bitcast i16 " + v + " to half") + " to float");
      case BF16 -> {
        String wide = let("w", "zext i16 " + v + " to i32");
        yield let("f", "bitcast i32 " + let("w", "shl i32 " + wide + ", 16") + " to float");
      }
      default -> v;
    };
  }

  String toStorage(DType t, String v) {
    return switch (t) {
      case BOOL -> let("b", "zext i1 " + v + " to i8");
      case F16 -> let("h", "bitcast half " + let("h", "fptrunc float " + v + " to half") + " to i16");
      case BF16 -> {
        // Round to nearest even on the upper 16 bits (NaN payloads aside), as the reference does.
        String bits = let("w", "bitcast float " + v + " to i32");
        String lsb = let("w", "and i32 " + let("w", "lshr i32 " + bits + ", 16") + ", 1");
        String rounded = let("w", "add i32 " + let("w", "add i32 " + bits + ", 32767") + ", " + lsb);
        yield let("h", "trunc i32 " + let("w", "lshr i32 " + rounded + ", 16") + " to i16");
      }
      default -> v;
    };
  }

  /** The function's text: {@code define ... { entry: allocas body ret }}. */
  String build(String header) {
    return build(header, "ret void");
  }

  /** The function's text ending in {@code ret} (e.g. {@code ret i64 %total}). */
  String build(String header, String ret) {
    return header + " {\nentry:\n" + allocas + body + "  " + ret + "\n}\n";
  }
}
