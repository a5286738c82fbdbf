package dev.kiln.processor.validation;

import dev.kiln.processor.Annotations;
import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/** Entry points compute one tensor. */
final class EntryMethodReturnTypeRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    for (ExecutableElement m : Members.entryMethods(model)) {
      if (!Members.isTensor(m.getReturnType())) {
        d.error(m, Members.role(m) + " method '" + m.getSimpleName() + "' must return "
            + Annotations.TENSOR + ", found " + m.getReturnType());
      }
    }
  }
}
