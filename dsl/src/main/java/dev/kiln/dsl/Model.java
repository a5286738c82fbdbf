package dev.kiln.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a class whose fields and methods Kiln compiles into a dataflow graph at build time. The processor generates {@code <Name>Compiled} beside it. */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Model {}
