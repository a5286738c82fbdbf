package dev.kiln.processor;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.SourcePositions;

/**
 * Where a graph node came from, set as the node's origin by the front end: the javac tree (for
 * reporting later errors at it) and a one-line, printable position such as
 * {@code MnistSoftmax.java:12: matmul(examples, weights)} that backends may put in comments.
 */
public record SourceOrigin(Tree tree, CompilationUnitTree unit, String file, long line, long column, String code) {

  public static SourceOrigin of(Tree tree, CompilationUnitTree unit, SourcePositions positions) {
    long pos = positions.getStartPosition(unit, tree);
    long line = pos < 0 ? -1 : unit.getLineMap().getLineNumber(pos);
    long column = pos < 0 ? -1 : unit.getLineMap().getColumnNumber(pos);
    String path = unit.getSourceFile().getName();
    String file = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
    String code = tree.toString().replaceAll("\\s+", " ").replace("*/", "* /");
    if (code.length() > 80) {
      code = code.substring(0, 77) + "...";
    }
    return new SourceOrigin(tree, unit, file, line, column, code);
  }

  @Override
  public String toString() {
    return file + ":" + line + ": " + code;
  }
}
