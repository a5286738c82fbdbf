package dev.kiln.processor.validation;

import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.Trees;
import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;

/**
 * @Input and @Param fields say what they are in their initializer: placeholder(...) or
 * variable(...); a @Param may instead be assigned variable(...) in a declared constructor.
 */
final class FieldInitializerRule implements ModelRule {
  private final Trees trees;

  FieldInitializerRule(Trees trees) {
    this.trees = trees;
  }

  /** Whether a constructor does more than javac's implicit one ({@code super();}), so may assign fields. */
  private boolean declaresConstructor(TypeElement model) {
    for (ExecutableElement k : ElementFilter.constructorsIn(model.getEnclosedElements())) {
      MethodTree tree = trees.getTree(k);
      if (!k.getParameters().isEmpty() || (tree != null && tree.getBody() != null
          && tree.getBody().getStatements().stream().anyMatch(st -> !st.toString().startsWith("super()")))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void check(TypeElement model, Diagnostics d) {
    for (VariableElement f : Members.leafFields(model)) {
      Tree tree = trees.getTree(f);
      boolean input = Members.role(f).equals("@Input");
      // A @Param may instead be assigned by a declared constructor (a layer's: from its arguments).
      if (tree instanceof VariableTree v && v.getInitializer() == null && (input || !declaresConstructor(model))) {
        d.error(f, Members.role(f) + " field '" + f.getSimpleName() + "' must have an initializer such as "
            + (input ? "placeholder(F32, BATCH, 784)" : "variable(zeros(), 784, 10)") + ", found none");
      }
    }
  }
}
