package dev.kiln.processor.eval;

import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.Element;

/**
 * One object of a {@code @Model} class while it is evaluated: the model being compiled (the root,
 * path "") or a layer held in a field ({@code hidden}, or {@code encoder/hidden} when nested).
 * Each layer object has its own field values, so two {@code Dense} fields get two sets of
 * variables, named under their paths ({@code hidden/weights}).
 */
final class Instance {
  final ClassScope cls;
  final ClassSource source;
  /** Where this object lives, as a name scope: "" for the root, else its fields' names joined by '/'. */
  final String path;
  /** Field values (assigned by a constructor or evaluated from an initializer), or the FAILED marker. */
  final Map<Element, Object> fields = new HashMap<>();
  /** Results of the object's zero-argument methods, each built once. */
  final Map<Element, Object> calls = new HashMap<>();

  Instance(ClassScope cls, ClassSource source, String path) {
    this.cls = cls;
    this.source = source;
    this.path = path;
  }

  boolean isRoot() {
    return path.isEmpty();
  }

  /** A member's name under this object's path: the name of a variable and of a state entry. */
  String qualify(String name) {
    return path.isEmpty() ? name : path + "/" + name;
  }

  /** How a diagnostic names this object: {@code the layer 'hidden' (Dense)}. */
  String describe() {
    return isRoot() ? "the model " + cls.type.getSimpleName()
        : "the layer '" + path + "' (" + cls.type.getSimpleName() + ")";
  }
}
