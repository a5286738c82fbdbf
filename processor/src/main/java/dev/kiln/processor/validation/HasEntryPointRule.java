package dev.kiln.processor.validation;

import dev.kiln.processor.Diagnostics;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * A model without a @Fetch or @Loss method is a layer: other models hold it in a field and call
 * its methods. One with neither entry points nor instance methods computes nothing anyone could ask for.
 */
final class HasEntryPointRule implements ModelRule {
  @Override
  public void check(TypeElement model, Diagnostics d) {
    if (Members.entryMethods(model).isEmpty() && !hasLayerMethod(model)) {
      d.error(model, "@Model class '" + model.getSimpleName()
          + "' must declare at least one @Fetch or @Loss method, or, as a layer, a method that computes a tensor; found none");
    }
  }

  private static boolean hasLayerMethod(TypeElement model) {
    for (ExecutableElement m : ElementFilter.methodsIn(model.getEnclosedElements())) {
      if (!m.getModifiers().contains(Modifier.STATIC) && !m.getModifiers().contains(Modifier.PRIVATE)) {
        return true;
      }
    }
    return false;
  }
}
