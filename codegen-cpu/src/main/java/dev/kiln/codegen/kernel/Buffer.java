package dev.kiln.codegen.kernel;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.List;

/**
 * A typed, row-major array a kernel reads or writes.
 *
 * @param id unique within its program, for names
 * @param node the graph node whose value it holds
 * @param kind where its memory comes from
 * @param slot for INPUT, PARAM and RESULT: its index in the entry point's buffer array; else -1
 */
public record Buffer(int id, Node node, Kind kind, int slot) {
  /**
   * INPUT, PARAM, RESULT: passed in by the caller (results are written in place); CONST: a
   * constant array baked into the code; TEMP: an intermediate the entry point allocates; TAPE: a
   * recording loop's tape ({@link Kernel.Loop}), whose first axis is the trip count, known only
   * when the loop ends: grown on the heap by the loop and freed at the end of the call.
   */
  public enum Kind { INPUT, PARAM, RESULT, CONST, TEMP, TAPE }

  public DType dtype() {
    return node.type().dtype();
  }

  public List<Dim> dims() {
    return node.shape().dims();
  }

  public Size size() {
    return Size.of(dims());
  }
}
