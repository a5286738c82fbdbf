package dev.kiln.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A scalar objective: the generated facade gets a trainer that minimizes it over every {@code @Param}. */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Loss {}
