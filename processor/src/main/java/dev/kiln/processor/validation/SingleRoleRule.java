package dev.kiln.processor.validation;

import dev.kiln.processor.Annotations;
import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/** A field is fed (@Input), trained (@Param) or kept untrained (@State): one of them. */
final class SingleRoleRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    for (VariableElement f : Members.leafFields(model)) {
      if (Annotations.has(f, Annotations.INPUT) && Annotations.has(f, Annotations.PARAM)) {
        d.error(f, "field '" + f.getSimpleName() + "' must be either @Input or @Param, found both");
      } else if (Annotations.has(f, Annotations.STATE)
          && (Annotations.has(f, Annotations.INPUT) || Annotations.has(f, Annotations.PARAM))) {
        d.error(f, "field '" + f.getSimpleName() + "' must be one of @Input, @Param and @State, found "
            + (Annotations.has(f, Annotations.INPUT) ? "@Input" : "@Param") + " and @State");
      }
    }
  }
}
