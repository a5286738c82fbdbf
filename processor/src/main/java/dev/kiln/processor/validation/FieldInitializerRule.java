package dev.kiln.processor.validation;

import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.Trees;
import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/** @Input and @Param fields say what they are in their initializer: placeholder(...) or variable(...). */
final class FieldInitializerRule implements ModelRule {
  private final Trees trees;

  FieldInitializerRule(Trees trees) {
    this.trees = trees;
  }

  @Override
  public void check(TypeElement model, Diagnostics d) {
    for (VariableElement f : Members.leafFields(model)) {
      Tree tree = trees.getTree(f);
      if (tree instanceof VariableTree v && v.getInitializer() == null) {
        boolean input = Members.role(f).equals("@Input");
        d.error(f, Members.role(f) + " field '" + f.getSimpleName() + "' must have an initializer such as "
            + (input ? "placeholder(F32, BATCH, 784)" : "variable(zeros(), 784, 10)") + ", found none");
      }
    }
  }
}
