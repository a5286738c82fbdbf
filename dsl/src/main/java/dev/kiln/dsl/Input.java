package dev.kiln.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A placeholder: a tensor fed by the caller of each entry point that needs it. */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Input {}
