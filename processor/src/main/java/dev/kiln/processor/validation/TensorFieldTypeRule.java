package dev.kiln.processor.validation;

import dev.kiln.processor.Annotations;
import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/** @Input and @Param fields hold graph tensors; an @Input may also hold a sparse one. */
final class TensorFieldTypeRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    for (VariableElement f : Members.leafFields(model)) {
      boolean sparseInput = Annotations.has(f, Annotations.INPUT)
          && f.asType().toString().equals(Annotations.SPARSE_TENSOR);
      if (!Members.isTensor(f.asType()) && !sparseInput) {
        d.error(f, Members.role(f) + " field '" + f.getSimpleName() + "' must be of type "
            + Annotations.TENSOR + ", found " + f.asType()
            + (Annotations.has(f, Annotations.INPUT) ? " (or " + Annotations.SPARSE_TENSOR + " for a sparse input)" : ""));
      }
    }
  }
}
