package dev.kiln.processor.validation;

import dev.kiln.processor.Annotations;
import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/** @Input and @Param fields hold graph tensors. */
final class TensorFieldTypeRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    for (VariableElement f : Members.leafFields(model)) {
      if (!Members.isTensor(f.asType())) {
        d.error(f, Members.role(f) + " field '" + f.getSimpleName() + "' must be of type "
            + Annotations.TENSOR + ", found " + f.asType());
      }
    }
  }
}
