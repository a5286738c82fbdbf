package dev.kiln.processor;

import com.sun.source.util.Trees;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.processor.eval.ModelReader;
import dev.kiln.processor.eval.ModelSources;
import dev.kiln.processor.validation.ModelValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/** Runs only the front end (validate, evaluate) and keeps the specs, for tests of the evaluator. */
final class SpecCapture extends AbstractProcessor {
  final List<ModelSpec> specs = new ArrayList<>();

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(Annotations.MODEL);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Trees trees = Trees.instance(processingEnv);
    Diagnostics d = new Diagnostics(processingEnv.getMessager(), trees);
    for (TypeElement a : annotations) {
      for (Element e : round.getElementsAnnotatedWith(a)) {
        TypeElement model = (TypeElement) e;
        if (new ModelValidator(d, trees).validate(model) && ModelValidator.hasEntryPoints(model)) {
          new ModelReader(trees, processingEnv.getElementUtils(), d,
              new ModelSources(trees, processingEnv.getElementUtils(), processingEnv.getFiler()))
              .read(model).ifPresent(specs::add);
        }
      }
    }
    return false;
  }
}
