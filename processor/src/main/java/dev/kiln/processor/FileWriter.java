package dev.kiln.processor;

import dev.kiln.compiler.model.GeneratedFile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import javax.annotation.processing.Filer;
import javax.lang.model.element.TypeElement;
import javax.tools.FileObject;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/** Writes generated files through the Filer, each attributed to the model class it came from. */
final class FileWriter {
  private final Filer filer;

  FileWriter(Filer filer) {
    this.filer = filer;
  }

  /** A Java source is compiled with the user's code; a resource is shipped in the jar. */
  void write(GeneratedFile file, TypeElement origin) throws IOException {
    switch (file.kind()) {
      case JAVA_SOURCE -> {
        String name = file.packageName().isEmpty() ? file.name() : file.packageName() + "." + file.name();
        JavaFileObject source = filer.createSourceFile(name, origin);
        try (Writer w = source.openWriter()) {
          w.write(file.content());
        }
      }
      case RESOURCE -> writeResource(StandardLocation.CLASS_OUTPUT, file, origin);
    }
  }

  /** A resource written both beside the generated sources (to read) and into the classes (to ship). */
  void writeReadableResource(GeneratedFile file, TypeElement origin) throws IOException {
    writeResource(StandardLocation.SOURCE_OUTPUT, file, origin);
    writeResource(StandardLocation.CLASS_OUTPUT, file, origin);
  }

  /** A file for people, not for the jar: beside the generated sources only. */
  void writeSourceResource(GeneratedFile file, TypeElement origin) throws IOException {
    writeResource(StandardLocation.SOURCE_OUTPUT, file, origin);
  }

  /** Binary bytes shipped in the jar beside the class (e.g. a shared library), not text. */
  void writeBinaryResource(String packageName, String name, byte[] bytes, TypeElement origin) throws IOException {
    FileObject resource = filer.createResource(StandardLocation.CLASS_OUTPUT, packageName, name, origin);
    try (OutputStream out = resource.openOutputStream()) {
      out.write(bytes);
    }
  }

  private void writeResource(StandardLocation location, GeneratedFile file, TypeElement origin) throws IOException {
    FileObject resource = filer.createResource(location, file.packageName(), file.name(), origin);
    try (Writer w = resource.openWriter()) {
      w.write(file.content());
    }
  }
}
