package dev.kiln.processor.validation;

import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/** Entry points read the model's @Input fields, so they take no parameters. */
final class EntryMethodParametersRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    for (ExecutableElement m : Members.entryMethods(model)) {
      int n = m.getParameters().size();
      if (n != 0 || !m.getTypeParameters().isEmpty()) {
        d.error(m, Members.role(m) + " method '" + m.getSimpleName() + "' must take no parameters (it reads"
            + " the model's @Input fields), found " + (n != 0 ? n + " parameter" + (n == 1 ? "" : "s") : "type parameters"));
      }
    }
  }
}
