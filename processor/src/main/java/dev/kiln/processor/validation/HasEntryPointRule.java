package dev.kiln.processor.validation;

import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.TypeElement;

/** A model without a @Fetch or @Loss method computes nothing a caller could ask for. */
final class HasEntryPointRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    if (Members.entryMethods(model).isEmpty()) {
      d.error(model, "@Model class '" + model.getSimpleName()
          + "' must declare at least one @Fetch or @Loss method, found none");
    }
  }
}
