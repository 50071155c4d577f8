package dev.warmcache.local.stepfunctions.engine;

import java.time.Instant;

/**
 * A registered state machine.
 *
 * @param definition the definition as run, with every {@code ${...}} placeholder substituted
 */
public record StateMachine(
    String stateMachineArn, String name, String definition, String roleArn, Instant creationDate) {}
