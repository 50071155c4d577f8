package dev.warmcache.local.tasks;

import java.util.List;

/**
 * One {@code PutEvents} entry as the Task state wrote it; {@code detail} is the JSON text.
 *
 * @param eventBusName the bus name or ARN, {@code null} for the default bus
 */
public record EventEntry(
    String source, String detailType, String detail, String eventBusName, List<String> resources) {}
