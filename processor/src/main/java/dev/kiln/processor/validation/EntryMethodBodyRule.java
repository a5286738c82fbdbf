package dev.kiln.processor.validation;

import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/** Entry points are evaluated from their bodies, so they need one. */
final class EntryMethodBodyRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    for (ExecutableElement m : Members.entryMethods(model)) {
      if (m.getModifiers().contains(Modifier.ABSTRACT) || m.getModifiers().contains(Modifier.NATIVE)) {
        d.error(m, Members.role(m) + " method '" + m.getSimpleName()
            + "' must have a body that computes its tensor, found an abstract or native method");
      }
    }
  }
}
