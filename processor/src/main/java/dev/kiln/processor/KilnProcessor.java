package dev.kiln.processor;

import com.google.auto.service.AutoService;
import com.sun.source.util.Trees;
import dev.kiln.codegen.java.JavaBackend;
import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.GeneratedFile;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.passes.GraphExport;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.processor.eval.ModelReader;
import dev.kiln.processor.eval.ModelSources;
import dev.kiln.processor.validation.ModelValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Kiln's javac front end. For each {@code @Model} type: validate its structure, evaluate its code
 * into a graph ({@link ModelSpec}), compile the graph, and generate the backends' files. A user
 * error abandons only that model; processing of other models goes on.
 */
@AutoService(Processor.class)
public final class KilnProcessor extends AbstractProcessor {
  /** {@code -Akiln.debug=true} prints the stack trace of an internal error as a note. */
  static final String DEBUG_OPTION = "kiln.debug";

  private Trees trees;
  private Diagnostics diagnostics;
  private ModelValidator validator;
  private ModelReader reader;
  private ModelSources sources;
  private FileWriter writer;
  private AheadOfTime aheadOfTime;
  private final ClassLoader services;

  /** For javac's {@code ServiceLoader}: services such as the AOT compiler come from the processor path. */
  public KilnProcessor() {
    this(KilnProcessor.class.getClassLoader());
  }

  /** Looks up build-time services (the {@code AotCompiler}) in {@code services}: tests pass their own. */
  KilnProcessor(ClassLoader services) {
    this.services = services;
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    trees = Trees.instance(env);
    diagnostics = new Diagnostics(env.getMessager(), trees);
    validator = new ModelValidator(diagnostics, trees);
    sources = new ModelSources(trees, env.getElementUtils(), env.getFiler());
    reader = new ModelReader(trees, env.getElementUtils(), diagnostics, sources);
    writer = new FileWriter(env.getFiler());
    aheadOfTime = new AheadOfTime(env.getOptions().get(AheadOfTime.OPTION), services, diagnostics, writer);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(Annotations.MODEL);
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(DEBUG_OPTION, AheadOfTime.OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (TypeElement annotation : annotations) {
      for (Element e : round.getElementsAnnotatedWith(annotation)) {
        if (e instanceof TypeElement model) {
          processModel(model);
        }
      }
    }
    return false;
  }

  private void processModel(TypeElement model) {
    long start = System.nanoTime();
    try {
      if (!validator.validate(model)) {
        return;
      }
      // Ship the source in the jar, so that models built against this jar can inline it as a layer.
      sources.ship(model);
      if (!ModelValidator.hasEntryPoints(model)) {
        diagnostics.note(model, "Kiln checked layer " + model.getSimpleName() + ": it has no @Fetch or"
            + " @Loss method, so it is compiled into each model that holds it in a field; no "
            + model.getSimpleName() + "Compiled is generated");
        return;
      }
      Optional<ModelSpec> spec = reader.read(model);
      if (spec.isEmpty()) {
        return;
      }
      KilnCompiler.Compilation compilation;
      try {
        compilation = KilnCompiler.compileWithReport(spec.get());
      } catch (ShapeError e) {
        var modelPath = trees.getPath(model);
        if (e.node() != null && e.node().origin() instanceof SourceOrigin at
            && modelPath != null && at.unit() == modelPath.getCompilationUnit()) {
          diagnostics.error(at.tree(), at.unit(), e.getMessage());
        } else if (e.node() != null && e.node().origin() instanceof SourceOrigin at) {
          // The node came from a layer in another file or jar: name its line in the message.
          diagnostics.error(model, e.getMessage() + " (" + at + ")");
        } else {
          diagnostics.error(model, e.getMessage());
        }
        return;
      }
      CompiledModel compiled = compilation.model();
      List<GeneratedFile> files = JavaBackend.generate(compiled);
      for (GeneratedFile f : files) {
        writer.write(f, model);
      }
      String pkg = compiled.packageName();
      String simple = compiled.simpleName();
      writer.writeReadableResource(new GeneratedFile(GeneratedFile.Kind.RESOURCE, pkg,
          simple + ".graph.json", GraphExport.json(compiled)), model);
      writer.writeReadableResource(new GeneratedFile(GeneratedFile.Kind.RESOURCE, pkg,
          simple + ".graph.dot", GraphExport.dot(compiled)), model);
      writer.writeSourceResource(new GeneratedFile(GeneratedFile.Kind.RESOURCE, pkg,
          simple + ".report.html", BuildReport.html(compiled)), model);
      writeLlvm(compiled, model);
      diagnostics.note(model, report(compilation, files, System.nanoTime() - start));
    } catch (IOException e) {
      diagnostics.error(model, "Kiln could not write the files generated for model "
          + model.getSimpleName() + ": " + e.getMessage());
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      diagnostics.error(model, "Kiln could not compile model " + model.getSimpleName() + ": "
          + describe(e) + "; this is a Kiln bug");
      if (Boolean.parseBoolean(processingEnv.getOptions().get(DEBUG_OPTION))) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        diagnostics.note(model, trace.toString());
      }
    }
  }

  /**
   * The LLVM backend's {@code <Model>.ll} beside the class, which {@code create(seed, Backend.LLVM)}
   * loads, when that backend covers every op of the model, and with {@code -Akiln.aot} its
   * ahead-of-time libraries; otherwise a note naming the ops that keep it on the Java backend.
   */
  private void writeLlvm(CompiledModel compiled, TypeElement model) throws IOException {
    Set<String> missing = LlvmBackend.missingOps(compiled);
    if (missing.isEmpty()) {
      for (GeneratedFile f : LlvmBackend.generate(compiled)) {
        writer.writeReadableResource(f, model);
        aheadOfTime.write(f, model);
      }
    } else {
      diagnostics.note(model, "Kiln: " + model.getSimpleName() + " runs on the Java backend only: the LLVM"
          + " backend has no kernel for " + String.join(", ", missing));
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " (" + message.replaceAll("\\s+", " ") + ")");
  }

  /** The build report: one note per model. */
  private static String report(KilnCompiler.Compilation c, List<GeneratedFile> files, long nanos) {
    KilnCompiler.Report r = c.report();
    StringBuilder sb = new StringBuilder("Kiln compiled model ").append(c.model().simpleName())
        .append(" in ").append(nanos / 1_000_000).append(" ms: ")
        .append(r.original()).append(" graph nodes from the model, ")
        .append(r.afterCse()).append(" after common-subgraph elimination (")
        .append(r.mergedBeforeAutodiff()).append(" merged), ")
        .append(r.afterAutodiff()).append(" with gradients, ")
        .append(r.optimized()).append(" after optimization; entry points ");
    List<EntryPoint> eps = c.model().entryPoints();
    for (int i = 0; i < eps.size(); i++) {
      EntryPoint ep = eps.get(i);
      sb.append(i == 0 ? "" : ", ").append(ep.name())
          .append(ep.kind() == EntryPoint.Kind.TRAIN ? " (train, " : " (fetch, ")
          .append(ep.schedule().size()).append(" nodes)");
    }
    sb.append("; ").append(files.size()).append(" generated file").append(files.size() == 1 ? "" : "s");
    return sb.toString();
  }
}
