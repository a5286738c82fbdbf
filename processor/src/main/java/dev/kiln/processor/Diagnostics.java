package dev.kiln.processor;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Every message Kiln gives the user goes through here: on an element through the Messager, or at
 * an exact tree inside a method body through {@link Trees#printMessage}. Counts errors so callers
 * can tell whether a step failed.
 */
public final class Diagnostics {
  private final Messager messager;
  private final Trees trees;
  private int errors;

  public Diagnostics(Messager messager, Trees trees) {
    this.messager = messager;
    this.trees = trees;
  }

  public void error(Element element, String message) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message, element);
  }

  public void error(Tree tree, CompilationUnitTree unit, String message) {
    errors++;
    trees.printMessage(Diagnostic.Kind.ERROR, message, tree, unit);
  }

  public void note(Element element, String message) {
    messager.printMessage(Diagnostic.Kind.NOTE, message, element);
  }

  /** Errors reported so far; compare before and after a step to see whether it failed. */
  public int errorCount() {
    return errors;
  }
}
