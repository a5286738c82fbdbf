package dev.kiln.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A state variable: like a {@link Param}, owned by each model instance and kept in its
 * checkpoints, but never trained. It changes only through {@code assign}, {@code assignAdd} and
 * {@code assignSub} (counters, running averages):
 * {@code @State Tensor steps = variable(zeros());}.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface State {}
