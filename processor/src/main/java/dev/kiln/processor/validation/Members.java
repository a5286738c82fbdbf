package dev.kiln.processor.validation;

import dev.kiln.processor.Annotations;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/** The annotated members of a model class that rules look at. */
final class Members {
  private Members() {}

  /** Fields annotated @Input, @Param or @State. */
  static List<VariableElement> leafFields(TypeElement model) {
    return ElementFilter.fieldsIn(model.getEnclosedElements()).stream()
        .filter(f -> Annotations.has(f, Annotations.INPUT) || Annotations.isVariable(f))
        .toList();
  }

  /** Methods annotated @Fetch or @Loss. */
  static List<ExecutableElement> entryMethods(TypeElement model) {
    return ElementFilter.methodsIn(model.getEnclosedElements()).stream()
        .filter(m -> Annotations.has(m, Annotations.FETCH) || Annotations.has(m, Annotations.LOSS))
        .toList();
  }

  /** The annotation a member carries, as written: {@code @Input}, {@code @Loss}. */
  static String role(Element e) {
    for (String a : List.of(Annotations.INPUT, Annotations.PARAM, Annotations.STATE, Annotations.FETCH, Annotations.LOSS)) {
      if (Annotations.has(e, a)) {
        return Annotations.written(a);
      }
    }
    return "";
  }

  static boolean isTensor(TypeMirror type) {
    return type.toString().equals(Annotations.TENSOR);
  }
}
