package dev.warmcache.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The one check of {@code ORIGIN_URL_TEMPLATE}, run by the CDK at synth, by {@link Settings} and so
 * by the refresh function's init. The refresh function percent-encodes the id into exactly one path
 * segment, so the slot must sit in the path of a fixed http(s) origin: no id can then change the
 * scheme, the host, the query or the fragment.
 */
public final class OriginTemplate {

  /** Where the id goes. */
  public static final String PLACEHOLDER = "{id}";

  private OriginTemplate() {}

  /**
   * Throws {@link InvalidSettingException} naming {@code label} unless {@code template} is usable.
   */
  public static void check(String template, String label) {
    if (template == null || template.isEmpty()) {
      throw new InvalidSettingException(
          label + " is required, e.g. https://api.example.com/items/{id}");
    }
    int slot = template.indexOf(PLACEHOLDER);
    if (slot < 0 || slot != template.lastIndexOf(PLACEHOLDER)) {
      throw new InvalidSettingException(
          label + " must contain {id} exactly once, got '" + Setting.clip(template) + "'");
    }
    URI uri;
    try {
      uri = new URI(template.replace(PLACEHOLDER, "id"));
    } catch (URISyntaxException e) {
      throw new InvalidSettingException(label + " is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new InvalidSettingException(
          label
              + " must be an absolute http or https URL with a host, got '"
              + Setting.clip(template)
              + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new InvalidSettingException(
          label + " must not carry user info (credentials), got a template with '@'");
    }
    if (uri.getRawFragment() != null) {
      throw new InvalidSettingException(
          label + " must not have a fragment ('#'), got '" + Setting.clip(template) + "'");
    }
    int pathStart = template.indexOf('/', template.indexOf("//") + 2);
    int queryStart = template.indexOf('?');
    int fragmentStart = template.indexOf('#');
    if (pathStart < 0
        || slot < pathStart
        || queryStart >= 0 && slot > queryStart
        || fragmentStart >= 0 && slot > fragmentStart) {
      throw new InvalidSettingException(
          label
              + " must have {id} in its path (not the host, query or fragment), got '"
              + Setting.clip(template)
              + "'");
    }
  }
}
