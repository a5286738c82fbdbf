package dev.kiln.processor.validation;

import dev.kiln.processor.Annotations;
import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/** A field is either fed (@Input) or trained (@Param), never both. */
final class SingleRoleRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    for (VariableElement f : Members.leafFields(model)) {
      if (Annotations.has(f, Annotations.INPUT) && Annotations.has(f, Annotations.PARAM)) {
        d.error(f, "field '" + f.getSimpleName() + "' must be either @Input or @Param, found both");
      }
    }
  }
}
