package dev.kiln.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A trainable variable: state owned by each model instance, updated by every trainer. */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Param {}
