package dev.warmcache.local.console;

/**
 * What the reader's function URL answers for one id, for the console to show beside the item: the
 * status and headers of a {@code GET /items/{id}}, as curl would see them.
 */
@FunctionalInterface
public interface HttpAnswers {

  /**
   * @param id an id already validated by the console
   */
  Answer get(String id);

  /**
   * @param url the function URL the request went to
   * @param status the HTTP status
   * @param headers in the order sent
   */
  record Answer(String url, int status, java.util.Map<String, String> headers) {}
}
