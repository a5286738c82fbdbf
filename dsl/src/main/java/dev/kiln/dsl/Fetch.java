package dev.kiln.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An entry point: the generated facade gets a method computing this tensor from exactly the inputs it needs. */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Fetch {}
