package dev.kiln.processor;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;

/** The DSL's annotations, looked up by name on elements. */
public final class Annotations {
  private Annotations() {}

  public static final String MODEL = "dev.kiln.dsl.Model";
  public static final String INPUT = "dev.kiln.dsl.Input";
  public static final String PARAM = "dev.kiln.dsl.Param";
  public static final String STATE = "dev.kiln.dsl.State";
  public static final String FETCH = "dev.kiln.dsl.Fetch";
  public static final String LOSS = "dev.kiln.dsl.Loss";
  public static final String TENSOR = "dev.kiln.dsl.Tensor";
  public static final String SPARSE_TENSOR = "dev.kiln.dsl.SparseTensor";

  public static boolean has(Element e, String annotation) {
    for (AnnotationMirror m : e.getAnnotationMirrors()) {
      if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().contentEquals(annotation)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a field holds a variable: a trainable @Param or a non-trainable @State. */
  public static boolean isVariable(Element e) {
    return has(e, PARAM) || has(e, STATE);
  }

  /** Whether a field's type is a {@code @Model} class: it holds a layer. */
  public static boolean isLayer(VariableElement f) {
    return f.asType() instanceof DeclaredType d && has(d.asElement(), MODEL);
  }

  /** The simple name with an @, as users write it: {@code @Input}. */
  public static String written(String annotation) {
    return "@" + annotation.substring(annotation.lastIndexOf('.') + 1);
  }
}
