package dev.kiln.compiler.model;

/**
 * A file a backend produces for the front end to write.
 *
 * @param kind a Java source (compiled with the user's code) or a resource (shipped in the jar)
 * @param packageName the Java package it belongs to
 * @param name for a source, the top-level class's simple name; for a resource, its file name
 * @param content the file's text
 */
public record GeneratedFile(Kind kind, String packageName, String name, String content) {
  public enum Kind { JAVA_SOURCE, RESOURCE }
}
