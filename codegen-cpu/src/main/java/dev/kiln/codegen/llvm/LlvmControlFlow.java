package dev.kiln.codegen.llvm;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.Kernel;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.codegen.kernel.Size;
import dev.kiln.dsl.DType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Control flow on the LLVM backend: {@link Kernel.Branch} and {@link Kernel.Loop} become
 * branches and a loop in the entry function itself, around the calls of their nested kernels
 * (which the emitter writes as for any step), so regions share the entry's workspace and
 * allocate nothing, except a recording loop's tapes.
 *
 * <p>Tapes ({@link Buffer.Kind#TAPE}): each has a pointer cell in the entry's frame (null at
 * entry), grown by {@code realloc} to twice its rows whenever the loop's next row does not fit,
 * and freed when the call ends (or when its loop starts again inside an outer loop). The trip
 * count that sizes them is kept in a cell too: kernels that take the tape's {@code steps} symbol
 * as a size get the cell's value at their call.
 */
final class LlvmControlFlow {
  /** Emits nested steps at the current position of the entry function. */
  @FunctionalInterface
  interface Steps {
    void emit(List<Kernel> steps);
  }

  /** Rows a tape gets on its first growth. */
  private static final int FIRST_ROWS = 4;

  private final Module module;
  private final Map<Integer, String> tapeCells = new LinkedHashMap<>(); // by buffer id
  private final Map<String, String> symbolCells = new HashMap<>();

  /** Declares the cells of {@code program}'s tapes and trip counts; call at the top of the entry. */
  LlvmControlFlow(LlvmFunction entry, KernelProgram program) {
    this.module = entry.module();
    for (Kernel k : program.allSteps()) {
      if (k instanceof Kernel.Loop l && l.records()) {
        for (Buffer t : l.tapes()) {
          tapeCells.put(t.id(), entry.var("tape", "ptr", "null"));
        }
        symbolCells.computeIfAbsent(l.steps(), s -> entry.var("steps", "i64", "0"));
      }
    }
  }

  /** The address of {@code b}: a tape's current one, else its address in {@code ptrs}. */
  String pointer(LlvmFunction f, Buffer b, Map<Buffer, String> ptrs) {
    String cell = tapeCells.get(b.id());
    return cell != null ? f.load("ptr", cell) : ptrs.get(b);
  }

  /** The value of symbol {@code s}: a loop's trip count, else the caller's size in {@code dims}. */
  String dim(LlvmFunction f, String s, Map<String, String> dims) {
    String cell = symbolCells.get(s);
    return cell != null ? f.load("i64", cell) : dims.get(s);
  }

  /** Frees every tape (at the end of the call). */
  void freeTapes(LlvmFunction f) {
    if (tapeCells.isEmpty()) {
      return;
    }
    module.declare("declare void @free(ptr)");
    f.comment("");
    f.comment("free the recording loops' tapes");
    for (String cell : tapeCells.values()) {
      f.emit("call void @free(ptr " + f.load("ptr", cell) + ")");
    }
  }

  /** Emits {@code k}, a Branch or a Loop. */
  void emit(LlvmFunction f, Kernel k, Map<Buffer, String> ptrs, Map<String, String> dims, Steps steps) {
    switch (k) {
      case Kernel.Branch b -> branch(f, b, ptrs, steps);
      case Kernel.Loop l -> loop(f, l, ptrs, dims, steps);
      default -> throw new IllegalArgumentException("not a control-flow kernel: " + k);
    }
  }

  private static void branch(LlvmFunction f, Kernel.Branch b, Map<Buffer, String> ptrs, Steps steps) {
    String pred = f.loadElement(DType.BOOL, ptrs.get(b.pred()), "0");
    String then = f.freshLabel("then");
    String otherwise = f.freshLabel("else");
    String end = f.freshLabel("endif");
    f.emit("br i1 " + pred + ", label %" + then + ", label %" + otherwise);
    f.label(then);
    f.comment("then branch");
    steps.emit(b.then());
    f.emit("br label %" + end);
    f.label(otherwise);
    f.comment("else branch");
    steps.emit(b.otherwise());
    f.emit("br label %" + end);
    f.label(end);
  }

  private void loop(LlvmFunction f, Kernel.Loop l, Map<Buffer, String> ptrs, Map<String, String> dims,
      Steps steps) {
    f.comment("loop variables from their initial values");
    steps.emit(l.init());
    String count = null;
    String capacity = null;
    if (l.records()) {
      module.declare("declare void @free(ptr)");
      f.comment("recording: empty tapes (a tape of an earlier run of this loop is dropped)");
      count = f.var("trips", "i64", "0");
      capacity = f.var("rows", "i64", "0");
      for (Buffer t : l.tapes()) {
        String cell = tapeCells.get(t.id());
        f.emit("call void @free(ptr " + f.load("ptr", cell) + ")");
        f.store("ptr", "null", cell);
      }
    }
    String head = f.freshLabel("while.head");
    String body = f.freshLabel("while.body");
    String exit = f.freshLabel("while.exit");
    f.emit("br label %" + head);
    f.label(head);
    f.comment("condition");
    steps.emit(l.cond());
    String more = f.loadElement(DType.BOOL, ptrs.get(l.more()), "0");
    f.emit("br i1 " + more + ", label %" + body + ", label %" + exit);
    f.label(body);
    if (l.records()) {
      append(f, l, ptrs, dims, count, capacity);
    }
    f.comment("body");
    steps.emit(l.body());
    f.emit("br label %" + head);
    f.label(exit);
    if (l.records()) {
      String n = f.load("i64", count);
      f.comment("the trip count: a result, and the size " + l.steps() + " of the tapes");
      f.storeElement(DType.I32, ptrs.get(l.trips()), "0", f.let("trips", "trunc i64 " + n + " to i32"));
      f.store("i64", n, symbolCells.get(l.steps()));
    }
  }

  /** Appends each loop variable as the next row of its tape, doubling the tapes when full. */
  private void append(LlvmFunction f, Kernel.Loop l, Map<Buffer, String> ptrs, Map<String, String> dims,
      String count, String capacity) {
    module.declare("declare ptr @realloc(ptr, i64)");
    module.declare("declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)");
    f.comment("tape: this iteration's loop variables");
    String n = f.load("i64", count);
    String cap = f.load("i64", capacity);
    String[] rowBytes = new String[l.vars().size()];
    for (int i = 0; i < rowBytes.length; i++) {
      Buffer v = l.vars().get(i);
      rowBytes[i] = bytes(f, v.size(), v.dtype(), dims);
    }
    String end = f.ifThen(f.let("full", "icmp eq i64 " + n + ", " + cap));
    String empty = f.let("empty", "icmp eq i64 " + cap + ", 0");
    String grown = f.let("rows", "select i1 " + empty + ", i64 " + FIRST_ROWS + ", i64 "
        + f.let("rows", "shl nuw i64 " + cap + ", 1"));
    f.store("i64", grown, capacity);
    for (int i = 0; i < rowBytes.length; i++) {
      String cell = tapeCells.get(l.tapes().get(i).id());
      // One spare cache line: a tape of empty rows still gets a real allocation.
      String size = f.let("bytes", "add nuw i64 " + f.let("bytes", "mul nuw i64 " + grown + ", " + rowBytes[i])
          + ", 64");
      f.store("ptr", f.let("tape", "call ptr @realloc(ptr " + f.load("ptr", cell) + ", i64 " + size + ")"), cell);
    }
    f.endIf(end);
    for (int i = 0; i < rowBytes.length; i++) {
      String tape = f.load("ptr", tapeCells.get(l.tapes().get(i).id()));
      String row = f.let("row", "getelementptr inbounds i8, ptr " + tape + ", i64 "
          + f.let("at", "mul nuw i64 " + n + ", " + rowBytes[i]));
      f.emit("call void @llvm.memcpy.p0.p0.i64(ptr " + row + ", ptr " + ptrs.get(l.vars().get(i)) + ", i64 "
          + rowBytes[i] + ", i1 false)");
    }
    f.store("i64", f.let("trips", "add nuw i64 " + n + ", 1"), count);
  }

  /**
   * {@code size} elements of {@code t} in bytes, from the entry's loaded sizes (not
   * {@link LlvmFunction#size}, which caches values where they may not dominate later uses).
   */
  private String bytes(LlvmFunction f, Size size, DType t, Map<String, String> dims) {
    String v = Long.toString(size.constant() * t.byteSize());
    for (String s : size.symbols()) {
      v = f.let("bytes", "mul nuw i64 " + v + ", " + dim(f, s, dims));
    }
    return v;
  }
}
