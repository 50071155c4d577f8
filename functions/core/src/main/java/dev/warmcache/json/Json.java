package dev.warmcache.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one configured {@link ObjectMapper}. Built once per class loader because mappers are
 * expensive to create and thread-safe to share.
 */
public final class Json {

  /**
   * Strict on input: trailing tokens are an error (so {@code {"id":1} junk} is rejected), duplicate
   * keys are an error (so two ids cannot hide in one request), and nesting is capped far below
   * Jackson's default so a deep payload fails fast.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(64).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private Json() {}
}
